// The order canary as a failover signal: a region whose canary cannot place and read back an order for several runs
// in a row cannot trade, whatever its health checks say. A canary that published nothing recently is "unknown",
// never "failing": a stopped canary must not move traffic or promote a database on its own.
import type { ServiceClients } from '../aws/clients.js';
import { canarySuccessSeries, type CanaryRunPoint } from '../aws/services/cloudwatch.js';

export type { CanaryRunPoint } from '../aws/services/cloudwatch.js';

export interface CanarySignalOptions {
  /** A minute below this SuccessPercent counts as failed (the canaries layer's CanarySuccessThresholdPercent). */
  thresholdPercent: number;
  /** Consecutive failed minutes, newest first, that make the signal `failing` (CanaryAlarmEvaluationPeriods). */
  failingMinutes: number;
  /** The newest datapoint must be at most this old, else the signal is `unknown`. */
  maxAgeMs: number;
}

export const CANARY_SIGNAL_DEFAULTS: CanarySignalOptions = {
  thresholdPercent: 90,
  failingMinutes: 3,
  maxAgeMs: 5 * 60_000,
};

export interface CanarySignal {
  state: 'ok' | 'failing' | 'unknown';
  canaryName: string;
  /** Failed minutes in a row, counted from the newest datapoint. */
  failedMinutes: number;
  latest?: CanaryRunPoint;
  reason: string;
}

/** Decides the signal from a SuccessPercent series (oldest first), as of `nowMs`. */
export function evaluateCanarySignal(
  canaryName: string,
  points: CanaryRunPoint[],
  nowMs: number,
  options: Partial<CanarySignalOptions> = {},
): CanarySignal {
  const o = { ...CANARY_SIGNAL_DEFAULTS, ...options };
  const latest = points.at(-1);
  if (!latest || nowMs - latest.at > o.maxAgeMs) {
    const age = latest ? `${Math.round((nowMs - latest.at) / 1000)} s ago` : 'never in the window';
    return {
      state: 'unknown',
      canaryName,
      failedMinutes: 0,
      ...(latest ? { latest } : {}),
      reason: `canary ${canaryName} last reported ${age} (limit ${o.maxAgeMs / 1000} s): stopped, or cannot publish its metrics`,
    };
  }
  let failed = 0;
  for (let i = points.length - 1; i >= 0 && (points[i] as CanaryRunPoint).successPercent < o.thresholdPercent; i--)
    failed++;
  const failing = failed >= o.failingMinutes;
  return {
    state: failing ? 'failing' : 'ok',
    canaryName,
    failedMinutes: failed,
    latest,
    reason: failing
      ? `canary ${canaryName} failed to place and read back an order for ${failed} minute(s) in a row (SuccessPercent < ${o.thresholdPercent} %, limit ${o.failingMinutes})`
      : `canary ${canaryName}: ${latest.successPercent} % of the latest minute's runs passed (${failed} failed minute(s) in a row, limit ${o.failingMinutes})`,
  };
}

/** Reads the canary's SuccessPercent in its own region and evaluates it. */
export async function readCanarySignal(
  aws: ServiceClients<'cloudwatch'>,
  canaryName: string,
  nowMs: number,
  options: Partial<CanarySignalOptions> = {},
): Promise<CanarySignal> {
  const o = { ...CANARY_SIGNAL_DEFAULTS, ...options };
  const windowMs = Math.max(o.maxAgeMs, (o.failingMinutes + 2) * 60_000);
  return evaluateCanarySignal(canaryName, await canarySuccessSeries(aws, canaryName, nowMs, windowMs), nowMs, o);
}
