// What the runbooks need beyond the operator home's dependencies: where their own state is kept.
import type { OperatorDeps } from '../../operator/deps.js';
import type { StateStore } from './state-store.js';

export type { OperatorDeps } from '../../operator/deps.js';
export { rpoGuardSeconds } from '../../operator/deps.js';

export interface RunbookDeps extends OperatorDeps {
  store: StateStore;
}

/** Waits, in milliseconds; real runs use the defaults, tests may shorten them. */
export interface RunbookTimeouts {
  promotionMs: number;
  replicaCreateMs: number;
  deleteMs: number;
  lagMs: number;
  healthMs: number;
  dnsMs: number;
  capacityMs: number;
  pollMs: number;
}

export const DEFAULT_TIMEOUTS: RunbookTimeouts = {
  promotionMs: 30 * 60_000,
  replicaCreateMs: 90 * 60_000,
  deleteMs: 45 * 60_000,
  lagMs: 60 * 60_000,
  healthMs: 10 * 60_000,
  dnsMs: 10 * 60_000,
  capacityMs: 15 * 60_000,
  pollMs: 15_000,
};
