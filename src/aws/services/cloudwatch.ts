// CloudWatch: RDS ReplicaLag and a canary's SuccessPercent, each read one way for the controller, the runbooks and the drill. GetMetricData rather
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

export interface CanaryRunPoint {
  /** Start of the datapoint's one-minute period (ms). */
  at: number;
  /** 100 for a minute whose runs all passed, 0 for one whose runs all failed. */
  successPercent: number;
}

interface MetricRef {
  namespace: string;
  metricName: string;
  dimension: { Name: string; Value: string };
  stat: 'Maximum' | 'Average';
}

/** One metric's per-minute datapoints in the `windowMs` before `nowMs` (a datapoint stamped `nowMs` counts), oldest first. */
async function minuteSeries(
  aws: CloudWatch,
  metric: MetricRef,
  nowMs: number,
  windowMs: number,
): Promise<{ at: number; value: number }[]> {
  const points: { at: number; value: number }[] = [];
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
              Id: 'series',
              ReturnData: true,
              MetricStat: {
                Metric: { Namespace: metric.namespace, MetricName: metric.metricName, Dimensions: [metric.dimension] },
                Period: 60,
                Stat: metric.stat,
              },
            },
          ],
        }),
      );
    } catch (err) {
      throw awsCallError(
        {
          operation: 'cloudwatch:GetMetricData',
          resource: `${metric.namespace} ${metric.metricName} ${metric.dimension.Value}`,
          region: aws.region,
        },
        err,
      );
    }
    const result = out.MetricDataResults?.[0];
    (result?.Timestamps ?? []).forEach((t, i) => {
      const value = Number(result?.Values?.[i]);
      if (Number.isFinite(value)) points.push({ at: new Date(t).getTime(), value });
    });
    token = out.NextToken;
  } while (token);
  return points.sort((a, b) => a.at - b.at);
}

/**
 * A replica's ReplicaLag (per-minute Maximum) in the `windowMs` before `nowMs`, oldest first. Empty when RDS
 * published nothing (a replica that is not replicating, or a standalone instance).
 */
export async function replicaLagSeries(
  aws: CloudWatch,
  dbIdentifier: string,
  nowMs: number,
  windowMs = 30 * 60_000,
): Promise<LagPoint[]> {
  const metric: MetricRef = {
    namespace: 'AWS/RDS',
    metricName: 'ReplicaLag',
    dimension: { Name: 'DBInstanceIdentifier', Value: dbIdentifier },
    stat: 'Maximum',
  };
  return (await minuteSeries(aws, metric, nowMs, windowMs)).map((p) => ({ at: p.at, seconds: p.value }));
}

/** A Synthetics canary's per-minute Average SuccessPercent (one datapoint per run) before `nowMs`, oldest first. */
export async function canarySuccessSeries(
  aws: CloudWatch,
  canaryName: string,
  nowMs: number,
  windowMs = 15 * 60_000,
): Promise<CanaryRunPoint[]> {
  const metric: MetricRef = {
    namespace: 'CloudWatchSynthetics',
    metricName: 'SuccessPercent',
    dimension: { Name: 'CanaryName', Value: canaryName },
    stat: 'Average',
  };
  return (await minuteSeries(aws, metric, nowMs, windowMs)).map((p) => ({ at: p.at, successPercent: p.value }));
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
