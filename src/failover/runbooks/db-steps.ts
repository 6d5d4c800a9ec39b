// RDS steps shared by failover and failback: promote a replica (with the controller's step, src/failover/steps.ts), retire an instance (final snapshot kept),
// create a cross-region replica. Each inspects the instance first, so a resumed run does not repeat a call.
import { CreateDBInstanceReadReplicaCommand, DeleteDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import { DrError } from '../../errors.js';
import { awsError, describeDb, type DbView } from './aws-ops.js';
import { waitFor, type Clock } from './clock.js';
import type { StepHelpers } from './runner.js';
import { describeDatabase, isPromoted, promoteDatabase } from '../steps.js';

/** Promotes a replica (the controller's idempotent step) and waits until it is a standalone, available writer. */
export async function promoteReplica(
  rds: RDSClient,
  id: string,
  clock: Clock,
  h: StepHelpers,
  timeoutMs: number,
  pollMs: number,
): Promise<{ alreadyPromoted: boolean; endpoint: string; arn: string }> {
  const outcome = await promoteDatabase(rds, id);
  h.progress(outcome.detail, { outcome: outcome.status });
  await waitFor(
    clock,
    {
      what: `${id} to become a standalone, available instance`,
      timeoutMs,
      intervalMs: pollMs,
      code: 'E_PROMOTION_TIMEOUT',
      onPending: (ms) => h.progress(`waiting for ${id} (${Math.round(ms / 1000)} s)`),
    },
    async () => ((await isPromoted(rds, id)) ? true : undefined),
  );
  const db = await describeDatabase(rds, id);
  const arn = (await describeDb(rds, id))?.arn ?? '';
  if (!db.endpoint)
    throw new DrError({
      code: 'E_DB_NO_ENDPOINT',
      kind: 'aws',
      message: `${id} reports no endpoint`,
      fix: 'Wait until the instance is available and re-run.',
    });
  // The writer endpoint parameter holds the host name, as the controller writes it.
  return { alreadyPromoted: outcome.status === 'already-done', endpoint: db.endpoint, arn };
}

/** Deletes an instance, keeping a final snapshot (nothing it held is lost); waits until it is gone. */
export async function retireInstance(
  rds: RDSClient,
  id: string,
  snapshotId: string,
  clock: Clock,
  h: StepHelpers,
  timeoutMs: number,
  pollMs: number,
): Promise<{ deleted: boolean }> {
  const db = await describeDb(rds, id);
  if (!db) return { deleted: false };
  if (db.status !== 'deleting') {
    try {
      await rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: id,
          SkipFinalSnapshot: false,
          FinalDBSnapshotIdentifier: snapshotId,
          DeleteAutomatedBackups: false,
        }),
      );
    } catch (err) {
      throw awsError(
        'E_AWS_RDS_DELETE',
        `DeleteDBInstance ${id}`,
        err,
        'If deletion protection is on, turn it off for this instance (ModifyDBInstance) and re-run.',
      );
    }
    h.progress(`deleting ${id}; final snapshot ${snapshotId}`);
  }
  await waitFor(
    clock,
    {
      what: `${id} to be deleted`,
      timeoutMs,
      intervalMs: pollMs,
      code: 'E_DELETE_TIMEOUT',
      onPending: (ms) => h.progress(`waiting for ${id} to be deleted (${Math.round(ms / 1000)} s)`),
    },
    async () => ((await describeDb(rds, id)) ? undefined : true),
  );
  return { deleted: true };
}

export interface ReplicaSpec {
  id: string;
  sourceArn: string;
  kmsKeyArn: string;
  /** Placement copied from the instance the replica replaces. */
  subnetGroup?: string;
  securityGroupIds?: string[];
  instanceClass?: string;
}

/** Creates (or finds) a cross-region read replica of `sourceArn` and waits until it is available. */
export async function ensureCrossRegionReplica(
  rds: RDSClient,
  spec: ReplicaSpec,
  clock: Clock,
  h: StepHelpers,
  timeoutMs: number,
  pollMs: number,
): Promise<DbView & { created: boolean }> {
  const existing = await describeDb(rds, spec.id);
  if (existing && existing.sourceArn !== spec.sourceArn) {
    throw new DrError({
      code: 'E_DB_CONFLICT',
      kind: 'conflict',
      message: `DB instance ${spec.id} exists and is not a replica of ${spec.sourceArn}`,
      fix: 'Retire that instance first (the previous step does this); inspect it with drctl status.',
    });
  }
  if (!existing) {
    try {
      await rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: spec.id,
          // A cross-region source must be named by ARN; the key must live in the replica's region. Commercial
          // regions need no PreSignedUrl (only GovCloud and China do).
          SourceDBInstanceIdentifier: spec.sourceArn,
          KmsKeyId: spec.kmsKeyArn,
          ...(spec.subnetGroup ? { DBSubnetGroupName: spec.subnetGroup } : {}),
          ...(spec.securityGroupIds?.length ? { VpcSecurityGroupIds: spec.securityGroupIds } : {}),
          ...(spec.instanceClass ? { DBInstanceClass: spec.instanceClass } : {}),
        }),
      );
    } catch (err) {
      throw awsError('E_AWS_RDS_CREATE_REPLICA', `CreateDBInstanceReadReplica ${spec.id}`, err);
    }
    h.progress(`creating replica ${spec.id} of ${spec.sourceArn}`);
  }
  const ready = await waitFor(
    clock,
    {
      what: `replica ${spec.id} to become available`,
      timeoutMs,
      intervalMs: pollMs,
      code: 'E_REPLICA_CREATE_TIMEOUT',
      onPending: (ms) => h.progress(`waiting for replica ${spec.id} (${Math.round(ms / 1000)} s)`),
    },
    async () => {
      const d = await describeDb(rds, spec.id);
      return d && d.status === 'available' ? d : undefined;
    },
  );
  return { ...ready, created: !existing };
}
