// RDS operations: one view of a DB instance, promotion, cross-region replica creation, retirement. Every caller
// (controller, runbooks, drill) goes through these, so an instance is described one way and errors read one way.
import {
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

type Rds = ServiceClients<'rds'>;

/** One DB instance as the operator code needs it. */
export interface DbInstanceView {
  identifier: string;
  arn: string;
  status: string;
  /** ARN (or identifier) of the source while the instance is a read replica. */
  sourceArn: string | undefined;
  isReplica: boolean;
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
  const name = errorName(err);
  return name === 'DBInstanceNotFoundFault' || name === 'DBInstanceNotFound';
}

/** The instance, or undefined when it does not exist in this region. */
export async function describeDbInstance(aws: Rds, identifier: string): Promise<DbInstanceView | undefined> {
  let out;
  try {
    out = await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw awsCallError({ operation: 'rds:DescribeDBInstances', resource: identifier, region: aws.region }, err, {
      fix: `Check that the caller may describe DB instance ${identifier} in ${aws.region} (rds:DescribeDBInstances).`,
    });
  }
  const db = out.DBInstances?.[0];
  if (!db) return undefined;
  const sourceArn = db.ReadReplicaSourceDBInstanceIdentifier || undefined;
  return {
    identifier: db.DBInstanceIdentifier ?? identifier,
    arn: db.DBInstanceArn ?? '',
    status: db.DBInstanceStatus ?? 'unknown',
    sourceArn,
    isReplica: Boolean(sourceArn),
    endpoint: db.Endpoint?.Address,
    port: db.Endpoint?.Port,
    replicaIds: db.ReadReplicaDBInstanceIdentifiers ?? [],
    subnetGroup: db.DBSubnetGroup?.DBSubnetGroupName,
    instanceClass: db.DBInstanceClass,
    securityGroupIds: (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
    managedSecretArn: db.MasterUserSecret?.SecretArn,
  };
}

/** Starts the promotion of a read replica. `state-changed`: RDS says the instance is no longer in a promotable state. */
export async function promoteReadReplica(aws: Rds, identifier: string): Promise<'started' | 'state-changed'> {
  try {
    await aws.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: identifier }));
    return 'started';
  } catch (err) {
    // Someone else promoted between a describe and this call: the service says the state is invalid.
    if (errorName(err) === 'InvalidDBInstanceStateFault') return 'state-changed';
    throw awsCallError({ operation: 'rds:PromoteReadReplica', resource: identifier, region: aws.region }, err, {
      fix: `Check the replica ${identifier} in the RDS console; promotion can be retried once it is available.`,
    });
  }
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

/** Creates a cross-region read replica of `spec.sourceArn` in this client's region. */
export async function createCrossRegionReplica(aws: Rds, spec: ReplicaSpec): Promise<void> {
  try {
    await aws.rds.send(
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
    throw awsCallError({ operation: 'rds:CreateDBInstanceReadReplica', resource: spec.id, region: aws.region }, err);
  }
}

/** Deletes an instance keeping a final snapshot (and its automated backups): nothing it held is lost. */
export async function deleteDbInstanceWithSnapshot(aws: Rds, identifier: string, snapshotId: string): Promise<void> {
  try {
    await aws.rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: identifier,
        SkipFinalSnapshot: false,
        FinalDBSnapshotIdentifier: snapshotId,
        DeleteAutomatedBackups: false,
      }),
    );
  } catch (err) {
    throw awsCallError({ operation: 'rds:DeleteDBInstance', resource: identifier, region: aws.region }, err, {
      fix: 'If deletion protection is on, turn it off for this instance (ModifyDBInstance) and re-run.',
    });
  }
}
