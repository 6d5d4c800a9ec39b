// The cases the validator exists for, each as a small template: each yields its finding (rule id and path).
import { describe, expect, it } from 'vitest';
import { idsAndPaths, validateText } from './validate-text.js';

const SUFFIX = { Type: 'String', Default: 'dev', AllowedPattern: '^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$' };

function template(resources: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { EnvironmentSuffix: SUFFIX },
    Resources: resources,
    Outputs: { Suffix: { Value: { Ref: 'EnvironmentSuffix' } } },
    ...extra,
  };
}

const topic = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::SNS::Topic',
  Properties: { KmsMasterKeyId: 'alias/aws/sns', ...props },
});
const database = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::RDS::DBInstance',
  DeletionPolicy: 'Delete',
  Properties: {
    Engine: 'postgres',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: '20',
    MasterUsername: 'trader',
    ManageMasterUserPassword: true,
    StorageEncrypted: true,
    ...props,
  },
});

describe('validator must show', () => {
  it('accepts the baseline used below', () => {
    expect(idsAndPaths(validateText(template({ Topic: topic(), Db: database() })))).toEqual([]);
  });

  it('an invented property', () => {
    expect(idsAndPaths(validateText(template({ Topic: topic({ Colour: 'blue' }) })))).toEqual([
      'E3002 Resources.Topic.Properties.Colour',
    ]);
  });

  it('an invented property inside a nested property type', () => {
    const bucket = {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', Strength: 9 } },
          ],
        },
      },
    };
    expect(idsAndPaths(validateText(template({ Bucket: bucket })).filter((f) => f.ruleId === 'E3002'))).toEqual([
      'E3002 Resources.Bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.Strength',
    ]);
  });

  it('a missing required property', () => {
    expect(
      idsAndPaths(validateText(template({ Topic: topic(), Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: {} } }))),
    ).toEqual(['E3003 Resources.Sg.Properties']);
  });

  it('a Retain policy', () => {
    expect(idsAndPaths(validateText(template({ Topic: { ...topic(), DeletionPolicy: 'Retain' } })))).toEqual([
      'E6003 Resources.Topic.DeletionPolicy',
    ]);
  });

  it('a name without the suffix', () => {
    expect(idsAndPaths(validateText(template({ Topic: topic({ TopicName: 'alerts' }) })))).toEqual([
      'E6001 Resources.Topic.Properties.TopicName',
    ]);
    expect(
      idsAndPaths(
        validateText(template({ Topic: topic({ TopicName: { 'Fn::Sub': 'alerts-${EnvironmentSuffix}' } }) })),
      ),
    ).toEqual([]);
  });

  it('a hard-coded AZ', () => {
    const subnet = {
      Type: 'AWS::EC2::Subnet',
      Properties: { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-west-2b' },
    };
    expect(idsAndPaths(validateText(template({ Subnet: subnet })))).toEqual([
      'E6007 Resources.Subnet.Properties.AvailabilityZone',
    ]);
  });

  it('an unencrypted database', () => {
    expect(idsAndPaths(validateText(template({ Db: database({ StorageEncrypted: false }) })))).toEqual([
      'E6011 Resources.Db.Properties',
    ]);
    const { StorageEncrypted: _drop, ...unset } = database().Properties;
    expect(idsAndPaths(validateText(template({ Db: { ...database(), Properties: unset } })))).toEqual([
      'E6011 Resources.Db.Properties',
    ]);
  });

  it('a database whose encryption is a parameter that can switch it off', () => {
    const db = { ...database({ StorageEncrypted: { Ref: 'Encrypt' } }) };
    const withParam = (p: Record<string, unknown>) =>
      validateText(
        template({ Db: db }, { Parameters: { EnvironmentSuffix: SUFFIX, Encrypt: { Type: 'String', ...p } } }),
      );
    expect(idsAndPaths(withParam({ Default: 'false', AllowedValues: ['true', 'false'] }))).toEqual([
      'E6011 Resources.Db.Properties',
    ]);
    expect(idsAndPaths(withParam({ Default: 'true', AllowedValues: ['true', 'false'] }))).toEqual([
      'E6011 Resources.Db.Properties',
    ]);
    expect(idsAndPaths(withParam({ Default: 'true', AllowedValues: ['true'] }))).toEqual([]);
  });

  it('an SSH port open to the world', () => {
    const sg = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'app',
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }],
      },
    };
    const findings = validateText(template({ Sg: sg }));
    expect(idsAndPaths(findings)).toEqual(['E6012 Resources.Sg.Properties.SecurityGroupIngress[0].CidrIp']);
    expect(findings[0]?.message).toContain('22');
  });

  it('HTTPS open to the world is accepted only on a load balancer group', () => {
    const sg = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'alb',
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }],
      },
    };
    expect(idsAndPaths(validateText(template({ Sg: sg })))).toEqual([
      'E6012 Resources.Sg.Properties.SecurityGroupIngress[0].CidrIp',
    ]);
    expect(idsAndPaths(validateText(template({ Sg: sg }), { loadBalancerGroups: new Set(['Sg']) }))).toEqual([]);
  });

  it('a Ref to nothing', () => {
    expect(idsAndPaths(validateText(template({ Topic: topic({ DisplayName: { Ref: 'Nothing' } }) })))).toEqual([
      'E1012 Resources.Topic.Properties.DisplayName.Ref',
    ]);
  });

  it('a literal account id, region, AMI and account-bearing ARN', () => {
    const lt = {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          ImageId: 'ami-12345678',
          MetadataOptions: { HttpTokens: 'required' },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }],
        },
      },
    };
    const t = template(
      { Topic: topic({ DisplayName: 'us-east-1' }), Lt: lt },
      { Outputs: { A: { Value: '123456789012' }, B: { Value: 'arn:aws:sns:us-east-1:123456789012:x' } } },
    );
    expect(idsAndPaths(validateText(t)).sort()).toEqual([
      'E2001 Parameters.EnvironmentSuffix',
      'E6005 Outputs.A.Value',
      'E6006 Outputs.B.Value',
      'E6006 Resources.Topic.Properties.DisplayName',
      'E6008 Resources.Lt.Properties.LaunchTemplateData.ImageId',
      'E6009 Outputs.B.Value',
    ]);
  });

  it('a template that is not an object, or has no resources', () => {
    expect(idsAndPaths(validateText('[1, 2]'))).toEqual(['E1001 ']);
    expect(idsAndPaths(validateText({ AWSTemplateFormatVersion: '2010-09-09', Resources: {} }))).toEqual([
      'E1001 Resources',
    ]);
  });

  it('reports the line of the offending key', () => {
    const text = JSON.stringify(template({ Topic: topic({ Colour: 'blue' }) }), null, 2);
    const [f] = validateText(text);
    expect(text.split('\n')[(f?.line ?? 0) - 1]).toContain('"Colour"');
  });

  it('accepts intrinsic functions where a value is expected, and checks both Fn::If branches', () => {
    const t = template(
      {
        Topic: topic({
          DisplayName: { 'Fn::If': ['IsProd', 'Alerts', { Ref: 'AWS::NoValue' }] },
          FifoTopic: { 'Fn::If': ['IsProd', 'maybe', false] },
        }),
      },
      { Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'EnvironmentSuffix' }, 'prod'] } } },
    );
    expect(idsAndPaths(validateText(t))).toEqual(['E3012 Resources.Topic.Properties.FifoTopic.Fn::If[1]']);
  });

  it('does not count a parameter referenced only from Metadata as used', () => {
    const t = template(
      { Topic: topic() },
      {
        Parameters: { EnvironmentSuffix: SUFFIX, PrimaryRegion: { Type: 'String' } },
        Metadata: { Drctl: { Layer: 'x', Regions: ['primary'], Uses: { Ref: 'PrimaryRegion' } } },
      },
    );
    expect(idsAndPaths(validateText(t))).toEqual(['E2001 Parameters.PrimaryRegion']);
  });

  it('finds a dependency cycle through DependsOn and GetAtt', () => {
    const t = template({
      A: { ...topic({ DisplayName: { 'Fn::GetAtt': ['B', 'TopicName'] } }) },
      B: { ...topic(), DependsOn: 'A' },
    });
    expect(idsAndPaths(validateText(t))).toEqual(['E3004 Resources.A']);
  });
});
