// drctl failback: the planned, loss-free return to the original primary after a failover.
// Replication is rebuilt toward the old primary region, writes stop only once it has caught up, the switch happens
// with writes stopped, and the original topology is restored under the identifiers the data stacks manage (primary
// writer, secondary replica). The secondary replica is rebuilt after writes resume: it does not hold writes back.
// Credentials need no step: the master secret (primary) and its replica (secondary) hold the password every
// instance in the chain keeps, and each region's secret parameter keeps naming its own copy (decision 0007).
import { DrError } from '../../errors.js';
import {
  describeDb,
  globalTableHealth,
  healthCheckInverted,
  healthCheckObservedHealthy,
  latestReplicaLag,
  putParameter,
  setAsgDesired,
  setHealthCheckInverted,
  type DbView,
} from './aws-ops.js';
import { notify, setWriterEndpoint } from '../steps.js';
import { writeAudit } from './audit.js';
import { initialState } from '../controller/model.js';
import { dynamoStateStore } from '../controller/state-store.js';
import { waitFor } from './clock.js';
import { ensureCrossRegionReplica, promoteReplica, retireInstance } from './db-steps.js';
import { DEFAULT_TIMEOUTS, type RunbookDeps, type RunbookTimeouts } from './deps.js';
import type { RunbookOptions } from './failover.js';
import type { RunbookStep, StepHelpers } from './runner.js';
import { ensureReplicationRuleEnabled } from './s3-replication.js';
import { writeFenceForRegions } from '../../service/gateway/fence.js';
import { startOrResume, type PrecheckResult } from './start.js';
import { FileStateStore, type RunbookState } from './state-store.js';
import { incompleteStacks } from './topology.js';

export async function failbackPrechecks(deps: RunbookDeps): Promise<PrecheckResult[]> {
  const { topology: t, clients } = deps;
  const results: PrecheckResult[] = [];
  const sec = await describeDb(clients(t.secondary.region).rds, t.secondary.dbIdentifier);
  results.push({
    check: 'secondary-is-writer',
    ok: Boolean(sec && !sec.sourceArn && sec.status === 'available'),
    conflict: true,
    detail: !sec
      ? `${t.secondary.dbIdentifier} not found`
      : sec.sourceArn
        ? `${sec.id} is still a replica of ${sec.sourceArn}: there was no failover`
        : `${sec.id} is a standalone ${sec.status} instance`,
  });
  // The new primary is created as a replica of this instance; RDS refuses that while RDS manages its master password.
  results.push({
    check: 'secondary-password-not-rds-managed',
    ok: Boolean(sec && !sec.managedSecretArn),
    conflict: true,
    detail: !sec
      ? `${t.secondary.dbIdentifier} not found`
      : sec.managedSecretArn
        ? `${sec.id} manages its master password in Secrets Manager (${sec.managedSecretArn}): RDS cannot create a read replica of it. Turn that off, setting the password held in ${t.secondary.dbSecretArn ?? "the data stack's master secret"} (ModifyDBInstance --no-manage-master-user-password --master-user-password …), then re-run`
        : `${sec.id} uses the data stack's master secret`,
  });
  const bad = incompleteStacks(t);
  results.push({
    check: 'stacks-complete',
    ok: bad.length === 0,
    detail: bad.length
      ? bad.map((x) => `${x.name}@${x.region} ${x.status}`).join(', ')
      : `${t.stacks.length} stacks complete`,
  });
  // A failover run that did not finish must be finished (or abandoned) first: the two would fight over the same things.
  const failover = await new FileStateStore(deps.root, t.environment, 'failover').load();
  results.push({
    check: 'no-failover-in-progress',
    ok: !failover || failover.status === 'completed',
    conflict: true,
    detail:
      failover && failover.status !== 'completed'
        ? `failover run ${failover.runId} is ${failover.status}: resume it with drctl failover first`
        : 'none',
  });
  for (const role of ['primary', 'secondary'] as const) {
    const g = await globalTableHealth(clients(t[role].region).dynamodb, t[role].ordersTable);
    results.push({
      check: `global-table-${role}`,
      ok: g.healthy,
      detail: `${t[role].ordersTable} ${g.status}${g.replicas.length ? `; replicas ${g.replicas.map((r) => `${r.region}:${r.status}`).join(', ')}` : ''}`,
    });
  }
  return results;
}

/** Waits until the replica's ReplicaLag is 0 in a datapoint newer than `since` (so it covers writes made up to then). */
async function waitZeroLag(
  deps: RunbookDeps,
  region: string,
  dbId: string,
  since: number,
  h: StepHelpers,
  to: RunbookTimeouts,
): Promise<{ seconds: number; at: number }> {
  const cw = deps.clients(region).cloudwatch;
  return waitFor(
    deps.clock,
    {
      what: `ReplicaLag 0 on ${dbId}`,
      timeoutMs: to.lagMs,
      intervalMs: to.pollMs,
      code: 'E_LAG_TIMEOUT',
      fix: 'Check replication on the new replica (RDS events, ReplicaLag); re-run to keep waiting.',
      onPending: (ms) => h.progress(`waiting for ReplicaLag 0 on ${dbId} (${Math.round(ms / 1000)} s)`),
    },
    async () => {
      const lag = await latestReplicaLag(cw, dbId, deps.clock.now());
      return lag && lag.at > since && lag.seconds === 0 ? lag : undefined;
    },
  );
}

function placement(db: DbView | undefined): {
  subnetGroup?: string;
  securityGroupIds?: string[];
  instanceClass?: string;
} {
  return db
    ? {
        ...(db.subnetGroup ? { subnetGroup: db.subnetGroup } : {}),
        ...(db.securityGroupIds.length ? { securityGroupIds: db.securityGroupIds } : {}),
        ...(db.instanceClass ? { instanceClass: db.instanceClass } : {}),
      }
    : {};
}

function failbackSteps(deps: RunbookDeps, to: RunbookTimeouts): RunbookStep[] {
  const { topology: t, clients, clock } = deps;
  const pri = () => clients(t.primary.region);
  const sec = () => clients(t.secondary.region);
  const r53 = () => clients(t.global.region).route53;
  const bothFlags = async (value: string) => ({
    primary: (await putParameter(pri().ssm, t.primary.maintenanceParameter, value)) ?? null,
    secondary: (await putParameter(sec().ssm, t.secondary.maintenanceParameter, value)) ?? null,
  });
  return [
    {
      id: 'check-global-table',
      title: 'confirm the DynamoDB global table is ACTIVE in both regions',
      async run() {
        const detail: Record<string, unknown> = {};
        for (const role of ['primary', 'secondary'] as const) {
          const g = await globalTableHealth(clients(t[role].region).dynamodb, t[role].ordersTable);
          if (!g.healthy)
            throw new DrError({
              code: 'E_GLOBAL_TABLE_UNHEALTHY',
              kind: 'findings',
              message: `${t[role].ordersTable} in ${t[role].region} is ${g.status}`,
              fix: 'Wait for the table and its replicas to be ACTIVE, then re-run.',
            });
          detail[role] = g.status;
        }
        return { status: 'done', detail };
      },
    },
    {
      id: 'enable-reverse-s3-replication',
      title: `enable S3 replication ${t.secondary.assetsBucket} → ${t.primary.assetsBucket}`,
      async run() {
        const r = await ensureReplicationRuleEnabled(sec().s3, t.secondary.assetsBucket, t.primary.assetsBucket);
        return {
          status: r.wasEnabled ? 'skipped' : 'done',
          note: r.wasEnabled ? 'already enabled' : undefined,
          detail: r,
        };
      },
    },
    {
      id: 'retire-old-primary',
      title: `retire the stale ${t.primary.dbIdentifier} in ${t.primary.region} (final snapshot kept)`,
      async run(h) {
        const current = await describeDb(pri().rds, t.primary.dbIdentifier);
        const secArn = (await describeDb(sec().rds, t.secondary.dbIdentifier))?.arn;
        if (current?.sourceArn && current.sourceArn === secArn)
          return { status: 'skipped', note: 'already a replica of the secondary' };
        if (current && h.state.facts.oldPrimaryPlacement === undefined) {
          h.state.facts.oldPrimaryPlacement = placement(current);
          h.state.facts.oldPrimaryEndpoint = current.endpoint ?? null;
          await h.checkpoint();
        }
        const snapshot = `${t.primary.dbIdentifier}-pre-failback-${h.state.runId}`.slice(0, 255);
        const r = await retireInstance(pri().rds, t.primary.dbIdentifier, snapshot, clock, h, to.deleteMs, to.pollMs);
        if (r.deleted) h.state.facts.oldPrimarySnapshot = snapshot;
        return {
          status: r.deleted ? 'done' : 'skipped',
          note: r.deleted ? undefined : 'no instance to retire',
          detail: { finalSnapshot: r.deleted ? snapshot : null },
        };
      },
    },
    {
      id: 'create-primary-replica',
      title: `create ${t.primary.dbIdentifier} in ${t.primary.region} as a replica of the promoted secondary`,
      async run(h) {
        const source = await describeDb(sec().rds, t.secondary.dbIdentifier);
        if (!source)
          throw new DrError({
            code: 'E_DB_MISSING',
            kind: 'conflict',
            message: `${t.secondary.dbIdentifier} not found in ${t.secondary.region}`,
            fix: 'The promoted secondary is the only copy of recent writes: investigate before going on.',
          });
        const r = await ensureCrossRegionReplica(
          pri().rds,
          {
            id: t.primary.dbIdentifier,
            sourceArn: source.arn,
            kmsKeyArn: t.primary.kmsKeyArn,
            ...(h.state.facts.oldPrimaryPlacement as object),
          },
          clock,
          h,
          to.replicaCreateMs,
          to.pollMs,
        );
        h.state.facts.replicaReadyAt = clock.now();
        return {
          status: 'done',
          detail: { replica: r.id, source: source.arn, created: r.created, kmsKeyId: t.primary.kmsKeyArn },
        };
      },
    },
    {
      id: 'wait-in-sync',
      title: 'wait for the new primary replica to catch up (ReplicaLag 0)',
      async run(h) {
        const lag = await waitZeroLag(
          deps,
          t.primary.region,
          t.primary.dbIdentifier,
          Number(h.state.facts.replicaReadyAt ?? 0),
          h,
          to,
        );
        return { status: 'done', detail: { replicaLagSeconds: lag.seconds, at: new Date(lag.at).toISOString() } };
      },
    },
    {
      id: 'stop-writes',
      title: 'stop writes: maintenance flag on in both regions',
      async run(h) {
        const previous = await bothFlags('on');
        // Writes have stopped once every gateway's fence bound has passed, not when the flag is set.
        const fence = writeFenceForRegions(deps.config.parameters, ['primary', 'secondary']);
        h.progress(`waiting ${fence.ms / 1000} s for the gateways' write fence (${fence.formula})`, {
          writeFenceMs: fence.ms,
        });
        await clock.sleep(fence.ms);
        h.state.facts.writesStoppedAt = clock.now();
        return { status: 'done', detail: { previous, writeFenceMs: fence.ms } };
      },
    },
    {
      id: 'drain',
      title: 'wait until the last writes have replicated (ReplicaLag 0 after writes stopped)',
      async run(h) {
        const lag = await waitZeroLag(
          deps,
          t.primary.region,
          t.primary.dbIdentifier,
          Number(h.state.facts.writesStoppedAt),
          h,
          to,
        );
        return { status: 'done', detail: { replicaLagSeconds: lag.seconds, at: new Date(lag.at).toISOString() } };
      },
    },
    {
      id: 'promote-primary',
      title: `promote ${t.primary.dbIdentifier} in ${t.primary.region}`,
      async run(h) {
        const r = await promoteReplica(pri().rds, t.primary.dbIdentifier, clock, h, to.promotionMs, to.pollMs);
        h.state.facts.writerEndpoint = r.endpoint;
        return { status: 'done', detail: { endpoint: r.endpoint, arn: r.arn, alreadyPromoted: r.alreadyPromoted } };
      },
    },
    {
      id: 'update-writer-endpoints',
      title: 'point both regions’ writer endpoint parameters at the primary',
      async run(h) {
        let endpoint = h.state.facts.writerEndpoint as string | undefined;
        if (!endpoint) {
          const db = await describeDb(pri().rds, t.primary.dbIdentifier);
          if (!db?.endpoint)
            throw new DrError({
              code: 'E_WRITER_ENDPOINT_UNKNOWN',
              kind: 'aws',
              message: `${t.primary.dbIdentifier} reports no endpoint`,
              fix: 'Wait until the instance is available and re-run.',
            });
          endpoint = db.endpoint;
        }
        const primary = await setWriterEndpoint(pri().ssm, t.primary.writerEndpointParameter, endpoint);
        const secondary = await setWriterEndpoint(sec().ssm, t.secondary.writerEndpointParameter, endpoint);
        return { status: 'done', detail: { endpoint, primary: primary.detail, secondary: secondary.detail } };
      },
    },
    {
      id: 'restore-health-check',
      title: 'restore the primary Route 53 health check (not inverted)',
      async run() {
        const was = await healthCheckInverted(r53(), t.global.primaryHealthCheckId);
        if (was) await setHealthCheckInverted(r53(), t.global.primaryHealthCheckId, false);
        return {
          status: was ? 'done' : 'skipped',
          note: was ? undefined : 'was not inverted',
          detail: { wasInverted: was },
        };
      },
    },
    {
      id: 'resume-writes',
      title: 'resume writes: maintenance flag off in both regions; wait for the primary to pass its health check',
      async run(h) {
        const previous = await bothFlags('off');
        const hc = await waitFor(
          clock,
          {
            what: 'Route 53 to see the primary healthy',
            timeoutMs: to.healthMs,
            intervalMs: Math.min(to.pollMs, 10_000),
            code: 'E_PRIMARY_HEALTH_TIMEOUT',
            fix: 'Check the primary /health answer (drctl status); re-run to keep waiting.',
            onPending: (ms) => h.progress(`waiting for the primary health check (${Math.round(ms / 1000)} s)`),
          },
          async () => {
            const o = await healthCheckObservedHealthy(r53(), t.global.primaryHealthCheckId);
            return o.healthy ? o : undefined;
          },
        );
        return { status: 'done', detail: { previous, checkersReportingSuccess: `${hc.success}/${hc.total}` } };
      },
    },
    {
      id: 'restore-standby-capacity',
      title: `return ${t.secondary.asgName} to warm-standby size`,
      async run() {
        if (t.secondary.desiredCapacity === undefined)
          return { status: 'skipped', note: 'compute stack has no DesiredCapacity parameter' };
        const r = await setAsgDesired(sec().autoscaling, t.secondary.asgName, t.secondary.desiredCapacity);
        return { status: 'done', detail: { before: r.before.desired, desired: r.after.desired } };
      },
    },
    {
      id: 'retire-old-secondary',
      title: `retire the former writer ${t.secondary.dbIdentifier} in ${t.secondary.region} (final snapshot kept)`,
      async run(h) {
        const current = await describeDb(sec().rds, t.secondary.dbIdentifier);
        const priArn = (await describeDb(pri().rds, t.primary.dbIdentifier))?.arn;
        if (current?.sourceArn && current.sourceArn === priArn)
          return { status: 'skipped', note: 'already a replica of the primary' };
        if (current && h.state.facts.oldSecondaryPlacement === undefined) {
          h.state.facts.oldSecondaryPlacement = placement(current);
          await h.checkpoint();
        }
        const snapshot = `${t.secondary.dbIdentifier}-pre-failback-${h.state.runId}`.slice(0, 255);
        const r = await retireInstance(sec().rds, t.secondary.dbIdentifier, snapshot, clock, h, to.deleteMs, to.pollMs);
        if (r.deleted) h.state.facts.oldSecondarySnapshot = snapshot;
        return { status: r.deleted ? 'done' : 'skipped', detail: { finalSnapshot: r.deleted ? snapshot : null } };
      },
    },
    {
      id: 'recreate-secondary-replica',
      title: `re-create ${t.secondary.dbIdentifier} in ${t.secondary.region} as a replica of the primary`,
      async run(h) {
        const source = await describeDb(pri().rds, t.primary.dbIdentifier);
        if (!source)
          throw new DrError({
            code: 'E_DB_MISSING',
            kind: 'conflict',
            message: `${t.primary.dbIdentifier} not found in ${t.primary.region}`,
            fix: 'Investigate the primary instance before going on.',
          });
        const r = await ensureCrossRegionReplica(
          sec().rds,
          {
            id: t.secondary.dbIdentifier,
            sourceArn: source.arn,
            kmsKeyArn: t.secondary.kmsKeyArn,
            ...(h.state.facts.oldSecondaryPlacement as object),
          },
          clock,
          h,
          to.replicaCreateMs,
          to.pollMs,
        );
        return {
          status: 'done',
          detail: { replica: r.id, source: source.arn, created: r.created, kmsKeyId: t.secondary.kmsKeyArn },
        };
      },
    },
    {
      id: 're-arm-controller',
      title: `re-arm the failover controller in ${t.secondary.region} (its state still says "promoted")`,
      async run() {
        const table = t.secondary.controllerStateTable;
        if (!table) return { status: 'skipped', note: 'no failover stack in the secondary region' };
        const store = dynamoStateStore(sec().dynamodb, table);
        // Conditional on the version read, like every controller write; a concurrent tick just means read again.
        for (let attempt = 1; attempt <= 5; attempt++) {
          const current = await store.load();
          if (current.promotion.status === 'none')
            return { status: 'skipped', note: 'controller already armed', detail: { table } };
          const fresh = { ...initialState(), version: current.version };
          if (
            await store.save(fresh, current.version, {
              code: 'REARMED',
              reason: `failback ${deps.topology.environment} completed by an operator`,
              at: clock.now(),
            })
          ) {
            return {
              status: 'done',
              detail: { table, previous: current.promotion.status, version: current.version + 1 },
            };
          }
        }
        throw new DrError({
          code: 'E_CONTROLLER_BUSY',
          kind: 'conflict',
          message: `the controller state in ${table} kept changing while being reset`,
          fix: 'Re-run drctl failback to retry this step.',
        });
      },
    },
    {
      id: 'notify-and-audit',
      title: 'notify the alert topic and write the audit record',
      async run(h) {
        const snapshots = [h.state.facts.oldPrimarySnapshot, h.state.facts.oldSecondarySnapshot].filter(Boolean);
        const record = {
          at: clock.now(),
          region: t.primary.region,
          role: 'primary',
          event: 'operator-failback',
          environment: t.environment,
          runId: h.state.runId,
          writerEndpoint: h.state.facts.writerEndpoint,
          finalSnapshots: snapshots,
          steps: h.state.steps.map((s) => ({ id: s.id, status: s.status, durationMs: s.durationMs ?? null })),
        };
        const sent = await notify(
          pri().sns,
          t.primary.alertTopicArn,
          `[${t.environment}] failback to ${t.primary.region} completed`,
          record,
        );
        const audited = await writeAudit(deps, t.primary, record);
        return { status: 'done', detail: { notify: sent.detail, audit: audited, finalSnapshots: snapshots } };
      },
    },
  ];
}

/** Runs (or resumes) the failback runbook; returns the final state. */
export async function runFailback(deps: RunbookDeps, opts: RunbookOptions): Promise<RunbookState> {
  const t = deps.topology;
  return startOrResume(deps, {
    runbook: 'failback',
    steps: failbackSteps(deps, { ...DEFAULT_TIMEOUTS, ...opts.timeouts }),
    prechecks: () => failbackPrechecks(deps),
    question: `Fail back ${t.environment} to ${t.primary.region}? Writes stop briefly; ${t.primary.dbIdentifier} and later ${t.secondary.dbIdentifier} are rebuilt (final snapshots kept).`,
    yes: opts.yes,
    force: opts.force,
    fix: 'Fix the failed checks and re-run; nothing was changed.',
  });
}
