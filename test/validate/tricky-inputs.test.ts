// Inputs where a linter is easily wrong in either direction, judged the way CloudFormation judges them: each case
// pins the findings (rule id and path) or their absence.
import { describe, expect, it } from 'vitest';
import { idsAndPaths, validateText } from './validate-text.js';

const SUFFIX = { Type: 'String', Default: 'dev', AllowedPattern: '^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$' };

function template(resources: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { Parameters, ...rest } = extra as { Parameters?: Record<string, unknown> };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { EnvironmentSuffix: SUFFIX, ...Parameters },
    Resources: resources,
    Outputs: { Suffix: { Value: { Ref: 'EnvironmentSuffix' } } },
    ...rest,
  };
}

const structural = (t: object) => idsAndPaths(validateText(t)).filter((x) => /^E(1|2|3|8)/.test(x));
const vpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } };
const subnet = (props: Record<string, unknown>) => ({
  Type: 'AWS::EC2::Subnet',
  Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', ...props },
});
const subnetGroup = (ids: unknown) => ({
  Type: 'AWS::RDS::DBSubnetGroup',
  Properties: { DBSubnetGroupDescription: 'data', SubnetIds: ids },
});
const ROLE = { Role: { Type: 'String', Default: 'primary', AllowedValues: ['primary', 'secondary'] } };
const IS_PRIMARY = { IsPrimary: { 'Fn::Equals': [{ Ref: 'Role' }, 'primary'] } };
const SUBNETS = { Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' } };

describe('lists and strings', () => {
  it('accepts lists built by Fn::GetAZs, Fn::Cidr and Fn::Split where a list goes, and one element of them where a string goes', () => {
    const t = template(
      {
        Vpc: vpc,
        Subnet: subnet({
          AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
          CidrBlock: { 'Fn::Select': [1, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 4, 8] }] },
        }),
        Group: subnetGroup({ 'Fn::Split': [',', { 'Fn::Join': [',', { Ref: 'Subnets' }] }] }),
        Group2: subnetGroup({ Ref: 'Subnets' }),
      },
      { Parameters: SUBNETS },
    );
    expect(structural(t)).toEqual([]);
  });

  it('flags a list where a string is needed: Fn::GetAZs, Fn::Cidr, a List parameter, a literal list', () => {
    const t = template(
      {
        Vpc: vpc,
        A: subnet({ AvailabilityZone: { 'Fn::GetAZs': '' } }),
        B: subnet({ CidrBlock: { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] } }),
        C: { ...subnet({}), Properties: { ...subnet({}).Properties, VpcId: { Ref: 'Subnets' } } },
        D: { ...subnet({}), Properties: { ...subnet({}).Properties, VpcId: [{ Ref: 'Vpc' }] } },
      },
      { Parameters: SUBNETS },
    );
    expect(structural(t)).toEqual([
      'E3012 Resources.A.Properties.AvailabilityZone',
      'E3012 Resources.B.Properties.CidrBlock',
      'E3012 Resources.C.Properties.VpcId',
      'E3012 Resources.D.Properties.VpcId',
    ]);
  });

  it('flags a string where a list is needed: Fn::Join, Fn::Sub, a String parameter', () => {
    const t = template(
      {
        A: subnetGroup({ 'Fn::Join': [',', { Ref: 'Subnets' }] }),
        B: subnetGroup({ 'Fn::Sub': '${One}' }),
        C: subnetGroup({ Ref: 'One' }),
      },
      { Parameters: { ...SUBNETS, One: { Type: 'AWS::EC2::Subnet::Id' } } },
    );
    expect(structural(t)).toEqual([
      'E3012 Resources.A.Properties.SubnetIds',
      'E3012 Resources.B.Properties.SubnetIds',
      'E3012 Resources.C.Properties.SubnetIds',
    ]);
  });

  it('judges Fn::GetAtt by the attribute type in the specification', () => {
    const t = template({
      Vpc: vpc,
      Fine: subnet({
        CidrBlock: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] },
        Ipv6CidrBlock: { 'Fn::Select': [0, { 'Fn::GetAtt': ['Vpc', 'Ipv6CidrBlocks'] }] },
      }),
      ListForString: subnet({ Ipv6CidrBlock: { 'Fn::GetAtt': ['Vpc', 'Ipv6CidrBlocks'] } }),
      StringForList: subnetGroup({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }),
    });
    expect(structural(t)).toEqual([
      'E3012 Resources.ListForString.Properties.Ipv6CidrBlock',
      'E3012 Resources.StringForList.Properties.SubnetIds',
    ]);
  });

  it('treats CommaDelimitedList and SSM list parameters as lists', () => {
    const t = template(
      {
        A: subnetGroup({ Ref: 'Csv' }),
        B: subnetGroup({ Ref: 'FromSsm' }),
        Vpc: vpc,
        C: subnet({ AvailabilityZone: { Ref: 'Csv' } }),
      },
      {
        Parameters: {
          Csv: { Type: 'CommaDelimitedList' },
          FromSsm: { Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>', Default: '/net/subnets' },
        },
      },
    );
    expect(structural(t)).toEqual(['E3012 Resources.C.Properties.AvailabilityZone']);
  });
});

describe('Fn::If and AWS::NoValue', () => {
  it('accepts AWS::NoValue in either branch, as a list element and for a whole nested property', () => {
    const sg = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'app',
        VpcId: { 'Fn::If': ['IsPrimary', { Ref: 'Vpc' }, { Ref: 'AWS::NoValue' }] },
        SecurityGroupIngress: [
          { Ref: 'AWS::NoValue' },
          {
            'Fn::If': [
              'IsPrimary',
              { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' },
              { Ref: 'AWS::NoValue' },
            ],
          },
        ],
        Tags: [{ 'Fn::If': ['IsPrimary', { Key: 'role', Value: 'primary' }, { Ref: 'AWS::NoValue' }] }],
      },
    };
    expect(structural(template({ Vpc: vpc, Sg: sg }, { Parameters: ROLE, Conditions: IS_PRIMARY }))).toEqual([]);
  });

  it('checks each branch against the property: a list in one branch of a string property, an invented key in the other', () => {
    const topic = { Type: 'AWS::SNS::Topic', Properties: { DisplayName: { 'Fn::If': ['IsPrimary', ['a'], 'b'] } } };
    const sg = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'x',
        SecurityGroupIngress: [{ 'Fn::If': ['IsPrimary', { Ref: 'AWS::NoValue' }, { IpProtocol: 'tcp', Port: 443 }] }],
      },
    };
    expect(structural(template({ Topic: topic, Sg: sg }, { Parameters: ROLE, Conditions: IS_PRIMARY }))).toEqual([
      'E3012 Resources.Topic.Properties.DisplayName.Fn::If[1]',
      'E3002 Resources.Sg.Properties.SecurityGroupIngress[0].Fn::If[2].Port',
    ]);
  });
});

describe('nested property types and tags', () => {
  it('flags an invented key at any depth and a tag that is not {Key, Value}', () => {
    const bucket = {
      Type: 'AWS::S3::Bucket',
      Properties: {
        LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 1, Bogus: 2 }] },
        Tags: [{ Key: 'a' }, { Key: 'b', Value: 'c', Extra: 1 }],
      },
    };
    expect(structural(template({ Bucket: bucket }))).toEqual([
      'E3002 Resources.Bucket.Properties.LifecycleConfiguration.Rules[0].Bogus',
      'E3002 Resources.Bucket.Properties.Tags[1].Extra',
      'E3003 Resources.Bucket.Properties.Tags[0]',
    ]);
  });
});

describe('attributes', () => {
  const db = { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.t3.micro' } };
  const param = (value: unknown) => ({ Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: value } });

  it('accepts dotted attributes in both GetAtt forms and in Fn::Sub, and ${!Literal}', () => {
    const t = template({
      Db: db,
      A: param({ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }),
      B: param({ 'Fn::GetAtt': 'Db.Endpoint.Port' }),
      C: param({ 'Fn::Sub': '${Db.Endpoint.Address}:${Db.Endpoint.Port} ${!NotAVariable} ${!Db.Nope}' }),
    });
    expect(structural(t)).toEqual([]);
  });

  it('flags an attribute the type does not have, in GetAtt and in Fn::Sub', () => {
    const t = template({
      Db: db,
      A: param({ 'Fn::GetAtt': ['Db', 'Endpoint.Nope'] }),
      B: param({ 'Fn::Sub': '${Db.Endpoint.Bogus}' }),
    });
    expect(structural(t)).toEqual([
      'E1010 Resources.A.Properties.Value.Fn::GetAtt',
      'E1019 Resources.B.Properties.Value.Fn::Sub',
    ]);
  });
});

describe('conditions', () => {
  const topic = (condition: string) => ({
    Type: 'AWS::SNS::Topic',
    Condition: condition,
    Properties: { KmsMasterKeyId: 'alias/aws/sns' },
  });

  it('accepts conditions built on conditions', () => {
    const conditions = {
      ...IS_PRIMARY,
      IsSecondary: { 'Fn::Not': [{ Condition: 'IsPrimary' }] },
      Both: { 'Fn::And': [{ Condition: 'IsSecondary' }, { 'Fn::Equals': [{ Ref: 'EnvironmentSuffix' }, 'prod'] }] },
    };
    expect(structural(template({ Topic: topic('Both') }, { Parameters: ROLE, Conditions: conditions }))).toEqual([]);
  });

  it('flags a condition naming an undeclared one, and a circle of conditions', () => {
    const missing = { ...IS_PRIMARY, Both: { 'Fn::And': [{ Condition: 'IsPrimary' }, { Condition: 'Missing' }] } };
    expect(structural(template({ Topic: topic('Both') }, { Parameters: ROLE, Conditions: missing }))).toEqual([
      'E8002 Conditions.Both.Fn::And[1].Condition',
    ]);
    const circle = {
      A: { 'Fn::And': [{ Condition: 'B' }, { 'Fn::Equals': [{ Ref: 'Role' }, 'primary'] }] },
      B: { 'Fn::Not': [{ Condition: 'A' }] },
    };
    expect(structural(template({ Topic: topic('A') }, { Parameters: ROLE, Conditions: circle }))).toEqual([
      'E3004 Conditions.A',
    ]);
  });

  it('flags a Ref to a condition name', () => {
    const t = template(
      {
        Topic: {
          ...topic('IsPrimary'),
          Properties: { KmsMasterKeyId: 'alias/aws/sns', DisplayName: { Ref: 'IsPrimary' } },
        },
      },
      { Parameters: ROLE, Conditions: IS_PRIMARY },
    );
    const findings = validateText(t).filter((f) => f.ruleId === 'E1012');
    expect(idsAndPaths(findings)).toEqual(['E1012 Resources.Topic.Properties.DisplayName.Ref']);
    expect(findings[0]?.message).toContain('is a condition');
  });
});

describe('dependencies', () => {
  it('flags a DependsOn cycle through three resources', () => {
    const topic = (dep: unknown) => ({
      Type: 'AWS::SNS::Topic',
      DependsOn: dep,
      Properties: { KmsMasterKeyId: 'alias/aws/sns' },
    });
    expect(structural(template({ A: topic('B'), B: topic(['C']), C: topic('A') }))).toEqual(['E3004 Resources.A']);
  });
});

describe('sections', () => {
  it('accepts Rules, with the Rules-only functions there', () => {
    const rules = {
      ProdOnly: {
        RuleCondition: { 'Fn::Equals': [{ Ref: 'EnvironmentSuffix' }, 'prod'] },
        Assertions: [
          { Assert: { 'Fn::Contains': [['prod'], { Ref: 'EnvironmentSuffix' }] }, AssertDescription: 'prod only' },
        ],
      },
    };
    const topic = { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } };
    expect(structural(template({ Topic: topic }, { Rules: rules }))).toEqual([]);
  });

  it('reports a template with a Transform once (W1001) instead of judging what the transform will replace', () => {
    const resources = {
      Fn: {
        Type: 'AWS::Serverless::Function',
        Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', InlineCode: 'exports.handler = async () => 1' },
      },
      Arn: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
      Role: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Type: 'String', Value: { 'Fn::Sub': '${FnRole.Arn} ${ServerlessRestApi}' } },
      },
    };
    const sam = template(resources, {
      Transform: ['AWS::Serverless-2016-10-31'],
      Globals: { Function: { Timeout: 10 } },
    });
    expect(idsAndPaths(validateText(sam))).toEqual(['W1001 Transform']);
    const topic = {
      Type: 'AWS::SNS::Topic',
      Properties: { KmsMasterKeyId: 'alias/aws/sns', DisplayName: { 'Fn::ToJsonString': { a: 1 } } },
    };
    expect(idsAndPaths(validateText(template({ Topic: topic }, { Transform: 'AWS::LanguageExtensions' })))).toEqual([
      'W1001 Transform',
    ]);
    // Without the transform the same resources are what they look like: references to nothing.
    expect(structural(template(resources))).toEqual([
      'E1010 Resources.Arn.Properties.Value.Fn::GetAtt',
      'E1019 Resources.Role.Properties.Value.Fn::Sub',
      'E1019 Resources.Role.Properties.Value.Fn::Sub',
    ]);
  });

  it('flags a language-extension function without the transform', () => {
    const topic = {
      Type: 'AWS::SNS::Topic',
      Properties: { KmsMasterKeyId: 'alias/aws/sns', DisplayName: { 'Fn::ToJsonString': { a: 1 } } },
    };
    expect(structural(template({ Topic: topic }))).toEqual([
      'E1018 Resources.Topic.Properties.DisplayName.Fn::ToJsonString',
    ]);
  });
});

describe('references to conditional resources', () => {
  it('flags what CloudFormation would reject only in one role: the primary-only global table named outside IsPrimary', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { PROJECT_ROOT } = await import('../helpers/run-cli.js');
    const data = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'templates/data.json'), 'utf8')) as {
      Outputs: Record<string, { Value: unknown }>;
      Resources: Record<string, Record<string, unknown>>;
    };
    expect(idsAndPaths(validateText(data)).filter((x) => x.startsWith('E8003'))).toEqual([]);
    data.Outputs.OrdersTableArn = { Value: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] } };
    (data.Resources.AssetsBucket as Record<string, unknown>).DependsOn = 'AssetsReplicationRole';
    expect(idsAndPaths(validateText(data)).filter((x) => x.startsWith('E8003'))).toEqual([
      'E8003 Resources.AssetsBucket.DependsOn',
      'E8003 Outputs.OrdersTableArn.Value.Fn::GetAtt',
    ]);
  });
});
