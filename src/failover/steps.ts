// The promotion steps, each idempotent and safe to repeat: the controller (Lambda) and the operator runbooks
// (drctl failover / failback) run the same functions with clients of the region being promoted. The AWS calls
// themselves are the service modules'; what is here is what a step decides.
import type { ServiceClients } from '../aws/clients.js';
import { raiseCapacity as raiseGroupCapacity } from '../aws/services/autoscaling.js';
import { describeDbInstance, promoteReadReplica, type DbInstanceView } from '../aws/services/rds.js';
import { publish } from '../aws/services/sns.js';
import { putParameter } from '../aws/services/ssm.js';
import { DrError } from '../errors.js';

export type StepName = 'promote-database' | 'raise-capacity' | 'update-writer-endpoint' | 'notify';
/** Order in which a promotion runs; later steps that need a writer wait for `promote-database` to be done. */
export const PROMOTION_STEPS: readonly StepName[] = [
  'promote-database',
  'raise-capacity',
  'update-writer-endpoint',
  'notify',
];

export interface PromotionStepOutcome {
  step: StepName;
  /** `done`: this call changed something; `already-done`: nothing to do; `in-progress`: started earlier, not finished. */
  status: 'done' | 'already-done' | 'in-progress';
  detail: string;
}

/** Statuses in which a replica is busy changing (a promotion in flight shows `modifying`, then `rebooting`). */
const TRANSITIONAL = new Set([
  'modifying',
  'rebooting',
  'backing-up',
  'configuring-enhanced-monitoring',
  'upgrading',
  'renaming',
  'starting',
]);

/** The instance, which must exist. */
export async function requireDatabase(aws: ServiceClients<'rds'>, identifier: string): Promise<DbInstanceView> {
  const db = await describeDbInstance(aws, identifier);
  if (!db)
    throw new DrError({
      code: 'E_DB_NOT_FOUND',
      kind: 'conflict',
      message: `DB instance ${identifier} not found in ${aws.region}`,
      fix: 'Check the data stack outputs (DatabaseIdentifier).',
    });
  return db;
}

/**
 * Promotes the replica unless it already is (or is becoming) a standalone writer. A replica that is
 * `available` is promoted; one that is mid-change is reported in progress; any other state blocks.
 */
export async function promoteDatabase(aws: ServiceClients<'rds'>, identifier: string): Promise<PromotionStepOutcome> {
  const db = await requireDatabase(aws, identifier);
  if (!db.isReplica) {
    return db.status === 'available'
      ? { step: 'promote-database', status: 'already-done', detail: `${identifier} is a standalone writer` }
      : {
          step: 'promote-database',
          status: 'in-progress',
          detail: `${identifier} is no longer a replica, status ${db.status}`,
        };
  }
  if (TRANSITIONAL.has(db.status))
    return { step: 'promote-database', status: 'in-progress', detail: `${identifier} is ${db.status}` };
  if (db.status !== 'available') {
    throw new DrError({
      code: 'E_PROMOTE_BLOCKED',
      kind: 'conflict',
      message: `replica ${identifier} cannot be promoted in status ${db.status}`,
      fix: 'Wait for the replica to become available (RDS refuses promotion while it is backing up or impaired), then run again.',
    });
  }
  if ((await promoteReadReplica(aws, identifier)) === 'state-changed') {
    const again = await requireDatabase(aws, identifier);
    if (!again.isReplica || TRANSITIONAL.has(again.status))
      return {
        step: 'promote-database',
        status: 'in-progress',
        detail: `${identifier} is already being promoted (${again.status})`,
      };
    throw new DrError({
      code: 'E_PROMOTE_BLOCKED',
      kind: 'conflict',
      message: `RDS refused to promote ${identifier} (InvalidDBInstanceStateFault) while it reports ${again.status}`,
      fix: `Check the replica ${identifier} in the RDS console; promotion can be retried once it is available.`,
    });
  }
  return { step: 'promote-database', status: 'in-progress', detail: `promotion of ${identifier} started` };
}

/** True once the instance is a standalone writer that accepts connections. */
export async function isPromoted(aws: ServiceClients<'rds'>, identifier: string): Promise<boolean> {
  const db = await requireDatabase(aws, identifier);
  return !db.isReplica && db.status === 'available';
}

/** Raises the group to at least `capacity` (min and desired), lifting max when needed; never lowers it. */
export async function raiseCapacity(
  aws: ServiceClients<'autoscaling'>,
  groupName: string,
  capacity: number,
): Promise<PromotionStepOutcome> {
  const { changed, before } = await raiseGroupCapacity(aws, groupName, capacity);
  return changed
    ? {
        step: 'raise-capacity',
        status: 'done',
        detail: `${groupName} raised from min ${before.min}/desired ${before.desired} to ${capacity}`,
      }
    : {
        step: 'raise-capacity',
        status: 'already-done',
        detail: `${groupName} already at min ${before.min}, desired ${before.desired}`,
      };
}

/** Writes the writer endpoint (the data layer's parameter holds the host name) unless it already holds that value. */
export async function setWriterEndpoint(
  aws: ServiceClients<'ssm'>,
  parameterName: string,
  endpoint: string,
): Promise<PromotionStepOutcome> {
  const r = await putParameter(aws, parameterName, endpoint);
  if (!r.changed)
    return { step: 'update-writer-endpoint', status: 'already-done', detail: `${parameterName} already ${endpoint}` };
  return {
    step: 'update-writer-endpoint',
    status: 'done',
    detail: `${parameterName}: ${r.previous ?? '(unset)'} → ${endpoint}`,
  };
}

/** Publishes to the alert topic. */
export async function notify(
  aws: ServiceClients<'sns'>,
  topicArn: string,
  subject: string,
  body: unknown,
): Promise<PromotionStepOutcome> {
  const sent = await publish(aws, topicArn, subject, body);
  return { step: 'notify', status: 'done', detail: `published "${sent}"` };
}

/** One structured audit line: what was decided or done, when, where, and why. */
export function auditLine(record: {
  at: number;
  region: string;
  role: string;
  event: string;
  reason?: string;
  [k: string]: unknown;
}): string {
  return JSON.stringify({ audit: 'failover', ...record, at: new Date(record.at).toISOString() });
}
