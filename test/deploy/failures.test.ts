// Every failure mode of deploy, provoked against the doubles.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { DrError } from '../../src/errors.js';
import type { Message } from '../../src/io/messages.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { ALL, copyFixture, fixtureProject, runtime } from './helpers.js';

const STATE_BUCKET = 'drctl-state-111111111111-us-east-1';

async function deployed(): Promise<{ world: AwsWorld; root: string }> {
  const world = new AwsWorld();
  const root = await copyFixture();
  const r = await runDeploy(await fixtureProject('dev', root), ALL, runtime(world));
  expect(r.report.status).toBe('succeeded');
  return { world, root };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test edits reach deep into arbitrary JSON
type Json = any;

async function editJson(file: string, edit: (v: Json) => void): Promise<void> {
  const v = JSON.parse(await readFile(file, 'utf8')) as Json;
  edit(v);
  await writeFile(file, JSON.stringify(v, null, 2));
}

describe('deploy failure handling', () => {
  it("throttled CloudFormation calls are retried by the SDK's retry (the only retry layer) and the run finishes", async () => {
    const world = new AwsWorld();
    world.cloudformation('us-east-1').throttle(6, 'DescribeStacks');
    world.cloudformation('us-west-2').throttle(4);
    const rt = runtime(world);
    const r = await runDeploy(await fixtureProject(), ALL, rt);
    expect(r.report.status).toBe('succeeded');
    const retries = rt.reporter.byCode<{ attempt: number; operation: string; region: string }>('AWS_THROTTLED');
    expect(retries).toHaveLength(10);
    expect(Math.max(...retries.map((m) => m.data!.attempt))).toBeGreaterThanOrEqual(3);
  });

  it('does not mistake a stale DescribeStacks answer right after ExecuteChangeSet for the end of the operation', async () => {
    const world = new AwsWorld();
    for (const region of ['us-east-1', 'us-west-2']) world.cloudformation(region).describeLag = 3;
    const rt = runtime(world);
    const r = await runDeploy(await fixtureProject(), ALL, rt);
    expect(r.report.status).toBe('succeeded');
    // Every stack was seen finishing, and the second pass waited for its own update.
    const finals = rt.reporter
      .byCode<{ node: string; status: string }>('DEPLOY_STACK_STATUS')
      .filter((m) => m.data!.node === 'data@primary#2')
      .map((m) => m.data!.status);
    expect(finals).toContain('UPDATE_IN_PROGRESS');
    expect(finals.at(-1)).toBe('UPDATE_COMPLETE');
  });

  it('stops the dependants of a failed stack while independent stacks finish; a ROLLBACK_COMPLETE stack is recreated after confirmation', async () => {
    const world = new AwsWorld();
    world.cloudformation('us-west-2').failNextOperation('trading-network-dev', {
      resource: 'NatGateway',
      reason: 'Resource handler returned message: "The maximum number of NAT gateways has been reached."',
    });
    const project = await fixtureProject();
    const first = await runDeploy(project, ALL, runtime(world));
    const state = (id: string) => first.report.nodes.find((n) => n.id === id)!.state;
    expect(first.report.status).toBe('failed');
    expect(first.error?.code).toBe('E_DEPLOY_FAILED');
    expect(first.error?.message).toContain('NAT gateways');
    expect(state('network@secondary')).toBe('failed');
    for (const id of ['data@secondary', 'compute@secondary', 'global@primary', 'data@primary#2'])
      expect(state(id)).toBe('skipped');
    for (const id of [
      'foundation@primary',
      'foundation@secondary',
      'network@primary',
      'data@primary',
      'compute@primary',
      'failover@primary',
    ])
      expect(state(id)).toBe('completed');
    expect(world.cloudformation('us-west-2').stack('trading-network-dev')!.status).toBe('ROLLBACK_COMPLETE');
    expect(world.cloudformation('us-west-2').stack('trading-data-dev')).toBeUndefined();

    // Refused confirmation: nothing is deleted, the stack is reported as needing recreation.
    const refused = runtime(world, { answers: false });
    const second = await runDeploy(project, ALL, refused);
    expect(second.report.nodes.find((n) => n.id === 'network@secondary')!.error).toMatchObject({
      code: 'E_STACK_NEEDS_RECREATE',
      kind: 'conflict',
    });
    expect(refused.reporter.codes()).toContain('CONFIRM_ASKED');
    expect(world.cloudformation('us-west-2').stack('trading-network-dev')!.status).toBe('ROLLBACK_COMPLETE');

    const agreed = runtime(world, { answers: true });
    const third = await runDeploy(project, ALL, agreed);
    expect(third.report.status).toBe('succeeded');
    expect(agreed.reporter.byCode('DEPLOY_RECREATE')).toHaveLength(1);
    expect(third.report.nodes.find((n) => n.id === 'network@secondary')!.outcome).toBe('created');
    expect(third.report.nodes.find((n) => n.id === 'network@primary')!.outcome).toBe('no-changes');
  });

  /** Both network stacks left in ROLLBACK_COMPLETE: the next deploy must ask twice, in parallel branches. */
  async function twoRolledBackStacks() {
    const world = new AwsWorld();
    world.cloudformation('us-east-1').failNextOperation('trading-network-dev', { resource: 'NatGateway' });
    world.cloudformation('us-west-2').failNextOperation('trading-network-dev', { resource: 'NatGateway' });
    const project = await fixtureProject();
    expect((await runDeploy(project, ALL, runtime(world))).report.status).toBe('failed');
    return { world, project };
  }

  it('asks one question at a time even when parallel stacks both need confirmation', async () => {
    const { world, project } = await twoRolledBackStacks();
    let open = 0;
    let maxOpen = 0;
    const questions: string[] = [];
    const reporter = new (class extends MemoryReporter {
      override async confirm(question: string): Promise<boolean> {
        questions.push(question);
        maxOpen = Math.max(maxOpen, ++open);
        await world.clock.sleep(30_000);
        open--;
        return true;
      }
    })();
    const r = await runDeploy(project, ALL, { ...runtime(world), reporter });
    expect(r.report.status).toBe('succeeded');
    expect(questions).toHaveLength(2);
    expect(maxOpen).toBe(1);
  });

  it('after Ctrl-C at one prompt, the questions other stacks were waiting to ask are not asked', async () => {
    const { world, project } = await twoRolledBackStacks();
    const ctl = new AbortController();
    const questions: string[] = [];
    const reporter = new (class extends MemoryReporter {
      override async confirm(question: string): Promise<boolean> {
        questions.push(question);
        await world.clock.sleep(30_000);
        ctl.abort(); // the operator pressed Ctrl-C at this prompt: the answer is no
        return false;
      }
    })();
    const r = await runDeploy(project, ALL, { ...runtime(world, { signal: ctl.signal }), reporter });
    expect(r.report.status).toBe('interrupted');
    expect(questions).toHaveLength(1);
    for (const region of ['us-east-1', 'us-west-2'])
      expect(world.cloudformation(region).stack('trading-network-dev')!.status).toBe('ROLLBACK_COMPLETE');
  });

  it('continues an UPDATE_ROLLBACK_FAILED rollback, then updates', async () => {
    const { world, root } = await deployed();
    await editJson(path.join(root, 'config/dev.json'), (c) => (c.parameters.secondary.DesiredCapacity = 3));
    const west = world.cloudformation('us-west-2');
    west.failNextOperation('trading-compute-dev', {
      resource: 'AutoScalingGroup',
      reason: 'Insufficient capacity',
      rollbackFails: true,
    });
    const project = await fixtureProject('dev', root);
    const failed = await runDeploy(project, ALL, runtime(world));
    expect(failed.report.nodes.find((n) => n.id === 'compute@secondary')!.error?.message).toContain(
      'UPDATE_ROLLBACK_FAILED',
    );
    expect(west.stack('trading-compute-dev')!.status).toBe('UPDATE_ROLLBACK_FAILED');

    const rt = runtime(world);
    const again = await runDeploy(project, ALL, rt);
    expect(again.report.status).toBe('succeeded');
    expect(rt.reporter.byCode('DEPLOY_CONTINUE_ROLLBACK')).toHaveLength(1);
    expect(west.calls.filter((c) => c.op === 'ContinueUpdateRollback')).toHaveLength(1);
    expect(west.stack('trading-compute-dev')!.status).toBe('UPDATE_COMPLETE');
    expect(west.stack('trading-compute-dev')!.current.parameters.DesiredCapacity).toBe('3');
  });

  it('Ctrl-C stops scheduling, leaves running operations to CloudFormation, releases the lock; the next run resumes', async () => {
    const world = new AwsWorld();
    const ctl = new AbortController();
    const rt = runtime(world, { signal: ctl.signal });
    const reporter = new (class extends MemoryReporter {
      override emit<T>(msg: Omit<Message<T>, 'time'> & { time?: number }): void {
        super.emit(msg);
        const d = msg.data as { node?: string; status?: string } | undefined;
        if (msg.code === 'DEPLOY_STACK_STATUS' && d?.node === 'data@primary' && d.status === 'CREATE_IN_PROGRESS')
          ctl.abort();
      }
    })();
    const project = await fixtureProject();
    const r = await runDeploy(project, ALL, { ...rt, reporter });
    expect(r.report.status).toBe('interrupted');
    expect(r.error).toBeInstanceOf(DrError);
    expect(r.error!.kind).toBe('interrupted');
    // Nothing new started after the interrupt; the running create carries on server-side.
    const east = world.cloudformation('us-east-1');
    expect(east.stack('trading-data-dev')!.status).toBe('CREATE_IN_PROGRESS');
    expect(world.cloudformation('us-west-2').stack('trading-data-dev')).toBeUndefined();
    expect(east.stack('trading-compute-dev')).toBeUndefined();
    // No change set is left pending and the lock is gone.
    for (const s of [...east.stacks.values(), ...world.cloudformation('us-west-2').stacks.values()])
      expect([...s.changeSets.values()].filter((c) => c.status !== 'FAILED')).toEqual([]);
    expect(world.s3.buckets.get(STATE_BUCKET)!.objects.has('locks/dev.json')).toBe(false);
    expect(reporter.codes()).toContain('LOCK_RELEASED');
    // The summary people read says what happened to each stack, not "failed" for an interrupted wait.
    const summary = Object.fromEntries(
      reporter.byCode<{ id: string }>('DEPLOY_RESULT').map((m) => [m.data!.id, m.text.slice(25)]),
    );
    expect(summary['data@primary']).toMatch(
      /^interrupted while waiting for trading-data-dev in us-east-1 \(CREATE_IN_PROGRESS\); CloudFormation continues it$/,
    );
    expect(summary['data@secondary']).toBe('not started');
    expect(summary['foundation@primary']).toBe('created');

    const rt2 = runtime(world);
    const resumed = await runDeploy(project, ALL, rt2);
    expect(resumed.report.status).toBe('succeeded');
    expect(rt2.reporter.byCode<{ node: string }>('DEPLOY_RESUME_WAIT').map((m) => m.data!.node)).toContain(
      'data@primary',
    );
    const outcome = (id: string) => resumed.report.nodes.find((n) => n.id === id)!.outcome;
    expect(outcome('foundation@primary')).toBe('no-changes');
    expect(outcome('data@primary')).toBe('no-changes');
    expect(outcome('data@secondary')).toBe('created');
  });

  it('deletes a change set an earlier run left pending and creates a fresh one', async () => {
    const { world, root } = await deployed();
    const east = world.cloudformation('us-east-1');
    const stack = east.stack('trading-monitoring-dev')!;
    await east.handle('CreateChangeSet', {
      StackName: stack.name,
      ChangeSetName: 'drctl-20260105090000-p1',
      ChangeSetType: 'UPDATE',
      TemplateBody: stack.current.body,
      Parameters: Object.entries({ ...stack.current.parameters, ReplicaLagThresholdSeconds: '90' }).map(
        ([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }),
      ),
      Tags: stack.current.tags,
    });
    const rt = runtime(world);
    const r = await runDeploy(await fixtureProject('dev', root), ALL, rt);
    expect(r.report.status).toBe('succeeded');
    expect(
      rt.reporter.byCode<{ node: string; changeSets: string[] }>('DEPLOY_STALE_CHANGESET_DELETED').map((m) => m.data),
    ).toEqual([{ node: 'monitoring@primary', changeSets: ['drctl-20260105090000-p1'] }]);
    expect(east.stack('trading-monitoring-dev')!.current.parameters.ReplicaLagThresholdSeconds).toBe('60');
    expect(east.stack('trading-monitoring-dev')!.changeSets.size).toBe(0);
  });

  it('lets one of two concurrent operators in; the other gets a conflict naming owner and age', async () => {
    const world = new AwsWorld();
    const project = await fixtureProject();
    const alice = runtime(world, { host: 'ops-1', pid: 100 });
    const bob = runtime(world, { host: 'ops-2', pid: 200 });
    const [a, b] = await Promise.allSettled([runDeploy(project, ALL, alice), runDeploy(project, ALL, bob)]);
    const outcomes = [a, b].map((x) => (x.status === 'fulfilled' ? x.value.report.status : (x.reason as DrError).code));
    expect(outcomes.sort()).toEqual(['E_LOCKED', 'succeeded']);
    const loser = (a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason) as DrError;
    expect(loser.kind).toBe('conflict');
    expect(loser.message).toMatch(
      /alice on ops-[12] \(pid [12]00, arn:aws:sts::111111111111:assumed-role\/Deployer\/alice\) running deploy since .* ago/,
    );
    expect(loser.fix).toContain('--force-unlock');
  });

  it('refuses while a stale lock is held and changes nothing; --force-unlock takes it over', async () => {
    const world = new AwsWorld();
    const project = await fixtureProject();
    world.s3.createBucket(STATE_BUCKET, 'us-east-1', 'Enabled');
    const held = {
      id: 'old',
      environment: 'dev',
      operation: 'deploy',
      owner: { arn: 'arn:aws:iam::111111111111:user/bob', user: 'bob', host: 'laptop-7', pid: 31337 },
      createdAt: new Date(world.clock.now()).toISOString(),
    };
    world.s3.put(STATE_BUCKET, 'locks/dev.json', JSON.stringify(held));
    world.clock.advance(42 * 60_000);
    const err = await runDeploy(project, ALL, runtime(world)).catch((e: unknown) => e as DrError);
    expect(err).toBeInstanceOf(DrError);
    expect((err as DrError).code).toBe('E_LOCKED');
    expect((err as DrError).message).toContain('bob on laptop-7 (pid 31337');
    expect((err as DrError).message).toContain('(42m ago)');
    expect(world.cfnCalls().filter((c) => c.op !== 'DescribeStacks')).toEqual([]);

    const rt = runtime(world);
    const r = await runDeploy(project, { ...ALL, forceUnlock: true }, rt);
    expect(r.report.status).toBe('succeeded');
    expect(rt.reporter.byCode('LOCK_FORCED')).toHaveLength(1);
    expect(world.s3.buckets.get(STATE_BUCKET)!.objects.get('locks/dev.json')?.at(-1)?.isDeleteMarker ?? true).toBe(
      true,
    );
  });

  it('stops before anything changes when credentials are missing or belong to another account', async () => {
    const world = new AwsWorld();
    world.sts.identity = undefined;
    const project = await fixtureProject();
    const missing = (await runDeploy(project, ALL, runtime(world)).catch((e: unknown) => e)) as DrError;
    expect(missing.code).toBe('E_AWS_CREDENTIALS');
    expect(missing.fix).toContain('--profile');

    const other = new AwsWorld('222222222222');
    const wrong = (await runDeploy(project, ALL, runtime(other)).catch((e: unknown) => e)) as DrError;
    expect(wrong.code).toBe('E_WRONG_ACCOUNT');
    expect(wrong.message).toContain('222222222222');
    expect(wrong.field).toBe('expectedAccountId');
    for (const w of [world, other]) {
      expect(w.cfnCalls()).toEqual([]);
      expect(w.s3.calls).toEqual([]);
    }
  });

  it("sends a template over the TemplateBody limit through a state bucket in the stack's own region", async () => {
    const world = new AwsWorld();
    const root = await copyFixture();
    await editJson(
      path.join(root, 'templates/monitoring.json'),
      (t) =>
        (t.Metadata.Runbook = {
          steps: Array.from(
            { length: 1200 },
            (_, n) => `step ${n}: check the replica lag dashboard and page the on-call database engineer`,
          ),
        }),
    );
    const project = await fixtureProject('dev', root);
    const r = await runDeploy(project, ALL, runtime(world));
    expect(r.report.status).toBe('succeeded');
    const urls = world
      .cfnCalls()
      .filter((c) => c.op === 'CreateChangeSet' && c.input.TemplateURL)
      .map((c) => `${c.region} ${String(c.input.TemplateURL)}`);
    expect(urls).toHaveLength(2);
    expect(urls).toContainEqual(
      expect.stringMatching(
        /^us-west-2 https:\/\/drctl-state-111111111111-us-west-2\.s3\.us-west-2\.amazonaws\.com\/templates\/monitoring\/[0-9a-f]{64}\.json$/,
      ),
    );
    expect(world.s3.buckets.get('drctl-state-111111111111-us-west-2')!.versioning).toBe('Enabled');
    const again = await runDeploy(project, ALL, runtime(world));
    expect(again.report.nodes.filter((n) => n.id.startsWith('monitoring')).map((n) => n.outcome)).toEqual([
      'no-changes',
      'no-changes',
    ]);
    expect(world.s3.versionCount('drctl-state-111111111111-us-west-2')).toBe(1);
  });

  it('asks before replacing a stateful resource and leaves the stack untouched when refused', async () => {
    const { world, root } = await deployed();
    await editJson(
      path.join(root, 'templates/data.json'),
      (t) =>
        (t.Resources.AssetsBucket.Properties.BucketName = {
          'Fn::Sub': 'assets2-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}',
        }),
    );
    const project = await fixtureProject('dev', root);
    const rt = runtime(world, { answers: false });
    const r = await runDeploy(project, { ...ALL, only: ['data@secondary'] }, rt);
    expect(r.report.status).toBe('interrupted');
    const change = rt.reporter.byCode<{ changes: { logicalId: string; replacement: string; destructive: boolean }[] }>(
      'DEPLOY_CHANGESET',
    )[0]!.data!.changes;
    expect(change).toContainEqual(
      expect.objectContaining({ logicalId: 'AssetsBucket', replacement: 'True', destructive: true }),
    );
    expect(r.report.nodes.find((n) => n.id === 'data@secondary')!.error).toMatchObject({
      code: 'E_STATEFUL_REPLACEMENT',
    });
    const west = world.cloudformation('us-west-2').stack('trading-data-dev')!;
    expect(west.status).toBe('CREATE_COMPLETE');
    expect(west.changeSets.size).toBe(0);

    const yes = await runDeploy(project, { ...ALL, only: ['data@secondary'], yes: true }, runtime(world));
    expect(yes.report.status).toBe('succeeded');
    expect(world.cloudformation('us-west-2').stack('trading-data-dev')!.resources.get('AssetsBucket')!.physicalId).toBe(
      'assets2-dev-111111111111-us-west-2',
    );
    // The primary's second pass is outside --only: it is named as out of date, and refreshed by --only data@primary.
    expect(yes.report.nodes.map((n) => n.id)).toEqual(['data@secondary']);
    const pending = runtime(world);
    await runDeploy(project, { ...ALL, only: ['data@secondary'] }, pending);
    expect(pending.reporter.byCode('DEPLOY_SECOND_PASS_PENDING').map((m) => (m.data as { node: string }).node)).toEqual(
      ['data@primary#2'],
    );
    const primary = await runDeploy(project, { ...ALL, only: ['data@primary'], yes: true }, runtime(world));
    expect(primary.report.status).toBe('succeeded');
    expect(
      world.cloudformation('us-east-1').stack('trading-data-dev')!.current.parameters.ReplicationDestinationBucketArn,
    ).toBe('arn:aws:s3:::assets2-dev-111111111111-us-west-2');
  });
});
