// What the controller observes, remembers and is configured with; the decision function works on these only.
import type { StepName } from '../steps.js';

/** One probe's verdict: `unknown` means the probe could not run or gave no answer we can interpret. */
export type Signal = 'healthy' | 'unhealthy' | 'unknown';

/** Where the failover record resolves to, as a controller signal: this region's ALB, the peer's, or neither/unresolvable. */
export type DnsSignal = 'self' | 'peer' | 'unknown';

export interface LagSample {
  /** Datapoint timestamp (ms). */
  at: number;
  seconds: number;
}

export interface Observation {
  at: number;
  /** The peer region's public health endpoint, probed from this region. */
  peerHealth: Signal;
  /** Whether the peer region's ALB accepts connections at all (TCP), from this region. */
  peerAlb: Signal;
  /** Where DNS (the data plane) answers the failover record now. */
  dns: DnsSignal;
  /** This region's own deep health check. */
  selfHealth: Signal;
  /** ReplicaLag datapoints of this region's replica (own-region CloudWatch), any order. */
  replicaLag: LagSample[];
  /** This region's database as RDS describes it; undefined when the describe failed. */
  database: { isReplica: boolean; status: string; endpoint?: string } | undefined;
  /** This region's maintenance flag is `on` (it takes no writes and fails its health check). */
  maintenanceOn?: boolean;
  /** What the other region's gateways say about its database (primary role only; undefined when not asked). */
  peerWriter?: { databaseRole: 'writer' | 'replica' | undefined; writerEndpoint: string | undefined };
}

export interface ObservationSummary {
  at: number;
  peerHealth: Signal;
  peerAlb: Signal;
  dns: DnsSignal;
  selfHealth: Signal;
}

export type PromotionStatus = 'none' | 'started' | 'completed';

export interface ControllerState {
  /** Optimistic-concurrency version; every write must match the version it read. */
  version: number;
  /** Start of the current streak in which every signal said the peer is down. */
  firstUnhealthyAt: number | undefined;
  /** Start of the current streak in which signals disagree (some say down, some do not). */
  firstDisagreeAt: number | undefined;
  /**
   * Start of the current episode in which any signal has said the peer is down (disagreeing, then all down):
   * when replication was last known good. Route 53 fails over minutes after the probes fail, so the start of the
   * all-down streak is too late a moment to read the lag at. Absent in state written before this field existed.
   */
  outageStartedAt?: number | undefined;
  history: ObservationSummary[];
  lagSamples: LagSample[];
  promotion: {
    status: PromotionStatus;
    startedAt?: number;
    completedAt?: number;
    completedSteps: StepName[];
    lagAtDecision?: LagSample;
  };
  lastPage: { code: string; at: number } | undefined;
}

export interface ControllerConfig {
  role: 'primary' | 'secondary';
  enabled: boolean;
  windowSeconds: number;
  rpoGuardSeconds: number;
  /** How much older than the outage start the last lag datapoint may be and still count. */
  lagMaxAgeSeconds: number;
  /** Re-send the same page at most this often. */
  repageSeconds: number;
  /** Seconds between scheduled runs; a longer gap between observations breaks a streak. */
  scheduleSeconds?: number;
}

export type Action =
  | { kind: 'none' }
  | { kind: 'page'; notify: boolean }
  | { kind: 'promote'; steps: StepName[] }
  | { kind: 'resume-promotion'; steps: StepName[] }
  | { kind: 'already-promoted' }
  /** Set this region's own maintenance flag `on`: the writer is in the other region now. */
  | { kind: 'fence-self' };

export interface Decision {
  action: Action;
  /** Stable code of the reason, e.g. `LAG_TOO_HIGH`. */
  code: string;
  reason: string;
  state: ControllerState;
}

export const HISTORY_LIMIT = 30;
export const LAG_SAMPLE_LIMIT = 60;

export function initialState(): ControllerState {
  return {
    version: 0,
    firstUnhealthyAt: undefined,
    firstDisagreeAt: undefined,
    outageStartedAt: undefined,
    history: [],
    lagSamples: [],
    promotion: { status: 'none', completedSteps: [] },
    lastPage: undefined,
  };
}
