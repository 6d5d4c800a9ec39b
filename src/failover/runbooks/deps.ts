// What the runbooks need from the outside world, injected so tests drive them end to end against doubles.
import type { ClientFactory } from '../../aws/clients.js';
import type { EnvironmentConfig } from '../../config/config-types.js';
import type { Reporter } from '../../io/messages.js';
import type { Clock } from './clock.js';
import type { DnsResolver } from './dns.js';
import type { HttpProbe } from './http-probe.js';
import type { StateStore } from './state-store.js';
import type { Topology } from './topology.js';

/** What every operator command (runbooks and drills) acts through: the deployed names, AWS, time, HTTP and DNS. */
export interface OperatorDeps {
  /** Project root: where .drctl/<env>/ state lives. */
  root: string;
  config: EnvironmentConfig;
  topology: Topology;
  clients: ClientFactory;
  clock: Clock;
  http: HttpProbe;
  dns: DnsResolver;
  reporter: Reporter;
}

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

/** The RPO guard: the failover layer's RpoGuardSeconds when deployed, else the environment's RPO objective. */
export function rpoGuardSeconds(deps: Pick<RunbookDeps, 'config' | 'topology'>): number {
  return deps.topology.secondary.rpoGuardSeconds ?? deps.config.objectives.rpoSeconds;
}
