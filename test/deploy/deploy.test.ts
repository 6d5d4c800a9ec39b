import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { ALL, fixtureProject, runtime } from './helpers.js';

describe('deploy end to end against the doubles', () => {
  it('creates every stack in dependency order, passes outputs across regions, then says "no changes" on a second run', async () => {
    const world = new AwsWorld();
    const project = await fixtureProject();
    const rt = runtime(world);
    const first = await runDeploy(project, ALL, rt);
    expect(first.error).toBeUndefined();
    expect(first.report.status).toBe('succeeded');
    const stacks = first.report.nodes.filter((n) => n.kind === 'stack');
    expect(stacks.map((n) => n.outcome)).toEqual(stacks.map((n) => (n.id.endsWith('#2') ? 'updated' : 'created')));

    // Cross-region outputs became parameters.
    const east = world.cloudformation('us-east-1');
    const west = world.cloudformation('us-west-2');
    const primaryData = east.stack('trading-data-dev')!;
    expect(primaryData.status).toBe('UPDATE_COMPLETE');
    expect(west.stack('trading-data-dev')!.status).toBe('CREATE_COMPLETE');
    const secondaryData = west.stack('trading-data-dev')!;
    const secondaryKey = west
      .stack('trading-foundation-dev')!
      .outputs.find((o) => o.OutputKey === 'KmsKeyArn')!.OutputValue;
    expect(primaryData.current.parameters.SecondaryKmsKeyArn).toBe(secondaryKey);
    expect(secondaryData.current.parameters.SourceDatabaseArn).toBe(
      primaryData.outputs.find((o) => o.OutputKey === 'DatabaseArn')!.OutputValue,
    );
    // The second pass set the replication destination from the secondary's bucket.
    expect(primaryData.current.parameters.ReplicationDestinationBucketArn).toBe(
      secondaryData.outputs.find((o) => o.OutputKey === 'AssetsBucketArn')!.OutputValue,
    );
    expect(primaryData.current.tags).toEqual([
      { Key: 'environment', Value: 'dev' },
      { Key: 'application', Value: 'trading-platform' },
      { Key: 'managed-by', Value: 'drctl' },
    ]);
    // Artifacts were uploaded content-addressed and passed as parameters.
    const failover = east.stack('trading-failover-dev')!;
    expect(failover.current.parameters.ControllerCodeKey).toMatch(/^artifacts\/fixture-controller\/[0-9a-f]{64}\.zip$/);
    const bucket = east
      .stack('trading-foundation-dev')!
      .outputs.find((o) => o.OutputKey === 'ArtifactBucketName')!.OutputValue;
    expect(world.s3.buckets.get(bucket)!.objects.has(failover.current.parameters.ControllerCodeKey!)).toBe(true);
    expect(rt.reporter.byCode('DEPLOY_STACK_EVENT').length).toBeGreaterThan(20);
    expect(world.s3.buckets.get('drctl-state-111111111111-us-east-1')!.versioning).toBe('Enabled');

    const rt2 = runtime(world);
    const second = await runDeploy(project, ALL, rt2);
    expect(second.report.status).toBe('succeeded');
    expect(second.report.nodes.filter((n) => n.kind === 'stack').every((n) => n.outcome === 'no-changes')).toBe(true);
    expect(rt2.reporter.byCode('DEPLOY_NO_CHANGES')).toHaveLength(stacks.length);
    expect(rt2.reporter.byCode('ARTIFACT_EXISTS')).toHaveLength(4);
    expect(rt2.reporter.codes()).not.toContain('DEPLOY_CHANGESET');
  });

  it('starts the RDS chain first: with one slot, the primary data stack starts before work off the critical path', async () => {
    const world = new AwsWorld();
    const rt = runtime(world);
    const r = await runDeploy(await fixtureProject(), { ...ALL, concurrency: 1 }, rt);
    expect(r.report.status).toBe('succeeded');
    const started = rt.reporter
      .byCode<{ node: string; state: string }>('DEPLOY_NODE_STATE')
      .filter((m) => m.data!.state === 'deploying')
      .map((m) => m.data!.node);
    const at = (id: string) => started.indexOf(id);
    expect(at('data@primary')).toBeLessThan(at('network@secondary'));
    expect(at('data@primary')).toBeLessThan(at('build:fixture-gateway'));
    expect(started.slice(0, at('data@primary')).sort()).toEqual([
      'foundation@primary',
      'foundation@secondary',
      'network@primary',
    ]);
  });
});
