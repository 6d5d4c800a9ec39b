import { describe, expect, it } from 'vitest';
import { configValues as resolveParameters } from '../../src/plan/parameters.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import { HEARTBEAT_INTERVAL_RANGE } from '../../src/service/gateway/heartbeat.js';
import {
  activeIds,
  conditionsFor,
  configValueProblems,
  conventionProblems,
  idsOfType,
  inputProblems,
  loadEnvironmentConfig,
  loadLayerTemplate,
  outputNames,
  parameterRefs,
  props,
  referencedNames,
  resolve,
  resource,
  stackParams,
  viewStack,
} from '../helpers/templates.js';

const t = loadLayerTemplate('compute');
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

function layers(): Record<string, CfnTemplate> {
  const names = new Set(Object.values(t.Metadata?.Drctl?.Inputs ?? {}).map((i) => i.Stack));
  return Object.fromEntries([...names].map((n) => [n, loadLayerTemplate(n)]));
}

function userDataScript(): string {
  const lt = props(t, 'LaunchTemplate').LaunchTemplateData as Record<string, unknown>;
  const b64 = lt.UserData as Record<string, unknown>;
  const s = b64['Fn::Base64'] as Record<string, unknown>;
  const text = s['Fn::Sub'];
  if (typeof text !== 'string') throw new Error('user data is not a plain Fn::Sub string');
  return text;
}

describe('compute template: structure and metadata', () => {
  it('declares the drctl layer, both regions and the gateway artifact', () => {
    expect(t.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(t.Description).toMatch(/compute/);
    const d = t.Metadata?.Drctl;
    expect(d?.Layer).toBe('compute');
    expect(d?.Regions).toEqual(['primary', 'secondary']);
    expect(d?.Artifacts?.GatewayBundleKey).toEqual({
      Entry: 'src/service/gateway/main.ts',
      BucketParameter: 'ArtifactBucketName',
      Kind: 'service',
    });
  });

  it('groups and labels every parameter for the console', () => {
    const iface = t.Metadata?.['AWS::CloudFormation::Interface'] as {
      ParameterGroups: { Parameters: string[] }[];
      ParameterLabels: Record<string, unknown>;
    };
    const grouped = iface.ParameterGroups.flatMap((g) => g.Parameters);
    for (const name of Object.keys(t.Parameters ?? {})) {
      expect(grouped, name).toContain(name);
      expect(iface.ParameterLabels[name], name).toBeDefined();
    }
  });

  it('follows the layer conventions (parameters, labels, literals, deletion policies, names)', () => {
    expect(conventionProblems(t)).toEqual([]);
    expect(t.Parameters?.EnvironmentSuffix?.AllowedPattern).toBe('^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$');
    expect(t.Parameters?.RegionRole?.AllowedValues).toEqual(['primary', 'secondary']);
  });

  it('every input parameter exists and every referenced parameter is declared', () => {
    const declared = new Set([...Object.keys(t.Parameters ?? {}), ...Object.keys(t.Resources)]);
    for (const name of Object.keys(t.Metadata?.Drctl?.Inputs ?? {})) expect(t.Parameters?.[name], name).toBeDefined();
    for (const name of referencedNames(t.Resources))
      if (!name.startsWith('AWS::')) expect(declared.has(name), name).toBe(true);
    for (const name of referencedNames(t.Outputs))
      if (!name.startsWith('AWS::')) expect(declared.has(name), name).toBe(true);
  });

  it('names, for every input, an output the producing layer template declares', () => {
    expect(inputProblems(t, layers())).toEqual([]);
  });

  it('needs only same-region stacks, so the secondary redeploys while the primary region is down', () => {
    for (const [param, input] of Object.entries(t.Metadata?.Drctl?.Inputs ?? {})) {
      if (input.Region === 'self') continue;
      expect(t.Parameters?.[param]?.Default, `${param} is optional`).toBe('');
    }
  });

  it('has no Retain or Snapshot deletion policies', () => {
    for (const [id, r] of Object.entries(t.Resources)) {
      expect(['Retain', 'RetainExceptOnCreate', 'Snapshot'], id).not.toContain(r.DeletionPolicy);
      expect(['Retain', 'RetainExceptOnCreate', 'Snapshot'], id).not.toContain(r.UpdateReplacePolicy);
    }
  });

  it('publishes exactly the outputs other layers rely on', () => {
    const names = outputNames(t);
    for (const o of [
      'AlbArn',
      'AlbDnsName',
      'AlbHostedZoneId',
      'AlbFullName',
      'TargetGroupArn',
      'TargetGroupFullName',
      'AutoScalingGroupName',
      'InstanceRoleArn',
      'HealthCheckUrl',
      'FailoverDesiredCapacity',
    ]) {
      expect(names.has(o), o).toBe(true);
    }
    expect(t.Outputs?.AlbHostedZoneId?.Value).toEqual({ 'Fn::GetAtt': ['LoadBalancer', 'CanonicalHostedZoneID'] });
    expect(t.Outputs?.AlbFullName?.Value).toEqual({ 'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName'] });
    expect(t.Outputs?.FailoverDesiredCapacity?.Value).toEqual({ Ref: 'FailoverDesiredCapacity' });
  });
});

describe('compute template: names carry the environment suffix', () => {
  it.each([
    ['LoadBalancer', 'Name', 'alb-prod-1'],
    ['TargetGroup', 'Name', 'tg-prod-1'],
    ['AutoScalingGroup', 'AutoScalingGroupName', 'asg-prod-1'],
    ['LaunchTemplate', 'LaunchTemplateName', 'lt-prod-1'],
  ])('%s %s', (id, prop, expected) => {
    expect(resolve(t, props(t, id)[prop], { EnvironmentSuffix: 'prod-1' })).toBe(expected);
    expect(parameterRefs(t, props(t, id)[prop])).toContain('EnvironmentSuffix');
  });

  it('keeps ALB and target group names within the 32-character limit for the longest suffix', () => {
    const longest = 'a'.repeat(20);
    expect(
      String(resolve(t, props(t, 'LoadBalancer').Name, { EnvironmentSuffix: longest })).length,
    ).toBeLessThanOrEqual(32);
    expect(String(resolve(t, props(t, 'TargetGroup').Name, { EnvironmentSuffix: longest })).length).toBeLessThanOrEqual(
      32,
    );
  });
});

describe('compute template: load balancer and listeners', () => {
  it('is an internet-facing application load balancer in the public subnets behind the ALB security group', () => {
    const p = props(t, 'LoadBalancer');
    expect(p.Type).toBe('application');
    expect(p.Scheme).toBe('internet-facing');
    expect(p.Subnets).toEqual({ Ref: 'PublicSubnetIds' });
    expect(p.SecurityGroups).toEqual([{ Ref: 'AlbSecurityGroupId' }]);
  });

  it('logs to the foundation bucket, drops invalid headers and takes deletion protection from a parameter defaulting to false', () => {
    const attrs = Object.fromEntries(
      (props(t, 'LoadBalancer').LoadBalancerAttributes as { Key: string; Value: unknown }[]).map((a) => [
        a.Key,
        a.Value,
      ]),
    );
    expect(attrs['access_logs.s3.enabled']).toBe('true');
    expect(attrs['access_logs.s3.bucket']).toEqual({ Ref: 'LogsBucketName' });
    expect(attrs['routing.http.drop_invalid_header_fields.enabled']).toBe('true');
    expect(attrs['deletion_protection.enabled']).toEqual({ Ref: 'DeletionProtection' });
    expect(t.Parameters?.DeletionProtection?.Default).toBe('false');
    expect(t.Metadata?.Drctl?.Inputs?.LogsBucketName).toEqual({
      Stack: 'foundation',
      Region: 'self',
      Output: 'LogsBucketName',
    });
  });

  it('without a certificate serves HTTP and forwards to the target group', () => {
    const ids = activeIds(t, { CertificateArn: '' });
    expect(ids.has('HttpListener')).toBe(true);
    expect(ids.has('HttpsListener')).toBe(false);
    expect(ids.has('HttpRedirectListener')).toBe(false);
    const p = props(t, 'HttpListener');
    expect(p.Port).toBe(80);
    expect(p.Protocol).toBe('HTTP');
    expect(p.DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: 'TargetGroup' } }]);
    expect(resolve(t, t.Outputs?.ListenerProtocol?.Value, { CertificateArn: '' })).toBe('HTTP');
    expect(resolve(t, t.Outputs?.ListenerPort?.Value, { CertificateArn: '' })).toBe('80');
  });

  it('with a certificate serves HTTPS with the TLS 1.3 policy and redirects HTTP to HTTPS', () => {
    const ids = activeIds(t, { CertificateArn: CERT });
    expect(ids.has('HttpsListener')).toBe(true);
    expect(ids.has('HttpRedirectListener')).toBe(true);
    expect(ids.has('HttpListener')).toBe(false);
    const https = props(t, 'HttpsListener');
    expect(https.Protocol).toBe('HTTPS');
    expect(https.Port).toBe(443);
    expect(https.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(https.Certificates).toEqual([{ CertificateArn: { Ref: 'CertificateArn' } }]);
    const redirect = (
      props(t, 'HttpRedirectListener').DefaultActions as { Type: string; RedirectConfig: Record<string, string> }[]
    )[0];
    expect(redirect?.Type).toBe('redirect');
    expect(redirect?.RedirectConfig.Protocol).toBe('HTTPS');
    expect(redirect?.RedirectConfig.StatusCode).toBe('HTTP_301');
    expect(resolve(t, t.Outputs?.ListenerProtocol?.Value, { CertificateArn: CERT })).toBe('HTTPS');
    expect(resolve(t, t.Outputs?.ListenerPort?.Value, { CertificateArn: CERT })).toBe('443');
  });

  it('builds the health-check URL from the listener protocol and the health path', () => {
    const out = t.Outputs?.HealthCheckUrl?.Value as {
      'Fn::If': [string, { 'Fn::Sub': string }, { 'Fn::Sub': string }];
    };
    expect(out['Fn::If'][0]).toBe('HasCertificate');
    expect(out['Fn::If'][1]['Fn::Sub']).toBe('https://${LoadBalancer.DNSName}${HealthCheckPath}');
    expect(out['Fn::If'][2]['Fn::Sub']).toBe('http://${LoadBalancer.DNSName}${HealthCheckPath}');
  });

  it('rejects a certificate value that is not an ACM ARN', () => {
    const re = new RegExp(t.Parameters?.CertificateArn?.AllowedPattern ?? '');
    expect(re.test('')).toBe(true);
    expect(re.test(CERT)).toBe(true);
    expect(re.test('arn:aws:iam::123456789012:server-certificate/x')).toBe(false);
  });
});

describe('compute template: target group', () => {
  it('forwards HTTP to AppPort and checks the shallow liveness path with thresholds and a short deregistration delay', () => {
    const p = props(t, 'TargetGroup');
    expect(p.Protocol).toBe('HTTP');
    expect(p.Port).toEqual({ Ref: 'AppPort' });
    // Liveness only: a database blip or the maintenance flag must not drain the fleet or make Auto Scaling replace it.
    expect(p.HealthCheckPath).toEqual({ Ref: 'LivenessPath' });
    expect(t.Parameters?.LivenessPath?.Default).toBe('/live');
    expect(t.Parameters?.HealthCheckPath?.Default).toBe('/health');
    expect(p.HealthCheckIntervalSeconds).toEqual({ Ref: 'TargetHealthCheckIntervalSeconds' });
    expect(p.HealthyThresholdCount).toEqual({ Ref: 'TargetHealthyThresholdCount' });
    expect(p.UnhealthyThresholdCount).toEqual({ Ref: 'TargetUnhealthyThresholdCount' });
    expect(p.Matcher).toEqual({ HttpCode: '200' });
    const attrs = Object.fromEntries(
      (p.TargetGroupAttributes as { Key: string; Value: unknown }[]).map((a) => [a.Key, a.Value]),
    );
    expect(attrs['deregistration_delay.timeout_seconds']).toEqual({ Ref: 'DeregistrationDelaySeconds' });
    expect(Number(t.Parameters?.DeregistrationDelaySeconds?.Default)).toBeLessThanOrEqual(60);
  });

  it('keeps the health-check timeout default below the interval default', () => {
    expect(Number(t.Parameters?.TargetHealthCheckTimeoutSeconds?.Default)).toBeLessThan(
      Number(t.Parameters?.TargetHealthCheckIntervalSeconds?.Default),
    );
  });
});

describe('compute template: health separation and heartbeat', () => {
  it('lets the Auto Scaling group act on the target group, which asks only the liveness path', () => {
    const asg = props(t, 'AutoScalingGroup');
    expect(asg.HealthCheckType).toEqual({ Ref: 'AsgHealthCheckType' });
    expect(t.Parameters?.AsgHealthCheckType?.Default).toBe('ELB');
    expect(asg.TargetGroupARNs).toEqual([{ Ref: 'TargetGroup' }]);
    expect(props(t, 'TargetGroup').HealthCheckPath).toEqual({ Ref: 'LivenessPath' });
    // The deep path reaches Route 53 through the outputs only, never a target group.
    const tgPaths = idsOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').map((id) => props(t, id).HealthCheckPath);
    expect(tgPaths).not.toContainEqual({ Ref: 'HealthCheckPath' });
    expect(t.Outputs?.HealthCheckPath?.Value).toEqual({ Ref: 'HealthCheckPath' });
    expect(t.Outputs?.LivenessPath?.Value).toEqual({ Ref: 'LivenessPath' });
  });

  it('bounds the heartbeat interval to 1-10 s with the gateway default of 5 s', () => {
    const p = t.Parameters?.HeartbeatIntervalSeconds;
    expect([p?.Type, p?.Default, p?.MinValue, p?.MaxValue]).toEqual(['Number', 5, 1, 10]);
    expect(p?.Default).toBe(HEARTBEAT_INTERVAL_RANGE.default);
    expect([p?.MinValue, p?.MaxValue]).toEqual([HEARTBEAT_INTERVAL_RANGE.min, HEARTBEAT_INTERVAL_RANGE.max]);
  });
});

describe('compute template: launch template', () => {
  const data = () => props(t, 'LaunchTemplate').LaunchTemplateData as Record<string, unknown>;

  it('takes the Amazon Linux 2023 AMI from the SSM public parameter', () => {
    expect(data().ImageId).toEqual({ Ref: 'ImageId' });
    expect(t.Parameters?.ImageId?.Type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
    expect(t.Parameters?.ImageId?.Default).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    );
  });

  it('requires IMDSv2 with a hop limit of at most 2', () => {
    const md = data().MetadataOptions as Record<string, unknown>;
    expect(md.HttpTokens).toBe('required');
    expect(md.HttpEndpoint).toBe('enabled');
    expect(Number(md.HttpPutResponseHopLimit)).toBeGreaterThanOrEqual(1);
    expect(Number(md.HttpPutResponseHopLimit)).toBeLessThanOrEqual(2);
  });

  it('encrypts every gp3 EBS volume with the foundation key', () => {
    const bdm = data().BlockDeviceMappings as { Ebs: Record<string, unknown> }[];
    expect(bdm.length).toBeGreaterThan(0);
    for (const m of bdm) {
      expect(m.Ebs.Encrypted).toBe(true);
      expect(m.Ebs.VolumeType).toBe('gp3');
      expect(m.Ebs.KmsKeyId).toEqual({ Ref: 'KmsKeyArn' });
      expect(m.Ebs.DeleteOnTermination).toBe(true);
    }
    expect(t.Metadata?.Drctl?.Inputs?.KmsKeyArn).toEqual({ Stack: 'foundation', Region: 'self', Output: 'KmsKeyArn' });
  });

  it('has no SSH key and only the app security group', () => {
    expect(data()).not.toHaveProperty('KeyName');
    expect(JSON.stringify(t.Resources)).not.toContain('KeyName');
    expect(data().SecurityGroupIds).toEqual([{ Ref: 'AppSecurityGroupId' }]);
    expect(data().IamInstanceProfile).toEqual({ Arn: { 'Fn::GetAtt': ['InstanceProfile', 'Arn'] } });
  });
});

describe('compute template: user data', () => {
  it('installs Node.js and the CloudWatch agent', () => {
    const s = userDataScript();
    expect(s.startsWith('#!/bin/bash')).toBe(true);
    expect(s).toMatch(/dnf install -y nodejs\$\{NodeMajorVersion\} amazon-cloudwatch-agent/);
    expect(s).toContain('amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s');
  });

  it('configures the agent to publish mem_used_percent and disk_used_percent per Auto Scaling group', () => {
    const s = userDataScript();
    const json = /<<'CWAGENT'\n([\s\S]*?)\nCWAGENT/.exec(s)?.[1];
    expect(json).toBeDefined();
    // Inside Fn::Sub, ${!x} is the escape for a literal ${x}.
    const cfg = JSON.parse((json as string).replaceAll('${!', '${')) as {
      metrics: {
        namespace: string;
        append_dimensions: Record<string, string>;
        aggregation_dimensions: string[][];
        metrics_collected: Record<string, { measurement: string[]; resources?: string[] }>;
      };
    };
    expect(cfg.metrics.namespace).toBe('CWAgent');
    expect(cfg.metrics.append_dimensions.AutoScalingGroupName).toBe('${aws:AutoScalingGroupName}');
    expect(cfg.metrics.aggregation_dimensions).toContainEqual(['AutoScalingGroupName']);
    expect(cfg.metrics.metrics_collected.mem?.measurement).toContain('mem_used_percent');
    // The agent names the disk metric disk_<measurement>.
    expect(cfg.metrics.metrics_collected.disk?.measurement).toContain('used_percent');
    expect(cfg.metrics.metrics_collected.disk?.resources).toEqual(['/']);
  });

  it('downloads the gateway bundle from the artifact bucket and runs it as the trading-gateway unit', () => {
    const s = userDataScript();
    expect(s).toContain('aws s3 cp "s3://${ArtifactBucketName}/${GatewayBundleKey}"');
    expect(s).toContain('/etc/systemd/system/trading-gateway.service');
    expect(s).toContain('systemctl enable --now trading-gateway');
    expect(s).toMatch(/ExecStart=\/usr\/bin\/node-\$\{NodeMajorVersion\} \/opt\/trading-gateway\/gateway\.mjs/);
    expect(s).toMatch(/User=trading-gateway/);
  });

  it('passes every environment variable of the gateway service contract', () => {
    const s = userDataScript();
    const env = /<<'GATEWAYENV'\n([\s\S]*?)\nGATEWAYENV/.exec(s)?.[1] ?? '';
    const vars = Object.fromEntries(env.split('\n').map((l) => l.split('=') as [string, string]));
    expect(vars).toEqual({
      GATEWAY_PORT: '${AppPort}',
      AWS_REGION: '${AWS::Region}',
      REGION_ROLE: '${RegionRole}',
      ENVIRONMENT_SUFFIX: '${EnvironmentSuffix}',
      ORDERS_TABLE: '${OrdersTableName}',
      DB_ENDPOINT: '${DatabaseEndpoint}',
      DB_PORT: '${DatabasePort}',
      DB_SECRET_ARN: '${DatabaseSecretArn}',
      WRITER_ENDPOINT_PARAMETER: '${WriterEndpointParameterName}',
      MAINTENANCE_PARAMETER: '${MaintenanceFlagParameterName}',
      // Beyond the contract: where the failover controller publishes the promoted writer's secret.
      DB_SECRET_ARN_PARAMETER: '${DatabaseSecretArnParameterName}',
      // The listen address and the two settings the write fence is made of (docs/architecture.md).
      GATEWAY_LISTEN_ADDRESS: '${GatewayListenAddress}',
      GATEWAY_REQUEST_DEADLINE_MS: '${GatewayRequestDeadlineMs}',
      MAINTENANCE_FLAG_MAX_AGE_MS: '${MaintenanceFlagMaxAgeMs}',
      HEARTBEAT_INTERVAL_SECONDS: '${HeartbeatIntervalSeconds}',
    });
  });

  it('gives the gateway the RDS certificate bundle to verify the database', () => {
    const s = userDataScript();
    expect(s).toContain('https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem');
    expect(s).toContain('echo "DB_CA_FILE=$DB_CA_FILE" >> /etc/trading-gateway/gateway.env');
  });

  it('substitutes only declared parameters and pseudo parameters', () => {
    const s = userDataScript();
    for (const m of s.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      const name = m[1] as string;
      expect(name.startsWith('AWS::') || name in (t.Parameters ?? {}), name).toBe(true);
    }
  });
});

describe('compute template: Auto Scaling group and scaling', () => {
  it('spans the app subnets with ELB health checks, a grace period, warm-up and parameterised sizes', () => {
    const p = props(t, 'AutoScalingGroup');
    expect(p.VPCZoneIdentifier).toEqual({ Ref: 'AppSubnetIds' });
    expect(p.TargetGroupARNs).toEqual([{ Ref: 'TargetGroup' }]);
    expect(p.HealthCheckType).toEqual({ Ref: 'AsgHealthCheckType' });
    expect(t.Parameters?.AsgHealthCheckType?.Default).toBe('ELB');
    expect(p.HealthCheckGracePeriod).toEqual({ Ref: 'HealthCheckGracePeriodSeconds' });
    expect(p.DefaultInstanceWarmup).toEqual({ Ref: 'InstanceWarmupSeconds' });
    expect(p.MinSize).toEqual({ Ref: 'MinSize' });
    expect(p.MaxSize).toEqual({ Ref: 'MaxSize' });
    expect(p.DesiredCapacity).toEqual({ Ref: 'DesiredCapacity' });
    expect(p.LaunchTemplate).toEqual({
      LaunchTemplateId: { Ref: 'LaunchTemplate' },
      Version: { 'Fn::GetAtt': ['LaunchTemplate', 'LatestVersionNumber'] },
    });
  });

  it('does not reset a size the failover controller raised when a stack update leaves the sizes unchanged', () => {
    const up = (
      resource(t, 'AutoScalingGroup') as unknown as {
        UpdatePolicy: { AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: boolean } };
      }
    ).UpdatePolicy;
    expect(up.AutoScalingScheduledAction.IgnoreUnmodifiedGroupSizeProperties).toBe(true);
  });

  it('tracks CPU always and ALB requests per target through whichever listener exists', () => {
    const cpu = props(t, 'CpuScalingPolicy').TargetTrackingConfiguration as Record<string, unknown>;
    expect(cpu.PredefinedMetricSpecification).toEqual({ PredefinedMetricType: 'ASGAverageCPUUtilization' });
    for (const [cert, id, listener] of [
      [CERT, 'RequestCountScalingPolicyHttps', 'HttpsListener'],
      ['', 'RequestCountScalingPolicyHttp', 'HttpListener'],
    ] as const) {
      const ids = activeIds(t, { CertificateArn: cert });
      expect(ids.has(id)).toBe(true);
      expect(resource(t, id).DependsOn).toBe(listener);
      const tt = props(t, id).TargetTrackingConfiguration as {
        PredefinedMetricSpecification: { PredefinedMetricType: string };
      };
      expect(tt.PredefinedMetricSpecification.PredefinedMetricType).toBe('ALBRequestCountPerTarget');
    }
    expect(idsOfType(t, 'AWS::AutoScaling::ScalingPolicy').filter((id) => activeIds(t, {}).has(id))).toHaveLength(2);
  });

  it('sizes the secondary through parameters: both roles create the same resources', () => {
    const primary = viewStack(t, stackParams('primary'));
    const secondary = viewStack(t, stackParams('secondary'));
    expect(Object.keys(secondary.resources).sort()).toEqual(Object.keys(primary.resources).sort());
  });

  it('tags the primary fleet active and the secondary warm-standby', () => {
    const tag = (role: 'primary' | 'secondary'): unknown => {
      const tags = viewStack(t, stackParams(role)).resources.AutoScalingGroup?.Properties?.Tags as {
        Key: string;
        Value: unknown;
        PropagateAtLaunch: boolean;
      }[];
      return tags.find((x) => x.Key === 'Capacity');
    };
    expect(tag('primary')).toEqual({ Key: 'Capacity', Value: 'active', PropagateAtLaunch: true });
    expect(tag('secondary')).toEqual({ Key: 'Capacity', Value: 'warm-standby', PropagateAtLaunch: true });
  });

  it('evaluates the role conditions', () => {
    const primary = conditionsFor(t, { RegionRole: 'primary' });
    const secondary = conditionsFor(t, { RegionRole: 'secondary' });
    expect(primary.get('IsPrimary')).toBe(true);
    expect(secondary.get('IsPrimary')).toBe(false);
    expect([...activeIds(t, { RegionRole: 'primary' })].sort()).toEqual(
      [...activeIds(t, { RegionRole: 'secondary' })].sort(),
    );
  });
});

describe('compute template: instance role is least privilege', () => {
  type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
  const statements = (): Statement[] =>
    ((props(t, 'InstanceRole').Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
  const bySid = (sid: string): Statement => {
    const s = statements().find((x) => x.Sid === sid);
    if (!s) throw new Error(`no statement ${sid}`);
    return s;
  };

  it('attaches only the SSM core managed policy', () => {
    expect(props(t, 'InstanceRole').ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore' },
    ]);
  });

  it('allows no wildcard actions and a wildcard resource only where the API has no resource-level permission', () => {
    for (const s of statements()) {
      for (const a of [s.Action].flat()) expect(a, s.Sid).not.toMatch(/\*/);
      if (s.Resource === '*') expect(['PublishAgentMetrics', 'ReadOwnTagsForDimensions']).toContain(s.Sid);
    }
    expect(bySid('PublishAgentMetrics').Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CWAgent' } });
  });

  it('reads only the gateway bundle object', () => {
    expect(bySid('ReadGatewayBundle').Action).toBe('s3:GetObject');
    expect(bySid('ReadGatewayBundle').Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:s3:::${ArtifactBucketName}/${GatewayBundleKey}',
    });
  });

  it('scopes DynamoDB to the orders table and its indexes', () => {
    expect(bySid('OrdersTable').Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTableName}' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTableName}/index/*' },
    ]);
    expect(bySid('OrdersTable').Action).not.toContain('dynamodb:DeleteTable');
  });

  it('scopes secrets, parameters, KMS and logs to their own resources', () => {
    expect(bySid('DatabaseSecret').Resource).toEqual({ Ref: 'DatabaseSecretArn' });
    expect(bySid('TradingParameters').Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/trading/${EnvironmentSuffix}/*',
    });
    // Only this region's key: the secondary's copy of the secret is encrypted with the secondary's own key.
    expect(bySid('DecryptWithFoundationKey').Resource).toEqual({ Ref: 'KmsKeyArn' });
    for (const role of ['primary', 'secondary'] as const)
      expect(resolve(t, bySid('DecryptWithFoundationKey').Resource, { RegionRole: role, KmsKeyArn: 'k-self' })).toBe(
        'k-self',
      );
    expect(t.Parameters?.PrimaryKmsKeyArn).toBeUndefined();
    expect(t.Metadata?.Drctl?.Inputs?.PrimaryKmsKeyArn).toBeUndefined();
    expect(bySid('DecryptWithFoundationKey').Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(referencedNames(bySid('ShipGatewayLogs').Resource)).toEqual(
      new Set(['AWS::Partition', 'AWS::Region', 'AWS::AccountId', 'ApplicationLogGroupName']),
    );
  });

  it("reads only its own region's database secret (the replica in the secondary), through one statement", () => {
    const secretStatements = statements().filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretStatements.map((s) => s.Sid)).toEqual(['DatabaseSecret']);
    expect(bySid('DatabaseSecret').Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(bySid('DatabaseSecret').Resource).toEqual({ Ref: 'DatabaseSecretArn' });
    // The secret the gateway connects with: the application user's (decision 0016), not the master's.
    expect(t.Metadata?.Drctl?.Inputs?.DatabaseSecretArn).toEqual({
      Stack: 'data',
      Region: 'self',
      Output: 'GatewayDatabaseSecretArn',
    });
    // In the secondary, the data stack's GatewayDatabaseSecretArn is the replica in us-west-2, never the primary's.
    const data = loadLayerTemplate('data');
    const primarySecret = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-app-dev-AbCdEf';
    const dataView = viewStack(
      data,
      stackParams('secondary', {
        SourceDatabaseArn: 'arn:aws:rds:us-east-1:111122223333:db:db-dev',
        PrimaryDatabaseSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-master-dev-GhIjKl',
        PrimaryGatewayDatabaseSecretArn: primarySecret,
      }),
    );
    const local = dataView.resolve(dataView.outputs.GatewayDatabaseSecretArn);
    expect(
      resolve(t, bySid('DatabaseSecret').Resource, { RegionRole: 'secondary', DatabaseSecretArn: String(local) }),
    ).toBe('arn:aws:secretsmanager:us-west-2:111122223333:secret:db-app-dev-AbCdEf');
    expect(JSON.stringify(statements())).not.toContain('rds!db');
  });

  it('can be assumed by EC2 only', () => {
    const doc = props(t, 'InstanceRole').AssumeRolePolicyDocument as {
      Statement: { Principal: unknown; Action: string }[];
    };
    expect(doc.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });
});

describe('compute template: environment configs', () => {
  it.each(['dev', 'prod'])('%s values satisfy the template constraints', (env) => {
    expect(configValueProblems(loadEnvironmentConfig(env), t)).toEqual([]);
  });

  it.each(['dev', 'prod'])(
    '%s runs the secondary as a smaller warm standby raised to the primary size on failover',
    (env) => {
      const config = loadEnvironmentConfig(env);
      const primary = resolveParameters(config, 'primary', t);
      const secondary = resolveParameters(config, 'secondary', t);
      const n = (v: string | undefined): number => Number(v);
      const eff = (p: Record<string, string>, name: string): number =>
        n(p[name] ?? String(t.Parameters?.[name]?.Default));
      expect(eff(secondary, 'DesiredCapacity')).toBeLessThan(eff(primary, 'DesiredCapacity'));
      expect(eff(secondary, 'FailoverDesiredCapacity')).toBe(eff(primary, 'DesiredCapacity'));
      for (const p of [primary, secondary]) {
        expect(eff(p, 'MinSize')).toBeLessThanOrEqual(eff(p, 'DesiredCapacity'));
        expect(eff(p, 'DesiredCapacity')).toBeLessThanOrEqual(eff(p, 'MaxSize'));
        expect(eff(p, 'FailoverDesiredCapacity')).toBeLessThanOrEqual(eff(p, 'MaxSize'));
      }
    },
  );

  it('keeps dev cheap: a small instance, one secondary instance', () => {
    const config = loadEnvironmentConfig('dev');
    expect(resolveParameters(config, 'primary', t).InstanceType).toBe('t3.small');
    expect(resolveParameters(config, 'secondary', t).DesiredCapacity).toBe('1');
    expect(resolveParameters(config, 'secondary', t).MinSize).toBe('1');
  });

  it('terminates TLS in prod with a certificate per region', () => {
    const config = loadEnvironmentConfig('prod');
    for (const role of ['primary', 'secondary'] as const) {
      const p = resolveParameters(config, role, t);
      expect(conditionsFor(t, p).get('HasCertificate'), role).toBe(true);
      expect(p.CertificateArn, role).toContain(`:acm:${config.regions[role]}:`);
    }
  });
});
