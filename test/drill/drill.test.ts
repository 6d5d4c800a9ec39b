import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportError, type CommandContext } from '../../src/cli/context.js';
import { runDrillCommand, type DrillCommandOptions, type DrillOverrides } from '../../src/drill/command.js';
import type { DrillReport } from '../../src/drill/report-types.js';
import { exitCodeFor } from '../../src/errors.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import { environmentChanges } from '../failover-ops/helpers.js';
import { buildWorld, PRIMARY, SECONDARY, type World } from '../failover-ops/world.js';
import { FakeDbCanary } from './fake-db-canary.js';

let w: World;
let db: FakeDbCanary;
beforeEach(async () => {
  w = await buildWorld();
  db = new FakeDbCanary(w);
});
afterEach(async () => w?.close());

async function drill(opts: DrillCommandOptions, o: DrillOverrides = {}, signal?: AbortSignal) {
  const reporter = new MemoryReporter();
  const ctx: CommandContext = { root: w.root, reporter, options: { json: true }, ...(signal ? { signal } : {}) };
  let code: number;
  try {
    code = await runDrillCommand(
      ctx,
      { env: 'dev', yes: true, json: true, ...opts },
      { clients: w.clients, clock: w.clock, http: w.http, dns: w.dns, db, pollMs: 5_000, ...o },
    );
  } catch (err) {
    reportError(ctx, err);
    code = exitCodeFor(err);
  }
  const files = await readdir(path.join(w.root, 'out/drills')).catch(() => [] as string[]);
  const jsonFile = files.find((f) => f.endsWith('.json'));
  const mdFile = files.find((f) => f.endsWith('.md'));
  const report = jsonFile
    ? (JSON.parse(await readFile(path.join(w.root, 'out/drills', jsonFile), 'utf8')) as DrillReport)
    : undefined;
  const markdown = mdFile ? await readFile(path.join(w.root, 'out/drills', mdFile), 'utf8') : undefined;
  return { code, reporter, report, markdown, files };
}

const events = (r: DrillReport) => r.timeline.map((e) => e.event);
const t = (r: DrillReport, event: string) => r.timeline.find((e) => e.event === event)?.t;

describe('drctl drill', () => {
  it('health-flag: measures DNS flip on the authoritative servers, write recovery and RPO per store, restores, reports', async () => {
    const { code, report, markdown, reporter, files } = await drill({ mode: 'health-flag' });
    expect(code).toBe(0);
    expect(files.sort()).toEqual([`dev-20260105T120000Z.json`, `dev-20260105T120000Z.md`]);
    const r = report as DrillReport;
    expect(r.outcome).toBe('passed');
    expect(r.missed).toEqual([]);
    // Route 53 acts after 3 failed checks 10 s apart; clients' resolvers hold the old answer for the 60 s TTL.
    expect(r.rto.dnsFlipSeconds).toBe(30);
    expect(r.rto.writesRecoveredSeconds).toBe(60);
    expect(r.rto).toMatchObject({ seconds: 60, met: true });
    expect(r.objectives).toEqual({ rtoSeconds: 300, rpoSeconds: 60 });
    const rpo = Object.fromEntries(r.rpo.stores.map((s) => [s.store, s]));
    expect(rpo.dynamodb?.seconds).toBe(0); // the local DynamoDB serves both regions at once
    expect(rpo.s3?.seconds).toBe(10); // 8 s replication, seen at the next 5 s poll
    expect(rpo.rds?.seconds).toBe(5); // 3 s replica lag, seen at the next poll
    expect(rpo.s3?.basis).toMatch(/S3 cross-region replication/);
    expect(rpo.rds?.basis).toMatch(/canary row/);
    expect(r.rpo).toMatchObject({ worstSeconds: 10, met: true });
    expect(r.promotion.observed).toBe(false);

    // The fault is gone and DNS answers the primary again.
    expect(w.aws.ssm.value(PRIMARY, w.names.primary.maintenanceParameter)).toBe('off');
    expect(r.restore).toMatchObject({ restored: true, dnsRestoredSeconds: 30 });
    expect(w.route53.failoverAnswer(w.names.domainName)).toBe(w.names.primary.albDnsName);
    expect(events(r)).toEqual([
      'canary-written',
      'canary-written',
      'canary-written',
      'fault-injected',
      'writes-failing',
      'canary-replicated',
      'canary-replicated',
      'canary-replicated',
      'dns-flipped',
      'writes-recovered',
      'fault-restored',
      'dns-restored',
    ]);
    expect(t(r, 'fault-injected')).toBe(0);
    expect(t(r, 'dns-flipped')).toBe(30);

    // The drill asked the zone's own name servers, never a recursive resolver, for the failover record.
    const domainQueries = w.dns.queries.filter((q) => q.name === w.names.domainName && q.nameServers);
    expect(domainQueries.length).toBeGreaterThan(0);
    expect(domainQueries.every((q) => q.authoritative)).toBe(true);
    expect(w.aws.log.ops('route53', 'GetHostedZone').length).toBeGreaterThan(0);

    // Canaries: the DynamoDB item read in the secondary region, the S3 object in the replica bucket.
    expect(w.aws.log.ops('dynamodb', 'GetItem').every((c) => c.region === SECONDARY)).toBe(true);
    expect(w.aws.log.ops('s3', 'HeadObject').map((c) => (c.input as { Bucket: string }).Bucket)).toContain(
      w.names.secondary.assetsBucket,
    );

    const md = markdown as string;
    expect(md).toContain('| RTO (writes) | 60 s | 300 s | met |');
    expect(md).toMatch(/\| RPO s3 \| 10 s \| 60 s \| met \|/);
    const rows = md.split('\n').filter((l) => /^\| [+-]\d/.test(l));
    expect(rows.map((l) => l.split('|')[3]?.trim())).toEqual(events(r));
    expect(rows.find((l) => l.includes('dns-flipped'))).toMatch(/^\| \+30\.0 \|/);
    expect(reporter.byCode('DRILL_PASSED')).toHaveLength(1);
    expect(reporter.results[0]).toMatchObject({ drillId: r.drillId, outcome: 'passed' });
  });

  it('inverted-check: inverts the primary health check and un-inverts it afterwards', async () => {
    const { code, report } = await drill({ mode: 'inverted-check' });
    expect(code).toBe(0);
    const r = report as DrillReport;
    expect(
      w.aws.log.ops('route53', 'UpdateHealthCheck').map((c) => (c.input as { Inverted: boolean }).Inverted),
    ).toEqual([true, false]);
    expect(w.route53.inverted(w.names.primaryHealthCheckId)).toBe(false);
    // The primary keeps taking writes, so none fail; the figure is when the secondary took the first one.
    expect(events(r)).not.toContain('writes-failing');
    expect(r.rto).toMatchObject({ dnsFlipSeconds: 30, writesRecoveredSeconds: 60 });
    expect(w.aws.ssm.log.ops('ssm', 'PutParameter')).toHaveLength(0);
  });

  it('times out when DNS never flips, restores the fault and fails the drill (exit 1)', async () => {
    w.http.ignoreMaintenance.primary = true; // the gateway ignores its flag: Route 53 never sees the primary fail
    const { code, report, markdown } = await drill({ mode: 'health-flag', timeout: 120 });
    expect(code).toBe(1);
    const r = report as DrillReport;
    expect(r.outcome).toBe('failed');
    expect(events(r)).toContain('timeout');
    expect(t(r, 'timeout')).toBe(120);
    expect(r.rto).toMatchObject({ seconds: null, met: false, dnsFlipSeconds: null });
    expect(r.missed).toContain('DNS never answered the secondary before the drill timed out');
    expect(w.aws.ssm.value(PRIMARY, w.names.primary.maintenanceParameter)).toBe('off');
    expect(events(r).slice(-2)).toEqual(['fault-restored', 'dns-restored']);
    expect(markdown).toContain('| RTO (writes) | not reached | 300 s | **missed** |');
  });

  it('fails the drill when a store misses the RPO objective, saying which store and on what it rests', async () => {
    w.s3.replicationMs = 95_000;
    const { code, report } = await drill({ mode: 'health-flag' }, { db: null });
    expect(code).toBe(1);
    const r = report as DrillReport;
    const s3 = r.rpo.stores.find((s) => s.store === 's3');
    expect(s3).toMatchObject({ seconds: 95, met: false });
    expect(r.missed).toEqual(['s3: RPO 95 s exceeds the objective of 60 s']);
    // Without a database client the RDS figure is the ReplicaLag at the fault, and the report says so.
    const rds = r.rpo.stores.find((s) => s.store === 'rds');
    expect(rds).toMatchObject({ seconds: 2, met: true });
    expect(rds?.basis).toMatch(/ReplicaLag .* at fault injection/);
  });

  it('falls back to ReplicaLag when the database cannot be reached for the canary row', async () => {
    db.writable = false;
    const { code, report } = await drill({ mode: 'health-flag' });
    expect(code).toBe(0);
    expect(events(report as DrillReport)).toContain('rds-canary-unavailable');
    expect(report?.rpo.stores.find((s) => s.store === 'rds')?.basis).toMatch(/ReplicaLag/);
  });

  it('keeps the fault in place when the replica was promoted during the drill, and points to failback', async () => {
    await w.close();
    w = await buildWorld({ promotionMs: 20_000 });
    db = new FakeDbCanary(w);
    let promoted = false;
    // The controller in the secondary starts a promotion 10 s into the drill.
    w.onTick(() => {
      if (!promoted && w.clock.now() >= Date.parse('2026-01-05T12:00:10Z')) {
        promoted = true;
        void w.aws.rds.client(SECONDARY).send(
          new (class PromoteReadReplicaCommand {
            constructor(readonly input: Record<string, unknown>) {}
          })({ DBInstanceIdentifier: w.names.secondary.dbIdentifier }) as never,
        );
      }
    });
    const { code, report } = await drill({ mode: 'health-flag', timeout: 600 });
    const r = report as DrillReport;
    expect(code).toBe(0);
    expect(r.promotion.observed).toBe(true);
    expect(r.restore.action).toBe('withheld');
    expect(r.restore.note).toMatch(/drctl failback/);
    expect(w.aws.ssm.value(PRIMARY, w.names.primary.maintenanceParameter)).toBe('on');
    expect(events(r)).toContain('restore-withheld');
    expect(t(r, 'replica-promoted')).toBe(30);
    expect(r.promotion.seconds).toBe(30);
  });

  it('on Ctrl-C stops measuring, undoes the fault and reports the run as interrupted (exit 130)', async () => {
    const abort = new AbortController();
    w.onTick(() => {
      if (w.clock.now() >= Date.parse('2026-01-05T12:00:10Z')) abort.abort();
    });
    const { code, report } = await drill({ mode: 'health-flag' }, {}, abort.signal);
    expect(code).toBe(130);
    const r = report as DrillReport;
    expect(r.outcome).toBe('interrupted');
    expect(t(r, 'interrupted')).toBe(10);
    expect(events(r).slice(-3)).toEqual(['interrupted', 'fault-restored', 'dns-restored']);
    expect(w.aws.ssm.value(PRIMARY, w.names.primary.maintenanceParameter)).toBe('off');
  });

  it('stops before any change when a pre-check fails', async () => {
    w.http.down.secondary = true;
    const unhealthy = await drill({ mode: 'health-flag' });
    expect(unhealthy.code).toBe(4);
    expect(unhealthy.reporter.codes()).toContain('E_DRILL_PRECHECK');
    expect(unhealthy.files).toEqual([]);
    w.http.down.secondary = false;

    await w.close();
    w = await buildWorld({ replicaLagSeconds: 240 });
    db = new FakeDbCanary(w);
    const lagging = await drill({ mode: 'health-flag' });
    expect(lagging.code).toBe(4);
    const failed = lagging.reporter
      .byCode<{ check: string; ok: boolean }>('DRILL_PRECHECK')
      .filter((m) => !m.data?.ok)
      .map((m) => m.data?.check);
    expect(failed).toEqual(['replica-lag-within-rpo-guard']);
    expect(environmentChanges(w)).toEqual([]);
  });

  it('stops before any change when a stack is not in a complete state', async () => {
    w.stackStatus.set(`${SECONDARY}/trading-data-dev`, 'UPDATE_ROLLBACK_COMPLETE');
    const r = await drill({ mode: 'inverted-check' });
    expect(r.code).toBe(4);
    const failed = r.reporter
      .byCode<{ check: string; ok: boolean; detail: string }>('DRILL_PRECHECK')
      .filter((m) => !m.data?.ok);
    expect(failed.map((m) => m.data?.check)).toEqual(['stacks-complete']);
    expect(failed[0]?.data?.detail).toBe('trading-data-dev@us-west-2 UPDATE_ROLLBACK_COMPLETE');
    expect(environmentChanges(w)).toEqual([]);
  });

  it("refuses to start while another run holds the environment's lock (exit 4)", async () => {
    const bucket = 'drctl-state-111122223333-us-east-1';
    w.s3.createBucket(bucket, PRIMARY, 'Enabled');
    const holder = {
      id: 'earlier',
      environment: 'dev',
      operation: 'drill',
      owner: { arn: 'arn:aws:iam::111122223333:user/bob', user: 'bob', host: 'ops-2', pid: 7 },
      createdAt: new Date(w.clock.now() - 60_000).toISOString(),
    };
    w.s3.put(bucket, 'locks/dev.json', JSON.stringify(holder));
    const r = await drill({ mode: 'health-flag' });
    expect(r.code).toBe(4);
    expect(r.reporter.codes()).toContain('E_LOCKED');
    expect(r.reporter.byCode('E_LOCKED')[0]?.text).toMatch(/bob on ops-2 .* running drill/);
    expect(environmentChanges(w)).toEqual([]);
  });
});
