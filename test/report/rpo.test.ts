import { describe, expect, it } from 'vitest';
import { computeRpo } from '../../src/report/rpo.js';
import { withParameter } from '../../src/report/rto-fixes.js';
import type { ReportInput } from '../../src/report/report-input.js';
import { fixtureInput } from './report-fixture.js';

const store = (input: ReportInput, prefix: string) => {
  const s = computeRpo(input).find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error(`no ${prefix} store`);
  return s;
};
const both = (input: ReportInput, name: string, value: string) =>
  withParameter(withParameter(input, 'primary', name, value), 'secondary', name, value);

describe('RPO per data store', () => {
  it('DynamoDB: EVENTUAL is about a second on the documented basis; STRONG with a witness is 0', async () => {
    const base = await fixtureInput();
    const eventual = store(base, 'DynamoDB');
    expect(eventual).toMatchObject({ seconds: 1, meets: true, class: 'transactional' });
    expect(eventual.basis).toMatch(/EVENTUAL/);
    expect(eventual.references[0]?.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    const strong = store(both(base, 'TableConsistency', 'STRONG'), 'DynamoDB');
    expect(strong).toMatchObject({ seconds: 0, meets: true });
    expect(strong.basis).toMatch(/STRONG/);
    expect(strong.basis).toMatch(/witness us-east-2/);
  });

  it('RDS: bounded by the controller RPO guard plus the age of the lag datapoint it may trust; the alarm threshold is judged against the target', async () => {
    const base = await fixtureInput();
    // RpoGuardSeconds 60 + ReplicaLagMaxAgeSeconds 180: lag can grow for up to 180 s after the datapoint the guard saw.
    const rds = store(base, 'RDS');
    expect(rds).toMatchObject({ seconds: 240, meets: false });
    expect(rds.basis).toMatch(/RpoGuardSeconds=60/);
    expect(rds.basis).toMatch(/ReplicaLagMaxAgeSeconds=180/);
    const loose = store(withParameter(base, 'secondary', 'RpoGuardSeconds', 300), 'RDS');
    expect(loose).toMatchObject({ seconds: 480, meets: false });
    const tight = store(
      withParameter(withParameter(base, 'secondary', 'RpoGuardSeconds', 0), 'secondary', 'ReplicaLagMaxAgeSeconds', 60),
      'RDS',
    );
    expect(tight).toMatchObject({ seconds: 60, meets: true });
    const lateAlarm = store(withParameter(base, 'secondary', 'ReplicaLagThresholdSeconds', 120), 'RDS');
    expect(lateAlarm.basis).toMatch(/fires at 120 s, above the 60 s target/);
  });

  it('S3: RTC gives a 900 s bound that fails 60 s and is accepted only as read-mostly; without RTC nothing is claimed', async () => {
    const base = await fixtureInput();
    const rtc = store(base, 'S3');
    expect(rtc).toMatchObject({ seconds: 900, class: 'read-mostly', meets: true });
    expect(rtc.basis).toMatch(/fails a 60 s target/);
    expect(rtc.basis).toMatch(/read-mostly/);
    expect(rtc.references.map((r) => r.url)).toContain('https://aws.amazon.com/s3/sla-rtc/');
    const none = store(both(base, 'ReplicationTimeControl', 'Disabled'), 'S3');
    expect(none).toMatchObject({ seconds: null, meets: false });
  });
});
