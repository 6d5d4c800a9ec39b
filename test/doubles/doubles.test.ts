import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getEventListeners } from 'node:events';
import { AwsWorld } from './aws-world.js';
import { DEFAULT_START, VirtualClock } from './virtual-clock.js';
import { pkTable, startLocalDynamo, type LocalDynamo } from './dynamodb.js';

describe('the clock double', () => {
  it('removes its abort listener when a sleep ends, so a long-lived signal collects none', async () => {
    const clock = new VirtualClock();
    const signal = new AbortController().signal;
    for (let k = 0; k < 50; k++) await clock.sleep(1_000, signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(clock.now() - DEFAULT_START).toBe(50_000);
  });
});

describe('AWS doubles', () => {
  it('RDS promotes a replica asynchronously and refuses a second promotion', async () => {
    const d = new AwsWorld({ start: Date.parse('2026-01-05T12:00:00Z'), rds: { promotionMs: 60_000 } });
    const clock = d.clock;
    const src = d.rds.addInstance('us-east-1', { id: 'db-dev' });
    d.rds.addInstance('us-west-2', { id: 'db-dev', sourceArn: src });
    const rds = d.rds.client('us-west-2');
    await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'db-dev' }));
    const during = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'db-dev' }));
    expect(during.DBInstances?.[0]?.DBInstanceStatus).toBe('modifying');
    expect(during.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBe(src);
    await expect(rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'db-dev' }))).rejects.toMatchObject({
      name: 'InvalidDBInstanceStateFault',
    });
    clock.advance(40_000);
    expect(d.rds.instance('us-west-2', 'db-dev')?.status).toBe('rebooting');
    clock.advance(20_000);
    const after = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'db-dev' }));
    expect(after.DBInstances?.[0]).toMatchObject({ DBInstanceStatus: 'available' });
    expect(after.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    await expect(rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'db-dev' }))).rejects.toThrow(
      /not a read replica/,
    );
    await expect(
      d.rds.client('us-east-1').send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })),
    ).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });
    expect(d.log.regions()).toEqual(['us-east-1', 'us-west-2']);
  });

  it('RDS gives an instance a managed secret asynchronously and protects it from deletion when asked', async () => {
    const d = new AwsWorld({ start: Date.parse('2026-01-05T12:00:00Z'), rds: { modifyMs: 30_000 } });
    const clock = d.clock;
    d.rds.addInstance('us-west-2', { id: 'db-dev' });
    const rds = d.rds.client('us-west-2');
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'db-dev',
        ManageMasterUserPassword: true,
        ApplyImmediately: true,
        DeletionProtection: true,
      }),
    );
    expect(d.rds.instance('us-west-2', 'db-dev')).toMatchObject({ status: 'modifying', secretArn: undefined });
    await expect(
      rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'db-dev', ManageMasterUserPassword: true })),
    ).rejects.toMatchObject({ name: 'InvalidDBInstanceStateFault' });
    clock.advance(30_000);
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'db-dev' }))).DBInstances?.[0];
    expect(db?.MasterUserSecret?.SecretArn).toMatch(/^arn:aws:secretsmanager:us-west-2:\d{12}:secret:rds!db-/);
    await expect(
      rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'db-dev', SkipFinalSnapshot: true })),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });

  it('RDS refuses a read replica of a source with a managed master secret, and a managed secret on a replica', async () => {
    const d = new AwsWorld({ start: Date.parse('2026-01-05T12:00:00Z'), rds: { modifyMs: 1000, createMs: 1000 } });
    const clock = d.clock;
    const managed = d.rds.addInstance('us-west-2', {
      id: 'db-dev',
      secretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:rds!db-1',
    });
    const plain = d.rds.addInstance('us-west-2', { id: 'db-plain' });
    const east = d.rds.client('us-east-1');
    await expect(
      east.send(
        new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'db-dev', SourceDBInstanceIdentifier: managed }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    expect(d.rds.instance('us-east-1', 'db-dev')).toBeUndefined();
    await east.send(
      new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'db-plain', SourceDBInstanceIdentifier: plain }),
    );
    clock.advance(1000);
    expect(d.rds.instance('us-east-1', 'db-plain')).toMatchObject({ status: 'available', sourceArn: plain });
    await expect(
      east.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: 'db-plain',
          ManageMasterUserPassword: true,
          ApplyImmediately: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    expect(d.rds.instance('us-east-1', 'db-plain')?.secretArn).toBeUndefined();
  });

  it('SSM, Auto Scaling, SNS and CloudWatch behave like the services', async () => {
    const d = new AwsWorld({ start: Date.parse('2026-01-05T12:00:00Z'), launchMs: 1000 });
    const clock = d.clock;
    const c = d.clientsFor('us-west-2');
    await c.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'a', Type: 'String' }));
    await expect(c.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'b', Type: 'String' }))).rejects.toMatchObject(
      { name: 'ParameterAlreadyExists' },
    );
    await c.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'b', Type: 'String', Overwrite: true }));
    expect((await c.ssm.send(new GetParameterCommand({ Name: '/p' }))).Parameter).toMatchObject({
      Value: 'b',
      Version: 2,
    });
    await expect(d.ssm.client('us-east-1').send(new GetParameterCommand({ Name: '/p' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });

    d.autoscaling.addGroup('us-west-2', 'asg-dev', { min: 1, max: 6, desired: 1 });
    await expect(
      c.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-dev', DesiredCapacity: 8 })),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await c.autoscaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-dev', MinSize: 4, DesiredCapacity: 4 }),
    );
    expect(d.autoscaling.group('us-west-2', 'asg-dev')).toMatchObject({ desired: 4, inService: 1 });
    clock.advance(1000);
    expect(d.autoscaling.group('us-west-2', 'asg-dev')).toMatchObject({ min: 4, inService: 4 });

    const east = d.sns.addTopic('us-east-1', 'alerts-dev');
    const west = d.sns.addTopic('us-west-2', 'alerts-dev');
    await expect(c.sns.send(new PublishCommand({ TopicArn: east, Message: 'x' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await c.sns.send(new PublishCommand({ TopicArn: west, Message: 'x', Subject: 's' }));
    expect(d.sns.published).toHaveLength(1);

    const t = clock.now();
    d.cloudwatch.putReplicaLag('us-west-2', 'db-dev', t - 120_000, 3);
    d.cloudwatch.putReplicaLag('us-west-2', 'db-dev', t - 60_000, 7);
    d.cloudwatch.putReplicaLag('us-east-1', 'db-dev', t - 60_000, 99);
    const r = await c.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(t - 300_000),
        EndTime: new Date(t),
        MetricDataQueries: [
          {
            Id: 'lag',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'ReplicaLag',
                Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db-dev' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    expect(r.MetricDataResults?.[0]?.Values).toEqual([7, 3]);
  });

  describe('local DynamoDB', () => {
    let ddb: LocalDynamo;
    beforeAll(async () => {
      ddb = await startLocalDynamo();
      await ddb.createTable(pkTable('orders-test'));
    });
    afterAll(() => ddb.close());

    it('enforces conditional writes and records the region of each call', async () => {
      const c = ddb.client('us-west-2');
      const put = () =>
        c.send(
          new PutItemCommand({
            TableName: 'orders-test',
            Item: { pk: { S: 'a' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      await put();
      await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      expect(ddb.log.ops('dynamodb', 'PutItem').map((x) => x.region)).toEqual(['us-west-2', 'us-west-2']);
    });
  });
});
