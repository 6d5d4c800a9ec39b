// RDS ReplicaLag as an RPO bound. While the source is reachable the latest datapoint is the bound. Once the source
// becomes unreachable RDS keeps reporting a lag that grows with the clock (one second per second), which overstates
// what can be lost: the bound is the lag when that growth began, i.e. when replication stopped.
import type { LagPoint } from '../aws/services/cloudwatch.js';

export type { LagPoint } from '../aws/services/cloudwatch.js';

/** How close a step's lag growth must be to the elapsed time to count as "growing with the clock". */
const CLOCK_SLOPE_TOLERANCE = 0.2;

/**
 * The lag that bounds data loss now. When the newest datapoints grow with the clock (at least two steps), the
 * replica stopped receiving changes around the ramp's start (`stoppedAt`): the bound is the last datapoint before it.
 */
export function lagAtReplicationStop(
  points: LagPoint[],
): { seconds: number; stoppedAt: number | undefined; latest: LagPoint; lastGood?: LagPoint } | undefined {
  const latest = points.at(-1);
  if (!latest) return undefined;
  let k = points.length - 1;
  while (k > 0) {
    const prev = points[k - 1] as LagPoint;
    const cur = points[k] as LagPoint;
    const elapsed = (cur.at - prev.at) / 1000;
    const grew = cur.seconds - prev.seconds;
    if (elapsed <= 0 || Math.abs(grew - elapsed) > CLOCK_SLOPE_TOLERANCE * elapsed) break;
    k--;
  }
  const rampSteps = points.length - 1 - k;
  if (rampSteps < 2) return { seconds: latest.seconds, stoppedAt: undefined, latest };
  const start = points[k] as LagPoint;
  if (k === 0) return { seconds: start.seconds, stoppedAt: start.at, latest };
  // Replication stopped between the last normal datapoint and the ramp's first: extrapolate the ramp (one second
  // per second) back to that normal datapoint; the stop lag is at least that datapoint's own lag.
  const before = points[k - 1] as LagPoint;
  const onRamp = start.seconds - (start.at - before.at) / 1000;
  return { seconds: Math.max(before.seconds, onRamp), stoppedAt: start.at, latest, lastGood: before };
}
