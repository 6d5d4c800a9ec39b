// The failover steps, each idempotent and safe to repeat: the controller (Lambda) and the operator commands
// (drctl failover / failback) run the same functions with clients of the region being promoted.
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, type RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DrError } from '../errors.js';

export type StepName = 'promote-database' | 'raise-capacity' | 'update-writer-endpoint' | 'notify';
/** Order in which a promotion runs; later steps that need a writer wait for `promote-database` to be done. */
export const PROMOTION_STEPS: readonly StepName[] = [
  'promote-database',
  'raise-capacity',
  'update-writer-endpoint',
  'notify',
];

export interface StepOutcome {
  step: StepName;
  /** `done`: this call changed something; `already-done`: nothing to do; `in-progress`: started earlier, not finished. */
  status: 'done' | 'already-done' | 'in-progress';
  detail: string;
}

export interface DatabaseView {
  identifier: string;
  status: string;
  /** Source ARN (or identifier) while the instance is a read replica. */
  sourceArn: string | undefined;
  isReplica: boolean;
  endpoint: string | undefined;
  port: number | undefined;
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

export function awsError(operation: string, err: unknown, fix: string): DrError {
  const name = (err as { name?: string }).name ?? 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return new DrError({
    code: 'E_AWS_CALL',
    kind: 'aws',
    message: `${operation} failed: ${name}: ${message}`,
    fix,
    cause: err,
  });
}

export async function describeDatabase(rds: RDSClient, identifier: string): Promise<DatabaseView> {
  let out;
  try {
    out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  } catch (err) {
    throw awsError(
      'rds:DescribeDBInstances',
      err,
      `Check that DB instance ${identifier} exists in this region and that the caller may describe it.`,
    );
  }
  const db = out.DBInstances?.[0];
  if (!db)
    throw new DrError({
      code: 'E_DB_NOT_FOUND',
      kind: 'aws',
      message: `DB instance ${identifier} not found`,
      fix: 'Check the data stack outputs (DatabaseIdentifier).',
    });
  const sourceArn = db.ReadReplicaSourceDBInstanceIdentifier || undefined;
  return {
    identifier,
    status: db.DBInstanceStatus ?? 'unknown',
    sourceArn,
    isReplica: Boolean(sourceArn),
    endpoint: db.Endpoint?.Address,
    port: db.Endpoint?.Port,
  };
}

/**
 * Promotes the replica unless it already is (or is becoming) a standalone writer. A replica that is
 * `available` is promoted; one that is mid-change is reported in progress; any other state blocks.
 */
export async function promoteDatabase(rds: RDSClient, identifier: string): Promise<StepOutcome> {
  const db = await describeDatabase(rds, identifier);
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
  try {
    await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: identifier }));
  } catch (err) {
    // Someone else promoted between our describe and our call: the service says the state is invalid.
    if ((err as { name?: string }).name === 'InvalidDBInstanceStateFault') {
      const again = await describeDatabase(rds, identifier);
      if (!again.isReplica || TRANSITIONAL.has(again.status))
        return {
          step: 'promote-database',
          status: 'in-progress',
          detail: `${identifier} is already being promoted (${again.status})`,
        };
    }
    throw awsError(
      'rds:PromoteReadReplica',
      err,
      `Check the replica ${identifier} in the RDS console; promotion can be retried once it is available.`,
    );
  }
  return { step: 'promote-database', status: 'in-progress', detail: `promotion of ${identifier} started` };
}

/** True once the instance is a standalone writer that accepts connections. */
export async function isPromoted(rds: RDSClient, identifier: string): Promise<boolean> {
  const db = await describeDatabase(rds, identifier);
  return !db.isReplica && db.status === 'available';
}

/** Raises the group to at least `capacity` (min and desired), lifting max when needed; never lowers it. */
export async function raiseCapacity(asg: AutoScalingClient, groupName: string, capacity: number): Promise<StepOutcome> {
  let group;
  try {
    group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })))
      .AutoScalingGroups?.[0];
  } catch (err) {
    throw awsError(
      'autoscaling:DescribeAutoScalingGroups',
      err,
      `Check that the group ${groupName} exists in this region.`,
    );
  }
  if (!group)
    throw new DrError({
      code: 'E_ASG_NOT_FOUND',
      kind: 'aws',
      message: `Auto Scaling group ${groupName} not found`,
      fix: 'Check the compute stack outputs (AutoScalingGroupName).',
    });
  const min = group.MinSize ?? 0;
  const desired = group.DesiredCapacity ?? 0;
  const max = group.MaxSize ?? 0;
  if (min >= capacity && desired >= capacity)
    return {
      step: 'raise-capacity',
      status: 'already-done',
      detail: `${groupName} already at min ${min}, desired ${desired}`,
    };
  try {
    await asg.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: groupName,
        MinSize: Math.max(min, capacity),
        DesiredCapacity: Math.max(desired, capacity),
        MaxSize: Math.max(max, capacity),
      }),
    );
  } catch (err) {
    throw awsError(
      'autoscaling:UpdateAutoScalingGroup',
      err,
      `Raise ${groupName} by hand to ${capacity} instances and check the account's EC2 limits.`,
    );
  }
  return {
    step: 'raise-capacity',
    status: 'done',
    detail: `${groupName} raised from min ${min}/desired ${desired} to ${capacity}`,
  };
}

/** Sets a String parameter to `value` unless it already holds it; returns the previous value. */
export async function putParameterValue(
  ssm: SSMClient,
  parameterName: string,
  value: string,
): Promise<{ changed: boolean; previous: string | undefined }> {
  let current: string | undefined;
  try {
    current = (await ssm.send(new GetParameterCommand({ Name: parameterName }))).Parameter?.Value;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ParameterNotFound')
      throw awsError('ssm:GetParameter', err, `Check that ${parameterName} is readable.`);
  }
  if (current === value) return { changed: false, previous: current };
  try {
    await ssm.send(new PutParameterCommand({ Name: parameterName, Value: value, Type: 'String', Overwrite: true }));
  } catch (err) {
    throw awsError('ssm:PutParameter', err, `Set ${parameterName} to ${value} by hand.`);
  }
  return { changed: true, previous: current };
}

/** Writes the writer endpoint (the data layer's parameter holds the host name) unless it already holds that value. */
export async function setWriterEndpoint(ssm: SSMClient, parameterName: string, endpoint: string): Promise<StepOutcome> {
  const r = await putParameterValue(ssm, parameterName, endpoint);
  if (!r.changed)
    return { step: 'update-writer-endpoint', status: 'already-done', detail: `${parameterName} already ${endpoint}` };
  return {
    step: 'update-writer-endpoint',
    status: 'done',
    detail: `${parameterName}: ${r.previous ?? '(unset)'} → ${endpoint}`,
  };
}

/** Publishes to the alert topic; SNS subjects are limited to 100 printable ASCII characters. */
export async function notify(sns: SNSClient, topicArn: string, subject: string, body: unknown): Promise<StepOutcome> {
  const safeSubject = subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  try {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: safeSubject,
        Message: typeof body === 'string' ? body : JSON.stringify(body, null, 2),
      }),
    );
  } catch (err) {
    throw awsError('sns:Publish', err, `Check that the topic ${topicArn} exists in this region.`);
  }
  return { step: 'notify', status: 'done', detail: `published "${safeSubject}"` };
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
