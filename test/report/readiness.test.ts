import { describe, expect, it } from 'vitest';
import { computeReadiness } from '../../src/report/readiness.js';
import { withParameter } from '../../src/report/rto-fixes.js';
import { fixtureInput } from './report-fixture.js';

describe('readiness', () => {
  it('the fixture differs only where it should: warm-standby sizes, CIDR and the role-specific ReplicaLag alarm', async () => {
    const items = computeReadiness(await fixtureInput());
    expect(items.filter((i) => i.severity === 'warn')).toEqual([]);
    expect(items.map((i) => i.id)).toEqual(['alarm-coverage:ReplicaLagAlarm']);
  });

  it('detects an injected instance-type and engine-version difference', async () => {
    const base = await fixtureInput();
    const items = computeReadiness(
      withParameter(withParameter(base, 'secondary', 'InstanceType', 't3.micro'), 'secondary', 'DbEngineVersion', '15'),
    );
    expect(items.find((i) => i.category === 'instance-type')).toMatchObject({
      severity: 'warn',
      layer: 'compute',
      primary: 't3.small',
      secondary: 't3.micro',
    });
    expect(items.find((i) => i.category === 'engine-version')).toMatchObject({
      severity: 'warn',
      layer: 'data',
      primary: '16',
      secondary: '15',
    });
  });

  it('a value that differs only by region name is a regional resource: info, not a warning', async () => {
    const base = await fixtureInput();
    const arn = (r: string) => `arn:aws:acm:${r}:123456789012:certificate/abc`;
    const items = computeReadiness(withParameter(base, 'secondary', 'WitnessRegion', 'us-west-1'));
    expect(items.find((i) => i.subject === 'WitnessRegion')?.severity).toBe('warn');
    const t = base.layers.get('compute')!;
    const withCert = {
      ...base,
      layers: new Map(base.layers).set('compute', {
        ...t,
        template: {
          ...t.template,
          Parameters: { ...t.template.Parameters, CertificateArn: { Type: 'String', Default: '' } },
        },
      }),
    };
    const regional = computeReadiness(
      withParameter(
        withParameter(withCert, 'primary', 'CertificateArn', arn('us-east-1')),
        'secondary',
        'CertificateArn',
        arn('us-west-2'),
      ),
    );
    expect(regional.find((i) => i.subject === 'CertificateArn')).toMatchObject({
      severity: 'info',
      primary: arn('us-east-1'),
      secondary: arn('us-west-2'),
    });
  });

  it('detects a Single-AZ replica behind a Multi-AZ source: after promotion the writer has no standby', async () => {
    const items = computeReadiness(withParameter(await fixtureInput(), 'secondary', 'ReplicaMultiAz', 'false'));
    expect(items.find((i) => i.id === 'multi-az:data.Database')).toMatchObject({
      severity: 'warn',
      category: 'multi-az',
      primary: 'true',
      secondary: 'false',
    });
    expect(items.find((i) => i.id === 'multi-az:data.Database')?.message).toMatch(/ReplicaMultiAz/);
    // Both Single-AZ (a cheap test environment) is consistent, not a readiness gap.
    const cheap = computeReadiness(
      withParameter(
        withParameter(await fixtureInput(), 'secondary', 'ReplicaMultiAz', 'false'),
        'primary',
        'DbMultiAz',
        'false',
      ),
    );
    expect(cheap.some((i) => i.category === 'multi-az')).toBe(false);
  });

  it('detects a smaller ASG maximum and a failover size the standby cannot reach', async () => {
    const items = computeReadiness(withParameter(await fixtureInput(), 'secondary', 'MaxSize', 1));
    expect(items.find((i) => i.id === 'asg-capacity:compute.MaxSize')).toMatchObject({ primary: '6', secondary: '1' });
    expect(items.find((i) => i.id === 'asg-capacity:MaxSize')?.message).toMatch(/exceeds its MaxSize 1/);
  });

  it('flags an alarm present in one region only when a config parameter (not the role) switches it off', async () => {
    const items = computeReadiness(withParameter(await fixtureInput(), 'secondary', 'DiskAlarmEnabled', 'false'));
    const disk = items.find((i) => i.id === 'alarm-coverage:DiskAlarm');
    expect(disk).toMatchObject({ severity: 'warn', primary: 'present', secondary: 'absent' });
    expect(disk?.message).toMatch(/DiskAlarmEnabled/);
    expect(items.find((i) => i.id === 'alarm-coverage:ReplicaLagAlarm')?.severity).toBe('info');
  });
});
