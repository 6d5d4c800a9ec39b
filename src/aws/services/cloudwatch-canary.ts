// CloudWatch: a Synthetics canary's SuccessPercent (CloudWatchSynthetics namespace, one datapoint per run), read
// with GetMetricData like the replica lag (src/aws/services/cloudwatch.ts) so the controller's clients suffice.
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { ServiceClients } from '../clients.js';
import { awsCallError } from '../errors.js';

type CloudWatch = ServiceClients<'cloudwatch'>;

export interface CanaryRunPoint {
  /** Start of the datapoint's one-minute period (ms). */
  at: number;
  /** 100 for a minute whose runs all passed, 0 for one whose runs all failed. */
  successPercent: number;
}

/** The canary's per-minute Average SuccessPercent in the `windowMs` before `nowMs`, oldest first. */
export async function canarySuccessSeries(
  aws: CloudWatch,
  canaryName: string,
  nowMs: number,
  windowMs = 15 * 60_000,
): Promise<CanaryRunPoint[]> {
  const points: CanaryRunPoint[] = [];
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
              Id: 'success',
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: 'CloudWatchSynthetics',
                  MetricName: 'SuccessPercent',
                  Dimensions: [{ Name: 'CanaryName', Value: canaryName }],
                },
                Period: 60,
                Stat: 'Average',
              },
            },
          ],
        }),
      );
    } catch (err) {
      throw awsCallError(
        {
          operation: 'cloudwatch:GetMetricData',
          resource: `CloudWatchSynthetics SuccessPercent ${canaryName}`,
          region: aws.region,
        },
        err,
      );
    }
    const result = out.MetricDataResults?.[0];
    (result?.Timestamps ?? []).forEach((t, i) => {
      const value = Number(result?.Values?.[i]);
      if (Number.isFinite(value)) points.push({ at: new Date(t).getTime(), successPercent: value });
    });
    token = out.NextToken;
  } while (token);
  return points.sort((a, b) => a.at - b.at);
}
