// Stale change-set cleanup touches only this stack's change sets, even when ListChangeSets ignores its StackName
// filter (as an emulator did): parallel steps must not delete each other's change sets.
import { CreateChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { stackOpsByRegion } from '../../src/aws/services/cloudformation.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { ALL, copyFixture, fixtureProject, runtime } from './helpers.js';

const TEMPLATE = JSON.stringify({
  Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: {} } },
});

describe('change-set hygiene', () => {
  it("deletes only this stack's drctl change sets when ListChangeSets answers every stack's", async () => {
    const world = new AwsWorld();
    const double = world.cloudformation('us-east-1');
    double.ignoreChangeSetFilter = true;
    const cfn = world.factory()('us-east-1').cloudformation;
    for (const stack of ['app-a', 'app-b'])
      await cfn.send(
        new CreateChangeSetCommand({
          StackName: stack,
          ChangeSetName: `drctl-${stack}-1`,
          ChangeSetType: 'CREATE',
          TemplateBody: TEMPLATE,
        }),
      );
    world.clock.advance(10_000);
    const rt = runtime(world);
    const ops = stackOpsByRegion(rt)('us-east-1');
    const a = await ops.describe('app-a');
    expect(await ops.deleteStaleChangeSets('app-a', a!.StackId)).toEqual(['drctl-app-a-1']);
    expect([...double.stacks.get('app-b')!.changeSets.keys()]).toEqual(['drctl-app-b-1']);
    expect(double.stacks.get('app-a')!.changeSets.size).toBe(0);
    // Without the stack id (a caller that has none) the stack name is the filter.
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'app-a',
        ChangeSetName: 'drctl-app-a-2',
        ChangeSetType: 'CREATE',
        TemplateBody: TEMPLATE,
      }),
    );
    expect(await ops.deleteStaleChangeSets('app-a')).toEqual(['drctl-app-a-2']);
    expect([...double.stacks.get('app-b')!.changeSets.keys()]).toEqual(['drctl-app-b-1']);
  });

  it('parallel updates against an endpoint that ignores the filter all succeed and delete no other step’s change set', async () => {
    const world = new AwsWorld();
    const root = await copyFixture();
    const first = await runDeploy(await fixtureProject('dev', root), ALL, runtime(world));
    expect(first.report.status).toBe('succeeded');
    for (const region of ['us-east-1', 'us-west-2']) world.cloudformation(region).ignoreChangeSetFilter = true;
    // Every stack gets a new tag value, so every stack updates, four at a time.
    const project = await fixtureProject('dev', root);
    (project.config as { application: string }).application = 'trading-platform-2';
    const rt = runtime(world);
    const second = await runDeploy(project, { ...ALL, yes: true }, rt);
    expect(second.error?.message).toBeUndefined();
    expect(second.report.status).toBe('succeeded');
    expect(rt.reporter.byCode('DEPLOY_STALE_CHANGESET_DELETED')).toEqual([]);
    const updated = second.report.nodes.filter((n) => n.outcome === 'updated');
    expect(updated.length).toBeGreaterThan(4);
  });
});
