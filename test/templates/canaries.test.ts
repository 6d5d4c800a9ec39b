// templates/canaries.json: one canary per region through its own load balancer, one through the public name when it
// is known, the code artifact the packager builds, and alarms on SuccessPercent that treat a missing run as failed.
import { describe, expect, it } from 'vitest';
import {
  conventionProblems,
  inputProblems,
  loadLayerTemplate,
  propsIn,
  stackParams,
  viewStack,
} from '../helpers/templates.js';
import { readCanarySettings } from '../../src/canary/handler.js';
import { effectiveParameters } from '../../src/templates/conditions.js';

const t = loadLayerTemplate('canaries');
/** The stack with the template's defaults applied, as CloudFormation resolves it. */
const stack = (given: Record<string, string>) => viewStack(t, effectiveParameters(t, given));
const inputs = {
  KmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/abc',
  AlertTopicArn: 'arn:aws:sns:us-west-2:111122223333:alerts-dev',
  ArtifactBucketName: 'artifacts-dev-111122223333-us-west-2',
  SelfAlbDnsName: 'alb-dev-2.us-west-2.elb.amazonaws.com',
};
const env = (v: ReturnType<typeof stack>, id: string) =>
  Object.fromEntries(
    Object.entries(
      (propsIn(v, id).RunConfig as { EnvironmentVariables: Record<string, unknown> }).EnvironmentVariables,
    ).map(([k, x]) => [k, String(v.resolve(x))]),
  );

describe('templates/canaries.json', () => {
  it('follows the layer conventions, except a suffix short enough for 21-character canary names', () => {
    expect(conventionProblems(t)).toEqual(['EnvironmentSuffix pattern differs from the contract']);
    const pattern = new RegExp(t.Parameters?.EnvironmentSuffix?.AllowedPattern as string);
    expect(pattern.test('a'.repeat(18))).toBe(true);
    expect(pattern.test('a'.repeat(19))).toBe(false);
    const layers = Object.fromEntries(
      ['foundation', 'compute', 'global'].map((l) => [l, loadLayerTemplate(l)] as const),
    );
    expect(inputProblems(t, layers)).toEqual([]);
    expect(t.Metadata?.Drctl?.Artifacts?.CanaryCodeKey).toEqual({
      Entry: 'src/canary/handler.ts',
      BucketParameter: 'ArtifactBucketName',
      Kind: 'canary',
    });
  });

  it('runs the regional canary in both roles against the region load balancer, with settings the code accepts', () => {
    for (const role of ['primary', 'secondary'] as const) {
      const v = stack(stackParams(role, inputs));
      expect(Object.keys(v.resources)).toEqual(expect.arrayContaining(['RegionalCanary', 'RegionalCanaryAlarm']));
      expect(Object.keys(v.resources)).not.toContain('PublicCanary');
      const settings = readCanarySettings(env(v, 'RegionalCanary'));
      expect(settings).toMatchObject({ targetUrl: `http://${inputs.SelfAlbDnsName}`, latencyBudgetMs: 2000 });
      expect(settings.tag).toBe(`${role}-regional`);
      expect(v.resolve(propsIn(v, 'RegionalCanary').Name)).toBe('cr-dev');
    }
    const https = stack(stackParams('primary', { ...inputs, ListenerProtocol: 'HTTPS' }));
    expect(readCanarySettings(env(https, 'RegionalCanary')).targetUrl).toBe(`https://${inputs.SelfAlbDnsName}`);
  });

  it('adds the public canary once the global layer name is known', () => {
    const v = stack(stackParams('secondary', { ...inputs, PublicDomainName: 'api.dev.trading.example.com' }));
    expect(Object.keys(v.resources)).toEqual(expect.arrayContaining(['PublicCanary', 'PublicCanaryAlarm']));
    expect(readCanarySettings(env(v, 'PublicCanary')).targetUrl).toBe('https://api.dev.trading.example.com');
    expect(Object.keys(v.outputs)).toEqual(expect.arrayContaining(['PublicCanaryName', 'PublicCanaryAlarmName']));
  });

  it('uses the packaged handler on a current Node.js Synthetics runtime, encrypting run artifacts', () => {
    const v = stack(stackParams('primary', inputs));
    const c = propsIn(v, 'RegionalCanary');
    expect((c.Code as { Handler: string }).Handler).toBe('index.handler');
    expect(String(v.resolve(c.RuntimeVersion))).toMatch(/^syn-nodejs-puppeteer-1[5-9]\./);
    expect(c.ArtifactConfig).toEqual({ S3Encryption: { EncryptionMode: 'SSE_KMS', KmsKeyArn: { Ref: 'KmsKeyArn' } } });
    expect(v.resolve((c.Schedule as { Expression: unknown }).Expression)).toBe('rate(1 minute)');
    const five = stack(stackParams('primary', { ...inputs, CanaryRateMinutes: '5' }));
    expect(five.resolve((propsIn(five, 'RegionalCanary').Schedule as { Expression: unknown }).Expression)).toBe(
      'rate(5 minutes)',
    );
  });

  it('alarms on SuccessPercent below the threshold and counts a missing run as failed', () => {
    const v = stack(stackParams('primary', inputs));
    expect(propsIn(v, 'RegionalCanaryAlarm')).toMatchObject({
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: 'RegionalCanary' } }],
    });
  });
});
