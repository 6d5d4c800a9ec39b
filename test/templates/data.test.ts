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

const t = loadLayerTemplate('data');
const SOURCE_DB = 'arn:aws:rds:us-east-1:111122223333:db:db-dev';
const PRIMARY_BUCKET = 'arn:aws:s3:::assets-dev-111122223333-us-east-1';
const SECONDARY_BUCKET = 'arn:aws:s3:::assets-dev-111122223333-us-west-2';
const PRIMARY_KEY = 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555';
const SECONDARY_KEY = 'arn:aws:kms:us-west-2:111122223333:key/66666666-7777-8888-9999-000000000000';
/** The primary's DatabaseSecretArn as CloudFormation returns it (Ref of the secret: its ARN, with a random suffix). */
const PRIMARY_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-master-dev-AbCdEf';
/** The primary's GatewayDatabaseSecretArn: the application user's secret (decision 0016). */
const PRIMARY_APP_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-app-dev-GhIjKl';

/** The primary's data stack as drctl deploys it; the first pass leaves ReplicationDestinationBucketArn empty. */
const primary = (extra: ParamValues = {}): StackView =>
  viewStack(t, stackParams('primary', { SecondaryKmsKeyArn: SECONDARY_KEY, ...extra }));
/** The secondary's data stack as drctl deploys it, with the primary's outputs as inputs. */
const secondary = (extra: ParamValues = {}): StackView =>
  viewStack(
    t,
    stackParams('secondary', {
      SourceDatabaseArn: SOURCE_DB,
      PrimaryKmsKeyArn: PRIMARY_KEY,
      PrimaryAssetsBucketArn: PRIMARY_BUCKET,
      PrimaryDatabaseEndpoint: 'db-dev.abcdefghijkl.us-east-1.rds.amazonaws.com',
      PrimaryDatabaseSecretArn: PRIMARY_SECRET,
      PrimaryGatewayDatabaseSecretArn: PRIMARY_APP_SECRET,
      ...extra,
    }),
  );

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

describe('data template: contract', () => {
  it('follows the template conventions', () => {
    expect(conventionProblems(t)).toEqual([]);
  });

  it('names, for every input, an output the producing layer declares', () => {
    const layers = { foundation: loadLayerTemplate('foundation'), network: loadLayerTemplate('network'), data: t };
    expect(inputProblems(t, layers)).toEqual([]);
  });

  it('wires the cross-region edges by role: secondary key to the primary, source DB and buckets to the secondary', () => {
    const inputs = t.Metadata?.Drctl?.Inputs ?? {};
    expect(inputs.SecondaryKmsKeyArn).toEqual({
      Stack: 'foundation',
      Region: 'secondary',
      Output: 'KmsKeyArn',
      Roles: ['primary'],
    });
    expect(inputs.SourceDatabaseArn).toEqual({
      Stack: 'data',
      Region: 'primary',
      Output: 'DatabaseArn',
      Roles: ['secondary'],
    });
    expect(inputs.ReplicationDestinationBucketArn).toEqual({
      Stack: 'data',
      Region: 'secondary',
      Output: 'AssetsBucketArn',
      Roles: ['primary'],
    });
    expect(inputs.PrimaryAssetsBucketArn).toEqual({
      Stack: 'data',
      Region: 'primary',
      Output: 'AssetsBucketArn',
      Roles: ['secondary'],
    });
    // The forward replication input closes the cycle data@primary -> data@secondary -> data@primary, so it must be optional.
    expect(t.Parameters?.ReplicationDestinationBucketArn?.Default).toBe('');
    for (const required of ['KmsKeyArn', 'DataSubnetIds', 'DataSecurityGroupId', 'LogsBucketName'])
      expect(t.Parameters?.[required]?.Default, required).toBeUndefined();
  });

  it('publishes every output other layers rely on, in both roles', () => {
    const expected = [
      'DatabaseArn',
      'DatabaseIdentifier',
      'DatabaseEndpoint',
      'DatabasePort',
      'DatabaseSecretArn',
      'WriterEndpointParameterName',
      'OrdersTableName',
      'OrdersTableArn',
      'AssetsBucketName',
      'AssetsBucketArn',
    ];
    for (const v of [primary(), secondary()])
      for (const name of expected) expect(Object.keys(v.outputs), name).toContain(name);
  });

  it('gives the secondary the orders table name and ARN of its local replica', () => {
    const v = secondary();
    expect(v.resolve(v.outputs.OrdersTableName)).toBe('orders-dev');
    expect(v.resolve(v.outputs.OrdersTableArn)).toBe('arn:aws:dynamodb:us-west-2:111122223333:table/orders-dev');
    expect(primary().outputs.OrdersTableArn).toEqual({ 'Fn::GetAtt': ['OrdersTable', 'Arn'] });
  });

  it('checks role-specific inputs with template Rules', () => {
    const rules = t.Rules as Record<string, { RuleCondition: unknown; Assertions: { Assert: unknown }[] }>;
    expect(rules.PrimaryNeedsSecondaryKey?.RuleCondition).toEqual({ 'Fn::Equals': [{ Ref: 'RegionRole' }, 'primary'] });
    expect(JSON.stringify(rules.PrimaryNeedsSecondaryKey?.Assertions)).toContain('SecondaryKmsKeyArn');
    expect(JSON.stringify(rules.SecondaryNeedsSource?.Assertions)).toContain('SourceDatabaseArn');
    expect(JSON.stringify(rules.WitnessIsAThirdRegion?.Assertions)).toContain('WitnessRegion');
  });
});

describe('data template: RDS source in the primary', () => {
  const v = primary();
  const db = propsIn(v, 'Database');

  it("creates an encrypted Multi-AZ PostgreSQL source whose master credentials come from the stack's secret", () => {
    expect(db).toMatchObject({
      Engine: 'postgres',
      EngineVersion: { Ref: 'DbEngineVersion' },
      DBInstanceClass: { Ref: 'DbInstanceClass' },
      MultiAZ: { Ref: 'DbMultiAz' },
      StorageEncrypted: true,
      KmsKeyId: { Ref: 'KmsKeyArn' },
      BackupRetentionPeriod: { Ref: 'BackupRetentionDays' },
      PubliclyAccessible: false,
    });
    expect(db.SourceDBInstanceIdentifier).toBeUndefined();
    expect(t.Parameters?.DbMultiAz?.Default).toBe('true');
    expect(t.Parameters?.BackupRetentionDays?.MinValue).toBeGreaterThanOrEqual(1);
  });

  it('takes user and password as dynamic references to the secret, never a literal, and no RDS-managed secret', () => {
    // RDS cannot create a read replica of a source that manages its master password in Secrets Manager.
    expect(db.ManageMasterUserPassword).toBeUndefined();
    expect(db.MasterUserSecret).toBeUndefined();
    expect(db.MasterUsername).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DatabaseMasterSecret}:SecretString:username}}',
    });
    expect(db.MasterUserPassword).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DatabaseMasterSecret}:SecretString:password}}',
    });
    expect(t.Parameters?.DbMasterPassword).toBeUndefined();
    expect(Object.keys(t.Parameters ?? {}).filter((p) => /password/i.test(p))).toEqual([]);
  });

  it("generates the master secret in the stack, encrypted with this region's key and replicated to the secondary with the secondary's key", () => {
    const r = v.resources.DatabaseMasterSecret;
    expect(r?.Type).toBe('AWS::SecretsManager::Secret');
    expect(r?.DeletionPolicy).toBe('Delete');
    const s = propsIn(v, 'DatabaseMasterSecret');
    expect(v.resolve(s.Name)).toBe('db-master-dev');
    expect(s.KmsKeyId).toEqual({ Ref: 'KmsKeyArn' });
    expect(s.SecretString).toBeUndefined();
    expect(v.resolve(s.ReplicaRegions)).toEqual([{ Region: 'us-west-2', KmsKeyId: SECONDARY_KEY }]);
    const gen = s.GenerateSecretString as Record<string, unknown>;
    // The user is the DbMasterUsername parameter, as it was before the secret existed (a changed user would replace the instance).
    expect(gen.SecretStringTemplate).toEqual({ 'Fn::Sub': '{"username": "${DbMasterUsername}"}' });
    expect(
      JSON.parse(String(primary({ DbMasterUsername: 'trading_admin' }).resolve(gen.SecretStringTemplate))),
    ).toEqual({ username: 'trading_admin' });
    expect(gen).toMatchObject({ GenerateStringKey: 'password', PasswordLength: 32 });
    // PostgreSQL on RDS refuses / ' " @ in a master password; a backslash would need escaping in a dynamic reference.
    for (const c of ['"', '@', '/', '\\', "'"]) expect(String(gen.ExcludeCharacters), c).toContain(c);
    // The rule that makes the primary name the secondary key covers the secret's replica too.
    expect(JSON.stringify(t.Rules?.PrimaryNeedsSecondaryKey)).toContain('SecondaryKmsKeyArn');
  });

  it('attaches the secret to the instance so it carries host, port and engine', () => {
    expect(v.resources.DatabaseMasterSecretAttachment?.Type).toBe('AWS::SecretsManager::SecretTargetAttachment');
    expect(propsIn(v, 'DatabaseMasterSecretAttachment')).toEqual({
      SecretId: { Ref: 'DatabaseMasterSecret' },
      TargetId: { Ref: 'Database' },
      TargetType: 'AWS::RDS::DBInstance',
    });
  });

  it('turns on Performance Insights with the key and exports logs to a pre-created, encrypted group', () => {
    expect(db).toMatchObject({
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { Ref: 'KmsKeyArn' },
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    expect(v.resolve(propsIn(v, 'DatabaseLogGroup').LogGroupName)).toBe(
      `/aws/rds/instance/${String(v.resolve(db.DBInstanceIdentifier))}/postgresql`,
    );
    expect(propsIn(v, 'DatabaseLogGroup').KmsKeyId).toEqual({ Ref: 'KmsKeyArn' });
    expect(v.resolve(propsIn(v, 'DatabaseUpgradeLogGroup').LogGroupName)).toBe('/aws/rds/instance/db-dev/upgrade');
    expect(t.Resources.Database?.DependsOn).toEqual(['DatabaseLogGroup', 'DatabaseUpgradeLogGroup']);
  });

  it('accepts only instance classes that support Performance Insights (RDS rejects it on burstable micro and small)', () => {
    const pattern = new RegExp(String(t.Parameters?.DbInstanceClass?.AllowedPattern));
    for (const ok of ['db.t4g.medium', 'db.t3.large', 'db.r6g.large', 'db.m7i.2xlarge', 'db.x2iedn.xlarge'])
      expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ['db.t4g.micro', 'db.t4g.small', 'db.t3.micro', 'db.t3.small', 'db.t2.medium', 'r6g.large'])
      expect(pattern.test(bad), bad).toBe(false);
    for (const env of ['dev', 'prod'])
      expect(pattern.test(String(loadEnvironmentConfig(env).parameters.common?.DbInstanceClass)), env).toBe(true);
  });

  it('places the DB in the data subnets behind the data security group with a TLS-only parameter group', () => {
    expect(db).toMatchObject({
      DBSubnetGroupName: { Ref: 'DatabaseSubnetGroup' },
      VPCSecurityGroups: [{ Ref: 'DataSecurityGroupId' }],
      DBParameterGroupName: { Ref: 'DatabaseParameterGroup' },
    });
    expect(propsIn(v, 'DatabaseSubnetGroup').SubnetIds).toEqual({ Ref: 'DataSubnetIds' });
    expect((propsIn(v, 'DatabaseParameterGroup').Parameters as Record<string, string>)['rds.force_ssl']).toBe('1');
  });

  it('is destroyable: DeletionPolicy Delete and deletion protection off unless asked for', () => {
    expect(t.Resources.Database?.DeletionPolicy).toBe('Delete');
    expect(t.Resources.Database?.UpdateReplacePolicy).toBe('Delete');
    expect(db.DeletionProtection).toEqual({ Ref: 'DeletionProtection' });
    expect(db.DeleteAutomatedBackups).toBe(true);
    expect(t.Parameters?.DeletionProtection?.Default).toBe('false');
  });

  it('creates the enhanced-monitoring role only when an interval is set', () => {
    expect(v.resources.DatabaseMonitoringRole).toBeUndefined();
    expect(db.MonitoringRoleArn).toBeUndefined();
    const m = primary({ EnhancedMonitoringIntervalSeconds: '60' });
    expect(propsIn(m, 'Database').MonitoringRoleArn).toEqual({ 'Fn::GetAtt': ['DatabaseMonitoringRole', 'Arn'] });
    const trust = JSON.stringify(propsIn(m, 'DatabaseMonitoringRole').AssumeRolePolicyDocument);
    expect(trust).toContain('monitoring.rds.amazonaws.com');
  });

  it('publishes its own endpoint and secret as the writer', () => {
    expect(propsIn(v, 'WriterEndpointParameter').Value).toEqual({ 'Fn::GetAtt': ['Database', 'Endpoint.Address'] });
    expect(v.resolve(propsIn(v, 'WriterEndpointParameter').Name)).toBe('/trading/dev/db/writer-endpoint');
    expect(v.outputs.DatabaseSecretArn).toEqual({ Ref: 'DatabaseMasterSecret' });
    // The gateway's secret (what the parameter names): the application user's while rotation is on, else the master's.
    expect(propsIn(v, 'DatabaseSecretArnParameter').Value).toEqual({ Ref: 'DatabaseAppSecret' });
    expect(v.outputs.GatewayDatabaseSecretArn).toEqual({ Ref: 'DatabaseAppSecret' });
    const off = primary({ SecretRotationEnabled: 'false' });
    expect(propsIn(off, 'DatabaseSecretArnParameter').Value).toEqual({ Ref: 'DatabaseMasterSecret' });
    expect(off.resources.DatabaseAppSecret).toBeUndefined();
    expect(v.resolve(propsIn(v, 'DatabaseSecretArnParameter').Name)).toBe('/trading/dev/db/secret-arn');
    expect(t.Outputs?.WriterEndpointParameterName?.Value).toEqual({ Ref: 'WriterEndpointParameter' });
  });
});

describe('data template: cross-region read replica in the secondary', () => {
  const v = secondary();
  const db = propsIn(v, 'Database');

  it('replicates from the source ARN, encrypted with the secondary key, Multi-AZ by parameter', () => {
    expect(db).toMatchObject({
      SourceDBInstanceIdentifier: { Ref: 'SourceDatabaseArn' },
      SourceRegion: { Ref: 'PrimaryRegion' },
      KmsKeyId: { Ref: 'KmsKeyArn' },
      MultiAZ: { Ref: 'ReplicaMultiAz' },
      DBInstanceClass: { Ref: 'DbInstanceClass' },
      PerformanceInsightsKMSKeyId: { Ref: 'KmsKeyArn' },
    });
  });

  it('leaves out every property a read replica inherits or must not set', () => {
    for (const p of [
      'Engine',
      'EngineVersion',
      'AllocatedStorage',
      'StorageEncrypted',
      'DBName',
      'MasterUsername',
      'MasterUserPassword',
      'ManageMasterUserPassword',
      'MasterUserSecret',
      'BackupRetentionPeriod',
      'PreferredBackupWindow',
    ]) {
      expect(db[p], p).toBeUndefined();
    }
  });

  it("declares no secret: Secrets Manager keeps the primary secret's replica in this region", () => {
    expect(Object.values(v.resources).filter((r) => r.Type.startsWith('AWS::SecretsManager::'))).toEqual([]);
  });

  it('declares no orders table: the primary creates the secondary replica', () => {
    expect(Object.values(v.resources).filter((r) => r.Type.startsWith('AWS::DynamoDB::'))).toEqual([]);
    expect(v.outputs.OrdersTableStreamArn).toBeUndefined();
  });

  it("publishes the secret replica in its own region: the primary secret's ARN with this region", () => {
    const local = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf';
    expect(v.resolve(v.outputs.DatabaseSecretArn)).toBe(local);
    // The gateway's secret: the primary's application secret's replica here.
    const localApp = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-app-dev-GhIjKl';
    expect(v.resolve(v.outputs.GatewayDatabaseSecretArn)).toBe(localApp);
    expect(v.resolve(propsIn(v, 'DatabaseSecretArnParameter').Value)).toBe(localApp);
    // Built from the input, not a copy of it: another account, partition or name follows the input.
    const other = secondary({
      'AWS::Region': 'eu-west-1',
      PrimaryDatabaseSecretArn: 'arn:aws-us-gov:secretsmanager:us-gov-east-1:444455556666:secret:db-master-prod-Zz9Yx8',
    });
    expect(other.resolve(other.outputs.DatabaseSecretArn)).toBe(
      'arn:aws-us-gov:secretsmanager:eu-west-1:444455556666:secret:db-master-prod-Zz9Yx8',
    );
    // The input's pattern admits no ':' in the name, so the split always has the seven ARN fields the join rebuilds.
    expect(new RegExp(String(t.Parameters?.PrimaryDatabaseSecretArn?.AllowedPattern)).test(PRIMARY_SECRET)).toBe(true);
    expect(
      new RegExp(String(t.Parameters?.PrimaryDatabaseSecretArn?.AllowedPattern)).test(
        'arn:aws:secretsmanager:us-east-1:111122223333:secret:a:b',
      ),
    ).toBe(false);
  });

  it('starts its writer endpoint parameter on the primary and falls back to its own endpoint without that input', () => {
    expect(propsIn(v, 'WriterEndpointParameter').Value).toEqual({ Ref: 'PrimaryDatabaseEndpoint' });
    expect(propsIn(secondary({ PrimaryDatabaseEndpoint: '' }), 'WriterEndpointParameter').Value).toEqual({
      'Fn::GetAtt': ['Database', 'Endpoint.Address'],
    });
  });
});

describe('data template: orders global table', () => {
  const v = primary();
  const table = propsIn(v, 'OrdersTable');
  type Replica = {
    Region: unknown;
    SSESpecification: unknown;
    PointInTimeRecoverySpecification: unknown;
    DeletionProtectionEnabled: unknown;
  };
  const replicas = table.Replicas as Replica[];

  it('is declared once, in the primary, as orders-<suffix>, and destroyable', () => {
    expect(t.Resources.OrdersTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(t.Resources.OrdersTable?.Condition).toBe('IsPrimary');
    expect(t.Resources.OrdersTable?.DeletionPolicy).toBe('Delete');
    expect(v.resolve(table.TableName)).toBe('orders-dev');
  });

  it('is on-demand with streams and KMS encryption', () => {
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('has a replica in each region, each with its own key, point-in-time recovery and deletion protection by parameter', () => {
    expect(replicas.map((r) => v.resolve(r.Region))).toEqual(['us-east-1', 'us-west-2']);
    expect(replicas.map((r) => r.SSESpecification)).toEqual([
      { KMSMasterKeyId: { Ref: 'KmsKeyArn' } },
      { KMSMasterKeyId: { Ref: 'SecondaryKmsKeyArn' } },
    ]);
    for (const r of replicas) {
      expect(r.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(r.DeletionProtectionEnabled).toEqual({ Ref: 'DeletionProtection' });
    }
  });

  it('keys orders by orderId with a clientOrderId index for idempotent submission', () => {
    expect(table.KeySchema).toEqual([{ AttributeName: 'orderId', KeyType: 'HASH' }]);
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'clientOrderId-index',
        KeySchema: [{ AttributeName: 'clientOrderId', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('is eventually consistent by default and strongly consistent with a witness region on request', () => {
    expect(t.Parameters?.TableConsistency).toMatchObject({
      Default: 'EVENTUAL',
      AllowedValues: ['EVENTUAL', 'STRONG'],
    });
    expect(table.MultiRegionConsistency).toEqual({ Ref: 'TableConsistency' });
    expect(table.GlobalTableWitnesses).toBeUndefined();
    const strong = propsIn(primary({ TableConsistency: 'STRONG' }), 'OrdersTable');
    // Health items expire through TTL under EVENTUAL; a strongly consistent (MRSC) table is declared without TTL.
    expect(propsIn(primary(), 'OrdersTable').TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(strong.TimeToLiveSpecification).toBeUndefined();
    expect(strong.GlobalTableWitnesses).toEqual([{ Region: { Ref: 'WitnessRegion' } }]);
    expect(t.Parameters?.WitnessRegion?.Default).toBe('us-east-2');
    // MRSC: exactly two replicas plus one witness.
    expect((strong.Replicas as unknown[]).length + (strong.GlobalTableWitnesses as unknown[]).length).toBe(3);
  });
});

describe('data template: assets bucket and replication', () => {
  const bucket = (v: StackView): Record<string, unknown> => propsIn(v, 'AssetsBucket');
  type Rule = {
    Status: string;
    Destination: Record<string, unknown>;
    DeleteMarkerReplication: unknown;
    SourceSelectionCriteria: unknown;
    Filter: unknown;
  };
  const rule = (v: StackView): Rule => (bucket(v).ReplicationConfiguration as { Rules: Rule[] }).Rules[0] as Rule;

  it('creates a versioned, KMS-encrypted, private bucket named with account and region in both roles', () => {
    for (const [v, region] of [
      [primary(), 'us-east-1'],
      [secondary(), 'us-west-2'],
    ] as const) {
      const b = bucket(v);
      expect(v.resolve(b.BucketName)).toBe(`assets-dev-111122223333-${region}`);
      expect(b.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(b.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { Ref: 'KmsKeyArn' } },
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
      expect((b.LifecycleConfiguration as { Rules: unknown[] }).Rules.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(b.LifecycleConfiguration)).toContain('NoncurrentVersionExpiration');
    }
  });

  it('denies requests without TLS', () => {
    const stmts = (propsIn(primary(), 'AssetsBucketPolicy').PolicyDocument as { Statement: Statement[] }).Statement;
    expect(stmts.find((s) => s.Sid === 'DenyInsecureTransport')).toMatchObject({
      Effect: 'Deny',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('has no replication rule on the first pass of the primary (destination not known yet)', () => {
    const v = primary();
    expect(bucket(v).ReplicationConfiguration).toBeUndefined();
    expect(v.resources.AssetsReplicationRole).toBeUndefined();
  });

  it('replicates primary to secondary on the second pass with RTC, metrics, delete markers and KMS re-encryption', () => {
    const v = primary({ ReplicationDestinationBucketArn: SECONDARY_BUCKET });
    const r = rule(v);
    expect(r.Status).toBe('Enabled');
    expect(r.DeleteMarkerReplication).toEqual({ Status: 'Enabled' });
    expect(r.SourceSelectionCriteria).toMatchObject({ SseKmsEncryptedObjects: { Status: 'Enabled' } });
    expect(r.Destination).toMatchObject({
      Bucket: { Ref: 'ReplicationDestinationBucketArn' },
      EncryptionConfiguration: { ReplicaKmsKeyID: { Ref: 'SecondaryKmsKeyArn' } },
      ReplicationTime: { Status: { Ref: 'ReplicationTimeControl' }, Time: { Minutes: 15 } },
      Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
    });
    expect(t.Parameters?.ReplicationTimeControl?.Default).toBe('Enabled');
    expect((bucket(v).ReplicationConfiguration as { Role: unknown }).Role).toEqual({
      'Fn::GetAtt': ['AssetsReplicationRole', 'Arn'],
    });
  });

  it('declares the failback rule in the secondary, disabled until ReverseReplicationEnabled', () => {
    const off = rule(secondary());
    expect(off.Status).toBe('Disabled');
    expect(off.Destination).toMatchObject({
      Bucket: { Ref: 'PrimaryAssetsBucketArn' },
      EncryptionConfiguration: { ReplicaKmsKeyID: { Ref: 'PrimaryKmsKeyArn' } },
    });
    expect(rule(secondary({ ReverseReplicationEnabled: 'true' })).Status).toBe('Enabled');
    expect(bucket(secondary({ PrimaryAssetsBucketArn: '' })).ReplicationConfiguration).toBeUndefined();
  });

  it('gives the replication role only what replication needs, on the two buckets and the two keys', () => {
    const v = primary({ ReplicationDestinationBucketArn: SECONDARY_BUCKET });
    const role = propsIn(v, 'AssetsReplicationRole');
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('s3.amazonaws.com');
    const stmts = (role.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    for (const s of stmts) {
      expect(s.Resource, s.Sid).not.toBe('*');
      expect(
        [s.Action].flat().some((a) => a.endsWith('*')),
        s.Sid,
      ).toBe(false);
    }
    const resolved = (sid: string): unknown => v.resolve(stmts.find((s) => s.Sid === sid)?.Resource);
    expect(resolved('WriteDestination')).toBe(`${SECONDARY_BUCKET}/*`);
    expect(resolved('ReadSourceVersions')).toBe('arn:aws:s3:::assets-dev-111122223333-us-east-1/*');
    expect(resolved('EncryptDestination')).toBe(SECONDARY_KEY);
    const encrypt = stmts.find((s) => s.Sid === 'EncryptDestination');
    expect(v.resolve(encrypt?.Condition?.StringEquals?.['kms:ViaService'])).toBe('s3.us-west-2.amazonaws.com');
  });
});

describe('data template: environment configs', () => {
  it.each(['dev', 'prod'])('%s config values satisfy the parameter constraints', (env) => {
    expect(configValueProblems(loadEnvironmentConfig(env), t)).toEqual([]);
  });

  it.each(['dev', 'prod'])(
    '%s sets the storage-autoscaling ceiling at least 10 %% above the initial storage, as RDS requires',
    (env) => {
      const common = loadEnvironmentConfig(env).parameters.common ?? {};
      const initial = Number(common.DbAllocatedStorage ?? t.Parameters?.DbAllocatedStorage?.Default);
      const ceiling = Number(common.DbMaxAllocatedStorage ?? t.Parameters?.DbMaxAllocatedStorage?.Default);
      expect(ceiling).toBeGreaterThanOrEqual(Math.ceil(initial * 1.1));
    },
  );

  it('runs production with deletion protection, Multi-AZ in both regions and longer backups', () => {
    expect(loadEnvironmentConfig('prod').parameters.common).toMatchObject({
      DeletionProtection: true,
      DbMultiAz: true,
      ReplicaMultiAz: true,
      DbInstanceClass: 'db.r6g.large',
    });
    expect(loadEnvironmentConfig('dev').parameters.common).toMatchObject({ DeletionProtection: false });
  });
});

describe('data template: master secret rotation (primary)', () => {
  const ROTATION = [
    'SecretRotationSecurityGroup',
    'DataFromSecretRotationIngress',
    'SecretRotationLogGroup',
    'SecretRotationRole',
    'SecretRotationFunction',
    'SecretRotationPermission',
    'DatabaseMasterSecretRotation',
  ];
  const v = primary();
  const fn = propsIn(v, 'SecretRotationFunction');
  const statements = (
    propsIn(v, 'SecretRotationRole').Policies as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((p) => p.PolicyDocument.Statement);

  it('exists only in the primary, and only while SecretRotationEnabled is true', () => {
    for (const id of ROTATION) expect(v.resources[id], id).toBeDefined();
    for (const id of ROTATION) expect(secondary().resources[id], `secondary ${id}`).toBeUndefined();
    for (const id of ROTATION)
      expect(primary({ SecretRotationEnabled: 'false' }).resources[id], `disabled ${id}`).toBeUndefined();
    expect(t.Parameters?.SecretRotationEnabled?.Default).toBe('true');
  });

  it("rotates every SecretRotationDays days (default 30, 1 to 365) with the stack's own function, after the permission and the attachment exist", () => {
    expect(propsIn(v, 'DatabaseMasterSecretRotation')).toEqual({
      SecretId: { Ref: 'DatabaseMasterSecret' },
      RotationLambdaARN: { 'Fn::GetAtt': ['SecretRotationFunction', 'Arn'] },
      RotationRules: { AutomaticallyAfterDays: { Ref: 'SecretRotationDays' } },
    });
    expect(t.Parameters?.SecretRotationDays).toMatchObject({ Type: 'Number', Default: 30, MinValue: 1, MaxValue: 365 });
    expect(t.Resources.DatabaseMasterSecretRotation?.DependsOn).toEqual(
      expect.arrayContaining(['SecretRotationPermission', 'DatabaseMasterSecretAttachment']),
    );
    expect(propsIn(v, 'SecretRotationPermission')).toEqual({
      FunctionName: { Ref: 'SecretRotationFunction' },
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceArn: { Ref: 'DatabaseMasterSecret' },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('runs the drctl-built bundle on nodejs24.x, reserving no concurrency by default, with an encrypted environment and log group', () => {
    expect(t.Metadata?.Drctl?.Artifacts?.RotationCodeKey).toEqual({
      Entry: 'src/rotation/handler.ts',
      BucketParameter: 'ArtifactBucketName',
      Kind: 'lambda',
    });
    expect(t.Metadata?.Drctl?.Inputs?.ArtifactBucketName).toEqual({
      Stack: 'foundation',
      Region: 'self',
      Output: 'ArtifactBucketName',
    });
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      KmsKeyArn: { Ref: 'KmsKeyArn' },
      Code: { S3Bucket: { Ref: 'ArtifactBucketName' }, S3Key: { Ref: 'RotationCodeKey' } },
      LoggingConfig: { LogGroup: { Ref: 'SecretRotationLogGroup' } },
    });
    // Reserved concurrency only when asked: a low Lambda concurrency quota cannot reserve any.
    expect(v.resolve(fn.ReservedConcurrentExecutions)).toBeUndefined();
    expect(t.Parameters?.RotationReservedConcurrency).toMatchObject({ Default: 0, MinValue: 0, MaxValue: 1 });
    expect(propsIn(v, 'SecretRotationLogGroup')).toMatchObject({
      RetentionInDays: { Ref: 'DbLogRetentionDays' },
      KmsKeyId: { Ref: 'KmsKeyArn' },
    });
    expect(v.resolve(propsIn(v, 'SecretRotationLogGroup').LogGroupName)).toBe(
      `/aws/lambda/${String(v.resolve(fn.FunctionName))}`,
    );
  });

  it("generates passwords of the same shape as the secret's first one", () => {
    const env = (fn.Environment as { Variables: Record<string, string> }).Variables;
    const gen = propsIn(v, 'DatabaseMasterSecret').GenerateSecretString as Record<string, unknown>;
    expect(env.PASSWORD_LENGTH).toBe(String(gen.PasswordLength));
    expect(env.EXCLUDE_CHARACTERS).toBe(gen.ExcludeCharacters);
    // Node.js 20+ Lambda runtimes load the RDS CA bundle only when asked; the connector verifies the certificate.
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/var/runtime/ca-cert.pem');
  });

  it('sits in the data subnets and reaches only the database port and the interface endpoints', () => {
    expect(fn.VpcConfig).toEqual({
      SubnetIds: { Ref: 'DataSubnetIds' },
      SecurityGroupIds: [{ Ref: 'SecretRotationSecurityGroup' }],
    });
    const sg = propsIn(v, 'SecretRotationSecurityGroup');
    expect(sg.VpcId).toEqual({ Ref: 'VpcId' });
    expect(sg.SecurityGroupIngress).toBeUndefined();
    expect((sg.SecurityGroupEgress as Record<string, unknown>[]).map(({ Description: _d, ...rule }) => rule)).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: { Ref: 'DbPort' },
        ToPort: { Ref: 'DbPort' },
        DestinationSecurityGroupId: { Ref: 'DataSecurityGroupId' },
      },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, DestinationSecurityGroupId: { Ref: 'EndpointSecurityGroupId' } },
    ]);
    const { Description: _d, ...ingress } = propsIn(v, 'DataFromSecretRotationIngress');
    expect(ingress).toEqual({
      GroupId: { Ref: 'DataSecurityGroupId' },
      IpProtocol: 'tcp',
      FromPort: { Ref: 'DbPort' },
      ToPort: { Ref: 'DbPort' },
      SourceSecurityGroupId: { Ref: 'SecretRotationSecurityGroup' },
    });
    for (const p of ['VpcId', 'EndpointSecurityGroupId'])
      expect(t.Metadata?.Drctl?.Inputs?.[p], p).toMatchObject({ Stack: 'network', Region: 'self', Output: p });
  });

  it('gives the role only the master and application secrets, the key, its log group and network interfaces in this account and Region', () => {
    const byResource = (r: unknown) =>
      statements
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(r))
        .flatMap((s) => [s.Action].flat())
        .sort();
    for (const secret of ['DatabaseMasterSecret', 'DatabaseAppSecret'])
      expect(byResource({ Ref: secret }), secret).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ]);
    expect(byResource({ Ref: 'KmsKeyArn' })).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(byResource({ 'Fn::GetAtt': ['SecretRotationLogGroup', 'Arn'] })).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    // Only actions IAM cannot scope to a resource get "*", and their Sid says so.
    const unscoped = statements.filter((s) => s.Resource === '*');
    expect(unscoped.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'ec2:DescribeNetworkInterfaces',
      'secretsmanager:GetRandomPassword',
    ]);
    for (const s of unscoped) expect(s.Sid).toMatch(/HasNoResourceScope$/);
    const eni = statements.find((s) => [s.Action].flat().includes('ec2:CreateNetworkInterface'));
    for (const r of v.resolve(eni?.Resource) as string[])
      expect(r).toMatch(/^arn:aws:ec2:us-east-1:111122223333:(network-interface|subnet|security-group)\/\*$/);
    for (const s of statements)
      expect(
        [s.Action].flat().some((a) => a.includes('*')),
        s.Sid,
      ).toBe(false);
    expect(JSON.stringify(propsIn(v, 'SecretRotationRole').AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
  });

  it("stops before a new password while its region's maintenance flag (the foundation's parameter) fences it", () => {
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    const flag = (loadLayerTemplate('foundation').Resources.MaintenanceFlagParameter?.Properties as { Name: unknown })
      .Name;
    expect(env.MAINTENANCE_PARAMETER).toEqual(flag);
    const read = statements.find((s) => s.Sid === 'ReadOwnRegionMaintenanceFlag');
    expect(read?.Action).toBe('ssm:GetParameter');
    expect(v.resolve(read?.Resource)).toBe(
      `arn:aws:ssm:us-east-1:111122223333:parameter${String(v.resolve(env.MAINTENANCE_PARAMETER))}`,
    );
  });
});
