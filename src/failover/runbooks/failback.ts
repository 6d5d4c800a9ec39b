// drctl failback: the planned, loss-free return to the original primary after a failover.
// Replication is rebuilt toward the old primary region, writes stop only once it has caught up, the switch happens
// with writes stopped, and the original topology is restored under the identifiers the data stacks manage (primary
// writer, secondary replica). The secondary replica is rebuilt after writes resume: it does not hold writes back.
// Credentials need no step: the master secret (primary) and its replica (secondary) hold the password every
// instance in the chain keeps, and each region's secret parameter keeps naming its own copy (decision 0007).
import type { ServiceClients } from '../../aws/clients.js';
import { setDesiredCapacity } from '../../aws/services/autoscaling.js';
import { latestReplicaLag } from '../../aws/services/cloudwatch.js';
import { describeTable } from '../../aws/services/dynamodb.js';
import { describeDbInstance, type DbInstanceView } from '../../aws/services/rds.js';
import { healthCheckObservedHealthy } from '../../aws/services/route53.js';
import { enableReplicationRule } from '../../aws/services/s3.js';
import { putParameter } from '../../aws/services/ssm.js';
import { DrError } from '../../errors.js';
import { shared, type Precheck } from '../../operator/prechecks.js';
import { trafficEntry } from '../../operator/traffic-entry.js';
import { stacksCompleteCheck } from '../../operator/topology.js';
import { waitFor } from '../../operator/wait.js';
import { initialState } from '../controller/model.js';
import { dynamoStateStore } from '../controller/state-store.js';
import { notify, setWriterEndpoint } from '../steps.js';
import { writeAudit } from './audit.js';
import { ensureCrossRegionReplica, promoteReplica, retireInstance, type WaitSettings } from './db-steps.js';
import { DEFAULT_TIMEOUTS, type RunbookDeps, type RunbookTimeouts } from './deps.js';
import type { RunbookOptions } from './failover.js';
import type { RunbookStep, StepHelpers } from './runner.js';
import { startOrResume } from './start.js';
import { writeFenceForRegions } from '../../service/gateway/fence.js';
import { FileStateStore, type RunbookState } from './state-store.js';

export function failbackPrechecks(deps: RunbookDeps): Precheck[] {
  const { topology, clients } = deps;
  const secondaryDb = shared(() =>
    describeDbInstance(clients(topology.secondary.region), topology.secondary.dbIdentifier),
  );
  const globalTable = (role: 'primary' | 'secondary'): Precheck => ({
    check: `global-table-${role}`,
    fix: 'Wait for the orders table and its replicas to be ACTIVE (DynamoDB console), then re-run.',
    async run() {
      const table = await describeTable(clients(topology[role].region), topology[role].ordersTable);
      return {
        status: table.healthy ? 'pass' : 'fail',
        evidence: `${topology[role].ordersTable} ${table.status}${table.replicas.length ? `; replicas ${table.replicas.map((r) => `${r.region}:${r.status}`).join(', ')}` : ''}`,
      };
    },
  });
  return [
    {
      check: 'secondary-is-writer',
      fix: 'There was no failover to return from (the secondary still replicates); nothing to fail back.',
      async run() {
        const db = await secondaryDb();
        return {
          status: db && !db.sourceArn && db.status === 'available' ? 'pass' : 'fail',
          evidence: !db
            ? `${topology.secondary.dbIdentifier} not found`
            : db.sourceArn
              ? `${db.identifier} is still a replica of ${db.sourceArn}: there was no failover`
              : `${db.identifier} is a standalone ${db.status} instance`,
        };
      },
    },
    {
      // The new primary is created as a replica of this instance; RDS refuses that while RDS manages its master password.
      check: 'secondary-password-not-rds-managed',
      fix: `Turn RDS-managed passwords off on ${topology.secondary.dbIdentifier}, setting the password held in ${topology.secondary.dbSecretArn ?? "the data stack's master secret"} (ModifyDBInstance --no-manage-master-user-password --master-user-password …), then re-run.`,
      async run() {
        const db = await secondaryDb();
        if (!db) return { status: 'fail', evidence: `${topology.secondary.dbIdentifier} not found` };
        return db.managedSecretArn
          ? {
              status: 'fail',
              evidence: `${db.identifier} manages its master password in Secrets Manager (${db.managedSecretArn}): RDS cannot create a read replica of it`,
            }
          : { status: 'pass', evidence: `${db.identifier} uses the data stack's master secret` };
      },
    },
    stacksCompleteCheck(topology, 're-run'),
    {
      // A failover run that did not finish must be finished (or abandoned) first: the two would fight over the same things.
      check: 'no-failover-in-progress',
      fix: 'Resume the failover with drctl failover first (or move its state file aside to abandon it).',
      async run() {
        const failover = await new FileStateStore(deps.root, topology.environment, 'failover').load();
        return failover && failover.status !== 'completed'
          ? { status: 'fail', evidence: `failover run ${failover.runId} is ${failover.status}` }
          : { status: 'pass', evidence: 'none' };
      },
    },
    globalTable('primary'),
    globalTable('secondary'),
  ];
}

/** Waits until the replica's ReplicaLag is 0 in a datapoint newer than `since` (so it covers writes made up to then). */
async function waitZeroLag(
  deps: RunbookDeps,
  region: string,
  dbId: string,
  since: number,
  helpers: StepHelpers,
  to: RunbookTimeouts,
): Promise<{ seconds: number; at: number }> {
  const cloudwatch = deps.clients(region);
  return waitFor(
    deps.clock,
    {
      what: `ReplicaLag 0 on ${dbId}`,
      timeoutMs: to.lagMs,
      intervalMs: to.pollMs,
      code: 'E_LAG_TIMEOUT',
      fix: 'Check replication on the new replica (RDS events, ReplicaLag); re-run to keep waiting.',
      signal: deps.signal,
      onPending: (ms) => helpers.progress(`waiting for ReplicaLag 0 on ${dbId} (${Math.round(ms / 1000)} s)`),
    },
    async () => {
      const lag = await latestReplicaLag(cloudwatch, dbId, deps.clock.now());
      return lag && lag.at > since && lag.seconds === 0 ? lag : undefined;
    },
  );
}

function placement(db: DbInstanceView | undefined): {
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
  const { topology, clients, clock, signal } = deps;
  const primary = () => clients(topology.primary.region);
  const secondary = () => clients(topology.secondary.region);
  const route53 = () => clients(topology.global.region);
  const wait = (timeoutMs: number): WaitSettings => ({ clock, timeoutMs, pollMs: to.pollMs, signal });
  /**
   * Makes the target region's database (its original identifier, its old placement) a cross-region replica of the
   * source region's and waits until it is available. The source must exist: it holds the writes.
   */
  const replicate = async (
    helpers: StepHelpers,
    sourceRole: 'primary' | 'secondary',
    targetRole: 'primary' | 'secondary',
    placementFact: string,
    missingFix: string,
  ) => {
    const source = await describeDbInstance(clients(topology[sourceRole].region), topology[sourceRole].dbIdentifier);
    if (!source)
      throw new DrError({
        code: 'E_DB_MISSING',
        kind: 'conflict',
        message: `${topology[sourceRole].dbIdentifier} not found in ${topology[sourceRole].region}`,
        fix: missingFix,
      });
    const replica = await ensureCrossRegionReplica(
      clients(topology[targetRole].region),
      {
        id: topology[targetRole].dbIdentifier,
        sourceArn: source.arn,
        kmsKeyArn: topology[targetRole].kmsKeyArn,
        ...(helpers.state.facts[placementFact] as object),
      },
      helpers,
      wait(to.replicaCreateMs),
    );
    return {
      replica: replica.identifier,
      source: source.arn,
      created: replica.created,
      kmsKeyId: topology[targetRole].kmsKeyArn,
    };
  };
  const flag = async (aws: ServiceClients<'ssm'>, name: string, value: string) =>
    (await putParameter(aws, name, value)).previous ?? null;
  const bothFlags = async (value: string) => ({
    primary: await flag(primary(), topology.primary.maintenanceParameter, value),
    secondary: await flag(secondary(), topology.secondary.maintenanceParameter, value),
  });
  return [
    {
      id: 'check-global-table',
      title: 'confirm the DynamoDB global table is ACTIVE in both regions',
      async run() {
        const detail: Record<string, unknown> = {};
        for (const role of ['primary', 'secondary'] as const) {
          const table = await describeTable(clients(topology[role].region), topology[role].ordersTable);
          if (!table.healthy)
            throw new DrError({
              code: 'E_GLOBAL_TABLE_UNHEALTHY',
              kind: 'findings',
              message: `${topology[role].ordersTable} in ${topology[role].region} is ${table.status}`,
              fix: 'Wait for the table and its replicas to be ACTIVE, then re-run.',
            });
          detail[role] = table.status;
        }
        return { status: 'done', detail };
      },
    },
    {
      id: 'enable-reverse-s3-replication',
      title: `enable S3 replication ${topology.secondary.assetsBucket} → ${topology.primary.assetsBucket}`,
      async run() {
        const r = await enableReplicationRule(
          secondary(),
          topology.secondary.assetsBucket,
          topology.primary.assetsBucket,
        );
        return {
          status: r.wasEnabled ? 'skipped' : 'done',
          note: r.wasEnabled ? 'already enabled' : undefined,
          detail: r,
        };
      },
    },
    {
      id: 'retire-old-primary',
      title: `retire the stale ${topology.primary.dbIdentifier} in ${topology.primary.region} (final snapshot kept)`,
      async run(helpers) {
        const current = await describeDbInstance(primary(), topology.primary.dbIdentifier);
        const secondaryArn = (await describeDbInstance(secondary(), topology.secondary.dbIdentifier))?.arn;
        if (current?.sourceArn && current.sourceArn === secondaryArn)
          return { status: 'skipped', note: 'already a replica of the secondary' };
        if (current && helpers.state.facts.oldPrimaryPlacement === undefined) {
          helpers.state.facts.oldPrimaryPlacement = placement(current);
          helpers.state.facts.oldPrimaryEndpoint = current.endpoint ?? null;
          await helpers.checkpoint();
        }
        const snapshot = `${topology.primary.dbIdentifier}-pre-failback-${helpers.state.runId}`.slice(0, 255);
        const r = await retireInstance(primary(), topology.primary.dbIdentifier, snapshot, helpers, wait(to.deleteMs));
        if (r.deleted) helpers.state.facts.oldPrimarySnapshot = snapshot;
        return {
          status: r.deleted ? 'done' : 'skipped',
          note: r.deleted ? undefined : 'no instance to retire',
          detail: { finalSnapshot: r.deleted ? snapshot : null },
        };
      },
    },
    {
      id: 'create-primary-replica',
      title: `create ${topology.primary.dbIdentifier} in ${topology.primary.region} as a replica of the promoted secondary`,
      async run(helpers) {
        const detail = await replicate(
          helpers,
          'secondary',
          'primary',
          'oldPrimaryPlacement',
          'The promoted secondary is the only copy of recent writes: investigate before going on.',
        );
        helpers.state.facts.replicaReadyAt = clock.now();
        return { status: 'done', detail };
      },
    },
    {
      id: 'wait-in-sync',
      title: 'wait for the new primary replica to catch up (ReplicaLag 0)',
      async run(helpers) {
        const lag = await waitZeroLag(
          deps,
          topology.primary.region,
          topology.primary.dbIdentifier,
          Number(helpers.state.facts.replicaReadyAt ?? 0),
          helpers,
          to,
        );
        return { status: 'done', detail: { replicaLagSeconds: lag.seconds, at: new Date(lag.at).toISOString() } };
      },
    },
    {
      id: 'stop-writes',
      title: 'stop writes: maintenance flag on in both regions',
      async run(helpers) {
        const previous = await bothFlags('on');
        // Writes have stopped once every gateway's fence bound has passed, not when the flag is set.
        const fence = writeFenceForRegions(deps.config.parameters, ['primary', 'secondary']);
        helpers.progress(`waiting ${fence.ms / 1000} s for the gateways' write fence (${fence.formula})`, {
          writeFenceMs: fence.ms,
        });
        await clock.sleep(fence.ms);
        helpers.state.facts.writesStoppedAt = clock.now();
        return { status: 'done', detail: { previous, writeFenceMs: fence.ms } };
      },
    },
    {
      id: 'drain',
      title: 'wait until the last writes have replicated (ReplicaLag 0 after writes stopped)',
      async run(helpers) {
        const lag = await waitZeroLag(
          deps,
          topology.primary.region,
          topology.primary.dbIdentifier,
          Number(helpers.state.facts.writesStoppedAt),
          helpers,
          to,
        );
        return { status: 'done', detail: { replicaLagSeconds: lag.seconds, at: new Date(lag.at).toISOString() } };
      },
    },
    {
      id: 'promote-primary',
      title: `promote ${topology.primary.dbIdentifier} in ${topology.primary.region}`,
      async run(helpers) {
        const r = await promoteReplica(primary(), topology.primary.dbIdentifier, helpers, wait(to.promotionMs));
        helpers.state.facts.writerEndpoint = r.endpoint;
        return { status: 'done', detail: { endpoint: r.endpoint, arn: r.arn, alreadyPromoted: r.alreadyPromoted } };
      },
    },
    {
      id: 'update-writer-endpoints',
      title: 'point both regions’ writer endpoint parameters at the primary',
      async run(helpers) {
        let endpoint = helpers.state.facts.writerEndpoint as string | undefined;
        if (!endpoint) {
          const db = await describeDbInstance(primary(), topology.primary.dbIdentifier);
          if (!db?.endpoint)
            throw new DrError({
              code: 'E_WRITER_ENDPOINT_UNKNOWN',
              kind: 'aws',
              message: `${topology.primary.dbIdentifier} reports no endpoint`,
              fix: 'Wait until the instance is available and re-run.',
            });
          endpoint = db.endpoint;
        }
        const onPrimary = await setWriterEndpoint(primary(), topology.primary.writerEndpointParameter, endpoint);
        const onSecondary = await setWriterEndpoint(secondary(), topology.secondary.writerEndpointParameter, endpoint);
        return { status: 'done', detail: { endpoint, primary: onPrimary.detail, secondary: onSecondary.detail } };
      },
    },
    {
      id: 'restore-health-check',
      title: 'restore the primary Route 53 health check (not inverted)',
      async run() {
        const { changed: was } = await trafficEntry(topology.global, route53).restorePrimary();
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
      async run(helpers) {
        const previous = await bothFlags('off');
        const hc = await waitFor(
          clock,
          {
            what: 'Route 53 to see the primary healthy',
            timeoutMs: to.healthMs,
            intervalMs: Math.min(to.pollMs, 10_000),
            code: 'E_PRIMARY_HEALTH_TIMEOUT',
            fix: 'Check the primary /health answer (drctl status); re-run to keep waiting.',
            signal,
            onPending: (ms) => helpers.progress(`waiting for the primary health check (${Math.round(ms / 1000)} s)`),
          },
          async () => {
            const observed = await healthCheckObservedHealthy(route53(), topology.global.primaryHealthCheckId);
            return observed.healthy ? observed : undefined;
          },
        );
        return { status: 'done', detail: { previous, checkersReportingSuccess: `${hc.success}/${hc.total}` } };
      },
    },
    {
      id: 'restore-standby-capacity',
      title: `return ${topology.secondary.asgName} to warm-standby size`,
      async run() {
        if (topology.secondary.desiredCapacity === undefined)
          return { status: 'skipped', note: 'compute stack has no DesiredCapacity parameter' };
        const r = await setDesiredCapacity(secondary(), topology.secondary.asgName, topology.secondary.desiredCapacity);
        return { status: 'done', detail: { before: r.before.desired, desired: topology.secondary.desiredCapacity } };
      },
    },
    {
      id: 'retire-old-secondary',
      title: `retire the former writer ${topology.secondary.dbIdentifier} in ${topology.secondary.region} (final snapshot kept)`,
      async run(helpers) {
        const current = await describeDbInstance(secondary(), topology.secondary.dbIdentifier);
        const primaryArn = (await describeDbInstance(primary(), topology.primary.dbIdentifier))?.arn;
        if (current?.sourceArn && current.sourceArn === primaryArn)
          return { status: 'skipped', note: 'already a replica of the primary' };
        if (current && helpers.state.facts.oldSecondaryPlacement === undefined) {
          helpers.state.facts.oldSecondaryPlacement = placement(current);
          await helpers.checkpoint();
        }
        const snapshot = `${topology.secondary.dbIdentifier}-pre-failback-${helpers.state.runId}`.slice(0, 255);
        const r = await retireInstance(
          secondary(),
          topology.secondary.dbIdentifier,
          snapshot,
          helpers,
          wait(to.deleteMs),
        );
        if (r.deleted) helpers.state.facts.oldSecondarySnapshot = snapshot;
        return { status: r.deleted ? 'done' : 'skipped', detail: { finalSnapshot: r.deleted ? snapshot : null } };
      },
    },
    {
      id: 'recreate-secondary-replica',
      title: `re-create ${topology.secondary.dbIdentifier} in ${topology.secondary.region} as a replica of the primary`,
      async run(helpers) {
        const detail = await replicate(
          helpers,
          'primary',
          'secondary',
          'oldSecondaryPlacement',
          'Investigate the primary instance before going on.',
        );
        return { status: 'done', detail };
      },
    },
    {
      id: 're-arm-controller',
      title: `re-arm the failover controller in ${topology.secondary.region} (its state still says "promoted")`,
      async run() {
        const table = topology.secondary.controllerStateTable;
        if (!table) return { status: 'skipped', note: 'no failover stack in the secondary region' };
        const store = dynamoStateStore(secondary(), table);
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
      async run(helpers) {
        const snapshots = [helpers.state.facts.oldPrimarySnapshot, helpers.state.facts.oldSecondarySnapshot].filter(
          Boolean,
        );
        const record = {
          at: clock.now(),
          region: topology.primary.region,
          role: 'primary',
          event: 'operator-failback',
          environment: topology.environment,
          runId: helpers.state.runId,
          writerEndpoint: helpers.state.facts.writerEndpoint,
          finalSnapshots: snapshots,
          steps: helpers.state.steps.map((s) => ({ id: s.id, status: s.status, durationMs: s.durationMs ?? null })),
        };
        const sent = await notify(
          primary(),
          topology.primary.alertTopicArn,
          `[${topology.environment}] failback to ${topology.primary.region} completed`,
          record,
        );
        const audited = await writeAudit(deps, topology.primary, record);
        return { status: 'done', detail: { notify: sent.detail, audit: audited, finalSnapshots: snapshots } };
      },
    },
  ];
}

/** Runs (or resumes) the failback runbook; returns the final state. */
export async function runFailback(deps: RunbookDeps, opts: RunbookOptions): Promise<RunbookState> {
  const topology = deps.topology;
  return startOrResume(deps, {
    runbook: 'failback',
    steps: failbackSteps(deps, { ...DEFAULT_TIMEOUTS, ...opts.timeouts }),
    prechecks: () => failbackPrechecks(deps),
    question: `Fail back ${topology.environment} to ${topology.primary.region}? Writes stop briefly; ${topology.primary.dbIdentifier} and later ${topology.secondary.dbIdentifier} are rebuilt (final snapshots kept).`,
    // Failback has no check --force may override: it must lose nothing.
    overrides: { yes: opts.yes, force: false, acceptUnchecked: Boolean(opts.acceptUnchecked) },
  });
}
