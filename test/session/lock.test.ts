// One environment lock for every command that changes an environment (deploy, destroy, failover, failback, drill),
// in the primary region's state bucket, or the secondary's when the primary's S3 does not answer.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/aws/clients.js';
import { runDeploy, type DeployReport } from '../../src/deploy/deploy.js';
import { loadProject } from '../../src/plan/project.js';
import type { Runtime } from '../../src/deploy/runtime.js';
import type { DrError } from '../../src/errors.js';
import type { Message } from '../../src/io/messages.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import { acquireEnvironmentLock } from '../../src/session/lock.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { ALL, copyFixture } from '../deploy/helpers.js';
import { runRunbook } from '../failover-ops/helpers.js';
import { buildWorld, PRIMARY, SECONDARY, type World } from '../failover-ops/world.js';

const ACCOUNT = '111122223333';
const bucketIn = (region: string) => `drctl-state-${ACCOUNT}-${region}`;

let w: World;
afterEach(async () => w?.close());

/** A reporter that runs `hook` on every message (as a second operator acting at that moment would). */
class HookedReporter extends MemoryReporter {
  constructor(private readonly hook: (m: Message) => void) {
    super(false);
  }
  override emit<T>(msg: Omit<Message<T>, 'time'> & { time?: number }): void {
    super.emit(msg);
    this.hook(this.messages.at(-1) as Message);
  }
}

/** The deploy fixture project, for this world's account. */
async function deployProject() {
  const root = await copyFixture();
  const file = path.join(root, 'config/dev.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, expectedAccountId: ACCOUNT }, null, 2));
  return loadProject(root, 'dev');
}

function deployRuntime(world: World, factory: ClientFactory = world.clients): Runtime & { reporter: MemoryReporter } {
  return {
    factory,
    clock: world.clock,
    reporter: new MemoryReporter(),
    pollMs: 5000,
    host: { hostname: 'ops-2', pid: 202 },
  };
}

/** A deploy started meanwhile; its failure is caught at once (awaited after the runbook). */
type Attempt = Promise<{ report: DeployReport; error?: DrError } | unknown>;

describe('the environment lock', () => {
  it('a deploy from another machine cannot start during a failback, and can once it is over', async () => {
    w = await buildWorld();
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    const project = await deployProject();
    let attempt: Attempt | undefined;
    const reporter = new HookedReporter((m) => {
      if (m.code === 'FAILBACK_STEP_START' && (m.data as { step: string }).step === 'stop-writes')
        attempt = runDeploy(project, ALL, deployRuntime(w)).catch((e: unknown) => e);
    });
    const failback = await runRunbook(w, 'failback', { yes: true }, reporter);
    expect(failback.code).toBe(0);
    const refused = (await (attempt as Attempt)) as DrError;
    expect(refused).toMatchObject({ code: 'E_LOCKED', kind: 'conflict' });
    expect(refused.message).toMatch(/environment dev is locked by .* on .* running failback since/);
    // The deploy changed nothing: it never reached CloudFormation.
    expect(w.aws.cfnCalls().filter((c) => c.op !== 'DescribeStacks')).toEqual([]);
    expect(w.s3.buckets.get(bucketIn(PRIMARY))?.objects.has('locks/dev.json')).toBe(false);
    // Released: the next deploy takes the lock (and goes on to CloudFormation).
    const later = await runDeploy(project, ALL, deployRuntime(w)).catch((e: unknown) => e);
    expect((later as DrError).code).not.toBe('E_LOCKED');
    expect(w.aws.cfnCalls().some((c) => c.op === 'CreateChangeSet')).toBe(true);
  });

  it("takes the lock in the secondary's state bucket when the primary's S3 does not answer, and that lock still keeps others out", async () => {
    w = await buildWorld();
    const healthy = w.clients;
    // Only S3 in the primary region fails, as an S3 outage in us-east-1 would.
    const primaryS3Down: ClientFactory = (region) => {
      const clients = healthy(region);
      if (region !== PRIMARY) return clients;
      const s3 = Object.assign(Object.create(clients.s3) as object, {
        send: async () => {
          throw Object.assign(new Error('connect ETIMEDOUT s3.us-east-1.amazonaws.com'), {
            name: 'TimeoutError',
            $metadata: {},
          });
        },
      });
      return { ...clients, s3: s3 as unknown as typeof clients.s3 };
    };
    w.clients = primaryS3Down;
    let attempt: Attempt | undefined;
    let lockWhileRunning: Uint8Array | undefined;
    const reporter = new HookedReporter((m) => {
      if (m.code === 'FAILOVER_STEP_START' && (m.data as { step: string }).step === 'shift-traffic') {
        lockWhileRunning = w.s3.buckets.get(bucketIn(SECONDARY))?.objects.get('locks/dev.json')?.at(-1)?.body;
        // Another operator whose primary S3 answers again.
        attempt = runDeploy(project, ALL, deployRuntime(w, healthy)).catch((e: unknown) => e);
      }
    });
    const project = await deployProject();
    const r = await runRunbook(w, 'failover', { yes: true }, reporter);
    expect(r.code).toBe(0);
    expect(r.reporter.byCode('LOCK_FALLBACK')[0]?.text).toMatch(
      /state bucket in us-east-1 does not answer .*; taking the lock in us-west-2/,
    );
    expect(r.reporter.byCode('LOCK_ACQUIRED')[0]?.data).toMatchObject({
      region: SECONDARY,
      bucket: bucketIn(SECONDARY),
    });
    expect(JSON.parse(new TextDecoder().decode(lockWhileRunning as unknown as Uint8Array))).toMatchObject({
      operation: 'failover',
      region: SECONDARY,
    });
    const refused = (await (attempt as Attempt)) as DrError;
    expect(refused).toMatchObject({ code: 'E_LOCKED' });
    expect(refused.message).toMatch(/running failover since .*\(lock in us-west-2, the fallback region\)/);
    // The failover released its lock; the refused deploy released the one it had taken in the primary.
    expect(r.reporter.codes()).toContain('LOCK_RELEASED');
    expect(w.s3.buckets.get(bucketIn(SECONDARY))?.objects.has('locks/dev.json')).toBe(false);
    expect(w.s3.buckets.get(bucketIn(PRIMARY))?.objects.has('locks/dev.json')).toBe(false);
  });

  it('goes on with the primary lock, saying so, when the secondary cannot be checked for a fallback lock', async () => {
    const world = new AwsWorld(ACCOUNT);
    const factory = world.factory();
    const reporter = new MemoryReporter();
    const down = {
      region: SECONDARY,
      s3: Object.assign(Object.create(factory(SECONDARY).s3) as object, {
        send: async () => {
          throw Object.assign(new Error('getaddrinfo ENOTFOUND s3.us-west-2.amazonaws.com'), { code: 'ENOTFOUND' });
        },
      }) as unknown as ReturnType<typeof factory>['s3'],
    };
    const held = await acquireEnvironmentLock(
      { reporter, now: world.clock.now },
      {
        primary: { bucket: bucketIn(PRIMARY), aws: factory(PRIMARY) },
        secondary: { bucket: bucketIn(SECONDARY), aws: down },
        environment: 'dev',
        operation: 'drill',
        owner: { arn: 'arn:aws:iam::111122223333:user/alice', user: 'alice', host: 'ops-1', pid: 1 },
        force: false,
      },
    );
    expect(held.site.aws.region).toBe(PRIMARY);
    expect(reporter.byCode('LOCK_FALLBACK_UNCHECKED')[0]?.text).toMatch(
      /could not check for a lock taken in us-west-2/,
    );
    await held.release();
    expect(world.s3.buckets.get(bucketIn(PRIMARY))?.objects.has('locks/dev.json')).toBe(false);
  });
});
