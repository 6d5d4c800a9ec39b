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
  viewStack,
} from '../helpers/templates.js';

const t = loadLayerTemplate('monitoring');

const NAMES = {
  primary: {
    alb: 'app/alb-dev/0123456789abcdef',
    tg: 'targetgroup/tg-dev/0123456789abcdef',
    db: 'db-dev',
    bucket: 'assets-dev-111122223333-us-east-1',
  },
  secondary: {
    alb: 'app/alb-dev/fedcba9876543210',
    tg: 'targetgroup/tg-dev/fedcba9876543210',
    db: 'db-dev-replica',
    bucket: 'assets-dev-111122223333-us-west-2',
  },
};
const HC = { primary: '11111111-2222-3333-4444-555555555555', secondary: '66666666-7777-8888-9999-000000000000' };

/** Inputs as drctl would pass them to the stack of `role` (self and peer names), plus anything in `extra`. */
function paramsFor(role: 'primary' | 'secondary', extra: Record<string, string> = {}): Record<string, string> {
  const self = NAMES[role];
  const peer = NAMES[role === 'primary' ? 'secondary' : 'primary'];
  return stackParams(role, {
    AlertTopicArn: `arn:aws:sns:${role === 'primary' ? 'us-east-1' : 'us-west-2'}:111122223333:alerts-dev`,
    AutoScalingGroupName: 'asg-dev',
    AlbFullName: self.alb,
    TargetGroupFullName: self.tg,
    DatabaseIdentifier: self.db,
    OrdersTableName: 'orders-dev',
    AssetsBucketName: self.bucket,
    PeerAlbFullName: peer.alb,
    PeerTargetGroupFullName: peer.tg,
    PeerDatabaseIdentifier: peer.db,
    PeerAssetsBucketName: peer.bucket,
    PrimaryHealthCheckId: HC.primary,
    SecondaryHealthCheckId: HC.secondary,
    ...extra,
  });
}

type AlarmProps = {
  AlarmName: unknown;
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Threshold: unknown;
  ComparisonOperator: string;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  EvaluationPeriods: unknown;
};
const alarms = (tpl: CfnTemplate): [string, AlarmProps][] =>
  idsOfType(tpl, 'AWS::CloudWatch::Alarm').map((id) => [id, props(tpl, id) as unknown as AlarmProps]);
const alarmFor = (ns: string, metric: string): [string, AlarmProps] => {
  const hit = alarms(t).find(([, a]) => a.Namespace === ns && a.MetricName === metric);
  if (!hit) throw new Error(`no alarm on ${ns} ${metric}`);
  return hit;
};
const dims = (a: AlarmProps, params: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(a.Dimensions.map((d) => [d.Name, resolve(t, d.Value, params)]));

function dashboard(params: Record<string, string>): {
  widgets: { type: string; properties: { title?: string; region?: string; metrics?: unknown[][] } }[];
} {
  const body = resolve(t, props(t, 'Dashboard').DashboardBody, params);
  expect(typeof body).toBe('string');
  return JSON.parse(body as string) as ReturnType<typeof dashboard>;
}

describe('monitoring template: structure', () => {
  it('is a two-region layer that follows the layer conventions', () => {
    expect(t.Metadata?.Drctl?.Layer).toBe('monitoring');
    expect(t.Metadata?.Drctl?.Regions).toEqual(['primary', 'secondary']);
    expect(conventionProblems(t)).toEqual([]);
  });

  it('names, for every input, an output its producing layer declares', () => {
    const layers = Object.fromEntries(
      [...new Set(Object.values(t.Metadata?.Drctl?.Inputs ?? {}).map((i) => i.Stack))].map((name) => [
        name,
        loadLayerTemplate(name),
      ]),
    );
    expect(Object.keys(layers).sort()).toEqual(['compute', 'data', 'foundation', 'global']);
    expect(inputProblems(t, layers)).toEqual([]);
  });

  it('treats the other region and the global layer as optional inputs', () => {
    for (const [param, input] of Object.entries(t.Metadata?.Drctl?.Inputs ?? {})) {
      if (input.Region === 'self') expect(t.Parameters?.[param]?.Default, param).toBeUndefined();
      else expect(t.Parameters?.[param]?.Default, param).toBe('');
    }
  });

  it('publishes the dashboard and replica-lag alarm names', () => {
    expect(t.Outputs?.DashboardName?.Value).toEqual({ Ref: 'Dashboard' });
    expect(t.Outputs?.ReplicaLagAlarmName).toEqual(
      expect.objectContaining({ Condition: 'IsSecondary', Value: { Ref: 'ReplicaLagAlarm' } }),
    );
  });

  it('names every alarm and the dashboard with the environment suffix', () => {
    for (const [id, a] of alarms(t)) {
      expect(parameterRefs(t, a.AlarmName), id).toContain('EnvironmentSuffix');
      expect(String(resolve(t, a.AlarmName, { EnvironmentSuffix: 'prod' })), id).toMatch(/^alarm-[a-z0-9-]+-prod$/);
    }
    // Dashboards are global to the account: the name carries the region, or the second region's stack fails.
    expect(props(t, 'Dashboard').DashboardName).toEqual({ 'Fn::Sub': 'dashboard-${EnvironmentSuffix}-${AWS::Region}' });
    expect(resolve(t, props(t, 'ReplicaLagAlarm').AlarmName, { EnvironmentSuffix: 'prod' })).toBe(
      'alarm-rds-replica-lag-prod',
    );
  });
});

describe('monitoring template: alarms', () => {
  it.each([
    ['AWS/EC2', 'CPUUtilization'],
    ['CWAgent', 'mem_used_percent'],
    ['CWAgent', 'disk_used_percent'],
    ['AWS/EC2', 'NetworkIn'],
    ['AWS/EC2', 'NetworkOut'],
    ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count'],
    ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count'],
    ['AWS/ApplicationELB', 'UnHealthyHostCount'],
    ['AWS/ApplicationELB', 'TargetResponseTime'],
    ['AWS/RDS', 'CPUUtilization'],
    ['AWS/RDS', 'FreeStorageSpace'],
    ['AWS/RDS', 'ReplicaLag'],
    ['AWS/DynamoDB', 'ReplicationLatency'],
    ['AWS/S3', 'ReplicationLatency'],
    ['AWS/S3', 'OperationsFailedReplication'],
  ])('alarms on %s %s', (ns, metric) => {
    const [, a] = alarmFor(ns, metric);
    expect(a.Dimensions.length).toBeGreaterThan(0);
  });

  it('sends ALARM and OK to the foundation alert topic, with missing-data handling chosen per alarm', () => {
    expect(t.Metadata?.Drctl?.Inputs?.AlertTopicArn).toEqual({
      Stack: 'foundation',
      Region: 'self',
      Output: 'AlertTopicArn',
    });
    const list = alarms(t);
    expect(list.length).toBeGreaterThanOrEqual(15);
    for (const [id, a] of list) {
      expect(a.AlarmActions, id).toEqual([{ Ref: 'AlertTopicArn' }]);
      expect(a.OKActions, id).toEqual([{ Ref: 'AlertTopicArn' }]);
      expect(['breaching', 'notBreaching', 'ignore', 'missing'], id).toContain(a.TreatMissingData);
    }
    // Metrics published only while there is traffic must not alarm on silence; always-on ones must.
    expect(alarmFor('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count')[1].TreatMissingData).toBe('notBreaching');
    expect(alarmFor('AWS/S3', 'ReplicationLatency')[1].TreatMissingData).toBe('notBreaching');
    expect(alarmFor('AWS/DynamoDB', 'ReplicationLatency')[1].TreatMissingData).toBe('notBreaching');
    expect(alarmFor('AWS/RDS', 'ReplicaLag')[1].TreatMissingData).toBe('breaching');
    expect(alarmFor('CWAgent', 'mem_used_percent')[1].TreatMissingData).toBe('breaching');
  });

  it('takes every threshold but the fixed zero/one ones from a parameter', () => {
    for (const [id, a] of alarms(t)) {
      if (id === 'NoHealthyHostsAlarm' || id === 'S3FailedReplicationAlarm') continue;
      const th = a.Threshold as { Ref?: string };
      expect(th.Ref && t.Parameters?.[th.Ref], id).toBeTruthy();
    }
    expect(alarmFor('AWS/S3', 'OperationsFailedReplication')[1]).toEqual(
      expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
    );
  });

  it('watches the Auto Scaling group, the ALB and the database of its own region', () => {
    const p = paramsFor('primary');
    expect(dims(alarmFor('CWAgent', 'mem_used_percent')[1], p)).toEqual({ AutoScalingGroupName: 'asg-dev' });
    expect(dims(alarmFor('CWAgent', 'disk_used_percent')[1], p)).toEqual({ AutoScalingGroupName: 'asg-dev' });
    expect(dims(alarmFor('AWS/ApplicationELB', 'UnHealthyHostCount')[1], p)).toEqual({
      TargetGroup: NAMES.primary.tg,
      LoadBalancer: NAMES.primary.alb,
    });
    expect(dims(alarmFor('AWS/RDS', 'FreeStorageSpace')[1], p)).toEqual({ DBInstanceIdentifier: NAMES.primary.db });
    expect(alarmFor('AWS/ApplicationELB', 'TargetResponseTime')[1].ExtendedStatistic).toBe('p99');
  });

  it('alarms on ReplicaLag only on the secondary replica, at 60 s by default', () => {
    const [id, a] = alarmFor('AWS/RDS', 'ReplicaLag');
    expect(activeIds(t, paramsFor('primary')).has(id)).toBe(false);
    expect(activeIds(t, paramsFor('secondary')).has(id)).toBe(true);
    expect(a.Threshold).toEqual({ Ref: 'ReplicaLagThresholdSeconds' });
    expect(t.Parameters?.ReplicaLagThresholdSeconds?.Default).toBe(60);
    expect(dims(a, paramsFor('secondary'))).toEqual({ DBInstanceIdentifier: NAMES.secondary.db });
    expect(a.ComparisonOperator).toBe('GreaterThanThreshold');
  });

  it('watches DynamoDB replication towards the other region (the metric is published in the source region)', () => {
    const [, a] = alarmFor('AWS/DynamoDB', 'ReplicationLatency');
    expect(dims(a, paramsFor('primary'))).toEqual({ TableName: 'orders-dev', ReceivingRegion: 'us-west-2' });
    expect(dims(a, paramsFor('secondary'))).toEqual({ TableName: 'orders-dev', ReceivingRegion: 'us-east-1' });
  });

  it("watches S3 replication from the primary bucket with the data layer's rule id, and the failback rule only when it is on", () => {
    const data = loadLayerTemplate('data');
    const ruleId = (role: 'primary' | 'secondary', extra: Record<string, string>): unknown => {
      const view = viewStack(data, stackParams(role, extra));
      const rules = (
        props({ Resources: view.resources } as CfnTemplate, 'AssetsBucket').ReplicationConfiguration as {
          Rules: { Id: unknown }[];
        }
      ).Rules;
      return view.resolve(rules[0]?.Id);
    };
    const [id, latency] = alarmFor('AWS/S3', 'ReplicationLatency');
    const [failedId] = alarmFor('AWS/S3', 'OperationsFailedReplication');

    const primary = paramsFor('primary');
    expect(activeIds(t, primary).has(id)).toBe(true);
    expect(activeIds(t, primary).has(failedId)).toBe(true);
    expect(dims(latency, primary)).toEqual({
      SourceBucket: NAMES.primary.bucket,
      DestinationBucket: NAMES.secondary.bucket,
      RuleId: ruleId('primary', {
        ReplicationDestinationBucketArn: `arn:aws:s3:::${NAMES.secondary.bucket}`,
        SecondaryKmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/k',
      }),
    });

    expect(activeIds(t, paramsFor('primary', { PeerAssetsBucketName: '' })).has(id)).toBe(false);
    expect(activeIds(t, paramsFor('secondary')).has(id)).toBe(false);
    const failback = paramsFor('secondary', { ReverseReplicationEnabled: 'true' });
    expect(activeIds(t, failback).has(id)).toBe(true);
    expect(dims(latency, failback)).toEqual({
      SourceBucket: NAMES.secondary.bucket,
      DestinationBucket: NAMES.primary.bucket,
      RuleId: ruleId('secondary', {
        PrimaryAssetsBucketArn: `arn:aws:s3:::${NAMES.primary.bucket}`,
        PrimaryKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k',
      }),
    });
  });
});

describe('monitoring template: dashboard', () => {
  const regionsOf = (d: ReturnType<typeof dashboard>, metric: string): string[] =>
    d.widgets
      .filter((w) => w.properties.metrics?.some((m) => m.includes(metric)))
      .map((w) => w.properties.region ?? '');

  it.each(['primary', 'secondary'] as const)('in the %s region shows both regions with explicit regions', (role) => {
    const d = dashboard(paramsFor(role));
    expect(regionsOf(d, 'HTTPCode_ELB_5XX_Count').sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(regionsOf(d, 'HealthyHostCount').sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(regionsOf(d, 'ReplicaLag')).toEqual(['us-west-2']);
    expect(regionsOf(d, 'HealthCheckStatus')).toEqual(['us-east-1']);
    const dynamo = d.widgets.find((w) => w.properties.metrics?.some((m) => m[0] === 'AWS/DynamoDB'));
    const metricRegions = (dynamo?.properties.metrics ?? [])
      .map((m) => (m[m.length - 1] as { region: string }).region)
      .sort();
    expect(metricRegions).toEqual(['us-east-1', 'us-west-2']);
    expect(regionsOf(d, 'OperationsFailedReplication')).toEqual(['us-east-1']);
  });

  it("puts each region's own names into its widgets, whichever region the dashboard lives in", () => {
    for (const role of ['primary', 'secondary'] as const) {
      const d = dashboard(paramsFor(role));
      const alb = d.widgets.filter((w) => w.properties.metrics?.some((m) => m.includes('HTTPCode_ELB_5XX_Count')));
      for (const w of alb) {
        const expected = w.properties.region === 'us-east-1' ? NAMES.primary.alb : NAMES.secondary.alb;
        expect(JSON.stringify(w.properties.metrics), role).toContain(expected);
      }
      const lag = d.widgets.find((w) => w.properties.metrics?.some((m) => m.includes('ReplicaLag')));
      expect(lag?.properties.metrics?.[0]).toContain(NAMES.secondary.db);
      const r53 = d.widgets.find((w) => w.properties.metrics?.some((m) => m.includes('HealthCheckStatus')));
      expect(JSON.stringify(r53?.properties.metrics)).toContain(HC.primary);
      expect(JSON.stringify(r53?.properties.metrics)).toContain(HC.secondary);
    }
  });

  it('shows the WAF requests and the order canaries of both regions, by the names those layers give them', () => {
    const waf = loadLayerTemplate('waf');
    const canaries = loadLayerTemplate('canaries');
    const named = (tmpl: typeof waf, id: string, prop = 'Name') =>
      String(resolve(tmpl, props(tmpl, id)[prop], { EnvironmentSuffix: 'dev' }));
    for (const role of ['primary', 'secondary'] as const) {
      const d = dashboard(paramsFor(role));
      const blocked = d.widgets.find((w) => w.properties.metrics?.some((m) => m.includes('BlockedRequests')));
      expect(blocked?.properties.metrics?.map((m) => `${String(m[3])}@${String(m[5])}`)).toEqual([
        `${named(waf, 'WebAcl')}@us-east-1`,
        `${named(waf, 'WebAcl')}@us-east-1`,
        `${named(waf, 'WebAcl')}@us-west-2`,
        `${named(waf, 'WebAcl')}@us-west-2`,
      ]);
      const canary = d.widgets.find((w) => w.properties.metrics?.some((m) => m.includes('SuccessPercent')));
      expect(canary?.properties.metrics?.map((m) => m[3])).toEqual([
        named(canaries, 'RegionalCanary'),
        named(canaries, 'PublicCanary'),
        named(canaries, 'RegionalCanary'),
        named(canaries, 'PublicCanary'),
      ]);
    }
  });

  it('leaves the Route 53 widget out until the global layer exists', () => {
    const d = dashboard(paramsFor('primary', { PrimaryHealthCheckId: '', SecondaryHealthCheckId: '' }));
    expect(d.widgets.some((w) => w.properties.metrics?.some((m) => m.includes('HealthCheckStatus')))).toBe(false);
    expect(d.widgets.some((w) => w.properties.metrics?.some((m) => m.includes('ReplicaLag')))).toBe(true);
  });

  it('reads Route 53 metrics from us-east-1 through a parameter, not a literal', () => {
    expect(t.Parameters?.Route53MetricsRegion?.AllowedValues).toEqual(['us-east-1']);
  });
});

describe('monitoring template: environment configs', () => {
  it.each(['dev', 'prod'])(
    '%s values satisfy the template constraints and alarm on replica lag at the RPO objective',
    (env) => {
      const config = loadEnvironmentConfig(env);
      expect(configValueProblems(config, t)).toEqual([]);
      const lag =
        resolveParameters(config, 'secondary', t).ReplicaLagThresholdSeconds ??
        String(t.Parameters?.ReplicaLagThresholdSeconds?.Default);
      expect(Number(lag)).toBeLessThanOrEqual(config.objectives.rpoSeconds);
    },
  );
});
