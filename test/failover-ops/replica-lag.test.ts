import { describe, expect, it } from 'vitest';
import { lagAtReplicationStop, type LagPoint } from '../../src/operator/replica-lag.js';

const T = Date.parse('2026-01-05T12:00:00Z');
const series = (values: number[], stepS = 60): LagPoint[] =>
  values.map((seconds, k) => ({ at: T + k * stepS * 1000, seconds }));

describe('lagAtReplicationStop', () => {
  it.each([
    { name: 'no datapoints', points: [], want: undefined },
    {
      name: 'steady lag: the latest is the bound',
      points: series([2, 3, 2, 4]),
      want: { seconds: 4, stoppedAt: undefined },
    },
    {
      name: 'lag high under load but not growing with the clock',
      points: series([40, 90, 75, 120]),
      want: { seconds: 120, stoppedAt: undefined },
    },
    {
      name: 'one clock-like step is not yet a ramp',
      points: series([2, 2, 62]),
      want: { seconds: 62, stoppedAt: undefined },
    },
    {
      name: 'growing one second per second: the last lag before the ramp',
      points: series([2, 3, 63, 123, 183]),
      want: { seconds: 2, stoppedAt: T + 60_000 },
    },
    {
      name: 'a ramp within 20 % of the clock still counts',
      points: series([1, 1, 5, 60, 115, 170]),
      want: { seconds: 1, stoppedAt: T + 2 * 60_000 },
    },
    {
      name: 'sparse datapoints: the ramp is extrapolated back, never below the last normal lag',
      points: [
        { at: T, seconds: 2 },
        { at: T + 120_000, seconds: 62 },
        { at: T + 180_000, seconds: 122 },
        { at: T + 240_000, seconds: 182 },
      ],
      want: { seconds: 2, stoppedAt: T + 120_000 },
    },
    {
      name: 'sparse datapoints, stop just before the ramp: the extrapolated lag',
      points: [
        { at: T, seconds: 2 },
        { at: T + 120_000, seconds: 150 },
        { at: T + 180_000, seconds: 210 },
        { at: T + 240_000, seconds: 270 },
      ],
      want: { seconds: 30, stoppedAt: T + 120_000 },
    },
    {
      name: 'a ramp from the first datapoint: its start is all we have',
      points: series([10, 70, 130]),
      want: { seconds: 10, stoppedAt: T },
    },
  ])('$name', ({ points, want }) => {
    const got = lagAtReplicationStop(points);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });
});
