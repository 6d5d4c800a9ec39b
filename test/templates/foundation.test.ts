import { describe, expect, it } from 'vitest';
import {
  configValueProblems,
  conventionProblems,
  loadEnvironmentConfig,
  loadLayerTemplate,
  propsIn,
  stackParams,
  viewStack,
} from '../helpers/templates.js';

const t = loadLayerTemplate('foundation');

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const statements = (doc: unknown): Statement[] => (doc as { Statement: Statement[] }).Statement;
const bySid = (doc: unknown, sid: string): Statement => {
  const s = statements(doc).find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
};

describe('foundation template: contract', () => {
  it('follows the template conventions (parameters, grouping, literals, names, deletion policies)', () => {
    expect(conventionProblems(t)).toEqual([]);
  });

  it('declares the drctl layer in both regions with no inputs', () => {
    expect(t.Metadata?.Drctl).toMatchObject({ Layer: 'foundation', Regions: ['primary', 'secondary'], Inputs: {} });
  });

  it('publishes every output other layers rely on', () => {
    const expected = [
      'KmsKeyArn',
      'KmsKeyId',
      'AlertTopicArn',
      'ArtifactBucketName',
      'ArtifactBucketArn',
      'LogsBucketName',
      'MaintenanceFlagParameterName',
      'ApplicationLogGroupName',
    ];
    for (const name of expected) expect(Object.keys(t.Outputs ?? {}), name).toContain(name);
    expect(t.Outputs?.KmsKeyArn?.Value).toEqual({ 'Fn::GetAtt': ['TradingKey', 'Arn'] });
    expect(t.Outputs?.LogsBucketName?.Value).toEqual({ Ref: 'AccessLogBucket' });
  });

  it('creates the same resources in both roles', () => {
    const primary = Object.keys(viewStack(t, stackParams('primary')).resources).sort();
    const secondary = Object.keys(viewStack(t, stackParams('secondary')).resources).sort();
    expect(primary).toEqual(secondary);
    expect(t.Conditions?.IsPrimary).toBeUndefined();
  });

  it('resolves every name with the environment suffix, account and region where global', () => {
    const v = viewStack(t, stackParams('secondary', { EnvironmentSuffix: 'qa-7' }));
    expect(v.resolve(propsIn(v, 'TradingKeyAlias').AliasName)).toBe('alias/trading-qa-7');
    expect(v.resolve(propsIn(v, 'AlertTopic').TopicName)).toBe('alerts-qa-7');
    expect(v.resolve(propsIn(v, 'ArtifactBucket').BucketName)).toBe('artifacts-qa-7-111122223333-us-west-2');
    expect(v.resolve(propsIn(v, 'AccessLogBucket').BucketName)).toBe('alb-logs-qa-7-111122223333-us-west-2');
    expect(v.resolve(propsIn(v, 'ApplicationLogGroup').LogGroupName)).toBe('/trading/qa-7/application');
    expect(v.resolve(propsIn(v, 'MaintenanceFlagParameter').Name)).toBe('/trading/qa-7/maintenance');
  });
});

describe('foundation template: KMS key', () => {
  const key = propsIn(viewStack(t, stackParams('primary')), 'TradingKey');

  it('is a rotating symmetric customer-managed key', () => {
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeySpec).toBe('SYMMETRIC_DEFAULT');
    expect(key.PendingWindowInDays).toEqual({ Ref: 'KeyDeletionWindowDays' });
    expect(t.Resources.TradingKey?.DeletionPolicy).toBe('Delete');
  });

  it('lets the account root administer it', () => {
    const admin = bySid(key.KeyPolicy, 'AccountAdministers');
    expect(admin).toMatchObject({
      Effect: 'Allow',
      Action: 'kms:*',
      Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
    });
  });

  it('lets account principals use it only through the data services of this region', () => {
    const via = bySid(key.KeyPolicy, 'AccountPrincipalsUseThroughDataServices');
    expect(via.Action).not.toContain('kms:*');
    const services = (via.Condition?.StringEquals?.['kms:ViaService'] as { 'Fn::Sub': string }[]).map(
      (s) => s['Fn::Sub'],
    );
    for (const svc of ['sns', 's3', 'rds', 'dynamodb', 'secretsmanager'])
      expect(services).toContain(`${svc}.\${AWS::Region}.amazonaws.com`);
    expect(via.Condition?.StringEquals?.['kms:CallerAccount']).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('lets CloudWatch Logs of this region encrypt only log groups of this account and region', () => {
    const logs = bySid(key.KeyPolicy, 'CloudWatchLogsInThisRegion');
    expect(logs.Principal).toEqual({ Service: { 'Fn::Sub': 'logs.${AWS::Region}.amazonaws.com' } });
    expect(logs.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn']).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
    });
  });

  it('lets CloudWatch alarms publish to the encrypted topic, scoped to this account', () => {
    const cw = bySid(key.KeyPolicy, 'CloudWatchAlarmsPublishToEncryptedTopic');
    expect(cw.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(cw.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('lets the Auto Scaling service-linked role use the key for encrypted instance volumes', () => {
    const slr = {
      'Fn::Sub':
        'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
    };
    const use = bySid(key.KeyPolicy, 'AutoScalingUsesKeyForEncryptedVolumes');
    expect(use).toMatchObject({ Effect: 'Allow', Principal: { AWS: slr } });
    expect(use.Action).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey']),
    );
    const grant = bySid(key.KeyPolicy, 'AutoScalingAttachesEncryptedVolumes');
    expect(grant).toMatchObject({ Effect: 'Allow', Principal: { AWS: slr }, Action: 'kms:CreateGrant' });
    expect(grant.Condition?.Bool).toEqual({ 'kms:GrantIsForAWSResource': true });
  });

  it('denies grants that are not for AWS resources', () => {
    const deny = bySid(key.KeyPolicy, 'DenyGrantsExceptForAwsResources');
    expect(deny).toMatchObject({ Effect: 'Deny', Action: 'kms:CreateGrant' });
    expect(deny.Condition?.BoolIfExists).toEqual({
      'kms:GrantIsForAWSResource': 'false',
      'aws:PrincipalIsAWSService': 'false',
    });
  });
});

describe('foundation template: alerting', () => {
  it('encrypts the alert topic with the key and lets only CloudWatch of this account publish', () => {
    const v = viewStack(t, stackParams('primary'));
    expect(propsIn(v, 'AlertTopic').KmsMasterKeyId).toEqual({ Ref: 'TradingKey' });
    const policy = propsIn(v, 'AlertTopicPolicy').PolicyDocument;
    expect(bySid(policy, 'CloudWatchAlarmsPublish').Condition?.StringEquals?.['aws:SourceAccount']).toEqual({
      Ref: 'AWS::AccountId',
    });
    expect(bySid(policy, 'DenyInsecureTransport').Effect).toBe('Deny');
  });

  it('subscribes an e-mail address only when one is given', () => {
    expect(viewStack(t, stackParams('primary')).resources.AlertEmailSubscription).toBeUndefined();
    const v = viewStack(t, stackParams('primary', { AlertEmail: 'oncall@example.com' }));
    expect(propsIn(v, 'AlertEmailSubscription')).toMatchObject({
      Protocol: 'email',
      Endpoint: { Ref: 'AlertEmail' },
      TopicArn: { Ref: 'AlertTopic' },
    });
    expect(new RegExp(t.Parameters?.AlertEmail?.AllowedPattern as string).test('not an address')).toBe(false);
  });
});

describe('foundation template: buckets', () => {
  const v = viewStack(t, stackParams('primary'));

  it('keeps artifacts versioned, KMS-encrypted, private and expiring old versions', () => {
    const b = propsIn(v, 'ArtifactBucket');
    expect(b.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(b.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': ['TradingKey', 'Arn'] },
          },
          BucketKeyEnabled: true,
        },
      ],
    });
    expect(b.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const rules = (b.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(
      rules.some(
        (r) =>
          JSON.stringify(r.NoncurrentVersionExpiration) ===
          JSON.stringify({ NoncurrentDays: { Ref: 'ArtifactNoncurrentVersionDays' } }),
      ),
    ).toBe(true);
    expect(b.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: 'AccessLogBucket' },
      LogFilePrefix: 's3-access/artifacts/',
    });
    expect(t.Resources.ArtifactBucket?.DependsOn).toBe('AccessLogBucketPolicy');
  });

  it.each(['ArtifactBucketPolicy', 'AccessLogBucketPolicy'])(
    '%s denies requests without TLS on the bucket and its objects',
    (id) => {
      const deny = bySid(propsIn(v, id).PolicyDocument, 'DenyInsecureTransport');
      expect(deny).toMatchObject({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect((deny.Resource as unknown[]).length).toBe(2);
    },
  );

  it('uses SSE-S3 for the access-log bucket (the only encryption ALB log delivery supports)', () => {
    const b = propsIn(v, 'AccessLogBucket');
    expect(b.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(b.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true, RestrictPublicBuckets: true });
  });

  it('lets ELB log delivery write only under AWSLogs/<this account>/ and S3 only under s3-access/', () => {
    const doc = propsIn(v, 'AccessLogBucketPolicy').PolicyDocument;
    const elb = bySid(doc, 'ElbLogDeliveryWrite');
    // us-east-1 predates the log-delivery service principal: only AWS's ELB account for the region may write.
    expect(v.resolve((elb.Principal as { AWS: unknown }).AWS)).toBe('arn:aws:iam::127311923021:root');
    expect(elb.Action).toBe('s3:PutObject');
    for (const r of elb.Resource as { 'Fn::Sub': string }[])
      expect(r['Fn::Sub']).toMatch(/\/AWSLogs\/\$\{AWS::AccountId\}\/\*$/);
    const s3 = bySid(doc, 'S3ServerAccessLogDelivery');
    expect(s3.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(s3.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    const allows = statements(doc).filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => s.Sid).sort()).toEqual(['ElbLogDeliveryWrite', 'S3ServerAccessLogDelivery']);
  });
});

describe('foundation template: ALB log delivery by region', () => {
  const principal = (region: string): unknown => {
    const v = viewStack(t, stackParams('secondary', { 'AWS::Region': region }));
    const p = bySid(propsIn(v, 'AccessLogBucketPolicy').PolicyDocument, 'ElbLogDeliveryWrite').Principal as {
      AWS?: unknown;
      Service?: string;
    };
    return p.AWS === undefined ? p : { AWS: v.resolve(p.AWS) };
  };

  it("grants the region's Elastic Load Balancing account where AWS documents one", () => {
    expect(principal('us-west-2')).toEqual({ AWS: 'arn:aws:iam::797873946194:root' });
    expect(principal('eu-west-1')).toEqual({ AWS: 'arn:aws:iam::156460612806:root' });
  });

  it('grants the log-delivery service principal in newer regions', () => {
    expect(principal('me-central-1')).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
    expect(principal('ap-southeast-3')).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
  });
});

describe('foundation template: logs and the maintenance flag', () => {
  const v = viewStack(t, stackParams('primary'));

  it('keeps application logs for LogRetentionDays, encrypted with the key', () => {
    expect(propsIn(v, 'ApplicationLogGroup')).toMatchObject({
      RetentionInDays: { Ref: 'LogRetentionDays' },
      KmsKeyId: { 'Fn::GetAtt': ['TradingKey', 'Arn'] },
    });
  });

  it('creates the maintenance flag switched off, accepting only on/off', () => {
    expect(propsIn(v, 'MaintenanceFlagParameter')).toMatchObject({
      Type: 'String',
      Value: 'off',
      AllowedPattern: '^(on|off)$',
    });
    expect(t.Outputs?.MaintenanceFlagParameterName?.Value).toEqual({ Ref: 'MaintenanceFlagParameter' });
  });
});

describe('foundation template: environment configs', () => {
  it.each(['dev', 'prod'])('%s config values satisfy the parameter constraints', (env) => {
    expect(configValueProblems(loadEnvironmentConfig(env), t)).toEqual([]);
  });
});
