import { describe, expect, it } from 'vitest';
import type { ParamValues } from '../../src/templates/conditions.js';
import {
  configValueProblems,
  conventionProblems,
  inputProblems,
  loadEnvironmentConfig,
  loadLayerTemplate,
  propsIn,
  stackParams,
  viewStack,
  type StackView,
} from '../helpers/templates.js';

const t = loadLayerTemplate('network');
const view = (extra: ParamValues = {}, role: 'primary' | 'secondary' = 'primary'): StackView =>
  viewStack(t, stackParams(role, extra));
const ofType = (v: StackView, type: string): string[] =>
  Object.entries(v.resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id)
    .sort();

interface Rule {
  IpProtocol: string;
  FromPort?: unknown;
  ToPort?: unknown;
  CidrIp?: unknown;
  CidrIpv6?: unknown;
  SourceSecurityGroupId?: unknown;
  DestinationSecurityGroupId?: unknown;
}

describe('network template: contract', () => {
  it('follows the template conventions', () => {
    expect(conventionProblems(t)).toEqual([]);
  });

  it('takes its KMS key from the foundation layer in the same region', () => {
    expect(t.Metadata?.Drctl).toMatchObject({
      Layer: 'network',
      Regions: ['primary', 'secondary'],
      Inputs: { KmsKeyArn: { Stack: 'foundation', Region: 'self', Output: 'KmsKeyArn' } },
    });
    expect(inputProblems(t, { foundation: loadLayerTemplate('foundation') })).toEqual([]);
    expect(t.Parameters?.KmsKeyArn?.Default).toBeUndefined();
  });

  it('publishes every output other layers rely on', () => {
    for (const name of [
      'VpcId',
      'VpcCidr',
      'PublicSubnetIds',
      'AppSubnetIds',
      'DataSubnetIds',
      'AlbSecurityGroupId',
      'AppSecurityGroupId',
      'DataSecurityGroupId',
    ]) {
      expect(Object.keys(t.Outputs ?? {}), name).toContain(name);
    }
  });

  it('names the VPC and its parts with the environment suffix', () => {
    const v = view({ EnvironmentSuffix: 'qa-7' });
    const name = (id: string): unknown =>
      v.resolve((propsIn(v, id).Tags as { Key: string; Value: unknown }[]).find((x) => x.Key === 'Name')?.Value);
    expect(name('Vpc')).toBe('vpc-qa-7');
    expect(name('AppSubnetB')).toBe('subnet-app-b-qa-7');
    expect(v.resolve(propsIn(v, 'AlbSecurityGroup').GroupName)).toBe('alb-qa-7');
    expect(v.resolve(propsIn(v, 'FlowLogGroup').LogGroupName)).toBe('/trading/qa-7/vpc-flow-logs');
  });

  it('uses the VpcCidr parameter, 10.0.0.0/16 by default, and rejects public or non-/16 blocks', () => {
    expect(propsIn(view(), 'Vpc').CidrBlock).toEqual({ Ref: 'VpcCidr' });
    expect(t.Parameters?.VpcCidr?.Default).toBe('10.0.0.0/16');
    const pattern = new RegExp(t.Parameters?.VpcCidr?.AllowedPattern as string);
    for (const ok of ['10.0.0.0/16', '10.1.0.0/16', '172.20.0.0/16', '192.168.0.0/16'])
      expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ['8.8.0.0/16', '10.0.0.0/24', '10.256.0.0/16', '172.32.0.0/16'])
      expect(pattern.test(bad), bad).toBe(false);
  });
});

describe('network template: subnets and zones', () => {
  it('creates public, app and data subnets in 2 AZs by default and in 3 with AzCount 3', () => {
    expect(ofType(view(), 'AWS::EC2::Subnet')).toEqual([
      'AppSubnetA',
      'AppSubnetB',
      'DataSubnetA',
      'DataSubnetB',
      'PublicSubnetA',
      'PublicSubnetB',
    ]);
    expect(ofType(view({ AzCount: '3' }), 'AWS::EC2::Subnet')).toHaveLength(9);
  });

  it('picks AZs with Fn::Select over Fn::GetAZs and carves distinct CIDRs with Fn::Cidr', () => {
    const v = view({ AzCount: '3' });
    const indexes = new Set<number>();
    for (const id of ofType(v, 'AWS::EC2::Subnet')) {
      const p = propsIn(v, id);
      const zone = ['A', 'B', 'C'].indexOf(id.slice(-1));
      expect(p.AvailabilityZone, id).toEqual({ 'Fn::Select': [zone, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] });
      const [index, cidr] = (p.CidrBlock as { 'Fn::Select': [number, unknown] })['Fn::Select'];
      expect(cidr, id).toEqual({ 'Fn::Cidr': [{ Ref: 'VpcCidr' }, 9, { Ref: 'SubnetHostBits' }] });
      indexes.add(index);
      expect(p.MapPublicIpOnLaunch, id).toBe(false);
    }
    expect([...indexes].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('lists two or three subnet ids per tier in the outputs', () => {
    const ids = (v: StackView, out: string): unknown[] =>
      (v.outputs[out] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(ids(view(), 'AppSubnetIds')).toEqual([{ Ref: 'AppSubnetA' }, { Ref: 'AppSubnetB' }]);
    expect(ids(view({ AzCount: '3' }), 'DataSubnetIds')).toEqual([
      { Ref: 'DataSubnetA' },
      { Ref: 'DataSubnetB' },
      { Ref: 'DataSubnetC' },
    ]);
  });
});

describe('network template: internet access', () => {
  it('routes the public subnets to the internet gateway', () => {
    const v = view();
    expect(propsIn(v, 'PublicDefaultRoute')).toMatchObject({
      RouteTableId: { Ref: 'PublicRouteTable' },
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: { Ref: 'InternetGateway' },
    });
    expect(propsIn(v, 'InternetGatewayAttachment')).toEqual({
      VpcId: { Ref: 'Vpc' },
      InternetGatewayId: { Ref: 'InternetGateway' },
    });
  });

  it('runs one NAT gateway per AZ by default, each app route table using its own zone', () => {
    for (const azCount of ['2', '3']) {
      const v = view({ AzCount: azCount });
      const nats = ofType(v, 'AWS::EC2::NatGateway');
      expect(nats).toHaveLength(Number(azCount));
      for (const az of ['A', 'B', 'C'].slice(0, Number(azCount))) {
        expect(propsIn(v, `AppDefaultRoute${az}`).NatGatewayId).toEqual({ Ref: `NatGateway${az}` });
        expect(propsIn(v, `NatGateway${az}`).SubnetId).toEqual({ Ref: `PublicSubnet${az}` });
      }
    }
  });

  it('shares one NAT gateway in single mode', () => {
    const v = view({ AzCount: '3', NatGatewayMode: 'single' });
    expect(ofType(v, 'AWS::EC2::NatGateway')).toEqual(['NatGatewayA']);
    expect(ofType(v, 'AWS::EC2::EIP')).toEqual(['NatEipA']);
    for (const az of ['A', 'B', 'C'])
      expect(propsIn(v, `AppDefaultRoute${az}`).NatGatewayId).toEqual({ Ref: 'NatGatewayA' });
  });

  it('gives the data subnets no route to the internet', () => {
    const v = view({ AzCount: '3' });
    const routesOfData = Object.values(v.resources).filter(
      (r) =>
        r.Type === 'AWS::EC2::Route' &&
        JSON.stringify(r.Properties?.RouteTableId) === JSON.stringify({ Ref: 'DataRouteTable' }),
    );
    expect(routesOfData).toEqual([]);
    for (const az of ['A', 'B', 'C'])
      expect(propsIn(v, `DataSubnet${az}RouteTableAssociation`).RouteTableId).toEqual({ Ref: 'DataRouteTable' });
  });
});

describe('network template: flow logs', () => {
  const v = view();

  it('logs the VPC to a KMS-encrypted group with FlowLogRetentionDays', () => {
    expect(propsIn(v, 'VpcFlowLog')).toMatchObject({
      ResourceType: 'VPC',
      ResourceId: { Ref: 'Vpc' },
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: 'FlowLogGroup' },
    });
    expect(propsIn(v, 'FlowLogGroup')).toMatchObject({
      RetentionInDays: { Ref: 'FlowLogRetentionDays' },
      KmsKeyId: { Ref: 'KmsKeyArn' },
    });
  });

  it('lets only VPC Flow Logs of this account assume a role that writes only to that group', () => {
    const role = propsIn(v, 'FlowLogRole');
    const trust = (
      role.AssumeRolePolicyDocument as {
        Statement: { Principal: unknown; Condition: Record<string, Record<string, unknown>> }[];
      }
    ).Statement[0];
    expect(trust?.Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust?.Condition.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    const stmts = (
      role.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    for (const s of stmts) {
      // A log group's Arn attribute already ends in ":*" and so covers its streams; appending ":log-stream:*" to it
      // would build an ARN that matches nothing.
      expect(s.Resource).toEqual([{ 'Fn::GetAtt': ['FlowLogGroup', 'Arn'] }]);
      expect(JSON.stringify(s.Resource)).not.toContain('"*"');
      expect(JSON.stringify(s.Resource)).toContain('FlowLogGroup');
      expect(s.Action.every((a) => a.startsWith('logs:'))).toBe(true);
    }
  });
});

describe('network template: endpoints', () => {
  it('adds S3 and DynamoDB gateway endpoints to every private route table', () => {
    for (const [azCount, tables] of [
      ['2', ['AppRouteTableA', 'AppRouteTableB', 'DataRouteTable']],
      ['3', ['AppRouteTableA', 'AppRouteTableB', 'AppRouteTableC', 'DataRouteTable']],
    ] as const) {
      const v = view({ AzCount: azCount });
      for (const [id, svc] of [
        ['S3GatewayEndpoint', 's3'],
        ['DynamoDbGatewayEndpoint', 'dynamodb'],
      ]) {
        const p = propsIn(v, id as string);
        expect(p.VpcEndpointType).toBe('Gateway');
        expect(v.resolve(p.ServiceName)).toBe(`com.amazonaws.us-east-1.${svc}`);
        expect(p.RouteTableIds).toEqual(tables.map((x) => ({ Ref: x })));
      }
    }
  });

  it('adds private-DNS interface endpoints for SSM, Session Manager and Secrets Manager in the app subnets', () => {
    const v = view({}, 'secondary');
    const services = ofType(v, 'AWS::EC2::VPCEndpoint')
      .map((id) => propsIn(v, id))
      .filter((p) => p.VpcEndpointType === 'Interface');
    expect(services.map((p) => v.resolve(p.ServiceName)).sort()).toEqual(
      ['ec2messages', 'secretsmanager', 'ssm', 'ssmmessages'].map((s) => `com.amazonaws.us-west-2.${s}`),
    );
    for (const p of services) {
      expect(p.PrivateDnsEnabled).toBe(true);
      expect(p.SecurityGroupIds).toEqual([{ Ref: 'EndpointSecurityGroup' }]);
      expect(p.SubnetIds).toEqual([{ Ref: 'AppSubnetA' }, { Ref: 'AppSubnetB' }]);
    }
    const ingress = propsIn(v, 'EndpointSecurityGroup').SecurityGroupIngress as Rule[];
    expect(ingress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { Ref: 'VpcCidr' } }),
    ]);
  });
});

describe('network template: security groups chained ALB -> app -> data', () => {
  const v = view();
  const standaloneRules = (type: string, group: string): Rule[] =>
    Object.values(v.resources)
      .filter((r) => r.Type === type && JSON.stringify(r.Properties?.GroupId) === JSON.stringify({ Ref: group }))
      .map((r) => r.Properties as unknown as Rule);
  const ingressOf = (group: string): Rule[] => [
    ...((propsIn(v, group).SecurityGroupIngress as Rule[]) ?? []),
    ...standaloneRules('AWS::EC2::SecurityGroupIngress', group),
  ];
  const egressOf = (group: string): Rule[] => [
    ...((propsIn(v, group).SecurityGroupEgress as Rule[]) ?? []),
    ...standaloneRules('AWS::EC2::SecurityGroupEgress', group),
  ];

  it('opens the ALB on 443 and 80 to IPv4 and IPv6 and nothing else', () => {
    const rules = ingressOf('AlbSecurityGroup')
      .map((r) => `${String(r.FromPort)}-${String(r.ToPort)} ${String(r.CidrIp ?? r.CidrIpv6)}`)
      .sort();
    expect(rules).toEqual(['443-443 0.0.0.0/0', '443-443 ::/0', '80-80 0.0.0.0/0', '80-80 ::/0']);
    expect(egressOf('AlbSecurityGroup').filter((r) => r.DestinationSecurityGroupId)).toEqual([
      expect.objectContaining({
        DestinationSecurityGroupId: { Ref: 'AppSecurityGroup' },
        FromPort: { Ref: 'AppPort' },
      }),
    ]);
  });

  it('admits the app port only from the ALB security group', () => {
    expect(ingressOf('AppSecurityGroup')).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: { Ref: 'AppPort' },
        ToPort: { Ref: 'AppPort' },
        SourceSecurityGroupId: { Ref: 'AlbSecurityGroup' },
      }),
    ]);
  });

  it('admits PostgreSQL only from the app security group and lets the database send nothing out', () => {
    expect(ingressOf('DataSecurityGroup')).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: { Ref: 'DbPort' },
        ToPort: { Ref: 'DbPort' },
        SourceSecurityGroupId: { Ref: 'AppSecurityGroup' },
      }),
    ]);
    expect(t.Parameters?.DbPort?.Default).toBe(5432);
    const egress = egressOf('DataSecurityGroup');
    expect(egress).toHaveLength(1);
    expect(egress[0]?.CidrIp).toBe('255.255.255.255/32');
  });

  it('restricts app egress to HTTPS and the database port', () => {
    const egress = egressOf('AppSecurityGroup')
      .map((r) => `${String(r.IpProtocol)} ${JSON.stringify(r.FromPort)}`)
      .sort();
    expect(egress).toEqual(['tcp 443', 'tcp {"Ref":"DbPort"}']);
  });

  it('never opens anything but the ALB to the internet', () => {
    for (const group of ['AppSecurityGroup', 'DataSecurityGroup', 'EndpointSecurityGroup']) {
      for (const r of ingressOf(group)) {
        expect(r.CidrIp, group).not.toBe('0.0.0.0/0');
        expect(r.CidrIpv6, group).not.toBe('::/0');
      }
    }
  });
});

describe('network template: environment configs', () => {
  it.each(['dev', 'prod'])('%s config values satisfy the parameter constraints', (env) => {
    expect(configValueProblems(loadEnvironmentConfig(env), t)).toEqual([]);
  });

  it('gives the two regions non-overlapping /16 blocks in every environment', () => {
    for (const env of ['dev', 'prod']) {
      const c = loadEnvironmentConfig(env);
      expect(c.parameters.primary?.VpcCidr, env).toBe('10.0.0.0/16');
      expect(c.parameters.secondary?.VpcCidr, env).toBe('10.1.0.0/16');
    }
  });

  it('runs dev cheaply (one NAT, 2 AZs) and prod resiliently (per-AZ NAT, 3 AZs)', () => {
    expect(loadEnvironmentConfig('dev').parameters.common).toMatchObject({ NatGatewayMode: 'single', AzCount: 2 });
    expect(loadEnvironmentConfig('prod').parameters.common).toMatchObject({ NatGatewayMode: 'per-az', AzCount: 3 });
  });
});
