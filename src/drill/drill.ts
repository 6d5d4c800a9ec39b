// A DR drill: pre-checks, canaries, fault injection, measurement (DNS flip on the authoritative name servers,
// writes through the public endpoint, canaries in the secondary), restore, report. The fault is always undone
// unless the replica was promoted meanwhile: then traffic must not return to a stale primary, and the way back is
// drctl failback.
import type { ClientFactory } from '../aws/clients.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { describeDb, healthCheckInverted, healthCheckObservedHealthy, latestReplicaLag } from '../failover/runbooks/aws-ops.js';
import type { Clock } from '../failover/runbooks/clock.js';
import { rpoGuardSeconds } from '../failover/runbooks/deps.js';
import { authoritativeNameServers, currentDnsTarget, type DnsResolver } from '../failover/runbooks/dns.js';
import { isOk, type HttpAnswer, type HttpProbe } from '../failover/runbooks/http-probe.js';
import { incompleteStacks, type Topology } from '../failover/runbooks/topology.js';
import { dynamoCanary, rdsCanary, rdsLagFigure, s3Canary, type Canary } from './canaries.js';
import type { DbCanary } from './db-canary.js';
import { injectFault, maintenanceOn, restoreFault, type InjectedFault } from './fault.js';
import { acquireDrillLock } from './lock.js';
import { measure, type Observations } from './measure.js';
import type { DrillMode, DrillReport, TimelineEvent } from './report-types.js';

export interface DrillDeps {
  root: string;
  config: EnvironmentConfig;
  topology: Topology;
  clients: ClientFactory;
  clock: Clock;
  http: HttpProbe;
  dns: DnsResolver;
  reporter: Reporter;
  /** The RDS canary writer; without one the RDS figure is the ReplicaLag at fault injection. */
  db?: DbCanary;
}

export interface DrillOptions {
  mode: DrillMode;
  yes: boolean;
  /** Longest wait for DNS, writes and canaries after the fault (default 15 min). */
  timeoutMs?: number;
  /** Longest wait for DNS to return to the primary after the restore (default 10 min). */
  restoreTimeoutMs?: number;
  pollMs?: number;
  /** Aborted by Ctrl-C: stop measuring, undo the fault, report. */
  signal?: AbortSignal;
}

type Precheck = { check: string; ok: boolean; detail: string };

export async function drillPrechecks(d: DrillDeps): Promise<Precheck[]> {
  const { topology: t, clients, http, dns, clock } = d;
  const out: Precheck[] = [];
  const bad = incompleteStacks(t);
  out.push({ check: 'stacks-complete', ok: bad.length === 0, detail: bad.length ? bad.map((s) => `${s.name}@${s.region} ${s.status}`).join(', ') : `${t.stacks.length} stacks complete` });
  for (const role of ['primary', 'secondary'] as const) {
    const h = await http.request('GET', t[role].healthCheckUrl);
    out.push({ check: `${role}-health-endpoint`, ok: isOk(h), detail: `GET ${t[role].healthCheckUrl} → ${h.status || h.error}` });
    const id = role === 'primary' ? t.global.primaryHealthCheckId : t.global.secondaryHealthCheckId;
    const r53 = clients(t.global.region).route53;
    const [obs, inverted] = [await healthCheckObservedHealthy(r53, id), await healthCheckInverted(r53, id)];
    out.push({ check: `${role}-route53-health-check`, ok: obs.healthy && !inverted, detail: `${obs.success}/${obs.total} checkers report success${inverted ? '; the check is inverted (a drill or failover in progress?)' : ''}` });
  }
  const flag = await maintenanceOn(t, clients);
  out.push({ check: 'primary-not-in-maintenance', ok: !flag, detail: flag ? `${t.primary.maintenanceParameter} is on (a drill, failover or maintenance in progress?)` : `${t.primary.maintenanceParameter} is off` });
  const ns = await authoritativeNameServers(clients(t.global.region).route53, t.global.hostedZoneId);
  const target = await currentDnsTarget(dns, t.global.domainName, ns, { primary: t.primary.albDnsName, secondary: t.secondary.albDnsName });
  out.push({ check: 'dns-answers-primary', ok: target.role === 'primary', detail: `${t.global.domainName} → ${target.role} (${target.addresses.join(', ') || 'no answer'}) from ${ns.join(', ')}` });
  const db = await describeDb(clients(t.secondary.region).rds, t.secondary.dbIdentifier);
  out.push({ check: 'secondary-is-replica', ok: Boolean(db?.sourceArn && db.status === 'available'), detail: db ? `${db.id} ${db.status}${db.sourceArn ? `, replica of ${db.sourceArn}` : ', standalone (failed over?)'}` : 'replica not found' });
  const guard = rpoGuardSeconds(d);
  const lag = await latestReplicaLag(clients(t.secondary.region).cloudwatch, t.secondary.dbIdentifier, clock.now());
  out.push({ check: 'replica-lag-within-rpo-guard', ok: lag !== undefined && lag.seconds <= guard, detail: lag ? `ReplicaLag ${lag.seconds} s (guard ${guard} s)` : `no ReplicaLag datapoint (guard ${guard} s)` });
  return out;
}

function regionOf(a: HttpAnswer): string | undefined {
  const b = a.body as { order?: { region?: string }; region?: string } | undefined;
  return b?.order?.region ?? b?.region;
}

export async function runDrill(d: DrillDeps, opts: DrillOptions): Promise<DrillReport> {
  const { topology: t, clients, clock, reporter, config } = d;
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const restoreTimeoutMs = opts.restoreTimeoutMs ?? 10 * 60_000;
  const pollMs = opts.pollMs ?? 5_000;
  const startedAt = clock.now();
  const drillId = `drill-${t.environment}-${new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').toLowerCase()}`;
  const timeline: TimelineEvent[] = [];
  let faultAt: number | undefined;
  const event = (name: string, text: string, detail?: Record<string, unknown>, level: 'info' | 'warn' = 'info') => {
    const now = clock.now();
    const rel = Math.round((now - (faultAt ?? now)) / 100) / 10;
    timeline.push({ at: new Date(now).toISOString(), t: rel, event: name, ...(detail ? { detail } : {}) });
    reporter.emit({ code: `DRILL_${name.toUpperCase().replace(/-/g, '_')}`, level, text: `${faultAt === undefined ? '      ' : `+${rel.toFixed(1)}s`.padStart(6)} ${text}`, data: { drillId, event: name, t: rel, ...detail } });
  };

  const release = await acquireDrillLock(d.root, t.environment, drillId, startedAt);
  try {
    const prechecks = await drillPrechecks(d);
    for (const c of prechecks) reporter.emit({ code: 'DRILL_PRECHECK', level: c.ok ? 'info' : 'warn', text: `${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`, data: c });
    const failed = prechecks.filter((c) => !c.ok);
    if (failed.length) {
      throw new DrError({ code: 'E_DRILL_PRECHECK', kind: 'findings', message: `drill pre-checks failed: ${failed.map((c) => `${c.check} (${c.detail})`).join('; ')}; nothing was changed`, fix: 'Bring both regions back to a healthy, replicating state (drctl status), then drill again.' });
    }
    if (!opts.yes && !(await reporter.confirm(`Inject a real fault (${opts.mode}) into ${t.environment}'s primary region ${t.primary.region}?`))) {
      throw new DrError({ code: 'E_CONFIRM_REFUSED', kind: 'interrupted', message: 'drill not confirmed; nothing was changed', fix: 'Re-run with --yes to confirm non-interactively.' });
    }

    // Canaries, written just before the fault so their replication is what a failure at that moment would risk.
    const canaries: Canary[] = [dynamoCanary(t, clients), s3Canary(t, clients), ...(d.db ? [rdsCanary(t, d.db)] : [])];
    const obs: Observations = { faultAt: 0, dnsFlippedAt: undefined, writesRecoveredAt: undefined, promotedAt: undefined, timedOut: false, canaries: [] };
    let rdsByLag = !d.db;
    for (const c of [...canaries]) {
      const at = clock.now();
      let where: Record<string, unknown>;
      try {
        where = await c.write(drillId, at);
      } catch (err) {
        // The database is often unreachable from where drills run (private subnets): fall back to ReplicaLag.
        if (c.store !== 'rds') throw err;
        canaries.splice(canaries.indexOf(c), 1);
        rdsByLag = true;
        event('rds-canary-unavailable', `cannot write the RDS canary row (${err instanceof Error ? err.message : String(err)}); the RDS figure falls back to ReplicaLag`, undefined, 'warn');
        continue;
      }
      obs.canaries.push({ store: c.store, basis: c.basis, writtenAt: at, seenAt: undefined });
      event('canary-written', `canary written to ${c.store}`, { store: c.store, ...where });
    }

    const ns = await authoritativeNameServers(clients(t.global.region).route53, t.global.hostedZoneId);
    const scheme = new URL(t.primary.healthCheckUrl).protocol;
    const ordersUrl = `${scheme}//${t.global.domainName}/orders`;
    let fault: InjectedFault | undefined;
    let failure: unknown;
    let interrupted = false;
    try {
      fault = await injectFault(opts.mode, t, clients, () => clock.now());
      faultAt = fault.injectedAt;
      obs.faultAt = faultAt;
      event('fault-injected', `fault injected: ${fault.description}`, { mode: opts.mode });
      if (rdsByLag) {
        const lag = await rdsLagFigure(t, clients, fault.injectedAt);
        obs.canaries.push({ store: 'rds', basis: lag.basis, writtenAt: undefined, seenAt: undefined, figureSeconds: lag.seconds });
        event('rds-lag-at-fault', `RDS ReplicaLag at fault injection: ${lag.seconds ?? 'unknown'} s`, { seconds: lag.seconds });
      }

      let writeSeq = 0;
      let writesFailing = false;
      const deadline = faultAt + timeoutMs;
      for (;;) {
        if (obs.dnsFlippedAt === undefined) {
          const target = await currentDnsTarget(d.dns, t.global.domainName, ns, { primary: t.primary.albDnsName, secondary: t.secondary.albDnsName });
          if (target.role === 'secondary') {
            obs.dnsFlippedAt = clock.now();
            event('dns-flipped', `authoritative DNS answers the secondary ALB`, { addresses: target.addresses });
          }
        }
        if (obs.writesRecoveredAt === undefined) {
          const body = { clientOrderId: `${drillId}-w${++writeSeq}`, symbol: 'DRILL', side: 'buy', type: 'limit', quantity: 1, price: 1, timeInForce: 'IOC' };
          const a = await d.http.request('POST', ordersUrl, body);
          const region = regionOf(a);
          if (isOk(a) && (region ? region === t.secondary.region : obs.dnsFlippedAt !== undefined)) {
            obs.writesRecoveredAt = clock.now();
            event('writes-recovered', `POST /orders through ${t.global.domainName} succeeded on the secondary`, { status: a.status, region: region ?? null, attempt: writeSeq });
          } else if (!isOk(a) && !writesFailing) {
            writesFailing = true;
            event('writes-failing', `POST /orders through ${t.global.domainName} fails (${a.status || a.error})`, { status: a.status });
          }
        }
        for (const c of canaries) {
          const o = obs.canaries.find((x) => x.store === c.store);
          if (o && o.seenAt === undefined && (await c.present(drillId))) {
            o.seenAt = clock.now();
            event('canary-replicated', `canary present in the secondary: ${c.store}`, { store: c.store, seconds: Math.round((o.seenAt - (o.writtenAt ?? o.seenAt)) / 100) / 10 });
          }
        }
        if (obs.promotedAt === undefined) {
          const db = await describeDb(clients(t.secondary.region).rds, t.secondary.dbIdentifier);
          if (db && !db.sourceArn) {
            obs.promotedAt = clock.now();
            event('replica-promoted', `${t.secondary.dbIdentifier} is no longer a replica (the controller promoted it)`, { status: db.status }, 'warn');
          }
        }
        const canariesDone = obs.canaries.every((c) => c.figureSeconds !== undefined || c.seenAt !== undefined);
        if (obs.dnsFlippedAt !== undefined && obs.writesRecoveredAt !== undefined && canariesDone) break;
        if (opts.signal?.aborted) {
          interrupted = true;
          event('interrupted', 'interrupted by the operator: undoing the fault', undefined, 'warn');
          break;
        }
        if (clock.now() >= deadline) {
          obs.timedOut = true;
          event('timeout', `gave up after ${Math.round(timeoutMs / 1000)} s`, { waitingFor: [obs.dnsFlippedAt === undefined && 'dns', obs.writesRecoveredAt === undefined && 'writes', !canariesDone && 'canaries'].filter(Boolean) }, 'warn');
          break;
        }
        await clock.sleep(pollMs);
      }
    } catch (err) {
      failure = err;
      event('error', `drill interrupted: ${err instanceof Error ? err.message : String(err)}`, undefined, 'warn');
    }
    if (!fault) throw failure;
    // Always undo the fault (also after an error or a timeout), unless a promotion happened meanwhile.
    const restore: DrillReport['restore'] = { action: 'none', restored: false, dnsRestoredSeconds: null };
    try {
      if (obs.promotedAt !== undefined) {
        restore.action = 'withheld';
        restore.note = `the replica was promoted during the drill: the fault stays in place so traffic does not return to the stale primary; run drctl failback --env ${t.environment}`;
        event('restore-withheld', restore.note, undefined, 'warn');
      } else {
        restore.action = await restoreFault(fault, t, clients);
        event('fault-restored', `fault undone: ${restore.action}`);
        const restoreStart = clock.now();
        for (;;) {
          const target = await currentDnsTarget(d.dns, t.global.domainName, ns, { primary: t.primary.albDnsName, secondary: t.secondary.albDnsName });
          if (target.role === 'primary') {
            restore.restored = true;
            restore.dnsRestoredSeconds = Math.round((clock.now() - restoreStart) / 100) / 10;
            event('dns-restored', 'authoritative DNS answers the primary ALB again', { afterSeconds: restore.dnsRestoredSeconds });
            break;
          }
          if (clock.now() - restoreStart >= restoreTimeoutMs) {
            event('restore-timeout', `DNS still answers ${target.role} ${Math.round(restoreTimeoutMs / 1000)} s after the restore`, undefined, 'warn');
            break;
          }
          await clock.sleep(pollMs);
        }
      }
      // A promotion that started while the fault was being undone leaves two writers: say so loudly.
      if (obs.promotedAt === undefined) {
        const db = await describeDb(clients(t.secondary.region).rds, t.secondary.dbIdentifier);
        if (db && !db.sourceArn) {
          obs.promotedAt = clock.now();
          restore.note = `the replica was promoted while the fault was undone: ${t.secondary.dbIdentifier} no longer replicates; run drctl failback --env ${t.environment}`;
          event('replica-promoted', restore.note, { status: db.status }, 'warn');
        }
      }
    } catch (err) {
      restore.note = `restore failed: ${err instanceof Error ? err.message : String(err)}; undo ${fault.description} by hand`;
      event('restore-failed', restore.note, undefined, 'warn');
    }
    // Events before the fault were stamped before its time was known: express every one relative to it.
    for (const e of timeline) e.t = Math.round((Date.parse(e.at) - fault.injectedAt) / 100) / 10;
    const m = measure(obs, config.objectives);
    if (failure) m.missed.unshift(`the drill stopped on an error: ${failure instanceof Error ? failure.message : String(failure)}`);
    if (interrupted) m.missed.unshift('the drill was interrupted before every measurement was taken');
    if (restore.action !== 'withheld' && !restore.restored) m.missed.push('DNS did not return to the primary after the restore');
    if (restore.action !== 'withheld' && obs.promotedAt !== undefined) m.missed.push('the replica was promoted after the measurement; replication must be rebuilt (drctl failback)');
    return {
      kind: 'drctl-drill',
      environment: t.environment,
      mode: opts.mode,
      drillId,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(clock.now()).toISOString(),
      outcome: interrupted ? 'interrupted' : m.missed.length ? 'failed' : 'passed',
      missed: m.missed,
      objectives: { ...config.objectives },
      rto: m.rto,
      rpo: m.rpo,
      promotion: m.promotion,
      restore,
      prechecks,
      timeline,
    };
  } finally {
    await release();
  }
}
