import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  activeResources,
  evaluateConditions,
  resolveValue,
  effectiveParameters,
} from '../../src/templates/conditions.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import { readSettings } from '../../src/failover/controller/config.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const template = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'templates/failover.json'), 'utf8')) as CfnTemplate;
const required = {
  KmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/abc',
  AlertTopicArn: 'arn:aws:sns:us-west-2:111122223333:alerts-dev',
};

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };
const statements = (): Statement[] =>
  (
    (
      template.Resources.ControllerRole?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]
    )[0] as { PolicyDocument: { Statement: Statement[] } }
  ).PolicyDocument.Statement;

describe('templates/failover.json', () => {
  it('declares the layer contract: both regions, same- and peer-region inputs, the controller artifact', () => {
    const d = template.Metadata?.Drctl;
    expect(d).toMatchObject({
      Layer: 'failover',
      Regions: ['primary', 'secondary'],
      Artifacts: {
        ControllerCodeKey: {
          Entry: 'src/failover/controller/handler.ts',
          BucketParameter: 'ArtifactBucketName',
          Kind: 'lambda',
        },
      },
    });
    expect(d?.Inputs?.PeerHealthCheckUrl).toEqual({ Stack: 'compute', Region: 'peer', Output: 'HealthCheckUrl' });
    expect(d?.Inputs?.DatabaseArn).toEqual({ Stack: 'data', Region: 'self', Output: 'DatabaseArn' });
    // Never anything from the peer's control-plane resources: only plain strings the probes use.
    expect(
      Object.values(d?.Inputs ?? {})
        .filter((i) => i.Region === 'peer')
        .map((i) => i.Output)
        .sort(),
    ).toEqual(['AlbDnsName', 'HealthCheckUrl']);
    for (const name of Object.keys(d?.Inputs ?? {})) expect(template.Parameters).toHaveProperty(name);
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['ControllerFunctionName', 'ControllerStateTableName']),
    );
  });

  it('gives every parameter a description and a constraint, and groups every parameter', () => {
    const grouped = (
      (template.Metadata?.['AWS::CloudFormation::Interface'] as { ParameterGroups: { Parameters: string[] }[] })
        .ParameterGroups ?? []
    ).flatMap((g) => g.Parameters);
    for (const [name, p] of Object.entries(template.Parameters ?? {})) {
      expect(p.Description, name).toBeTruthy();
      expect(p.AllowedPattern ?? p.AllowedValues ?? p.MinValue, name).toBeDefined();
      expect(grouped, name).toContain(name);
    }
  });

  it('creates the Region switch plan only in the secondary and only when asked', () => {
    const base = { ...required, RegionRole: 'secondary' };
    expect(activeResources(template, base)).not.toContain('RegionSwitchPlan');
    expect(activeResources(template, { ...base, EnableRegionSwitchPlan: 'true' })).toEqual(
      expect.arrayContaining(['RegionSwitchPlan', 'RegionSwitchExecutionRole']),
    );
    expect(
      activeResources(template, { ...required, RegionRole: 'primary', EnableRegionSwitchPlan: 'true' }),
    ).not.toContain('RegionSwitchPlan');
  });

  it('lets only the secondary promote on its own', () => {
    const envVar = (given: Record<string, string>, name: string) => {
      const params = effectiveParameters(template, { ...required, ...given });
      const vars = (
        template.Resources.ControllerFunction?.Properties?.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      return resolveValue(template, params, vars[name], evaluateConditions(template, { ...required, ...given }));
    };
    expect(envVar({ RegionRole: 'secondary' }, 'PROMOTION_ENABLED')).toBe('true');
    expect(envVar({ RegionRole: 'primary', PromotionEnabled: 'true' }, 'PROMOTION_ENABLED')).toBe('false');
    expect(envVar({ RegionRole: 'secondary', PromotionEnabled: 'false' }, 'PROMOTION_ENABLED')).toBe('false');
  });

  it('sets exactly the environment the controller reads, with values it accepts', () => {
    const given: Record<string, string> = {
      ...required,
      RegionRole: 'secondary',
      ArtifactBucketName: 'artifacts-dev-111122223333-us-west-2',
      MaintenanceFlagParameterName: '/trading/dev/maintenance',
      DatabaseIdentifier: 'trading-db-dev',
      DatabaseArn: 'arn:aws:rds:us-west-2:111122223333:db:trading-db-dev',
      WriterEndpointParameterName: '/trading/dev/db/writer-endpoint',
      AutoScalingGroupName: 'asg-dev',
      SelfAlbDnsName: 'alb-dev-2.us-west-2.elb.amazonaws.com',
      SelfHealthCheckUrl: 'http://alb-dev-2.us-west-2.elb.amazonaws.com/health',
      PeerAlbDnsName: 'alb-dev-1.us-east-1.elb.amazonaws.com',
      PeerHealthCheckUrl: 'http://alb-dev-1.us-east-1.elb.amazonaws.com/health',
    };
    const params = { ...effectiveParameters(template, given), ControllerStateTable: 'failover-state-dev' };
    const vars = (
      template.Resources.ControllerFunction?.Properties?.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    const env = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [
        k,
        String(resolveValue(template, params, v, evaluateConditions(template, given))),
      ]),
    );
    const settings = readSettings(env);
    expect(settings).toMatchObject({
      stateTable: 'failover-state-dev',
      failoverCapacity: 2,
      probeTimeoutMs: 3000,
      executeOnInvoke: false,
      decision: { role: 'secondary', enabled: true, windowSeconds: 180, rpoGuardSeconds: 60, scheduleSeconds: 60 },
    });
    // Every variable the controller requires is set by the template (removing one is reported by name).
    for (const k of Object.keys(vars)) {
      try {
        readSettings({ ...env, [k]: '' });
      } catch (err) {
        expect((err as { field?: string }).field).toBe(k);
      }
    }
    expect(Object.keys(vars)).not.toContain('AWS_REGION');
  });

  it('reserves concurrency only when asked (ControllerReservedConcurrency, default 0: none)', () => {
    const f = template.Resources.ControllerFunction?.Properties ?? {};
    const reserved = (given: Record<string, string>) =>
      resolveValue(
        template,
        effectiveParameters(template, { ...required, ...given }),
        f.ReservedConcurrentExecutions,
        evaluateConditions(template, { ...required, ...given }),
      );
    // An account whose Lambda concurrency quota is low cannot reserve any: the default deploys there.
    expect(reserved({})).toBeUndefined();
    expect(reserved({ ControllerReservedConcurrency: '1' })).toBe('1');
    expect(template.Parameters?.ControllerReservedConcurrency).toMatchObject({ Default: 0, MinValue: 0, MaxValue: 1 });
  });

  it('runs on the schedule, with encrypted environment and a dead-letter queue', () => {
    const f = template.Resources.ControllerFunction?.Properties ?? {};
    expect(f).toMatchObject({
      Runtime: 'nodejs24.x',
      KmsKeyArn: { Ref: 'KmsKeyArn' },
      Code: { S3Bucket: { Ref: 'ArtifactBucketName' }, S3Key: { Ref: 'ControllerCodeKey' } },
    });
    expect(f.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': ['ControllerDeadLetterQueue', 'Arn'] } });
    const rule = template.Resources.ControllerSchedule?.Properties ?? {};
    const conds = evaluateConditions(template, required);
    expect(resolveValue(template, effectiveParameters(template, required), rule.ScheduleExpression, conds)).toBe(
      'rate(1 minute)',
    );
    expect(
      resolveValue(
        template,
        effectiveParameters(template, { ...required, ControllerScheduleMinutes: '5' }),
        rule.ScheduleExpression,
        evaluateConditions(template, { ...required, ControllerScheduleMinutes: '5' }),
      ),
    ).toBe('rate(5 minutes)');
    expect(template.Resources.ControllerStateTable?.Properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEType: 'KMS' },
    });
  });

  it('scopes every IAM statement to a resource, except the actions AWS cannot scope', () => {
    const wildcard = statements().filter((s) => JSON.stringify(s.Resource) === '"*"');
    expect(wildcard.map((s) => s.Action).sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'cloudwatch:GetMetricData',
    ]);
    for (const s of wildcard) expect(s.Sid).toMatch(/HasNoResourceScope$/);
    const promote = statements().find((s) => ([] as string[]).concat(s.Action).includes('rds:PromoteReadReplica'));
    expect(promote?.Resource).toEqual({ Ref: 'DatabaseArn' });
    // Regions and accounts come from pseudo parameters and inputs, never literals (parameter defaults aside).
    expect(/\b\d{12}\b|"[a-z]{2}-[a-z]+-\d"/.test(JSON.stringify(template.Resources))).toBe(false);
  });

  it("writes logs only to its own log group, whose Arn (ending in ':*') already covers its streams", () => {
    const logs = statements().find((st) => st.Sid === 'WriteOwnLogs');
    expect(logs?.Resource).toEqual({ 'Fn::GetAtt': ['ControllerLogGroup', 'Arn'] });
    expect(JSON.stringify(statements())).not.toContain(':log-stream:');
  });

  it('accepts every DomainName the global layer accepts (config common feeds both)', async () => {
    const global = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'templates/global.json'), 'utf8')) as CfnTemplate;
    const mine = template.Parameters?.DomainName;
    const theirs = global.Parameters?.DomainName;
    expect({ pattern: mine?.AllowedPattern, max: mine?.MaxLength }).toEqual({
      pattern: theirs?.AllowedPattern,
      max: theirs?.MaxLength,
    });
  });

  it('passes drctl validate', async () => {
    const r = await runCli(['validate', 'templates/failover.json']);
    expect(r.stderr + r.stdout).toMatch(/valid: 1 template, 0 errors/);
    expect(r.code).toBe(0);
  });
});
