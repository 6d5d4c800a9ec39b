// The CloudFormation double behaves like the service where deploy and destroy depend on it: change sets computed
// asynchronously, stack operations that move through *_IN_PROGRESS over simulated time with events, rollbacks,
// deletes that end in DELETE_COMPLETE and then "does not exist" (or DELETE_FAILED on a non-empty bucket or a secret
// that still has replicas), and Throttling.
import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeSecretCommand, RemoveRegionsFromReplicationCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { AwsWorld } from './aws-world.js';
import { replicaArn } from './secrets-manager.js';

const template = (topicName: string) =>
  JSON.stringify({
    Parameters: { Suffix: { Type: 'String', AllowedPattern: '^[a-z]+$' } },
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': `${topicName}-\${Suffix}` } } },
      Assets: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketName: { 'Fn::Sub': 'assets-${Suffix}-${AWS::AccountId}' },
          VersioningConfiguration: { Status: 'Enabled' },
        },
      },
    },
    Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
  });

function setUp() {
  const world = new AwsWorld();
  const cfn = world.factory()('us-east-1').cloudformation;
  const seconds = (n: number) => world.clock.advance(n * 1000);
  const status = async (name = 'app') =>
    (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
  const changeSet = async (type: 'CREATE' | 'UPDATE', name: string, topic = 'alerts', suffix = 'dev') =>
    (
      await cfn.send(
        new CreateChangeSetCommand({
          StackName: 'app',
          ChangeSetName: name,
          ChangeSetType: type,
          TemplateBody: template(topic),
          Parameters: [{ ParameterKey: 'Suffix', ParameterValue: suffix }],
        }),
      )
    ).Id!;
  const describeChangeSet = (id: string) =>
    cfn.send(new DescribeChangeSetCommand({ StackName: 'app', ChangeSetName: id }));
  return { world, cfn, seconds, status, changeSet, describeChangeSet };
}

describe('CloudFormation double', () => {
  it('computes a change set asynchronously, creates the stack over time with events, and answers an unchanged change set with FAILED "didn\'t contain changes"', async () => {
    const { cfn, seconds, status, changeSet, describeChangeSet } = setUp();
    const id = await changeSet('CREATE', 'c1');
    expect(await status()).toBe('REVIEW_IN_PROGRESS');
    expect((await describeChangeSet(id)).Status).toBe('CREATE_PENDING');
    seconds(1);
    expect((await describeChangeSet(id)).Status).toBe('CREATE_IN_PROGRESS');
    seconds(3);
    const ready = await describeChangeSet(id);
    expect(ready).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' });
    expect(
      ready.Changes!.map((c) => `${c.ResourceChange!.Action} ${c.ResourceChange!.LogicalResourceId}`).sort(),
    ).toEqual(['Add Assets', 'Add Topic']);

    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'app', ChangeSetName: id }));
    expect(await status()).toBe('CREATE_IN_PROGRESS');
    seconds(2);
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'app' }))).StackEvents!;
    expect(events.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toContain('Topic CREATE_IN_PROGRESS');
    expect(await status()).toBe('CREATE_IN_PROGRESS');
    seconds(60);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks![0]!;
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.Outputs).toEqual([
      { OutputKey: 'TopicArn', OutputValue: expect.stringMatching(/^arn:aws:sns:us-east-1:111111111111:alerts-dev$/) },
    ]);

    const again = await changeSet('UPDATE', 'c2');
    seconds(5);
    expect(await describeChangeSet(again)).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason: expect.stringContaining("didn't contain changes"),
    });
    await expect(
      cfn.send(new ExecuteChangeSetCommand({ StackName: 'app', ChangeSetName: again })),
    ).rejects.toMatchObject({ name: 'InvalidChangeSetStatus' });
  });

  it('a failed first create ends in ROLLBACK_COMPLETE, which only a delete gets out of', async () => {
    const { world, cfn, seconds, status, changeSet } = setUp();
    world.cloudformation('us-east-1').failNextOperation('app', { resource: 'Topic', reason: 'Topic limit exceeded' });
    const id = await changeSet('CREATE', 'c1');
    seconds(5);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'app', ChangeSetName: id }));
    seconds(120);
    expect(await status()).toBe('ROLLBACK_COMPLETE');
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'app' }))).StackEvents!;
    expect(events.find((e) => e.ResourceStatus === 'CREATE_FAILED')).toMatchObject({
      LogicalResourceId: 'Topic',
      ResourceStatusReason: 'Topic limit exceeded',
    });
    await expect(changeSet('UPDATE', 'c2')).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('ROLLBACK_COMPLETE state and can not be updated'),
    });
  });

  it('an update whose rollback fails ends in UPDATE_ROLLBACK_FAILED; ContinueUpdateRollback returns it to UPDATE_ROLLBACK_COMPLETE', async () => {
    const { world, cfn, seconds, status, changeSet } = setUp();
    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'app',
        ChangeSetName: await changeSet('CREATE', 'c1').then(async (id) => (seconds(5), id)),
      }),
    );
    seconds(120);
    world.cloudformation('us-east-1').failNextOperation('app', { resource: 'Topic', rollbackFails: true });
    const update = await changeSet('UPDATE', 'c2', 'alarms');
    seconds(5);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'app', ChangeSetName: update }));
    expect(await status()).toBe('UPDATE_IN_PROGRESS');
    seconds(120);
    expect(await status()).toBe('UPDATE_ROLLBACK_FAILED');
    await expect(changeSet('UPDATE', 'c3', 'alarms')).rejects.toMatchObject({ name: 'ValidationError' });
    await cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'app' }));
    expect(await status()).toBe('UPDATE_ROLLBACK_IN_PROGRESS');
    seconds(60);
    expect(await status()).toBe('UPDATE_ROLLBACK_COMPLETE');
    await expect(cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'app' }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('DeleteStack: DELETE_FAILED while a bucket holds objects; once emptied DELETE_COMPLETE by stack id, and "does not exist" by name', async () => {
    const { world, cfn, seconds, status, changeSet } = setUp();
    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'app',
        ChangeSetName: await changeSet('CREATE', 'c1').then(async (id) => (seconds(5), id)),
      }),
    );
    seconds(120);
    const stackId = (await cfn.send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks![0]!.StackId!;
    world.s3.put('assets-dev-111111111111', 'report.csv', 'x');
    await cfn.send(new DeleteStackCommand({ StackName: 'app' }));
    expect(await status()).toBe('DELETE_IN_PROGRESS');
    seconds(120);
    expect(await status()).toBe('DELETE_FAILED');

    await world.s3.handle(
      'DeleteObject',
      {
        Bucket: 'assets-dev-111111111111',
        Key: 'report.csv',
        VersionId: world.s3.buckets.get('assets-dev-111111111111')!.objects.get('report.csv')![0]!.versionId,
      },
      'us-east-1',
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'app' }));
    seconds(120);
    expect(await status(stackId)).toBe('DELETE_COMPLETE');
    await expect(status('app')).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id app does not exist',
    });
    // Deleting what is gone is not an error, as with the service.
    await expect(cfn.send(new DeleteStackCommand({ StackName: 'app' }))).resolves.toBeDefined();
  });

  it("DeleteStack: DELETE_FAILED with the service's message while a secret still has replicas; after RemoveRegionsFromReplication the replica is gone and the delete completes", async () => {
    const world = new AwsWorld();
    const cfn = world.factory()('us-east-1').cloudformation;
    const east = world.factory()('us-east-1').secretsmanager;
    const west = world.factory()('us-west-2').secretsmanager;
    const body = JSON.stringify({
      Resources: {
        Secret: {
          Type: 'AWS::SecretsManager::Secret',
          Properties: { Name: 'db-master-dev', ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'alias/west' }] },
        },
      },
    });
    const { Id } = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'secrets',
        ChangeSetName: 'c1',
        ChangeSetType: 'CREATE',
        TemplateBody: body,
      }),
    );
    world.clock.advance(5000);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'secrets', ChangeSetName: Id }));
    world.clock.advance(120_000);
    const status = async () => (await cfn.send(new DescribeStacksCommand({ StackName: 'secrets' }))).Stacks![0]!;
    expect((await status()).StackStatus).toBe('CREATE_COMPLETE');
    const arn = world.cloudformation('us-east-1').stack('secrets')!.resources.get('Secret')!.physicalId;
    expect(await east.send(new DescribeSecretCommand({ SecretId: arn }))).toMatchObject({
      ARN: arn,
      Name: 'db-master-dev',
      PrimaryRegion: 'us-east-1',
      ReplicationStatus: [{ Region: 'us-west-2', KmsKeyId: 'alias/west', Status: 'InSync' }],
    });
    // The replica answers in its own Region only, under the primary's ARN with its Region.
    expect(await west.send(new DescribeSecretCommand({ SecretId: 'db-master-dev' }))).toMatchObject({
      ARN: replicaArn(arn, 'us-west-2'),
      PrimaryRegion: 'us-east-1',
    });
    await expect(west.send(new DescribeSecretCommand({ SecretId: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      west.send(
        new RemoveRegionsFromReplicationCommand({
          SecretId: replicaArn(arn, 'us-west-2'),
          RemoveReplicaRegions: ['us-west-2'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    await cfn.send(new DeleteStackCommand({ StackName: 'secrets' }));
    world.clock.advance(120_000);
    expect((await status()).StackStatus).toBe('DELETE_FAILED');
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'secrets' }))).StackEvents!;
    expect(
      events.find((e) => e.ResourceStatus === 'DELETE_FAILED' && e.LogicalResourceId === 'Secret')
        ?.ResourceStatusReason,
    ).toContain(`You can't delete secret ${arn} that still has replica regions [us-west-2].`);
    expect(world.secrets.secrets.has(replicaArn(arn, 'us-west-2'))).toBe(true);

    expect(
      await east.send(new RemoveRegionsFromReplicationCommand({ SecretId: arn, RemoveReplicaRegions: ['us-west-2'] })),
    ).toMatchObject({ ARN: arn, ReplicationStatus: [] });
    expect(world.secrets.secrets.has(replicaArn(arn, 'us-west-2'))).toBe(false);
    expect(await east.send(new DescribeSecretCommand({ SecretId: arn }))).not.toHaveProperty('ReplicationStatus');
    await cfn.send(new DeleteStackCommand({ StackName: 'secrets' }));
    world.clock.advance(120_000);
    await expect(status()).rejects.toMatchObject({ name: 'ValidationError' });
    expect(world.secrets.secrets.size).toBe(0);
    await expect(east.send(new DescribeSecretCommand({ SecretId: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it("throttles the next calls with the service's Throttling error, then answers again", async () => {
    const { world, cfn } = setUp();
    const double = world.cloudformation('us-east-1');
    double.throttle(2, 'DescribeStacks');
    for (let i = 0; i < 2; i++)
      await expect(double.handle('DescribeStacks', {})).rejects.toMatchObject({
        name: 'Throttling',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      });
    await expect(double.handle('DescribeStacks', {})).resolves.toMatchObject({ Stacks: [] });
    // Through a real SDK client the SDK's own retry absorbs the throttling: three attempts, one answer.
    double.throttle(2, 'DescribeStacks');
    const before = double.calls.length;
    await expect(cfn.send(new DescribeStacksCommand({}))).resolves.toMatchObject({
      Stacks: [],
      $metadata: { attempts: 3 },
    });
    expect(double.calls.slice(before).map((c) => c.op)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
  });
});
