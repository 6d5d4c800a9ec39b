// The canary signal the failover controller can read: failing only after consecutive failed minutes, unknown when the
// canary stopped reporting, read through GetMetricData from the canary's own region.
import { describe, expect, it } from 'vitest';
import { AwsWorld } from '../doubles/aws-world.js';
import { evaluateCanarySignal, readCanarySignal } from '../../src/operator/canary-signal.js';

const NOW = Date.parse('2026-01-05T12:00:00Z');
const MIN = 60_000;
const series = (values: number[]) => values.map((v, i) => ({ at: NOW - (values.length - i) * MIN, successPercent: v }));

describe('canary signal', () => {
  it('is ok while the newest minutes pass, and failing after enough failed minutes in a row', () => {
    expect(evaluateCanarySignal('cr-dev', series([100, 100, 100]), NOW).state).toBe('ok');
    const two = evaluateCanarySignal('cr-dev', series([100, 0, 0]), NOW);
    expect(two).toMatchObject({ state: 'ok', failedMinutes: 2 });
    const three = evaluateCanarySignal('cr-dev', series([100, 0, 50, 0]), NOW);
    expect(three).toMatchObject({ state: 'failing', failedMinutes: 3 });
    expect(three.reason).toMatch(/3 minute\(s\) in a row/);
    // A passing newest minute resets the count.
    expect(evaluateCanarySignal('cr-dev', series([0, 0, 0, 100]), NOW)).toMatchObject({
      state: 'ok',
      failedMinutes: 0,
    });
  });

  it('is unknown, never failing, when the canary published nothing recently', () => {
    expect(evaluateCanarySignal('cr-dev', [], NOW).state).toBe('unknown');
    const stale = evaluateCanarySignal('cr-dev', [{ at: NOW - 20 * MIN, successPercent: 0 }], NOW);
    expect(stale.state).toBe('unknown');
    expect(stale.reason).toMatch(/last reported 1200 s ago/);
  });

  it('honours the template thresholds it is given', () => {
    expect(
      evaluateCanarySignal('cr-dev', series([100, 80]), NOW, { thresholdPercent: 90, failingMinutes: 1 }).state,
    ).toBe('failing');
    expect(
      evaluateCanarySignal('cr-dev', series([100, 80]), NOW, { thresholdPercent: 75, failingMinutes: 1 }).state,
    ).toBe('ok');
  });

  it('reads SuccessPercent of the named canary in its region through CloudWatch', async () => {
    const aws = new AwsWorld({ start: NOW });
    for (const [i, v] of [100, 0, 0, 0].entries()) {
      aws.cloudwatch.put(
        'us-west-2',
        'CloudWatchSynthetics',
        'SuccessPercent',
        { CanaryName: 'cr-dev' },
        NOW - (4 - i) * MIN,
        v,
      );
      // Another canary and another region are not read.
      aws.cloudwatch.put(
        'us-west-2',
        'CloudWatchSynthetics',
        'SuccessPercent',
        { CanaryName: 'cp-dev' },
        NOW - (4 - i) * MIN,
        100,
      );
      aws.cloudwatch.put(
        'us-east-1',
        'CloudWatchSynthetics',
        'SuccessPercent',
        { CanaryName: 'cr-dev' },
        NOW - (4 - i) * MIN,
        100,
      );
    }
    const signal = await readCanarySignal(aws.clientsFor('us-west-2'), 'cr-dev', NOW);
    expect(signal).toMatchObject({ state: 'failing', failedMinutes: 3, canaryName: 'cr-dev' });
    const calls = aws.cloudwatch.log.ops('cloudwatch', 'GetMetricData');
    expect(calls).toHaveLength(1);
  });

  it('maps a CloudWatch failure to an AWS error naming the operation and the canary', async () => {
    const aws = new AwsWorld({ start: NOW });
    aws.cloudwatch.failures.failNext('GetMetricData', () =>
      Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $fault: 'client' }),
    );
    await expect(readCanarySignal(aws.clientsFor('us-west-2'), 'cr-dev', NOW)).rejects.toMatchObject({
      message: expect.stringMatching(/cloudwatch:GetMetricData.*SuccessPercent cr-dev/),
    });
  });
});
