import { readdir, readFile } from 'node:fs/promises';
import { CreateDBInstanceReadReplicaCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunbookState } from '../../src/failover/runbooks/state-store.js';
import { initialState } from '../../src/failover/controller/model.js';
import { dynamoStateStore } from '../../src/failover/controller/state-store.js';
import { environmentChanges, InterruptingReporter, runRunbook } from './helpers.js';
import { buildWorld, PRIMARY, SECONDARY, type World } from './world.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

let w: World;
afterEach(async () => w?.close());

const REGION_OF = { primary: PRIMARY, secondary: SECONDARY } as const;

const STEPS = [
  'check-global-table',
  'enable-reverse-s3-replication',
  'retire-old-primary',
  'create-primary-replica',
  'wait-in-sync',
  'stop-writes',
  'drain',
  'promote-primary',
  'update-writer-endpoints',
  'restore-health-check',
  'resume-writes',
  'restore-standby-capacity',
  'retire-old-secondary',
  'recreate-secondary-replica',
  're-arm-controller',
  'notify-and-audit',
];

async function state(): Promise<RunbookState> {
  return JSON.parse(await readFile(path.join(w.root, '.drctl/dev/failback.json'), 'utf8')) as RunbookState;
}

describe('drctl failback (planned, loss-free)', () => {
  beforeEach(async () => {
    w = await buildWorld();
  });

  it('refuses when there was no failover (exit 4) and changes nothing', async () => {
    const r = await runRunbook(w, 'failback', { yes: true });
    expect(r.code).toBe(4);
    expect(r.reporter.codes()).toContain('E_FAILBACK_PRECHECK');
    expect(environmentChanges(w)).toEqual([]);
  });

  it('after a failover, rebuilds replication, switches with writes stopped and restores the original topology', async () => {
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    const n = w.names;
    // The secondary's controller noticed the promotion and remembers it.
    const controller = dynamoStateStore(w.clients(SECONDARY), n.secondary.stateTable);
    expect(
      await controller.save(
        { ...initialState(), promotion: { status: 'completed', completedAt: w.clock.now(), completedSteps: [] } },
        0,
        { code: 'ALREADY_WRITER', reason: 'test', at: w.clock.now() },
      ),
    ).toBe(true);
    const promotedSecondaryArn = w.aws.rds.arn(SECONDARY, n.secondary.dbIdentifier);
    w.aws.log.calls.length = 0;

    const r = await runRunbook(w, 'failback', { yes: true, json: true });
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.reporter.byCode('FAILBACK_STEP_START').map((m) => (m.data as { step: string }).step)).toEqual(STEPS);

    // Replication toward the old primary: a cross-region replica named by ARN, encrypted with the primary's key.
    const creates = w.aws.log.ops('rds', 'CreateDBInstanceReadReplica');
    expect(
      creates.map((c) => [
        c.region,
        (c.input as Record<string, string>).SourceDBInstanceIdentifier,
        (c.input as Record<string, string>).KmsKeyId,
      ]),
    ).toEqual([
      [PRIMARY, promotedSecondaryArn, n.primary.kmsKeyArn],
      [SECONDARY, w.aws.rds.arn(PRIMARY, n.primary.dbIdentifier), n.secondary.kmsKeyArn],
    ]);
    // Nothing is lost: both retired instances leave a final snapshot.
    const deletes = w.aws.log.ops('rds', 'DeleteDBInstance').map((c) => c.input as Record<string, unknown>);
    expect(deletes).toHaveLength(2);
    expect(
      deletes.every(
        (d) => d.SkipFinalSnapshot === false && String(d.FinalDBSnapshotIdentifier).startsWith('db-dev-pre-failback-'),
      ),
    ).toBe(true);

    // Original topology: primary writer, secondary replica of it, writers pointed at the primary, flags off.
    expect(w.aws.rds.instance(PRIMARY, n.primary.dbIdentifier)).toMatchObject({
      status: 'available',
      sourceArn: undefined,
    });
    expect(w.aws.rds.instance(SECONDARY, n.secondary.dbIdentifier)).toMatchObject({
      status: 'available',
      sourceArn: w.aws.rds.arn(PRIMARY, n.primary.dbIdentifier),
    });
    const endpoint = `${n.primary.dbIdentifier}.abcdefgh.${PRIMARY}.rds.amazonaws.com`;
    expect(w.aws.ssm.value(PRIMARY, n.primary.writerEndpointParameter)).toBe(endpoint);
    expect(w.aws.ssm.value(SECONDARY, n.secondary.writerEndpointParameter)).toBe(endpoint);
    expect(w.aws.ssm.value(PRIMARY, n.primary.maintenanceParameter)).toBe('off');
    expect(w.aws.ssm.value(SECONDARY, n.secondary.maintenanceParameter)).toBe('off');
    // Credentials: every instance in the chain kept the master secret's password, so each region's secret parameter
    // still names its own copy, nothing touched it, and no RDS-managed secret was turned on anywhere (RDS would
    // then refuse the replicas this runbook creates).
    expect(w.aws.ssm.value(PRIMARY, n.primary.secretArnParameter)).toBe(w.secrets.primary);
    expect(w.aws.ssm.value(SECONDARY, n.secondary.secretArnParameter)).toBe(w.secrets.secondary);
    expect(
      w.aws.log.calls.filter(
        (c) => c.operation === 'PutParameter' && (c.input as { Name: string }).Name === n.secondary.secretArnParameter,
      ),
    ).toEqual([]);
    expect(w.aws.log.ops('rds', 'ModifyDBInstance')).toEqual([]);
    expect(w.aws.log.calls.filter((c) => 'ManageMasterUserPassword' in (c.input as object))).toEqual([]);
    for (const role of ['primary', 'secondary'] as const)
      expect(w.aws.rds.instance(REGION_OF[role], n[role].dbIdentifier)?.secretArn).toBeUndefined();
    expect(w.s3.replicationRule(n.secondary.assetsBucket, n.primary.assetsBucket)?.Status).toBe('Enabled');
    expect(w.aws.autoscaling.group(SECONDARY, n.secondary.asgName)?.desired).toBe(1);
    expect(w.route53.failoverAnswer(n.domainName)).toBe(n.primary.albDnsName);
    expect(w.aws.sns.published.at(-1)?.region).toBe(PRIMARY);
    // Re-armed: the controller may fail over automatically again.
    expect(await controller.load()).toMatchObject({ version: 2, promotion: { status: 'none' } });

    // Loss-free ordering: writes stop only after the replica caught up, and the promotion waits for the drain.
    const s = await state();
    const at = (id: string) => Date.parse(s.steps.find((x) => x.id === id)?.startedAt ?? '');
    const stopAt = Number(s.facts.writesStoppedAt);
    const promote = w.aws.log.ops('rds', 'PromoteReadReplica').find((c) => c.region === PRIMARY);
    expect(promote?.at).toBeGreaterThan(stopAt);
    expect(at('stop-writes')).toBeGreaterThanOrEqual(at('wait-in-sync'));
    const drained = s.steps.find((x) => x.id === 'drain')?.detail as { replicaLagSeconds: number; at: string };
    expect(drained.replicaLagSeconds).toBe(0);
    expect(Date.parse(drained.at)).toBeGreaterThan(stopAt);
    const writesOff = w.aws.log
      .ops('ssm', 'PutParameter')
      .filter((c) => (c.input as { Value: string }).Value === 'off')
      .map((c) => c.at);
    expect(Math.min(...writesOff)).toBeGreaterThan(promote?.at ?? Infinity);
    expect((r.result as { steps: { durationMs: number }[] }).steps.every((x) => typeof x.durationMs === 'number')).toBe(
      true,
    );
    const md = await readFile((r.result as { report: { markdown: string } }).report.markdown, 'utf8');
    expect(
      md
        .split('\n')
        .filter((l) => /^\| \+\d/.test(l))
        .map((l) => l.split(' | ')[2]?.split(' — ')[0]),
    ).toEqual(STEPS);
    expect(md).toContain('writesStoppedAt');
  });

  it('resumes at step N+1 after an interruption that follows step N', async () => {
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    const stopAfter = (step: string) =>
      new InterruptingReporter((m) => m.code === 'FAILBACK_STEP_DONE' && (m.data as { step: string }).step === step);
    const first = await runRunbook(w, 'failback', { yes: true }, stopAfter('stop-writes'));
    expect(first.code).toBe(70);
    const n = STEPS.indexOf('stop-writes') + 1;
    expect((await state()).steps.map((s) => s.status)).toEqual(STEPS.map((_, k) => (k < n ? 'done' : 'pending')));

    const second = await runRunbook(w, 'failback', { yes: true });
    expect(second.code).toBe(0);
    expect(second.reporter.byCode('FAILBACK_RESUMED')[0]?.data).toMatchObject({ step: STEPS[n], index: n + 1 });
    expect(second.reporter.byCode('FAILBACK_STEP_START').map((m) => (m.data as { step: string }).step)).toEqual(
      STEPS.slice(n),
    );
    // Steps 1..N ran once: one replica built toward the primary, one old primary retired.
    expect(w.aws.log.ops('rds', 'CreateDBInstanceReadReplica').filter((c) => c.region === PRIMARY)).toHaveLength(1);
    expect(w.aws.log.ops('rds', 'DeleteDBInstance').filter((c) => c.region === PRIMARY)).toHaveLength(1);
    expect((await state()).status).toBe('completed');
  });

  it('refuses, before anything changes, while the promoted writer has an RDS-managed master secret (RDS would refuse the replica)', async () => {
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    // Someone turned on RDS-managed credentials on the promoted writer.
    await w.clients(SECONDARY).rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: w.names.secondary.dbIdentifier,
        ManageMasterUserPassword: true,
        ApplyImmediately: true,
      }),
    );
    w.clock.advance(10 * 60_000);
    expect(w.aws.rds.instance(SECONDARY, w.names.secondary.dbIdentifier)?.secretArn).toMatch(/secret:rds!db-/);
    w.aws.log.calls.length = 0;
    const r = await runRunbook(w, 'failback', { yes: true });
    expect(r.code).toBe(4);
    const check = r.reporter
      .byCode<{ check: string; status: string; evidence: string; fix: string }>('FAILBACK_PRECHECK')
      .find((m) => m.data?.check === 'secondary-password-not-rds-managed');
    expect(check?.data).toMatchObject({ status: 'fail' });
    expect(check?.data?.evidence).toMatch(/manages its master password in Secrets Manager \(arn:aws:secretsmanager:/);
    expect(check?.data?.fix).toContain(w.secrets.secondary);
    expect(environmentChanges(w)).toEqual([]);
    expect(w.aws.rds.instance(PRIMARY, w.names.primary.dbIdentifier)?.status).toBe('available');
    // And RDS itself would have refused the replica of such a source.
    await expect(
      w.clients(PRIMARY).rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: 'db-probe',
          SourceDBInstanceIdentifier: w.aws.rds.arn(SECONDARY, w.names.secondary.dbIdentifier),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });

  it('has no code path that turns on an RDS-managed master secret', async () => {
    const dir = path.join(PROJECT_ROOT, 'src/failover');
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files)
      expect(await readFile(path.join(dir, f), 'utf8'), f).not.toMatch(
        /ManageMasterUserPassword|ModifyDBInstanceCommand/,
      );
  });

  it('refuses while a failover run is unfinished (exit 4)', async () => {
    const stop = new InterruptingReporter(
      (m) => m.code === 'FAILOVER_STEP_DONE' && (m.data as { step: string }).step === 'promote-replica',
    );
    expect((await runRunbook(w, 'failover', { yes: true }, stop)).code).toBe(70);
    const r = await runRunbook(w, 'failback', { yes: true });
    expect(r.code).toBe(4);
    const check = r.reporter
      .byCode<{ check: string; status: string; evidence: string; fix: string }>('FAILBACK_PRECHECK')
      .find((m) => m.data?.check === 'no-failover-in-progress');
    expect(check?.data).toMatchObject({ status: 'fail' });
    expect(check?.data?.evidence).toMatch(/failover run \S+ is failed|failover run \S+ is running/);
    expect(check?.data?.fix).toMatch(/Resume the failover with drctl failover first/);
    expect(w.aws.log.ops('rds', 'CreateDBInstanceReadReplica')).toHaveLength(0);
  });

  it('stops before anything destructive when the reverse S3 rule was never deployed', async () => {
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    w.s3.setReplication(w.names.secondary.assetsBucket, {
      Role: 'arn:aws:iam::111122223333:role/replication-dev',
      Rules: [],
    });
    const r = await runRunbook(w, 'failback', { yes: true });
    expect(r.code).toBe(4);
    expect(r.reporter.codes()).toContain('E_S3_REVERSE_RULE_MISSING');
    expect((await state()).steps.slice(0, 3).map((s) => s.status)).toEqual(['done', 'failed', 'pending']);
    expect(w.aws.log.ops('rds', 'DeleteDBInstance')).toHaveLength(0);
    expect(w.aws.rds.instance(PRIMARY, w.names.primary.dbIdentifier)?.status).toBe('available');
  });

  it('resumes a step that failed mid-way without repeating what it already did', async () => {
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    w.aws.rds.failures.failNext('PromoteReadReplica', () =>
      Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
    );
    const first = await runRunbook(w, 'failback', { yes: true });
    expect(first.code).toBe(3);
    expect(first.reporter.byCode('FAILBACK_STEP_FAILED')[0]?.data).toMatchObject({ step: 'promote-primary' });
    expect(w.aws.ssm.value(PRIMARY, w.names.primary.maintenanceParameter)).toBe('on'); // writes stay stopped

    const second = await runRunbook(w, 'failback', { yes: true });
    expect(second.code).toBe(0);
    expect(second.reporter.byCode('FAILBACK_STEP_START')[0]?.data).toMatchObject({
      step: 'promote-primary',
      attempt: 2,
    });
  });
  it('a replica that takes longer to create than the wait is exit 1 (E_REPLICA_CREATE_TIMEOUT), resumable', async () => {
    await w.close();
    // RDS needs 100 minutes for the cross-region replica; the runbook waits 90 (DEFAULT_TIMEOUTS.replicaCreateMs).
    w = await buildWorld({ replicaCreateMs: 100 * 60_000 });
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    const r = await runRunbook(w, 'failback', { yes: true, json: true });
    expect(r.code).toBe(1);
    expect((r.error as { code?: string } | undefined)?.code).toBe('E_REPLICA_CREATE_TIMEOUT');
    const s = await state();
    expect(s.status).not.toBe('completed');
    expect(s.steps.find((x) => x.id === 'retire-old-primary')?.status).toBe('done');
    // The re-run resumes at the replica, which RDS has finished meanwhile, and goes on until the secondary's new
    // replica, which takes as long again: a third run finishes.
    const again = await runRunbook(w, 'failback', { yes: true, json: true });
    expect(again.reporter.byCode('FAILBACK_RESUMED')[0]?.data).toMatchObject({ step: 'create-primary-replica' });
    expect(again.code).toBe(1);
    expect((await state()).steps.find((x) => x.id === 'create-primary-replica')?.status).toBe('done');
    const third = await runRunbook(w, 'failback', { yes: true, json: true });
    expect(third.reporter.byCode('FAILBACK_RESUMED')[0]?.data).toMatchObject({ step: 'recreate-secondary-replica' });
    expect(third.code).toBe(0);
    expect((await state()).status).toBe('completed');
  });
});
