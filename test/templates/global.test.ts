import { describe, expect, it } from 'vitest';
import { configValues as resolveParameters } from '../../src/plan/parameters.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import {
  activeIds,
  configValueProblems,
  conventionProblems,
  idsOfType,
  inputProblems,
  loadEnvironmentConfig,
  loadLayerTemplate,
  parameterRefs,
  props,
  resolve,
  stackParams,
} from '../helpers/templates.js';

const t = loadLayerTemplate('global');

const INPUTS = {
  AlertTopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts-dev',
  PrimaryAlbDnsName: 'alb-dev-1234567890.us-east-1.elb.amazonaws.com',
  PrimaryAlbHostedZoneId: 'Z35SXDOTRQ7X7K',
  SecondaryAlbDnsName: 'alb-dev-987654321.us-west-2.elb.amazonaws.com',
  SecondaryAlbHostedZoneId: 'Z1H1FL5HABSF5',
  PrimaryListenerProtocol: 'HTTP',
  PrimaryListenerPort: '80',
  SecondaryListenerProtocol: 'HTTP',
  SecondaryListenerPort: '80',
};
const CERT = 'arn:aws:acm:us-east-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const params = (extra: Record<string, string> = {}): Record<string, string> =>
  stackParams('primary', { ...INPUTS, ...extra });

type HealthCheckConfig = Record<string, unknown>;
const checkConfig = (id: string, given: Record<string, string> = {}): HealthCheckConfig =>
  resolve(t, props(t, id).HealthCheckConfig, params(given)) as HealthCheckConfig;
const recordsOf = (tpl: CfnTemplate): Record<string, Record<string, unknown>> =>
  Object.fromEntries(idsOfType(tpl, 'AWS::Route53::RecordSet').map((id) => [id, props(tpl, id)]));

describe('global template: structure', () => {
  it('is deployed once, in the primary region, and says so in a rule', () => {
    expect(t.Metadata?.Drctl?.Layer).toBe('global');
    expect(t.Metadata?.Drctl?.Regions).toEqual(['primary']);
    const rule = (t.Rules?.PrimaryRegionOnly as { Assertions: { Assert: unknown }[] }).Assertions[0]?.Assert;
    expect(rule).toEqual({ 'Fn::Equals': [{ Ref: 'RegionRole' }, 'primary'] });
  });

  it('follows the layer conventions', () => {
    // A record's Name is the DNS name clients use: DomainName, set per environment in config (api.dev.… / api.…),
    // not a resource name to suffix. Every other convention applies.
    // The layer exists only in the primary (the PrimaryRegionOnly rule), so IsPrimary / IsSecondary would be
    // unused conditions, which drctl validate rejects (E8001).
    const expected = new Set([
      ...idsOfType(t, 'AWS::Route53::RecordSet').map((id) => `${id}.Name does not carry EnvironmentSuffix`),
      'Condition IsPrimary is missing or different',
      'Condition IsSecondary is missing or different',
    ]);
    expect(conventionProblems(t).filter((p) => !expected.has(p))).toEqual([]);
    expect(t.Conditions).not.toHaveProperty('IsPrimary');
    for (const id of idsOfType(t, 'AWS::Route53::RecordSet'))
      expect(parameterRefs(t, props(t, id).Name), id).toContain('DomainName');
  });

  it('takes both ALBs from the compute stacks of both regions and the topic from the primary foundation', () => {
    const inputs = t.Metadata?.Drctl?.Inputs ?? {};
    expect(inputs.PrimaryAlbDnsName).toEqual({ Stack: 'compute', Region: 'primary', Output: 'AlbDnsName' });
    expect(inputs.PrimaryAlbHostedZoneId).toEqual({ Stack: 'compute', Region: 'primary', Output: 'AlbHostedZoneId' });
    expect(inputs.SecondaryAlbDnsName).toEqual({ Stack: 'compute', Region: 'secondary', Output: 'AlbDnsName' });
    expect(inputs.SecondaryAlbHostedZoneId).toEqual({
      Stack: 'compute',
      Region: 'secondary',
      Output: 'AlbHostedZoneId',
    });
    expect(inputs.AlertTopicArn).toEqual({ Stack: 'foundation', Region: 'self', Output: 'AlertTopicArn' });
    expect(
      inputProblems(t, { compute: loadLayerTemplate('compute'), foundation: loadLayerTemplate('foundation') }),
    ).toEqual([]);
  });

  it('publishes the identifiers the failover controller, drills and the dashboard read', () => {
    for (const o of [
      'PrimaryHealthCheckId',
      'SecondaryHealthCheckId',
      'HostedZoneId',
      'DomainName',
      'WeightedRecordName',
    ])
      expect(t.Outputs?.[o], o).toBeDefined();
    expect(t.Outputs?.PrimaryHealthCheckId?.Value).toEqual({ Ref: 'PrimaryHealthCheck' });
    expect(resolve(t, t.Outputs?.WeightedRecordName?.Value, params({ DomainName: 'api.trading.example.com' }))).toBe(
      'weighted.api.trading.example.com',
    );
  });

  it('has placeholders for the zone and the name that pass their own constraints', () => {
    expect(t.Parameters?.HostedZoneId?.Default).toBe('Z0000000000000000000');
    expect(new RegExp(t.Parameters?.HostedZoneId?.AllowedPattern ?? '').test('Z0000000000000000000')).toBe(true);
    expect(new RegExp(t.Parameters?.HostedZoneId?.AllowedPattern ?? '').test('0000')).toBe(false);
    const domain = new RegExp(t.Parameters?.DomainName?.AllowedPattern ?? '');
    expect(domain.test('api.dev.trading.example.com')).toBe(true);
    expect(domain.test('API.example.com')).toBe(false);
    expect(domain.test('api.example.com.')).toBe(false);
  });
});

describe('global template: health checks', () => {
  it.each([
    ['PrimaryHealthCheck', INPUTS.PrimaryAlbDnsName],
    ['SecondaryHealthCheck', INPUTS.SecondaryAlbDnsName],
  ])('%s checks the ALB deep health path with the interval, threshold and checker regions parameters', (id, dns) => {
    const raw = props(t, id).HealthCheckConfig as Record<string, unknown>;
    expect(raw.RequestInterval).toEqual({ Ref: 'HealthCheckIntervalSeconds' });
    expect(raw.FailureThreshold).toEqual({ Ref: 'HealthCheckFailureThreshold' });
    expect(raw.ResourcePath).toEqual({ Ref: 'HealthCheckPath' });
    const c = checkConfig(id, {
      HealthCheckIntervalSeconds: '30',
      HealthCheckFailureThreshold: '5',
      HealthCheckRegions: 'us-east-1,eu-west-1,ap-southeast-1',
    });
    expect(c.FullyQualifiedDomainName).toBe(dns);
    expect(c.ResourcePath).toBe('/health');
    expect(c.RequestInterval).toBe('30');
    expect(c.FailureThreshold).toBe('5');
    expect(c.Regions).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    expect(c.MeasureLatency).toBe('false');
  });

  // The check follows the listener: its protocol and port are the compute stack's own outputs, evaluated here the way
  // CloudFormation evaluates them, for a region without and with a certificate.
  const listenerOf = (certificate: string) => {
    const compute = loadLayerTemplate('compute');
    const given = { CertificateArn: certificate };
    return {
      protocol: String(resolve(compute, compute.Outputs?.ListenerProtocol?.Value, given)),
      port: String(resolve(compute, compute.Outputs?.ListenerPort?.Value, given)),
    };
  };

  it('takes each check protocol and port from that region compute listener outputs, never from configuration', () => {
    for (const r of ['Primary', 'Secondary'] as const) {
      expect(t.Metadata?.Drctl?.Inputs?.[`${r}ListenerProtocol`]).toEqual({
        Stack: 'compute',
        Region: r.toLowerCase(),
        Output: 'ListenerProtocol',
      });
      expect(t.Metadata?.Drctl?.Inputs?.[`${r}ListenerPort`]).toEqual({
        Stack: 'compute',
        Region: r.toLowerCase(),
        Output: 'ListenerPort',
      });
      expect(t.Parameters?.[`${r}ListenerProtocol`]?.Default).toBeUndefined();
      expect(t.Parameters?.[`${r}ListenerPort`]?.Default).toBeUndefined();
    }
    expect(t.Parameters?.HealthCheckProtocol).toBeUndefined();
  });

  it('checks an HTTP-only ALB over HTTP on 80, without SNI', () => {
    const l = listenerOf('');
    const c = checkConfig('PrimaryHealthCheck', { PrimaryListenerProtocol: l.protocol, PrimaryListenerPort: l.port });
    expect([c.Type, c.Port, c.EnableSNI]).toEqual(['HTTP', '80', undefined]);
  });

  it('checks an ALB with a certificate over HTTPS on 443 with SNI, not the redirect on 80', () => {
    const l = listenerOf(CERT);
    const c = checkConfig('SecondaryHealthCheck', {
      SecondaryListenerProtocol: l.protocol,
      SecondaryListenerPort: l.port,
    });
    expect([c.Type, c.Port, c.EnableSNI]).toEqual(['HTTPS', '443', 'true']);
  });

  it('follows each region on its own when only one has a certificate', () => {
    const https = listenerOf(CERT);
    const given = { PrimaryListenerProtocol: https.protocol, PrimaryListenerPort: https.port };
    expect(checkConfig('PrimaryHealthCheck', given).Type).toBe('HTTPS');
    expect(checkConfig('SecondaryHealthCheck', given).Type).toBe('HTTP');
    expect(checkConfig('SecondaryHealthCheck', given).Port).toBe('80');
  });

  it('allows only the 10 s and 30 s intervals, thresholds 1-10, and at least three valid checker regions', () => {
    expect(t.Parameters?.HealthCheckIntervalSeconds?.AllowedValues).toEqual([10, 30]);
    expect([
      t.Parameters?.HealthCheckFailureThreshold?.MinValue,
      t.Parameters?.HealthCheckFailureThreshold?.MaxValue,
    ]).toEqual([1, 10]);
    const regions = new RegExp(t.Parameters?.HealthCheckRegions?.AllowedPattern ?? '');
    expect(regions.test('us-east-1,us-west-2,eu-west-1')).toBe(true);
    expect(
      regions.test('us-east-1,us-west-1,us-west-2,eu-west-1,ap-southeast-1,ap-southeast-2,ap-northeast-1,sa-east-1'),
    ).toBe(true);
    expect(regions.test('us-east-1,us-west-2')).toBe(false);
    expect(regions.test('us-east-1,us-west-2,eu-central-1')).toBe(false);
  });

  it('alarms on each health check status in AWS/Route53 to the alert topic, with OK notifications', () => {
    for (const [alarmId, checkId] of [
      ['PrimaryHealthCheckAlarm', 'PrimaryHealthCheck'],
      ['SecondaryHealthCheckAlarm', 'SecondaryHealthCheck'],
    ] as const) {
      const a = props(t, alarmId);
      expect(a.Namespace).toBe('AWS/Route53');
      expect(a.MetricName).toBe('HealthCheckStatus');
      expect(a.Dimensions).toEqual([{ Name: 'HealthCheckId', Value: { Ref: checkId } }]);
      expect(a.ComparisonOperator).toBe('LessThanThreshold');
      expect(a.Threshold).toBe(1);
      expect(a.TreatMissingData).toBe('breaching');
      expect(a.AlarmActions).toEqual([{ Ref: 'AlertTopicArn' }]);
      expect(a.OKActions).toEqual([{ Ref: 'AlertTopicArn' }]);
      expect(parameterRefs(t, a.AlarmName)).toContain('EnvironmentSuffix');
    }
  });
});

describe('global template: records', () => {
  it('declares failover PRIMARY and SECONDARY alias records for the domain, each with its health check', () => {
    const records = recordsOf(t);
    const failover = Object.values(records).filter((r) => r.Failover !== undefined);
    expect(failover.map((r) => r.Failover).sort()).toEqual(['PRIMARY', 'SECONDARY']);
    for (const r of failover) {
      expect(r.Name).toEqual({ Ref: 'DomainName' });
      expect(r.HostedZoneId).toEqual({ Ref: 'HostedZoneId' });
      expect(r.Type).toBe('A');
      expect((r.AliasTarget as { EvaluateTargetHealth: boolean }).EvaluateTargetHealth).toBe(true);
    }
    expect(records.PrimaryFailoverRecord?.HealthCheckId).toEqual({ Ref: 'PrimaryHealthCheck' });
    expect(records.SecondaryFailoverRecord?.HealthCheckId).toEqual({ Ref: 'SecondaryHealthCheck' });
    expect(records.SecondaryFailoverRecord?.AliasTarget).toEqual({
      DNSName: { Ref: 'SecondaryAlbDnsName' },
      HostedZoneId: { Ref: 'SecondaryAlbHostedZoneId' },
      EvaluateTargetHealth: true,
    });
  });

  it('routes the PRIMARY record through the weighted set, which it depends on', () => {
    const p = resolve(
      t,
      props(t, 'PrimaryFailoverRecord').AliasTarget,
      params({ DomainName: 'api.trading.example.com', HostedZoneId: 'ZABC123' }),
    );
    expect(p).toEqual({
      DNSName: 'weighted.api.trading.example.com',
      HostedZoneId: 'ZABC123',
      EvaluateTargetHealth: true,
    });
    expect(t.Resources.PrimaryFailoverRecord?.DependsOn).toEqual(['PrimaryWeightedRecord', 'SecondaryWeightedRecord']);
  });

  it('declares weighted alias records to both ALBs with the weight parameters (secondary 0 = active-passive by default)', () => {
    const records = recordsOf(t);
    const weighted = Object.entries(records).filter(([, r]) => r.Weight !== undefined);
    expect(weighted.map(([id]) => id).sort()).toEqual(['PrimaryWeightedRecord', 'SecondaryWeightedRecord']);
    expect(records.PrimaryWeightedRecord?.Weight).toEqual({ Ref: 'PrimaryWeight' });
    expect(records.SecondaryWeightedRecord?.Weight).toEqual({ Ref: 'SecondaryWeight' });
    expect(records.PrimaryWeightedRecord?.HealthCheckId).toEqual({ Ref: 'PrimaryHealthCheck' });
    expect(records.SecondaryWeightedRecord?.HealthCheckId).toEqual({ Ref: 'SecondaryHealthCheck' });
    expect(resolve(t, records.PrimaryWeightedRecord?.AliasTarget, params())).toEqual({
      DNSName: INPUTS.PrimaryAlbDnsName,
      HostedZoneId: INPUTS.PrimaryAlbHostedZoneId,
      EvaluateTargetHealth: true,
    });
    expect(resolve(t, records.SecondaryWeightedRecord?.AliasTarget, params())).toEqual({
      DNSName: INPUTS.SecondaryAlbDnsName,
      HostedZoneId: INPUTS.SecondaryAlbHostedZoneId,
      EvaluateTargetHealth: true,
    });
    for (const w of ['PrimaryWeight', 'SecondaryWeight'])
      expect([t.Parameters?.[w]?.MinValue, t.Parameters?.[w]?.MaxValue]).toEqual([0, 255]);
    expect(t.Parameters?.PrimaryWeight?.Default).toBe(255);
    expect(t.Parameters?.SecondaryWeight?.Default).toBe(0);
  });

  it('gives every record set a unique identifier within its name, carrying the suffix', () => {
    const byName = new Map<string, string[]>();
    for (const r of Object.values(recordsOf(t))) {
      const name = JSON.stringify(r.Name);
      byName.set(name, [
        ...(byName.get(name) ?? []),
        String(resolve(t, r.SetIdentifier, params({ EnvironmentSuffix: 'prod' }))),
      ]);
    }
    for (const ids of byName.values()) expect(new Set(ids).size).toBe(ids.length);
    expect([...byName.values()].flat().every((id) => id.endsWith('-prod'))).toBe(true);
  });

  it('creates every resource for every valid parameter choice (no role switch inside)', () => {
    const all = Object.keys(t.Resources).sort();
    expect(
      [
        ...activeIds(
          t,
          params({
            PrimaryListenerProtocol: 'HTTPS',
            PrimaryListenerPort: '443',
            SecondaryListenerProtocol: 'HTTPS',
            SecondaryListenerPort: '443',
          }),
        ),
      ].sort(),
    ).toEqual(all);
    expect([...activeIds(t, params())].sort()).toEqual(all);
  });
});

describe('global template: environment configs', () => {
  it.each(['dev', 'prod'])('%s values satisfy the template constraints', (env) => {
    expect(configValueProblems(loadEnvironmentConfig(env), t)).toEqual([]);
  });

  it.each(['dev', 'prod'])('%s detects a failed primary and lets resolvers move within the RTO objective', (env) => {
    const config = loadEnvironmentConfig(env);
    const p = resolveParameters(config, 'primary', t);
    const value = (name: string): number => Number(p[name] ?? t.Parameters?.[name]?.Default);
    // Detection (interval x threshold) plus the alias records' fixed 60 s TTL must leave room in the RTO for the rest.
    const dnsSeconds = value('HealthCheckIntervalSeconds') * value('HealthCheckFailureThreshold') + 60;
    expect(dnsSeconds).toBeLessThanOrEqual(config.objectives.rtoSeconds / 2);
    expect(value('SecondaryWeight')).toBe(0);
  });

  it('leaves no check protocol to configure: a config that still sets one is refused as an unknown parameter', () => {
    for (const env of ['dev', 'prod']) {
      const config = loadEnvironmentConfig(env);
      for (const block of Object.values(config.parameters))
        expect(block ?? {}).not.toHaveProperty('HealthCheckProtocol');
    }
  });

  it('makes the traffic entry an explicit choice, Route 53, that the stack reports', () => {
    expect(t.Parameters?.TrafficEntry?.Default).toBe('route53');
    expect(t.Parameters?.TrafficEntry?.AllowedValues).toEqual(['route53']);
    expect(t.Outputs?.TrafficEntry?.Value).toEqual({ Ref: 'TrafficEntry' });
  });
});
