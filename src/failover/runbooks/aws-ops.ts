// Small AWS operations the runbooks and the drill compose. Each reads current state before changing it, so a step
// that is re-run after an interruption does the right thing (idempotent by inspection, not by hope).
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { GetMetricStatisticsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  UpdateHealthCheckCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DrError } from '../../errors.js';

export function awsError(
  code: string,
  what: string,
  err: unknown,
  fix = 'Check credentials (--profile), permissions and the region; re-run to resume.',
): DrError {
  return new DrError({
    code,
    kind: 'aws',
    message: `${what} failed: ${err instanceof Error ? err.message : String(err)}`,
    fix,
    cause: err,
  });
}

// ---- RDS ----------------------------------------------------------------------------------------------------

export interface DbView {
  id: string;
  arn: string;
  status: string;
  /** ARN or identifier of the source when the instance is a read replica. */
  sourceArn: string | undefined;
  endpoint: string | undefined;
  port: number | undefined;
  replicaIds: string[];
  subnetGroup: string | undefined;
  instanceClass: string | undefined;
  securityGroupIds: string[];
  /** The RDS-managed master secret, if someone turned one on: RDS then refuses to create a read replica of it. */
  managedSecretArn: string | undefined;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return name === 'DBInstanceNotFoundFault' || name === 'DBInstanceNotFound';
}

export async function describeDb(rds: RDSClient, id: string): Promise<DbView | undefined> {
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    const d = out.DBInstances?.[0];
    if (!d) return undefined;
    return {
      id: d.DBInstanceIdentifier ?? id,
      arn: d.DBInstanceArn ?? '',
      status: d.DBInstanceStatus ?? 'unknown',
      sourceArn: d.ReadReplicaSourceDBInstanceIdentifier || undefined,
      endpoint: d.Endpoint?.Address,
      port: d.Endpoint?.Port,
      replicaIds: d.ReadReplicaDBInstanceIdentifiers ?? [],
      subnetGroup: d.DBSubnetGroup?.DBSubnetGroupName,
      instanceClass: d.DBInstanceClass,
      securityGroupIds: (d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
      managedSecretArn: d.MasterUserSecret?.SecretArn,
    };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw awsError('E_AWS_RDS', `DescribeDBInstances ${id}`, err);
  }
}

// ---- CloudWatch: RDS ReplicaLag -----------------------------------------------------------------------------

/** A replica's ReplicaLag datapoints (per-minute Maximum) over the last `windowMs`, oldest first. */
export async function replicaLagSeries(
  cw: CloudWatchClient,
  dbId: string,
  nowMs: number,
  windowMs = 30 * 60_000,
): Promise<{ at: number; seconds: number }[]> {
  let out;
  try {
    out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/RDS',
        MetricName: 'ReplicaLag',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: dbId }],
        StartTime: new Date(nowMs - windowMs),
        EndTime: new Date(nowMs + 1),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
  } catch (err) {
    throw awsError('E_AWS_CLOUDWATCH', `GetMetricStatistics ReplicaLag ${dbId}`, err);
  }
  return (out.Datapoints ?? [])
    .filter((p) => p.Timestamp && p.Maximum !== undefined)
    .map((p) => ({ at: (p.Timestamp as Date).getTime(), seconds: p.Maximum as number }))
    .sort((a, b) => a.at - b.at);
}

/** Latest ReplicaLag (seconds) of a replica over the last `windowMs`, or undefined when no datapoint exists. */
export async function latestReplicaLag(
  cw: CloudWatchClient,
  dbId: string,
  nowMs: number,
  windowMs = 10 * 60_000,
): Promise<{ seconds: number; at: number } | undefined> {
  return (await replicaLagSeries(cw, dbId, nowMs, windowMs)).at(-1);
}

// ---- SSM: maintenance flag, writer endpoint -------------------------------------------------------------------

export async function getParameter(ssm: SSMClient, name: string): Promise<string | undefined> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name }));
    return out.Parameter?.Value;
  } catch (err) {
    if ((err as { name?: string })?.name === 'ParameterNotFound') return undefined;
    throw awsError('E_AWS_SSM', `GetParameter ${name}`, err);
  }
}

/** Sets a String parameter; returns the previous value (undefined when it did not exist). */
export async function putParameter(ssm: SSMClient, name: string, value: string): Promise<string | undefined> {
  const previous = await getParameter(ssm, name);
  if (previous === value) return previous;
  try {
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  } catch (err) {
    throw awsError('E_AWS_SSM', `PutParameter ${name}`, err);
  }
  return previous;
}

// ---- Auto Scaling ---------------------------------------------------------------------------------------------

export interface AsgView {
  name: string;
  min: number;
  max: number;
  desired: number;
  inService: number;
}

export async function describeAsg(asg: AutoScalingClient, name: string): Promise<AsgView | undefined> {
  let out;
  try {
    out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  } catch (err) {
    throw awsError('E_AWS_AUTOSCALING', `DescribeAutoScalingGroups ${name}`, err);
  }
  const g = out.AutoScalingGroups?.[0];
  if (!g) return undefined;
  return {
    name,
    min: g.MinSize ?? 0,
    max: g.MaxSize ?? 0,
    desired: g.DesiredCapacity ?? 0,
    inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
  };
}

/** Sets the desired capacity, widening MaxSize when needed (the service rejects desired > max). */
export async function setAsgDesired(
  asg: AutoScalingClient,
  name: string,
  desired: number,
): Promise<{ before: AsgView; after: { min: number; max: number; desired: number } }> {
  const before = await describeAsg(asg, name);
  if (!before)
    throw new DrError({
      code: 'E_ASG_MISSING',
      kind: 'conflict',
      message: `Auto Scaling group ${name} does not exist`,
      fix: 'Deploy the compute stack (drctl deploy).',
    });
  const after = { min: Math.min(before.min, desired), max: Math.max(before.max, desired), desired };
  if (before.desired !== desired || before.max < desired || before.min > desired) {
    try {
      await asg.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MinSize: after.min,
          MaxSize: after.max,
          DesiredCapacity: desired,
        }),
      );
    } catch (err) {
      throw awsError('E_AWS_AUTOSCALING', `UpdateAutoScalingGroup ${name}`, err);
    }
  }
  return { before, after };
}

// ---- Route 53 health checks ---------------------------------------------------------------------------------

export async function healthCheckInverted(r53: Route53Client, id: string): Promise<boolean> {
  try {
    const out = await r53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
    return Boolean(out.HealthCheck?.HealthCheckConfig?.Inverted);
  } catch (err) {
    throw awsError('E_AWS_ROUTE53', `GetHealthCheck ${id}`, err);
  }
}

/** Sets `Inverted` (Route 53 then treats a healthy endpoint as unhealthy and vice versa); returns the previous value. */
export async function setHealthCheckInverted(r53: Route53Client, id: string, inverted: boolean): Promise<boolean> {
  const previous = await healthCheckInverted(r53, id);
  if (previous === inverted) return previous;
  try {
    await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: inverted }));
  } catch (err) {
    throw awsError('E_AWS_ROUTE53', `UpdateHealthCheck ${id} Inverted=${inverted}`, err);
  }
  return previous;
}

/**
 * What Route 53's checkers currently observe for the endpoint (before inversion): healthy when more than 18 % of
 * checkers report success, the threshold Route 53 itself applies.
 */
export async function healthCheckObservedHealthy(
  r53: Route53Client,
  id: string,
): Promise<{ healthy: boolean; success: number; total: number }> {
  let out;
  try {
    out = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
  } catch (err) {
    throw awsError('E_AWS_ROUTE53', `GetHealthCheckStatus ${id}`, err);
  }
  const obs = out.HealthCheckObservations ?? [];
  const success = obs.filter((o) => /^Success/i.test(o.StatusReport?.Status ?? '')).length;
  return { healthy: obs.length > 0 && success / obs.length > 0.18, success, total: obs.length };
}

// ---- DynamoDB global table ------------------------------------------------------------------------------------

/** The table is ACTIVE in this region and every replica it lists is ACTIVE. */
export async function globalTableHealth(
  ddb: DynamoDBClient,
  table: string,
): Promise<{ healthy: boolean; status: string; replicas: { region: string; status: string }[] }> {
  let out;
  try {
    out = await ddb.send(new DescribeTableCommand({ TableName: table }));
  } catch (err) {
    throw awsError('E_AWS_DYNAMODB', `DescribeTable ${table}`, err);
  }
  const status = out.Table?.TableStatus ?? 'UNKNOWN';
  const replicas = (out.Table?.Replicas ?? []).map((r) => ({
    region: r.RegionName ?? '',
    status: r.ReplicaStatus ?? 'UNKNOWN',
  }));
  return { healthy: status === 'ACTIVE' && replicas.every((r) => r.status === 'ACTIVE'), status, replicas };
}
