// RDS steps shared by failover and failback: promote a replica (with the controller's step, src/failover/steps.ts),
// retire an instance (final snapshot kept), create a cross-region replica. Each inspects the instance first, so a
// resumed run does not repeat a call.
import type { ServiceClients } from '../../aws/clients.js';
import {
  createCrossRegionReplica,
  deleteDbInstanceWithSnapshot,
  describeDbInstance,
  type DbInstanceView,
  type ReplicaSpec,
} from '../../aws/services/rds.js';
import type { Clock } from '../../clock.js';
import { DrError } from '../../errors.js';
import { waitFor } from '../../operator/wait.js';
import { isPromoted, promoteDatabase, requireDatabase } from '../steps.js';
import type { StepHelpers } from './runner.js';

type Rds = ServiceClients<'rds'>;

export interface WaitSettings {
  clock: Clock;
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** Promotes a replica (the controller's idempotent step) and waits until it is a standalone, available writer. */
export async function promoteReplica(
  aws: Rds,
  identifier: string,
  helpers: StepHelpers,
  wait: WaitSettings,
): Promise<{ alreadyPromoted: boolean; endpoint: string; arn: string }> {
  const outcome = await promoteDatabase(aws, identifier);
  helpers.progress(outcome.detail, { outcome: outcome.status });
  await waitFor(
    wait.clock,
    {
      what: `${identifier} to become a standalone, available instance`,
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.pollMs,
      code: 'E_PROMOTION_TIMEOUT',
      signal: wait.signal,
      onPending: (ms) => helpers.progress(`waiting for ${identifier} (${seconds(ms)} s)`),
    },
    async () => ((await isPromoted(aws, identifier)) ? true : undefined),
  );
  const db = await requireDatabase(aws, identifier);
  if (!db.endpoint)
    throw new DrError({
      code: 'E_DB_NO_ENDPOINT',
      kind: 'aws',
      message: `${identifier} reports no endpoint`,
      fix: 'Wait until the instance is available and re-run.',
    });
  // The writer endpoint parameter holds the host name, as the controller writes it.
  return { alreadyPromoted: outcome.status === 'already-done', endpoint: db.endpoint, arn: db.arn };
}

/** Deletes an instance, keeping a final snapshot (nothing it held is lost); waits until it is gone. */
export async function retireInstance(
  aws: Rds,
  identifier: string,
  snapshotId: string,
  helpers: StepHelpers,
  wait: WaitSettings,
): Promise<{ deleted: boolean }> {
  const db = await describeDbInstance(aws, identifier);
  if (!db) return { deleted: false };
  if (db.status !== 'deleting') {
    await deleteDbInstanceWithSnapshot(aws, identifier, snapshotId);
    helpers.progress(`deleting ${identifier}; final snapshot ${snapshotId}`);
  }
  await waitFor(
    wait.clock,
    {
      what: `${identifier} to be deleted`,
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.pollMs,
      code: 'E_DELETE_TIMEOUT',
      signal: wait.signal,
      onPending: (ms) => helpers.progress(`waiting for ${identifier} to be deleted (${seconds(ms)} s)`),
    },
    async () => ((await describeDbInstance(aws, identifier)) ? undefined : true),
  );
  return { deleted: true };
}

/** Creates (or finds) a cross-region read replica of `spec.sourceArn` and waits until it is available. */
export async function ensureCrossRegionReplica(
  aws: Rds,
  spec: ReplicaSpec,
  helpers: StepHelpers,
  wait: WaitSettings,
): Promise<DbInstanceView & { created: boolean }> {
  const existing = await describeDbInstance(aws, spec.id);
  if (existing && existing.sourceArn !== spec.sourceArn) {
    throw new DrError({
      code: 'E_DB_CONFLICT',
      kind: 'conflict',
      message: `DB instance ${spec.id} exists and is not a replica of ${spec.sourceArn}`,
      fix: 'Retire that instance first (the previous step does this); inspect it with drctl status.',
    });
  }
  if (!existing) {
    await createCrossRegionReplica(aws, spec);
    helpers.progress(`creating replica ${spec.id} of ${spec.sourceArn}`);
  }
  const ready = await waitFor(
    wait.clock,
    {
      what: `replica ${spec.id} to become available`,
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.pollMs,
      code: 'E_REPLICA_CREATE_TIMEOUT',
      signal: wait.signal,
      onPending: (ms) => helpers.progress(`waiting for replica ${spec.id} (${seconds(ms)} s)`),
    },
    async () => {
      const db = await describeDbInstance(aws, spec.id);
      return db && db.status === 'available' ? db : undefined;
    },
  );
  return { ...ready, created: !existing };
}
