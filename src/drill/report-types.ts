// The drill report: what was done, what was measured, against which objective, and what each figure rests on.
import type { PrecheckResult } from '../operator/prechecks.js';
import type { Store } from './canaries.js';

export type DrillMode = 'health-flag' | 'inverted-check';

export const DRILL_MODES: DrillMode[] = ['health-flag', 'inverted-check'];

export interface TimelineEvent {
  /** ISO time. */
  at: string;
  /** Seconds relative to fault injection (negative before it). */
  t: number;
  event: string;
  detail?: Record<string, unknown>;
}

export interface StoreRpo {
  store: Store;
  /** Seconds between the canary write and its first sighting in the secondary; null when never seen. */
  seconds: number | null;
  met: boolean;
  basis: string;
  writtenAt: string | null;
  seenAt: string | null;
}

export interface DrillReport {
  kind: 'drctl-drill';
  environment: string;
  mode: DrillMode;
  drillId: string;
  startedAt: string;
  finishedAt: string;
  outcome: 'passed' | 'failed' | 'interrupted';
  /** Why the outcome is `failed` (objectives missed, timeouts, restore problems). */
  missed: string[];
  objectives: { rtoSeconds: number; rpoSeconds: number };
  rto: {
    /** Fault injection → first successful write through the public endpoint served by the secondary. */
    seconds: number | null;
    met: boolean;
    dnsFlipSeconds: number | null;
    writesRecoveredSeconds: number | null;
    basis: string;
  };
  rpo: { worstSeconds: number | null; met: boolean; stores: StoreRpo[] };
  promotion: { observed: boolean; seconds: number | null };
  restore: { action: string; restored: boolean; dnsRestoredSeconds: number | null; note?: string };
  prechecks: PrecheckResult[];
  timeline: TimelineEvent[];
}
