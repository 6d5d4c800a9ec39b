// A suppression is only acceptable while its written reason is true. Each accepted control is paired here with the
// facts its reason states, checked against the templates and configs, so a change that makes a reason false (a
// retention parameter dropped below a year in prod, a literal bucket replacing the cross-stack one, an instance type
// outside Nitro) fails this test instead of staying hidden behind the suppression.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

interface Entry {
  rule: string;
  template: string;
  resource: string;
  reason: string;
}
type Json = Record<string, unknown>;

const read = (file: string): Json => JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as Json;
const ENTRIES = (read('validation-suppressions.json').suppressions as Entry[]).map(
  (e) => [`${e.rule} ${e.template} ${e.resource}`, e] as const,
);
const CONFIGS = { dev: read('config/dev.json'), prod: read('config/prod.json') };

/** The value config gives a parameter in one role (role-specific overrides common), else the template default. */
function configValue(env: keyof typeof CONFIGS, role: 'primary' | 'secondary', template: Json, name: string): unknown {
  const p = CONFIGS[env].parameters as Record<string, Json | undefined>;
  return p[role]?.[name] ?? p.common?.[name] ?? ((template.Parameters as Record<string, Json>)[name] as Json).Default;
}
const bothRoles = (env: keyof typeof CONFIGS, template: Json, name: string): unknown[] => [
  configValue(env, 'primary', template, name),
  configValue(env, 'secondary', template, name),
];
const props = (template: Json, id: string): Json =>
  ((template.Resources as Record<string, Json>)[id] as Json).Properties as Json;
const input = (template: Json, param: string): unknown =>
  ((template.Metadata as Json).Drctl as { Inputs: Record<string, unknown> }).Inputs[param];
const attribute = (lb: Json, key: string): unknown =>
  (lb.LoadBalancerAttributes as { Key: string; Value: unknown }[]).find((a) => a.Key === key)?.Value;

/** Per control: the facts its reason rests on. */
const FACTS: Record<string, (template: Json, e: Entry) => void> = {
  'CT.S3.PR.9': (t, e) => {
    // Object Lock would block deletion; the bucket must be destroyable and versioned instead.
    const r = (t.Resources as Record<string, Json>)[e.resource] as Json;
    expect(r.DeletionPolicy).toBe('Delete');
    expect(props(t, e.resource).ObjectLockEnabled).toBeUndefined();
    expect(props(t, e.resource).VersioningConfiguration).toEqual({ Status: 'Enabled' });
  },
  'CT.S3.PR.2': (t, e) => {
    const p = props(t, e.resource);
    if (e.resource === 'AccessLogBucket') {
      // It is the log destination itself.
      expect((t.Outputs as Record<string, Json>).LogsBucketName?.Value).toEqual({ Ref: 'AccessLogBucket' });
      expect(p.LoggingConfiguration).toBeUndefined();
    } else {
      expect((p.LoggingConfiguration as Json).DestinationBucketName).toEqual({ Ref: 'LogsBucketName' });
      expect(input(t, 'LogsBucketName')).toMatchObject({ Stack: 'foundation', Output: 'LogsBucketName' });
    }
  },
  'CT.S3.PR.10': (t, e) => {
    expect(JSON.stringify(props(t, e.resource).BucketEncryption)).toContain('"SSEAlgorithm":"AES256"');
    expect((t.Outputs as Record<string, Json>).LogsBucketName?.Value).toEqual({ Ref: e.resource });
  },
  'CT.CLOUDWATCH.PR.2': (t, e) => {
    const retention = props(t, e.resource).RetentionInDays as { Ref: string };
    expect(Object.keys(retention)).toEqual(['Ref']);
    expect(e.reason).toContain(retention.Ref);
    for (const v of bothRoles('prod', t, retention.Ref))
      expect(Number(v), `prod ${retention.Ref}`).toBeGreaterThanOrEqual(365);
  },
  'CT.CLOUDWATCH.PR.3': (t, e) => {
    expect(props(t, e.resource).KmsKeyId).toEqual({ Ref: 'KmsKeyArn' });
    expect(input(t, 'KmsKeyArn')).toMatchObject({ Stack: 'foundation', Region: 'self', Output: 'KmsKeyArn' });
  },
  'CT.ELASTICLOADBALANCING.PR.5': (t, e) => {
    expect(attribute(props(t, e.resource), 'deletion_protection.enabled')).toEqual({ Ref: 'DeletionProtection' });
    expect(bothRoles('prod', t, 'DeletionProtection').map(String)).toEqual(['true', 'true']);
    expect(bothRoles('dev', t, 'DeletionProtection').map(String)).toEqual(['false', 'false']);
  },
  'CT.ELASTICLOADBALANCING.PR.6': (t, e) => {
    const lb = props(t, e.resource);
    expect(attribute(lb, 'access_logs.s3.enabled')).toBe('true');
    expect(attribute(lb, 'access_logs.s3.bucket')).toEqual({ Ref: 'LogsBucketName' });
    expect(input(t, 'LogsBucketName')).toMatchObject({ Stack: 'foundation', Output: 'LogsBucketName' });
  },
  'CT.ELASTICLOADBALANCING.PR.2': (t, e) => {
    expect(props(t, e.resource).Certificates).toEqual([{ CertificateArn: { Ref: 'CertificateArn' } }]);
    const pattern = new RegExp(String(((t.Parameters as Record<string, Json>).CertificateArn as Json).AllowedPattern));
    expect(pattern.test('arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000')).toBe(
      true,
    );
    expect(pattern.test('arn:aws:iam::111122223333:server-certificate/legacy')).toBe(false);
  },
  'CT.ELASTICLOADBALANCING.PR.1': (t, e) => {
    expect(((t.Resources as Record<string, Json>)[e.resource] as Json).Condition).toBe('NoCertificate');
    // With a certificate, port 80 only redirects.
    expect(JSON.stringify(props(t, 'HttpRedirectListener').DefaultActions)).toContain('"Protocol":"HTTPS"');
  },
  'CT.EC2.PR.15': (t) => {
    const allowed = ((t.Parameters as Record<string, Json>).InstanceType as Json).AllowedValues as string[];
    for (const type of allowed) expect(type, 'a Nitro family').toMatch(/^(t3|m6i|m7i|c6i|c7i)\./);
  },
  'CT.AUTOSCALING.PR.1': (t, e) => {
    expect(props(t, e.resource).VPCZoneIdentifier).toEqual({ Ref: 'AppSubnetIds' });
    const azCount = (read('templates/network.json').Parameters as Record<string, Json>).AzCount as Json;
    expect((azCount.AllowedValues as unknown[]).map(Number).every((n) => n >= 2)).toBe(true);
  },
  'CT.AUTOSCALING.PR.4': (t, e) => {
    expect(props(t, e.resource).HealthCheckType).toEqual({ Ref: 'AsgHealthCheckType' });
    for (const env of ['dev', 'prod'] as const) expect(bothRoles(env, t, 'AsgHealthCheckType')).toEqual(['ELB', 'ELB']);
  },
  'CT.AUTOSCALING.PR.6': (t, e) => {
    // One instance type, from a parameter: no mixed-instances policy.
    expect(props(t, e.resource).MixedInstancesPolicy).toBeUndefined();
    expect(JSON.stringify(props(t, 'LaunchTemplate'))).toContain('{"Ref":"InstanceType"}');
  },
  'CT.SQS.PR.1': (t, e) => {
    expect(props(t, e.resource).RedriveAllowPolicy).toMatchObject({ redrivePermission: 'denyAll' });
  },
  'CT.SQS.PR.2': (t, e) => {
    expect(props(t, e.resource).KmsMasterKeyId).toEqual({ Ref: 'KmsKeyArn' });
    expect(input(t, 'KmsKeyArn')).toMatchObject({ Stack: 'foundation', Output: 'KmsKeyArn' });
  },
  'CT.LAMBDA.PR.3': (t, e) => {
    const vpc = props(t, e.resource).VpcConfig as Json | undefined;
    if (e.reason.startsWith('The function is in the VPC')) {
      // In the VPC after all: the data subnets from the network layer, behind a security group of its own.
      expect(vpc?.SubnetIds).toEqual({ Ref: 'DataSubnetIds' });
      expect(input(t, 'DataSubnetIds')).toMatchObject({ Stack: 'network', Region: 'self', Output: 'DataSubnetIds' });
      const groups = vpc?.SecurityGroupIds as { Ref: string }[];
      expect(groups).toHaveLength(1);
      expect(((t.Resources as Record<string, Json>)[groups[0]?.Ref ?? ''] as Json).Type).toBe(
        'AWS::EC2::SecurityGroup',
      );
    } else {
      // Deliberately outside any VPC (the failover controller).
      expect(vpc).toBeUndefined();
    }
  },
  E6005: (t, e) => {
    // AWS-owned ELB log-delivery accounts: a per-region Mapping read only by the access-log bucket policy.
    expect(e.resource).toBe('Mappings.ElbLogDeliveryAccounts');
    const accounts = (t.Mappings as Record<string, Record<string, { AccountId: string }>>).ElbLogDeliveryAccounts ?? {};
    expect(Object.keys(accounts)).toEqual(expect.arrayContaining(['us-east-1', 'us-west-2']));
    const uses = JSON.stringify(t.Resources).split('"ElbLogDeliveryAccounts"').length - 1;
    expect(uses).toBe(1);
    expect(JSON.stringify(props(t, 'AccessLogBucketPolicy'))).toContain(
      '{"Fn::FindInMap":["ElbLogDeliveryAccounts",{"Ref":"AWS::Region"},"AccountId"]}',
    );
  },
  E6006: (t, e) => {
    // The region names only select the regions that have a log-delivery account: exactly the Mapping's keys.
    expect(e.resource).toMatch(/^Conditions\.ElbLogAccountRegions\d$/);
    const conditions = t.Conditions as Record<string, Json>;
    const named = Object.keys(conditions).filter((c) => c.startsWith('ElbLogAccountRegions'));
    const compared = named.flatMap((c) =>
      (conditions[c] as { 'Fn::Or': { 'Fn::Equals': [unknown, string] }[] })['Fn::Or'].map((x) => {
        expect(x['Fn::Equals'][0]).toEqual({ Ref: 'AWS::Region' });
        return x['Fn::Equals'][1];
      }),
    );
    const keys = Object.keys((t.Mappings as Record<string, Json>).ElbLogDeliveryAccounts as Json);
    expect([...compared].sort()).toEqual([...keys].sort());
  },
};

describe('validation-suppressions.json', () => {
  it.each(ENTRIES)('%s: the reason is specific and its facts hold', (_name, e) => {
    expect(e.reason.length).toBeGreaterThan(60);
    const facts = FACTS[e.rule];
    expect(facts, `no fact check for ${e.rule}: add one before accepting the control`).toBeDefined();
    facts?.(read(e.template), e);
  });

  it('catches a reason that stopped being true (prod retention below a year)', () => {
    const t = read('templates/network.json');
    const prod = CONFIGS.prod.parameters as Record<string, Json>;
    const saved = prod.common?.FlowLogRetentionDays;
    (prod.common as Json).FlowLogRetentionDays = 90;
    try {
      expect(() =>
        FACTS['CT.CLOUDWATCH.PR.2']?.(t, {
          rule: 'CT.CLOUDWATCH.PR.2',
          template: 'templates/network.json',
          resource: 'FlowLogGroup',
          reason: 'FlowLogRetentionDays',
        }),
      ).toThrow();
    } finally {
      (prod.common as Json).FlowLogRetentionDays = saved;
    }
  });
});
