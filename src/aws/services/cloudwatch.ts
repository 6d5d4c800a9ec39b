// CloudWatch: RDS ReplicaLag, read one way for the controller, the runbooks and the drill. GetMetricData rather
// than GetMetricStatistics: it is the API AWS recommends for retrieving metric data (more datapoints per call,
// paginated, ordered by timestamp on request), and the controller already used it; one reader means one place to
// get periods, bounds and the datapoint timestamps right.
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { ServiceClients } from '../clients.js';
import { awsCallError } from '../errors.js';

type CloudWatch = ServiceClients<'cloudwatch'>;

export interface LagPoint {
  /** Datapoint timestamp (ms): the start of its one-minute period. */
  at: number;
  seconds: number;
}

/**
 * A replica's ReplicaLag (per-minute Maximum) in the `windowMs` before `nowMs` (a datapoint stamped `nowMs` counts),
 * oldest first. Empty when RDS published nothing (a replica that is not replicating, or a standalone instance).
 */
export async function replicaLagSeries(
  aws: CloudWatch,
  dbIdentifier: string,
  nowMs: number,
  windowMs = 30 * 60_000,
): Promise<LagPoint[]> {
  const points: LagPoint[] = [];
  let token: string | undefined;
  do {
    let out;
    try {
      out = await aws.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(nowMs - windowMs),
          EndTime: new Date(nowMs + 1),
          ScanBy: 'TimestampAscending',
          ...(token ? { NextToken: token } : {}),
          MetricDataQueries: [
            {
              Id: 'lag',
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/RDS',
                  MetricName: 'ReplicaLag',
                  Dimensions: [{ Name: 'DBInstanceIdentifier', Value: dbIdentifier }],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      );
    } catch (err) {
      throw awsCallError(
        { operation: 'cloudwatch:GetMetricData', resource: `AWS/RDS ReplicaLag ${dbIdentifier}`, region: aws.region },
        err,
      );
    }
    const result = out.MetricDataResults?.[0];
    (result?.Timestamps ?? []).forEach((t, i) => {
      const seconds = Number(result?.Values?.[i]);
      if (Number.isFinite(seconds)) points.push({ at: new Date(t).getTime(), seconds });
    });
    token = out.NextToken;
  } while (token);
  return points.sort((a, b) => a.at - b.at);
}

/** The newest ReplicaLag datapoint of the last `windowMs`, or undefined when there is none. */
export async function latestReplicaLag(
  aws: CloudWatch,
  dbIdentifier: string,
  nowMs: number,
  windowMs = 10 * 60_000,
): Promise<LagPoint | undefined> {
  return (await replicaLagSeries(aws, dbIdentifier, nowMs, windowMs)).at(-1);
}
