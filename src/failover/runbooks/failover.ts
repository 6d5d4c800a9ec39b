// drctl failover: operator-initiated failover to the secondary region, the controller's steps preceded by
// pre-checks and a confirmation. Fence the primary, promote the replica, point writers at it, move traffic,
// raise capacity, notify.
import { describeGroup } from '../../aws/services/autoscaling.js';
import { replicaLagSeries } from '../../aws/services/cloudwatch.js';
import { describeDbInstance } from '../../aws/services/rds.js';
import { healthCheckInverted, healthCheckObservedHealthy } from '../../aws/services/route53.js';
import { putParameter } from '../../aws/services/ssm.js';
import { failoverRecordTarget } from '../../operator/dns.js';
import { isOk } from '../../operator/http-probe.js';
import { shared, type Precheck } from '../../operator/prechecks.js';
import { trafficEntry } from '../../operator/traffic-entry.js';
import { lagAtReplicationStop } from '../../operator/replica-lag.js';
import { waitFor } from '../../operator/wait.js';
import { notify, raiseCapacity, setWriterEndpoint } from '../steps.js';
import { writeAudit } from './audit.js';
import { promoteReplica } from './db-steps.js';
import { DEFAULT_TIMEOUTS, rpoGuardSeconds, type RunbookDeps, type RunbookTimeouts } from './deps.js';
import { writeFenceForRegions } from '../../service/gateway/fence.js';
import type { RunbookStep } from './runner.js';
import { startOrResume } from './start.js';
import type { RunbookState } from './state-store.js';

export interface RunbookOptions {
  yes: boolean;
  /** Go ahead although an overridable check failed (failover: the RPO guard). */
  force: boolean;
  /** Go ahead although some checks could not be checked. */
  acceptUnchecked?: boolean;
  timeouts?: Partial<RunbookTimeouts>;
}

const iso = (at: number) => new Date(at).toISOString();

export function failoverPrechecks(deps: RunbookDeps): Precheck[] {
  const { topology, clients, clock, http } = deps;
  const secondary = clients(topology.secondary.region);
  const route53 = clients(topology.global.region);
  const replica = shared(() => describeDbInstance(secondary, topology.secondary.dbIdentifier));
  const guard = rpoGuardSeconds(deps);
  return [
    {
      check: 'secondary-health-endpoint',
      fix: `Bring the secondary's gateways back to health (target group of ${topology.secondary.albDnsName}) before failing over to it.`,
      async run() {
        const answer = await http.request('GET', topology.secondary.healthCheckUrl);
        return {
          status: isOk(answer) ? 'pass' : 'fail',
          evidence: `GET ${topology.secondary.healthCheckUrl} → ${answer.status || answer.error}`,
        };
      },
    },
    {
      check: 'secondary-route53-health-check',
      fix: `Find out why Route 53's checkers fail the secondary (health check ${topology.global.secondaryHealthCheckId}) before moving traffic to it.`,
      async run() {
        const id = topology.global.secondaryHealthCheckId;
        try {
          const observed = await healthCheckObservedHealthy(route53, id);
          const inverted = await healthCheckInverted(route53, id);
          return {
            status: observed.healthy !== inverted ? 'pass' : 'fail',
            evidence: `${observed.success}/${observed.total} checkers report success${inverted ? ' (check is inverted)' : ''}`,
          };
        } catch (err) {
          // Route 53's API lives in us-east-1: in a primary-region outage it may not answer while its checkers and
          // DNS still work. The secondary's own /health probe (the check before) then stands alone.
          return {
            status: 'pass',
            evidence: `Route 53 API unavailable (${(err as Error).message}); relying on the /health probe`,
          };
        }
      },
    },
    {
      check: 'replica-exists',
      fix: `Check the data stack in ${topology.secondary.region} (DatabaseIdentifier ${topology.secondary.dbIdentifier}).`,
      async run() {
        const db = await replica();
        return db
          ? { status: 'pass', evidence: `${db.identifier} is ${db.status}` }
          : {
              status: 'fail',
              evidence: `${topology.secondary.dbIdentifier} not found in ${topology.secondary.region}`,
            };
      },
    },
    {
      check: 'replica-not-promoted',
      fix: 'The secondary already is the writer: nothing to fail over. To return to the primary, use drctl failback.',
      async run() {
        const db = await replica();
        if (!db) return { status: 'fail', evidence: `${topology.secondary.dbIdentifier} not found` };
        return db.sourceArn
          ? { status: 'pass', evidence: `replicating from ${db.sourceArn}` }
          : { status: 'fail', evidence: `${db.identifier} is already a standalone instance` };
      },
    },
    {
      check: 'replica-available',
      fix: 'Wait for the replica to become available (RDS refuses to promote it otherwise), then re-run.',
      async run() {
        const db = await replica();
        if (!db) return { status: 'fail', evidence: `${topology.secondary.dbIdentifier} not found` };
        return { status: db.status === 'available' ? 'pass' : 'fail', evidence: `status ${db.status}` };
      },
    },
    {
      check: 'replica-lag-within-rpo-guard',
      overridable: true,
      fix: `Wait for ReplicaLag to fall under ${guard} s, or accept losing up to the lag with --force.`,
      async run() {
        const series = await replicaLagSeries(secondary, topology.secondary.dbIdentifier, clock.now());
        // Only an unreachable primary has stopped taking writes; one that still answers may still be writing, and
        // then everything behind the replica is at risk: the latest lag, however it grew.
        const primaryAnswers = (await http.request('GET', topology.primary.healthCheckUrl)).status !== 0;
        const atStop = lagAtReplicationStop(series);
        const lag =
          atStop && primaryAnswers ? { ...atStop, seconds: atStop.latest.seconds, stoppedAt: undefined } : atStop;
        return {
          status: lag !== undefined && lag.seconds <= guard ? 'pass' : 'fail',
          evidence: !lag
            ? `no ReplicaLag datapoint in the last 30 minutes (guard ${guard} s)`
            : lag.stoppedAt !== undefined
              ? `replication stopped about ${iso(lag.stoppedAt)} (ReplicaLag grows with the clock since; the primary does not answer); last lag before: ${lag.seconds} s at ${iso(lag.lastGood?.at ?? lag.stoppedAt)} (guard ${guard} s); now ${lag.latest.seconds} s`
              : `ReplicaLag ${lag.seconds} s (guard ${guard} s) at ${iso(lag.latest.at)}`,
        };
      },
    },
  ];
}

function failoverSteps(deps: RunbookDeps, to: RunbookTimeouts): RunbookStep[] {
  const { topology, clients, clock, reporter, http, dns, signal } = deps;
  const primary = () => clients(topology.primary.region);
  const secondary = () => clients(topology.secondary.region);
  const route53 = () => clients(topology.global.region);
  return [
    {
      id: 'fence-primary',
      title: `fence the primary: maintenance flag on in ${topology.primary.region}`,
      async run(helpers) {
        // Best effort: when the primary region is down it is fenced already; the failover must not wait on it.
        let previous: string | undefined;
        try {
          ({ previous } = await putParameter(primary(), topology.primary.maintenanceParameter, 'on'));
          helpers.state.facts.fenced = true;
        } catch (err) {
          helpers.state.facts.fenced = false;
          reporter.emit({
            code: 'FAILOVER_FENCE_UNREACHABLE',
            level: 'warn',
            text: `could not set the maintenance flag in ${topology.primary.region}: ${(err as Error).message}`,
            data: { region: topology.primary.region },
          });
          return { status: 'skipped', note: 'primary region unreachable', detail: { error: (err as Error).message } };
        }
        // The primary's gateways may let a write through until their fence bound has passed (docs/architecture.md).
        const fence = writeFenceForRegions(deps.config.parameters, ['primary']);
        helpers.progress(`waiting ${fence.ms / 1000} s for the gateways' write fence (${fence.formula})`, {
          writeFenceMs: fence.ms,
        });
        await clock.sleep(fence.ms);
        return {
          status: 'done',
          detail: {
            parameter: topology.primary.maintenanceParameter,
            previous: previous ?? null,
            writeFenceMs: fence.ms,
          },
        };
      },
    },
    {
      id: 'promote-replica',
      title: `promote ${topology.secondary.dbIdentifier} in ${topology.secondary.region}`,
      async run(helpers) {
        const r = await promoteReplica(secondary(), topology.secondary.dbIdentifier, helpers, {
          clock,
          timeoutMs: to.promotionMs,
          pollMs: to.pollMs,
          signal,
        });
        helpers.state.facts.writerEndpoint = r.endpoint;
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
      async run(helpers) {
        const endpoint = String(helpers.state.facts.writerEndpoint ?? '');
        // The secret parameter stays: it names the secondary's replica of the master secret, whose user and password
        // the promoted instance keeps (decision 0007).
        const secondaryDetail = [
          (await setWriterEndpoint(secondary(), topology.secondary.writerEndpointParameter, endpoint)).detail,
        ];
        let primaryDetail: string;
        try {
          primaryDetail = (await setWriterEndpoint(primary(), topology.primary.writerEndpointParameter, endpoint))
            .detail;
        } catch (err) {
          primaryDetail = `not updated (${(err as Error).message}); failback rewrites it`; // the primary region is fenced or down
        }
        return { status: 'done', detail: { endpoint, secondary: secondaryDetail, primary: primaryDetail } };
      },
    },
    {
      id: 'shift-traffic',
      title: 'move traffic: Route 53 must route the domain to the secondary',
      async run(helpers) {
        let inverted = false;
        if (!helpers.state.facts.fenced) {
          // The flag could not be set: if Route 53 still sees the primary healthy, invert its check to force the flip.
          // (If Route 53's API does not answer either, DNS is all there is to watch.)
          const entry = trafficEntry(topology.global, route53);
          const observed = await entry.primaryObserved().catch(() => ({ healthy: false }));
          if (observed.healthy) {
            await entry.drainPrimary();
            helpers.state.facts.invertedPrimaryCheck = true;
            inverted = true;
            await helpers.checkpoint();
          }
        }
        const ns = topology.global.nameServers;
        const target = await waitFor(
          clock,
          {
            what: `${topology.global.domainName} to resolve to the secondary ALB`,
            timeoutMs: to.dnsMs,
            intervalMs: Math.min(to.pollMs, 5_000),
            code: 'E_DNS_FLIP_TIMEOUT',
            signal,
            onPending: (ms) => helpers.progress(`waiting for DNS to answer the secondary (${Math.round(ms / 1000)} s)`),
          },
          async () => {
            const answer = await failoverRecordTarget(
              dns,
              topology.global.domainName,
              { primary: topology.primary.albDnsName, secondary: topology.secondary.albDnsName },
              ns,
            );
            return answer.target === 'secondary' ? answer : undefined;
          },
        );
        const probe = await http.request('GET', topology.secondary.healthCheckUrl);
        return {
          status: 'done',
          detail: { invertedPrimaryCheck: inverted, answers: target.addresses, secondaryHealth: probe.status },
        };
      },
    },
    {
      id: 'raise-capacity',
      title: `raise ${topology.secondary.asgName} to full size`,
      async run(helpers) {
        let desired = topology.secondary.failoverDesiredCapacity;
        if (desired === undefined) {
          try {
            desired = (await describeGroup(primary(), topology.primary.asgName))?.desired;
          } catch {
            desired = undefined;
          }
        }
        if (desired === undefined)
          return { status: 'skipped', note: 'no FailoverDesiredCapacity and the primary group is unreadable' };
        const outcome = await raiseCapacity(secondary(), topology.secondary.asgName, desired);
        const target = desired;
        const ready = await waitFor(
          clock,
          {
            what: `${target} in-service instances in ${topology.secondary.asgName}`,
            timeoutMs: to.capacityMs,
            intervalMs: to.pollMs,
            code: 'E_CAPACITY_TIMEOUT',
            signal,
            onPending: (ms) => helpers.progress(`waiting for instances (${Math.round(ms / 1000)} s)`),
          },
          async () => {
            const group = await describeGroup(secondary(), topology.secondary.asgName);
            return group && group.inService >= target ? group : undefined;
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
      async run(helpers) {
        const record = {
          at: clock.now(),
          region: topology.secondary.region,
          role: 'secondary',
          event: 'operator-failover',
          environment: topology.environment,
          runId: helpers.state.runId,
          forced: Boolean(helpers.state.facts.forced),
          writerEndpoint: helpers.state.facts.writerEndpoint,
          steps: helpers.state.steps.map((s) => ({ id: s.id, status: s.status, durationMs: s.durationMs ?? null })),
        };
        const sent = await notify(
          secondary(),
          topology.secondary.alertTopicArn,
          `[${topology.environment}] operator failover to ${topology.secondary.region} completed`,
          record,
        );
        const audited = await writeAudit(deps, topology.secondary, record);
        return { status: 'done', detail: { notify: sent.detail, audit: audited } };
      },
    },
  ];
}

/** Runs (or resumes) the failover runbook; returns the final state. */
export async function runFailover(deps: RunbookDeps, opts: RunbookOptions): Promise<RunbookState> {
  const topology = deps.topology;
  return startOrResume(deps, {
    runbook: 'failover',
    steps: failoverSteps(deps, { ...DEFAULT_TIMEOUTS, ...opts.timeouts }),
    prechecks: () => failoverPrechecks(deps),
    question: `Fail over ${topology.environment} from ${topology.primary.region} to ${topology.secondary.region}? This promotes ${topology.secondary.dbIdentifier}.`,
    overrides: { yes: opts.yes, force: opts.force, acceptUnchecked: Boolean(opts.acceptUnchecked) },
  });
}
