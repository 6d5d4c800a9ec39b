// drctl failover: operator-initiated failover to the secondary region, the controller's steps preceded by
// pre-checks and a confirmation. Fence the primary, promote the replica, point writers at it, move traffic,
// raise capacity, notify.
import {
  describeAsg,
  describeDb,
  healthCheckInverted,
  healthCheckObservedHealthy,
  putParameter,
  setHealthCheckInverted,
  replicaLagSeries,
} from './aws-ops.js';
import { lagAtReplicationStop } from './replica-lag.js';
import { notify, raiseCapacity, setWriterEndpoint } from '../steps.js';
import { writeAudit } from './audit.js';
import { waitFor } from './clock.js';
import { promoteReplica } from './db-steps.js';
import { currentDnsTarget } from './dns.js';
import { DEFAULT_TIMEOUTS, rpoGuardSeconds, type RunbookDeps, type RunbookTimeouts } from './deps.js';
import { isOk } from './http-probe.js';
import { writeFenceForRegions } from '../../service/gateway/fence.js';
import type { RunbookStep } from './runner.js';
import { startOrResume, type PrecheckResult } from './start.js';
import type { RunbookState } from './state-store.js';

export interface RunbookOptions {
  yes: boolean;
  force: boolean;
  timeouts?: Partial<RunbookTimeouts>;
}

export async function failoverPrechecks(deps: RunbookDeps): Promise<PrecheckResult[]> {
  const { topology: t, clients, clock, http } = deps;
  const sec = clients(t.secondary.region);
  const results: PrecheckResult[] = [];
  const health = await http.request('GET', t.secondary.healthCheckUrl);
  results.push({
    check: 'secondary-health-endpoint',
    ok: isOk(health),
    detail: `GET ${t.secondary.healthCheckUrl} → ${health.status || health.error}`,
  });
  const r53 = clients(t.global.region).route53;
  try {
    const observed = await healthCheckObservedHealthy(r53, t.global.secondaryHealthCheckId);
    const inverted = await healthCheckInverted(r53, t.global.secondaryHealthCheckId);
    results.push({
      check: 'secondary-route53-health-check',
      ok: observed.healthy !== inverted,
      detail: `${observed.success}/${observed.total} checkers report success${inverted ? ' (check is inverted)' : ''}`,
    });
  } catch (err) {
    // Route 53's API lives in us-east-1: in a primary-region outage it may not answer while its checkers and DNS
    // still work. The secondary's own /health probe above then stands alone.
    results.push({
      check: 'secondary-route53-health-check',
      ok: true,
      detail: `Route 53 API unavailable (${(err as Error).message}); relying on the /health probe`,
    });
  }
  const db = await describeDb(sec.rds, t.secondary.dbIdentifier);
  results.push({
    check: 'replica-exists',
    ok: Boolean(db),
    detail: db ? `${db.id} is ${db.status}` : `${t.secondary.dbIdentifier} not found in ${t.secondary.region}`,
  });
  if (db)
    results.push({
      check: 'replica-not-promoted',
      ok: Boolean(db.sourceArn),
      conflict: true,
      detail: db.sourceArn ? `replicating from ${db.sourceArn}` : `${db.id} is already a standalone instance`,
    });
  if (db?.sourceArn)
    results.push({ check: 'replica-available', ok: db.status === 'available', detail: `status ${db.status}` });
  const guard = rpoGuardSeconds(deps);
  const series = await replicaLagSeries(sec.cloudwatch, t.secondary.dbIdentifier, clock.now());
  // Only an unreachable primary has stopped taking writes; one that still answers may still be writing, and then
  // everything behind the replica is at risk: the latest lag, however it grew.
  const primaryAnswers = (await http.request('GET', t.primary.healthCheckUrl)).status !== 0;
  const atStop = lagAtReplicationStop(series);
  const lag = atStop && primaryAnswers ? { ...atStop, seconds: atStop.latest.seconds, stoppedAt: undefined } : atStop;
  const when = (at: number) => new Date(at).toISOString();
  results.push({
    check: 'replica-lag-within-rpo-guard',
    ok: lag !== undefined && lag.seconds <= guard,
    overridable: true,
    detail: !lag
      ? `no ReplicaLag datapoint in the last 30 minutes (guard ${guard} s)`
      : lag.stoppedAt !== undefined
        ? `replication stopped about ${when(lag.stoppedAt)} (ReplicaLag grows with the clock since; the primary does not answer); last lag before: ${lag.seconds} s at ${when(lag.lastGood?.at ?? lag.stoppedAt)} (guard ${guard} s); now ${lag.latest.seconds} s`
        : `ReplicaLag ${lag.seconds} s (guard ${guard} s) at ${when(lag.latest.at)}`,
  });
  return results;
}

function failoverSteps(deps: RunbookDeps, to: RunbookTimeouts): RunbookStep[] {
  const { topology: t, clients, clock, reporter, http, dns } = deps;
  const pri = () => clients(t.primary.region);
  const sec = () => clients(t.secondary.region);
  const r53 = () => clients(t.global.region).route53;
  return [
    {
      id: 'fence-primary',
      title: `fence the primary: maintenance flag on in ${t.primary.region}`,
      async run(h) {
        // Best effort: when the primary region is down it is fenced already; the failover must not wait on it.
        let previous: string | undefined;
        try {
          previous = await putParameter(pri().ssm, t.primary.maintenanceParameter, 'on');
          h.state.facts.fenced = true;
        } catch (err) {
          h.state.facts.fenced = false;
          reporter.emit({
            code: 'FAILOVER_FENCE_UNREACHABLE',
            level: 'warn',
            text: `could not set the maintenance flag in ${t.primary.region}: ${(err as Error).message}`,
            data: { region: t.primary.region },
          });
          return { status: 'skipped', note: 'primary region unreachable', detail: { error: (err as Error).message } };
        }
        // The primary's gateways may let a write through until their fence bound has passed (docs/architecture.md).
        const fence = writeFenceForRegions(deps.config.parameters, ['primary']);
        h.progress(`waiting ${fence.ms / 1000} s for the gateways' write fence (${fence.formula})`, {
          writeFenceMs: fence.ms,
        });
        await clock.sleep(fence.ms);
        return {
          status: 'done',
          detail: { parameter: t.primary.maintenanceParameter, previous: previous ?? null, writeFenceMs: fence.ms },
        };
      },
    },
    {
      id: 'promote-replica',
      title: `promote ${t.secondary.dbIdentifier} in ${t.secondary.region}`,
      async run(h) {
        const r = await promoteReplica(sec().rds, t.secondary.dbIdentifier, clock, h, to.promotionMs, to.pollMs);
        h.state.facts.writerEndpoint = r.endpoint;
        return {
          status: r.alreadyPromoted ? 'skipped' : 'done',
          note: r.alreadyPromoted ? 'already standalone' : undefined,
          detail: { endpoint: r.endpoint, arn: r.arn },
        };
      },
    },
    {
      id: 'update-writer-endpoint',
      title: 'point the writer endpoint parameters at the promoted instance',
      async run(h) {
        const endpoint = String(h.state.facts.writerEndpoint ?? '');
        // The secret parameter stays: it names the secondary's replica of the master secret, whose user and password
        // the promoted instance keeps (decision 0007).
        const secondary = [(await setWriterEndpoint(sec().ssm, t.secondary.writerEndpointParameter, endpoint)).detail];
        let primary: string;
        try {
          primary = (await setWriterEndpoint(pri().ssm, t.primary.writerEndpointParameter, endpoint)).detail;
        } catch (err) {
          primary = `not updated (${(err as Error).message}); failback rewrites it`; // the primary region is fenced or down
        }
        return { status: 'done', detail: { endpoint, secondary, primary } };
      },
    },
    {
      id: 'shift-traffic',
      title: 'move traffic: Route 53 must route the domain to the secondary',
      async run(h) {
        const hc = t.global.primaryHealthCheckId;
        let inverted = false;
        if (!h.state.facts.fenced) {
          // The flag could not be set: if Route 53 still sees the primary healthy, invert its check to force the flip.
          // (If Route 53's API does not answer either, DNS is all there is to watch.)
          const observed = await healthCheckObservedHealthy(r53(), hc).catch(() => ({ healthy: false }));
          if (observed.healthy) {
            await setHealthCheckInverted(r53(), hc, true);
            h.state.facts.invertedPrimaryCheck = true;
            inverted = true;
            await h.checkpoint();
          }
        }
        const ns = t.global.nameServers;
        const target = await waitFor(
          clock,
          {
            what: `${t.global.domainName} to resolve to the secondary ALB`,
            timeoutMs: to.dnsMs,
            intervalMs: Math.min(to.pollMs, 5_000),
            code: 'E_DNS_FLIP_TIMEOUT',
            onPending: (ms) => h.progress(`waiting for DNS to answer the secondary (${Math.round(ms / 1000)} s)`),
          },
          async () => {
            const d = await currentDnsTarget(dns, t.global.domainName, ns, {
              primary: t.primary.albDnsName,
              secondary: t.secondary.albDnsName,
            });
            return d.role === 'secondary' ? d : undefined;
          },
        );
        const probe = await http.request('GET', t.secondary.healthCheckUrl);
        return {
          status: 'done',
          detail: { invertedPrimaryCheck: inverted, answers: target.addresses, secondaryHealth: probe.status },
        };
      },
    },
    {
      id: 'raise-capacity',
      title: `raise ${t.secondary.asgName} to full size`,
      async run(h) {
        let desired = t.secondary.failoverDesiredCapacity;
        if (desired === undefined) {
          try {
            desired = (await describeAsg(pri().autoscaling, t.primary.asgName))?.desired;
          } catch {
            desired = undefined;
          }
        }
        if (desired === undefined)
          return { status: 'skipped', note: 'no FailoverDesiredCapacity and the primary group is unreadable' };
        const outcome = await raiseCapacity(sec().autoscaling, t.secondary.asgName, desired);
        const target = desired;
        const ready = await waitFor(
          clock,
          {
            what: `${target} in-service instances in ${t.secondary.asgName}`,
            timeoutMs: to.capacityMs,
            intervalMs: to.pollMs,
            code: 'E_CAPACITY_TIMEOUT',
            onPending: (ms) => h.progress(`waiting for instances (${Math.round(ms / 1000)} s)`),
          },
          async () => {
            const g = await describeAsg(sec().autoscaling, t.secondary.asgName);
            return g && g.inService >= target ? g : undefined;
          },
        );
        return {
          status: outcome.status === 'already-done' ? 'skipped' : 'done',
          note: outcome.status === 'already-done' ? 'already at full size' : undefined,
          detail: { change: outcome.detail, desired, inService: ready.inService },
        };
      },
    },
    {
      id: 'notify-and-audit',
      title: 'notify the alert topic and write the audit record',
      async run(h) {
        const record = {
          at: clock.now(),
          region: t.secondary.region,
          role: 'secondary',
          event: 'operator-failover',
          environment: t.environment,
          runId: h.state.runId,
          forced: Boolean(h.state.facts.forced),
          writerEndpoint: h.state.facts.writerEndpoint,
          steps: h.state.steps.map((s) => ({ id: s.id, status: s.status, durationMs: s.durationMs ?? null })),
        };
        const sent = await notify(
          sec().sns,
          t.secondary.alertTopicArn,
          `[${t.environment}] operator failover to ${t.secondary.region} completed`,
          record,
        );
        const audited = await writeAudit(deps, t.secondary, record);
        return { status: 'done', detail: { notify: sent.detail, audit: audited } };
      },
    },
  ];
}

/** Runs (or resumes) the failover runbook; returns the final state. */
export async function runFailover(deps: RunbookDeps, opts: RunbookOptions): Promise<RunbookState> {
  const t = deps.topology;
  return startOrResume(deps, {
    runbook: 'failover',
    steps: failoverSteps(deps, { ...DEFAULT_TIMEOUTS, ...opts.timeouts }),
    prechecks: () => failoverPrechecks(deps),
    question: `Fail over ${t.environment} from ${t.primary.region} to ${t.secondary.region}? This promotes ${t.secondary.dbIdentifier}.`,
    yes: opts.yes,
    force: opts.force,
    fix: 'Fix the failed checks. --force overrides only the replica-lag guard (accepting data loss up to the lag); if the secondary already is the writer, use drctl failback to return.',
  });
}
