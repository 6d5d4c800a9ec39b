import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryReporter } from '../../src/io/reporters.js';
import type { RunbookState } from '../../src/failover/runbooks/state-store.js';
import { environmentChanges, InterruptingReporter, runRunbook } from './helpers.js';
import { buildWorld, PRIMARY, SECONDARY, type World } from './world.js';

let w: World;
afterEach(async () => w?.close());

async function state(runbook = 'failover'): Promise<RunbookState> {
  return JSON.parse(await readFile(path.join(w.root, '.drctl/dev', `${runbook}.json`), 'utf8')) as RunbookState;
}

describe('drctl failover (operator-initiated)', () => {
  beforeEach(async () => {
    w = await buildWorld();
  });

  it('fences the primary, promotes the replica, moves traffic, raises capacity and notifies, reporting each step', async () => {
    const r = await runRunbook(w, 'failover', { yes: true, json: true });
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    const n = w.names;
    expect(w.aws.rds.instance(SECONDARY, n.secondary.dbIdentifier)).toMatchObject({
      status: 'available',
      sourceArn: undefined,
    });
    const endpoint = `${n.secondary.dbIdentifier}.abcdefgh.${SECONDARY}.rds.amazonaws.com`;
    expect(w.aws.ssm.value(SECONDARY, n.secondary.writerEndpointParameter)).toBe(endpoint);
    expect(w.aws.ssm.value(PRIMARY, n.primary.writerEndpointParameter)).toBe(endpoint);
    expect(w.aws.ssm.value(PRIMARY, n.primary.maintenanceParameter)).toBe('on');
    expect(w.aws.autoscaling.group(SECONDARY, n.secondary.asgName)).toMatchObject({ desired: 4, inService: 4 });
    expect(w.route53.failoverAnswer(n.domainName)).toBe(n.secondary.albDnsName);
    // Fenced through the flag, so the health check was not inverted.
    expect(w.aws.log.ops('route53', 'UpdateHealthCheck')).toHaveLength(0);
    expect(w.aws.sns.published).toHaveLength(1);
    expect(w.aws.sns.published[0]?.region).toBe(SECONDARY);

    const ids = [
      'fence-primary',
      'promote-replica',
      'update-writer-endpoint',
      'shift-traffic',
      'raise-capacity',
      'notify-and-audit',
    ];
    expect(r.reporter.byCode('FAILOVER_STEP_DONE').map((m) => (m.data as { step: string }).step)).toEqual(ids);
    expect(r.reporter.byCode('FAILOVER_STEP_START')).toHaveLength(6);
    const result = r.result as { status: string; steps: { id: string; status: string; durationMs: number }[] };
    expect(result.status).toBe('completed');
    // Promotion takes the double's 90 s; DNS flips after 3 × 10 s of failed checks; instances launch in 120 s.
    const ms = Object.fromEntries(result.steps.map((s) => [s.id, s.durationMs]));
    expect(ms['promote-replica']).toBeGreaterThanOrEqual(90_000);
    expect(ms['shift-traffic']).toBeGreaterThanOrEqual(30_000);
    expect(ms['raise-capacity']).toBeGreaterThanOrEqual(120_000);
    const s = await state();
    expect(s.status).toBe('completed');
    expect(s.steps.every((x) => x.status === 'done' && x.attempts === 1)).toBe(true);
    // The run's report: the result as JSON, and Markdown with one timeline row per step, in order, with its offset.
    const report = (r.result as { report: { json: string; markdown: string } }).report;
    expect(report.markdown).toBe(path.join(w.root, 'out', 'runbooks', `dev-failover-${s.runId}.md`));
    const { report: _files, ...resultWithoutFiles } = r.result as Record<string, unknown>;
    expect(JSON.parse(await readFile(report.json, 'utf8'))).toEqual(resultWithoutFiles);
    const md = await readFile(report.markdown, 'utf8');
    expect(md).toMatch(/Status: \*\*completed\*\* .* 6\/6 steps finished/);
    const rows = md.split('\n').filter((l) => /^\| \+\d/.test(l));
    expect(rows.map((l) => l.split(' | ')[2]?.split(' — ')[0])).toEqual(ids);
    expect(rows.every((l) => l.includes(' | done | '))).toBe(true);
    const offsets = rows.map((l) => Number(l.slice(2).split(' ')[0]));
    expect(offsets[0]).toBe(0);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(offsets[3]).toBeGreaterThanOrEqual(90); // shift-traffic starts after the 90 s promotion
    // The audit record lands in the secondary's controller table.
    const puts = w.aws.log.ops('dynamodb', 'PutItem').filter((c) => c.region === SECONDARY);
    expect(puts.some((c) => JSON.stringify(c.input).includes('operator-failover'))).toBe(true);
  });

  it('stops before any change when the secondary is unhealthy', async () => {
    w.http.down.secondary = true;
    const r = await runRunbook(w, 'failover', { yes: true });
    expect(r.code).toBe(4);
    expect(r.reporter.codes()).toContain('E_FAILOVER_PRECHECK');
    const failed = r.reporter
      .byCode<{ check: string; ok: boolean }>('FAILOVER_PRECHECK')
      .filter((m) => !m.data?.ok)
      .map((m) => m.data?.check);
    expect(failed).toContain('secondary-health-endpoint');
    expect(environmentChanges(w)).toEqual([]);
    await expect(stat(path.join(w.root, '.drctl/dev/failover.json'))).rejects.toThrow();
  });

  it('stops when replica lag exceeds the RPO guard, and goes ahead with --force', async () => {
    await w.close();
    w = await buildWorld({ replicaLagSeconds: 300 });
    const blocked = await runRunbook(w, 'failover', { yes: true });
    expect(blocked.code).toBe(4);
    expect(blocked.reporter.byCode('E_FAILOVER_PRECHECK')[0]?.text).toMatch(
      /replica-lag-within-rpo-guard .*ReplicaLag 300 s \(guard 60 s\)/,
    );
    expect(environmentChanges(w)).toEqual([]);

    const forced = await runRunbook(w, 'failover', { yes: true, force: true });
    expect(forced.code).toBe(0);
    expect((await state()).facts.forced).toBe(true);
  });

  it('refuses when the replica is already promoted (exit 4) and when not confirmed (exit 130)', async () => {
    const refused = await runRunbook(w, 'failover', {}, new MemoryReporter(false));
    expect(refused.code).toBe(130);
    expect(refused.reporter.codes()).toContain('CONFIRM_ASKED');
    expect(environmentChanges(w)).toEqual([]);

    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    const again = await runRunbook(w, 'failover', { yes: true });
    expect(again.code).toBe(4);
    expect(again.reporter.codes()).toContain('E_FAILOVER_PRECHECK');
    const refusedChecks = again.reporter
      .byCode<{ check: string; status: string }>('FAILOVER_PRECHECK')
      .filter((m) => m.data?.status !== 'pass')
      .map((m) => m.data?.check);
    expect(refusedChecks).toContain('replica-not-promoted');
  });

  it('inverts the primary health check when the primary region cannot be fenced', async () => {
    w.aws.ssm.failures.failNext('PutParameter', () =>
      Object.assign(new Error('connect ETIMEDOUT ssm.us-east-1.amazonaws.com'), { name: 'TimeoutError' }),
    );
    const r = await runRunbook(w, 'failover', { yes: true });
    expect(r.code).toBe(0);
    expect(r.reporter.codes()).toContain('FAILOVER_FENCE_UNREACHABLE');
    expect(r.reporter.byCode('FAILOVER_STEP_SKIPPED').map((m) => (m.data as { step: string }).step)).toContain(
      'fence-primary',
    );
    const update = w.aws.log.ops('route53', 'UpdateHealthCheck');
    expect(update.map((c) => c.input)).toEqual([{ HealthCheckId: w.names.primaryHealthCheckId, Inverted: true }]);
    expect(w.route53.failoverAnswer(w.names.domainName)).toBe(w.names.secondary.albDnsName);
    expect((await state()).facts.invertedPrimaryCheck).toBe(true);
  });

  it('fails over while the primary region is down: cached names, no fence, lag bounded at the replication stop', async () => {
    const { loadTopology } = await import('../../src/operator/topology-cache.js');
    await loadTopology(w.root, w.config, w.clients, new MemoryReporter(), { allowCache: true }); // an earlier run's cache
    const outageAt = w.clock.now();
    const callsBefore = w.aws.log.calls.length;
    w.downRegions.add(PRIMARY);
    w.http.down.primary = true;
    w.originalReplicaLag = (now) => (now < outageAt ? 2 : 2 + Math.round((now - outageAt) / 1000));
    for (let k = 0; k < 5; k++) await w.clock.sleep(60_000); // RDS keeps publishing a growing ReplicaLag

    const r = await runRunbook(w, 'failover', { yes: true });
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.reporter.codes()).toContain('TOPOLOGY_FROM_CACHE');
    const lagCheck = r.reporter
      .byCode<{ check: string; ok: boolean; detail: string }>('FAILOVER_PRECHECK')
      .find((m) => m.data?.check === 'replica-lag-within-rpo-guard');
    expect(lagCheck?.data).toMatchObject({ ok: true });
    expect(lagCheck?.data?.detail).toMatch(/replication stopped .* last lag before: 2 s .* now 302 s/);
    expect(r.reporter.byCode('FAILOVER_STEP_SKIPPED').map((m) => (m.data as { step: string }).step)).toEqual([
      'fence-primary',
    ]);
    expect(w.aws.rds.instance(SECONDARY, w.names.secondary.dbIdentifier)?.sourceArn).toBeUndefined();
    expect(w.route53.failoverAnswer(w.names.domainName)).toBe(w.names.secondary.albDnsName);
    // Nothing reached the primary region's APIs (Route 53's control plane there included).
    const calls = w.aws.log.calls.slice(callsBefore).filter((c) => c.region === PRIMARY);
    expect(calls.map((c) => `${c.service}:${c.operation}`)).toEqual([]);
  });

  it('with the primary still answering, a growing lag is not discounted', async () => {
    const outageAt = w.clock.now();
    w.originalReplicaLag = (now) => (now < outageAt ? 2 : 2 + Math.round((now - outageAt) / 1000));
    for (let k = 0; k < 3; k++) await w.clock.sleep(60_000);
    const r = await runRunbook(w, 'failover', { yes: true });
    expect(r.code).toBe(4);
    expect(r.reporter.byCode('E_FAILOVER_PRECHECK')[0]?.text).toMatch(/ReplicaLag 182 s \(guard 60 s\)/);
  });

  it("stops waiting on the command's abort signal (Ctrl-C): exit 130, the lock released, the next run resumes", async () => {
    const abort = new AbortController();
    const promotingSince = w.clock.now();
    w.onTick(() => {
      // 30 s into the 90 s promotion wait.
      if (w.clock.now() - promotingSince >= 30_000) abort.abort();
    });
    const first = await runRunbook(w, 'failover', { yes: true }, new MemoryReporter(), abort.signal);
    expect(first.code).toBe(130);
    expect(first.error).toMatchObject({ code: 'E_INTERRUPTED', kind: 'interrupted' });
    const mid = await state();
    expect(mid.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending', 'pending', 'pending']);
    expect(first.reporter.codes()).toContain('LOCK_RELEASED');
    // It installed no SIGINT handler of its own: the context's signal is the one it obeys.
    expect(process.listenerCount('SIGINT')).toBe(0);

    const second = await runRunbook(w, 'failover', { yes: true });
    expect(second.code).toBe(0);
    expect(second.reporter.byCode('FAILOVER_RESUMED')[0]?.data).toMatchObject({ step: 'promote-replica' });
    expect(w.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
  });

  it('resumes an interrupted run at the step after the last completed one', async () => {
    const stopAfterPromotion = new InterruptingReporter(
      (m) => m.code === 'FAILOVER_STEP_DONE' && (m.data as { step: string }).step === 'promote-replica',
    );
    const first = await runRunbook(w, 'failover', { yes: true }, stopAfterPromotion);
    expect(first.code).toBe(70);
    const mid = await state();
    expect(mid.steps.map((s) => s.status)).toEqual(['done', 'done', 'pending', 'pending', 'pending', 'pending']);
    // The interrupted run still leaves its report, with the partial timeline.
    const partial = first.reporter.byCode<{ markdown: string }>('FAILOVER_REPORT')[0]?.data?.markdown as string;
    const md = await readFile(partial, 'utf8');
    expect(md).toMatch(/Status: \*\*running\*\* .* 2\/6 steps finished/);
    expect(md).toMatch(/\| promote-replica — .* \| done \|/);
    expect(md).toMatch(/\| update-writer-endpoint — .* \| pending \|/);

    const second = await runRunbook(w, 'failover', { yes: true });
    expect(second.code).toBe(0);
    expect(second.reporter.byCode('FAILOVER_RESUMED')[0]?.data).toMatchObject({
      step: 'update-writer-endpoint',
      index: 3,
    });
    expect(second.reporter.byCode('FAILOVER_STEP_START').map((m) => (m.data as { step: string }).step)[0]).toBe(
      'update-writer-endpoint',
    );
    expect(second.reporter.codes()).not.toContain('FAILOVER_PRECHECK');
    expect(w.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
    expect((await state()).steps.map((s) => s.attempts)).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('a promotion slower than its wait is exit 1 (E_PROMOTION_TIMEOUT) with the state kept; the next run finishes it', async () => {
    await w.close();
    // RDS takes 40 minutes to promote; the runbook waits 30 (DEFAULT_TIMEOUTS.promotionMs).
    w = await buildWorld({ promotionMs: 40 * 60_000 });
    const r = await runRunbook(w, 'failover', { yes: true, json: true });
    expect(r.code).toBe(1);
    expect((r.error as { code?: string } | undefined)?.code ?? r.reporter.codes()).toContain('E_PROMOTION_TIMEOUT');
    const failed = await state();
    expect(failed.status).not.toBe('completed');
    expect(failed.steps.find((x) => x.id === 'fence-primary')?.status).toBe('done');
    // RDS finishes the promotion meanwhile; the re-run resumes at the promotion and completes.
    const again = await runRunbook(w, 'failover', { yes: true, json: true });
    expect(again.code).toBe(0);
    expect(again.reporter.byCode('FAILOVER_RESUMED')[0]?.data).toMatchObject({ step: 'promote-replica' });
    expect((await state()).status).toBe('completed');
  });
});
