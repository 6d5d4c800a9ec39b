// What a drill needs from the outside world, injected so tests drive it end to end against doubles.
import type { OperatorDeps } from '../operator/deps.js';
import type { DbCanary } from './db-canary.js';
import type { DrillMode } from './report-types.js';

export interface DrillDeps extends OperatorDeps {
  /** The RDS canary writer; without one the RDS figure is the ReplicaLag at fault injection. */
  db?: DbCanary;
}

export interface DrillOptions {
  mode: DrillMode;
  yes: boolean;
  /** Go ahead although some pre-checks could not be checked. */
  acceptUnchecked?: boolean;
  /** Longest wait for DNS, writes and canaries after the fault (default 15 min). */
  timeoutMs?: number;
  /** Longest wait for DNS to return to the primary after the restore (default 10 min). */
  restoreTimeoutMs?: number;
  pollMs?: number;
  /** Aborted by Ctrl-C: stop measuring, undo the fault, report. */
  signal?: AbortSignal;
}
