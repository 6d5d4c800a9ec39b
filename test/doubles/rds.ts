// RDS double: DB instances per region with the asynchronous life cycle the real service has.
// PromoteReadReplica: available replica → `modifying` → `rebooting` → `available` with no source (promotionMs);
// CreateDBInstanceReadReplica: `creating` → `available` (createMs); DeleteDBInstance: `deleting` → gone (deleteMs);
// ModifyDBInstance ManageMasterUserPassword: `modifying` → `available` with a managed secret (modifyMs).
// As in RDS (User Guide, "Password management with Amazon RDS and AWS Secrets Manager", Limitations), a source
// whose master password RDS manages in Secrets Manager cannot get a read replica, and a read replica cannot have
// its master password managed.
import {
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  InvalidDBInstanceStateFault,
  RDSServiceException,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

function invalidCombination(message: string): RDSServiceException {
  return new RDSServiceException({
    name: 'InvalidParameterCombination',
    $fault: 'client',
    message,
    $metadata: { httpStatusCode: 400 },
  });
}

export interface RdsInstanceSeed {
  id: string;
  /** ARN of the source instance when this is a read replica (cross-region replicas name the source by ARN). */
  sourceArn?: string;
  status?: string;
  engine?: string;
  endpoint?: string;
  port?: number;
  /** ARN of the instance's RDS-managed master secret, if it has one. */
  secretArn?: string;
}

interface Transition {
  at: number;
  status: string;
  /** Applied when the transition fires. */
  apply?: (i: RdsInstance) => void;
}

interface RdsInstance {
  id: string;
  region: string;
  arn: string;
  status: string;
  sourceArn: string | undefined;
  replicaArns: string[];
  engine: string;
  endpoint: string;
  port: number;
  transitions: Transition[];
  deleted: boolean;
  secretArn: string | undefined;
  deletionProtection: boolean;
}

export interface RdsDoubleOptions {
  now: () => number;
  log?: CallLog;
  account?: string;
  promotionMs?: number;
  createMs?: number;
  deleteMs?: number;
  modifyMs?: number;
}

export class RdsDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  private readonly instances = new Map<string, RdsInstance>(); // key: `${region}/${id}`
  private readonly now: () => number;
  private readonly account: string;
  readonly promotionMs: number;
  readonly createMs: number;
  readonly deleteMs: number;
  readonly modifyMs: number;
  private secretSeq = 0;

  constructor(opts: RdsDoubleOptions) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
    this.account = opts.account ?? '111122223333';
    this.promotionMs = opts.promotionMs ?? 120_000;
    this.createMs = opts.createMs ?? 600_000;
    this.deleteMs = opts.deleteMs ?? 300_000;
    this.modifyMs = opts.modifyMs ?? 60_000;
  }

  arn(region: string, id: string): string {
    return `arn:aws:rds:${region}:${this.account}:db:${id}`;
  }

  addInstance(region: string, seed: RdsInstanceSeed): string {
    const arn = this.arn(region, seed.id);
    this.instances.set(`${region}/${seed.id}`, {
      id: seed.id,
      region,
      arn,
      status: seed.status ?? 'available',
      sourceArn: seed.sourceArn,
      replicaArns: [],
      engine: seed.engine ?? 'postgres',
      endpoint: seed.endpoint ?? `${seed.id}.abcdefgh.${region}.rds.amazonaws.com`,
      port: seed.port ?? 5432,
      transitions: [],
      deleted: false,
      secretArn: seed.secretArn,
      deletionProtection: false,
    });
    if (seed.sourceArn) this.byArn(seed.sourceArn)?.replicaArns.push(arn);
    return arn;
  }

  /** Current view of an instance (after due transitions); undefined when absent or deleted. */
  instance(
    region: string,
    id: string,
  ):
    | {
        status: string;
        sourceArn: string | undefined;
        replicaArns: string[];
        endpoint: string;
        secretArn: string | undefined;
      }
    | undefined {
    const i = this.live(region, id);
    return (
      i && {
        status: i.status,
        sourceArn: i.sourceArn,
        replicaArns: [...i.replicaArns],
        endpoint: i.endpoint,
        secretArn: i.secretArn,
      }
    );
  }

  /** Forces a status (e.g. `backing-up`, `storage-full`) to test how callers react. */
  setStatus(region: string, id: string, status: string): void {
    const i = this.live(region, id);
    if (!i) throw new Error(`rds double: no instance ${region}/${id}`);
    i.status = status;
  }

  client(region: string): RDSClient {
    return fakeClient<RDSClient>('rds', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  private byArn(arn: string): RdsInstance | undefined {
    return [...this.instances.values()].find((i) => i.arn === arn && !i.deleted);
  }

  private settle(i: RdsInstance): void {
    const t = this.now();
    while (i.transitions.length && (i.transitions[0] as Transition).at <= t) {
      const next = i.transitions.shift() as Transition;
      i.status = next.status;
      next.apply?.(i);
    }
  }

  private live(region: string, id: string): RdsInstance | undefined {
    const i = this.instances.get(`${region}/${id.toLowerCase()}`) ?? this.instances.get(`${region}/${id}`);
    if (!i) return undefined;
    this.settle(i);
    return i.deleted ? undefined : i;
  }

  private mustFind(region: string, id: unknown): RdsInstance {
    // DescribeDBInstances accepts an identifier or an ARN.
    const raw = String(id ?? '');
    const i = raw.startsWith('arn:')
      ? (() => {
          const hit = this.byArn(raw);
          if (hit) this.settle(hit);
          return hit && !hit.deleted && hit.region === region ? hit : undefined;
        })()
      : this.live(region, raw);
    if (!i) throw sdkError(DBInstanceNotFoundFault, `DBInstance ${raw} not found.`);
    return i;
  }

  private describe(i: RdsInstance): Record<string, unknown> {
    return {
      DBInstanceIdentifier: i.id,
      DBInstanceArn: i.arn,
      DBInstanceStatus: i.status,
      Engine: i.engine,
      Endpoint: { Address: i.endpoint, Port: i.port },
      ...(i.sourceArn
        ? {
            ReadReplicaSourceDBInstanceIdentifier: i.sourceArn,
            StatusInfos: [{ StatusType: 'read replication', Status: 'replicating', Normal: true }],
          }
        : {}),
      ReadReplicaDBInstanceIdentifiers: [...i.replicaArns],
      DeletionProtection: i.deletionProtection,
      ...(i.secretArn ? { MasterUserSecret: { SecretArn: i.secretArn, SecretStatus: 'active' } } : {}),
    };
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    switch (op) {
      case 'DescribeDBInstances': {
        if (input.DBInstanceIdentifier)
          return { DBInstances: [this.describe(this.mustFind(region, input.DBInstanceIdentifier))] };
        const all = [...this.instances.values()].filter((i) => i.region === region);
        all.forEach((i) => this.settle(i));
        return { DBInstances: all.filter((i) => !i.deleted).map((i) => this.describe(i)) };
      }
      case 'PromoteReadReplica': {
        const i = this.mustFind(region, input.DBInstanceIdentifier);
        if (!i.sourceArn) throw sdkError(InvalidDBInstanceStateFault, `DB Instance ${i.id} is not a read replica.`);
        if (i.status !== 'available')
          throw sdkError(
            InvalidDBInstanceStateFault,
            `DB instance ${i.id} is not in available state (status: ${i.status}).`,
          );
        const start = this.now();
        i.status = 'modifying';
        i.transitions.push(
          { at: start + Math.floor(this.promotionMs * 0.6), status: 'rebooting' },
          {
            at: start + this.promotionMs,
            status: 'available',
            apply: (inst) => {
              const source = inst.sourceArn ? this.byArn(inst.sourceArn) : undefined;
              if (source) source.replicaArns = source.replicaArns.filter((a) => a !== inst.arn);
              inst.sourceArn = undefined;
            },
          },
        );
        return { DBInstance: this.describe(i) };
      }
      case 'CreateDBInstanceReadReplica': {
        const id = String(input.DBInstanceIdentifier);
        if (this.live(region, id)) throw sdkError(DBInstanceAlreadyExistsFault, `DB instance already exists`);
        const sourceRef = String(input.SourceDBInstanceIdentifier);
        const source = sourceRef.startsWith('arn:') ? this.byArn(sourceRef) : this.live(region, sourceRef);
        if (!source) throw sdkError(DBInstanceNotFoundFault, `DBInstance ${sourceRef} not found.`);
        this.settle(source);
        if (source.status !== 'available')
          throw sdkError(
            InvalidDBInstanceStateFault,
            `source instance ${source.id} is not available (status: ${source.status})`,
          );
        if (source.secretArn)
          throw invalidCombination(
            `Creating a read replica is not supported when the source DB instance ${source.id} manages its master user password with Secrets Manager.`,
          );
        this.addInstance(region, { id, sourceArn: source.arn, status: 'creating', engine: source.engine });
        const created = this.live(region, id) as RdsInstance;
        created.transitions.push({ at: this.now() + this.createMs, status: 'available' });
        return { DBInstance: this.describe(created) };
      }
      case 'ModifyDBInstance': {
        // Only what the failover work changes: the managed master secret and deletion protection.
        const i = this.mustFind(region, input.DBInstanceIdentifier);
        if (i.status !== 'available')
          throw sdkError(
            InvalidDBInstanceStateFault,
            `Database instance is not in available state (status: ${i.status}).`,
          );
        if (input.DeletionProtection !== undefined) i.deletionProtection = Boolean(input.DeletionProtection);
        if (input.ManageMasterUserPassword === true && i.sourceArn)
          throw invalidCombination(
            `Managing the master user password with Secrets Manager is not supported for the read replica ${i.id}.`,
          );
        if (input.ManageMasterUserPassword === true && !i.secretArn) {
          const secretArn = `arn:aws:secretsmanager:${region}:${this.account}:secret:rds!db-${String(++this.secretSeq).padStart(8, '0')}`;
          i.status = 'modifying';
          i.transitions.push({
            at: this.now() + this.modifyMs,
            status: 'available',
            apply: (inst) => (inst.secretArn = secretArn),
          });
        }
        return { DBInstance: this.describe(i) };
      }
      case 'DeleteDBInstance': {
        const i = this.mustFind(region, input.DBInstanceIdentifier);
        if (i.deletionProtection)
          throw invalidCombination(
            'Cannot delete protected DB Instance, please disable deletion protection and try again.',
          );
        if (i.status === 'deleting')
          throw sdkError(InvalidDBInstanceStateFault, `DB instance ${i.id} is already being deleted.`);
        i.status = 'deleting';
        i.transitions.push({
          at: this.now() + this.deleteMs,
          status: 'deleted',
          apply: (inst) => {
            inst.deleted = true;
            const source = inst.sourceArn ? this.byArn(inst.sourceArn) : undefined;
            if (source) source.replicaArns = source.replicaArns.filter((a) => a !== inst.arn);
          },
        });
        return { DBInstance: this.describe(i) };
      }
      default:
        throw unsupported('rds', op);
    }
  }
}
