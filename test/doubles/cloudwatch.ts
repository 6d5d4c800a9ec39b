// CloudWatch double: metric datapoints per region, served by GetMetricData and GetMetricStatistics with the
// service's windowing (StartTime inclusive, EndTime exclusive, newest first by default), e.g. RDS ReplicaLag.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, unsupported } from './fake-client.js';

interface Point {
  region: string;
  namespace: string;
  metric: string;
  dims: string;
  at: number;
  value: number;
}

type Dimension = { Name?: string; Value?: string };

function dimKey(dims: Dimension[] | Record<string, string> | undefined): string {
  const list = Array.isArray(dims)
    ? dims.map((d) => [d.Name ?? '', d.Value ?? ''] as const)
    : Object.entries(dims ?? {});
  return list
    .map(([n, v]) => `${n}=${v}`)
    .sort()
    .join(',');
}

function ms(t: unknown): number {
  return t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(String(t));
}

function stat(values: number[], name: string): number {
  switch (name) {
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    default:
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

export class CloudWatchDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  private readonly points: Point[] = [];
  private readonly now: () => number;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  put(
    region: string,
    namespace: string,
    metric: string,
    dims: Record<string, string>,
    at: number,
    value: number,
  ): void {
    this.points.push({ region, namespace, metric, dims: dimKey(dims), at, value });
  }

  /** RDS publishes ReplicaLag (seconds) for a replica, in the replica's region. */
  putReplicaLag(region: string, dbInstanceIdentifier: string, at: number, seconds: number): void {
    this.put(region, 'AWS/RDS', 'ReplicaLag', { DBInstanceIdentifier: dbInstanceIdentifier }, at, seconds);
  }

  client(region: string): CloudWatchClient {
    return fakeClient<CloudWatchClient>('cloudwatch', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  /** Datapoints aggregated per period bucket, newest first. */
  private series(
    region: string,
    metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] },
    start: number,
    end: number,
    period: number,
    statName: string,
  ): { at: number; value: number }[] {
    const key = dimKey(metric.Dimensions);
    const buckets = new Map<number, number[]>();
    for (const p of this.points) {
      if (p.region !== region || p.namespace !== metric.Namespace || p.metric !== metric.MetricName || p.dims !== key)
        continue;
      if (p.at < start || p.at >= end) continue;
      const b = start + Math.floor((p.at - start) / (period * 1000)) * period * 1000;
      buckets.set(b, [...(buckets.get(b) ?? []), p.value]);
    }
    return [...buckets.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([at, vals]) => ({ at, value: stat(vals, statName) }));
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    const start = ms(input.StartTime);
    const end = ms(input.EndTime);
    switch (op) {
      case 'GetMetricData': {
        const queries =
          (input.MetricDataQueries as {
            Id: string;
            MetricStat?: {
              Metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };
              Period: number;
              Stat: string;
            };
          }[]) ?? [];
        return {
          MetricDataResults: queries.map((q) => {
            if (!q.MetricStat) throw unsupported('cloudwatch', 'GetMetricData with expressions');
            let s = this.series(region, q.MetricStat.Metric, start, end, q.MetricStat.Period, q.MetricStat.Stat);
            if (input.ScanBy === 'TimestampAscending') s = s.reverse();
            return {
              Id: q.Id,
              Label: q.MetricStat.Metric.MetricName,
              StatusCode: 'Complete',
              Timestamps: s.map((p) => new Date(p.at)),
              Values: s.map((p) => p.value),
            };
          }),
        };
      }
      case 'GetMetricStatistics': {
        const stats = (input.Statistics as string[]) ?? ['Average'];
        const metric = {
          Namespace: input.Namespace as string,
          MetricName: input.MetricName as string,
          Dimensions: input.Dimensions as Dimension[],
        };
        const first = this.series(region, metric, start, end, Number(input.Period), stats[0] ?? 'Average');
        return {
          Label: metric.MetricName,
          Datapoints: first.map((p) => ({
            Timestamp: new Date(p.at),
            ...Object.fromEntries(
              stats.map((s) => [
                s,
                this.series(region, metric, start, end, Number(input.Period), s).find((x) => x.at === p.at)?.value,
              ]),
            ),
            Unit: 'Seconds',
          })),
        };
      }
      default:
        throw unsupported('cloudwatch', op);
    }
  }
}
