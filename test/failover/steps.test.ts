import { describe, expect, it } from 'vitest';
import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { AwsWorld } from '../doubles/aws-world.js';
import { isPromoted, notify, promoteDatabase, raiseCapacity, setWriterEndpoint } from '../../src/failover/steps.js';
import { DrError } from '../../src/errors.js';

function setup() {
  const d = new AwsWorld({ start: Date.parse('2026-01-05T12:00:00Z'), rds: { promotionMs: 90_000 }, launchMs: 60_000 });
  const clock = d.clock;
  const src = d.rds.addInstance('us-east-1', { id: 'trading-db-dev' });
  d.rds.addInstance('us-west-2', { id: 'trading-db-dev', sourceArn: src });
  d.autoscaling.addGroup('us-west-2', 'asg-dev', { min: 1, max: 4, desired: 1 });
  return { clock, d, c: d.clientsFor('us-west-2') };
}

describe('failover steps', () => {
  it('promotes once, reports progress, then reports done', async () => {
    const { clock, d, c } = setup();
    expect(await promoteDatabase(c, 'trading-db-dev')).toMatchObject({
      status: 'in-progress',
      detail: expect.stringMatching(/started/),
    });
    expect(await promoteDatabase(c, 'trading-db-dev')).toMatchObject({
      status: 'in-progress',
      detail: expect.stringMatching(/modifying/),
    });
    expect(await isPromoted(c, 'trading-db-dev')).toBe(false);
    clock.advance(90_000);
    expect(await isPromoted(c, 'trading-db-dev')).toBe(true);
    expect(await promoteDatabase(c, 'trading-db-dev')).toMatchObject({ status: 'already-done' });
    expect(d.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
  });

  it('treats a promotion raced by someone else as in progress', async () => {
    const { d, c } = setup();
    // The other promoter calls between our describe and our promote.
    const other = d.rds.client('us-west-2');
    const racing = promoteDatabase(c, 'trading-db-dev');
    await other.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'trading-db-dev' }));
    expect(await racing).toMatchObject({ status: 'in-progress' });
  });

  it('refuses to promote a replica that is backing up', async () => {
    const { d, c } = setup();
    d.rds.setStatus('us-west-2', 'trading-db-dev', 'storage-full');
    const err = await promoteDatabase(c, 'trading-db-dev').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrError);
    expect((err as DrError).code).toBe('E_PROMOTE_BLOCKED');
    expect(d.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
  });

  it('raises capacity, lifting max, and never twice', async () => {
    const { d, c } = setup();
    expect(await raiseCapacity(c, 'asg-dev', 6)).toMatchObject({ status: 'done' });
    expect(d.autoscaling.group('us-west-2', 'asg-dev')).toMatchObject({ min: 6, desired: 6, max: 6 });
    expect(await raiseCapacity(c, 'asg-dev', 6)).toMatchObject({ status: 'already-done' });
    expect(d.log.ops('autoscaling', 'UpdateAutoScalingGroup')).toHaveLength(1);
  });

  it('updates the writer endpoint only when it differs', async () => {
    const { d, c } = setup();
    d.ssm.put('us-west-2', '/trading/dev/db/writer-endpoint', 'old:5432');
    expect(await setWriterEndpoint(c, '/trading/dev/db/writer-endpoint', 'new:5432')).toMatchObject({
      status: 'done',
    });
    expect(await setWriterEndpoint(c, '/trading/dev/db/writer-endpoint', 'new:5432')).toMatchObject({
      status: 'already-done',
    });
    expect(d.ssm.value('us-west-2', '/trading/dev/db/writer-endpoint')).toBe('new:5432');
  });

  it('turns an SNS failure into an aws DrError with a fix', async () => {
    const { d, c } = setup();
    const eastTopic = d.sns.addTopic('us-east-1', 'alerts-dev');
    const err = (await notify(c, eastTopic, 'x', 'y').catch((e: unknown) => e)) as DrError;
    expect(err.kind).toBe('aws');
    expect(err.message).toMatch(
      /sns:Publish arn:aws:sns:us-east-1:\d+:alerts-dev in us-west-2 failed: InvalidParameterException/,
    );
  });
});
