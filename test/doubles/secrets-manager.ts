// In-memory Secrets Manager for one account, every Region, where destroy and the CloudFormation double depend on
// it: a primary secret with replicas in other Regions (each replica its own secret, the primary's ARN with the
// replica's Region), DescribeSecret with ReplicationStatus, RemoveRegionsFromReplication deleting the replicas at
// once, and the service's refusals: no deleting a primary that still has replicas, nothing a replica's primary
// must do, and no second secret of the same name in a Region.
import { awsError } from './aws-error.js';

type Input = Record<string, unknown>;

export interface SimSecret {
  arn: string;
  name: string;
  region: string;
  kmsKeyId?: string;
  /** On a replica: the Region of its primary. */
  primaryRegion?: string;
  /** On a primary: its replicas, in the order they were added. */
  replicas: { region: string; kmsKeyId?: string }[];
}

const notFound = () => awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const onReplica = () => awsError('InvalidParameterException', "Operation not permitted on a replica secret. Call must be made in primary secret's region.");

/** The replica's ARN: the primary's with the replica's Region (same name and random suffix). */
export const replicaArn = (arn: string, region: string) => arn.replace(/^(arn:[^:]+:secretsmanager:)[^:]+:/, `$1${region}:`);

export class SecretsManagerDouble {
  /** Every secret, primaries and replicas, by ARN. */
  readonly secrets = new Map<string, SimSecret>();
  readonly calls: { region: string; op: string; input: Input; at: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Creates a secret and its replicas, as CreateSecret with AddReplicaRegions (and CloudFormation's handler) does. */
  create(arn: string, opts: { name: string; kmsKeyId?: string; replicaRegions?: { region: string; kmsKeyId?: string }[] }): SimSecret {
    const region = arn.split(':')[3]!;
    const replicas = opts.replicaRegions ?? [];
    for (const r of [region, ...replicas.map((x) => x.region)]) {
      if ([...this.secrets.values()].some((s) => s.region === r && s.name === opts.name)) throw awsError('ResourceExistsException', `The operation failed because the secret ${opts.name} already exists.`);
    }
    const secret: SimSecret = { arn, name: opts.name, region, ...(opts.kmsKeyId ? { kmsKeyId: opts.kmsKeyId } : {}), replicas: replicas.map((r) => ({ ...r })) };
    this.secrets.set(arn, secret);
    for (const r of replicas) this.secrets.set(replicaArn(arn, r.region), { arn: replicaArn(arn, r.region), name: opts.name, region: r.region, ...(r.kmsKeyId ? { kmsKeyId: r.kmsKeyId } : {}), primaryRegion: region, replicas: [] });
    return secret;
  }

  /**
   * Deletes a secret at once (as CloudFormation's handler is modelled here: no recovery window), refusing a primary
   * that still has replicas as DeleteSecret does.
   */
  delete(arn: string): void {
    const s = this.secrets.get(arn);
    if (!s) throw notFound();
    if (s.primaryRegion) throw onReplica();
    if (s.replicas.length) throw awsError('InvalidParameterException', `You can't delete secret ${s.arn} that still has replica regions [${s.replicas.map((r) => r.region).join(', ')}].`);
    this.secrets.delete(arn);
  }

  /** Dispatches one SDK command by name; `region` is the client's region. */
  async handle(op: string, input: Input, region: string): Promise<unknown> {
    this.calls.push({ region, op, input, at: this.now() });
    switch (op) {
      case 'DescribeSecret':
        return this.describe(this.find(input.SecretId, region));
      case 'RemoveRegionsFromReplication':
        return this.removeRegions(this.find(input.SecretId, region), (input.RemoveReplicaRegions as string[] | undefined) ?? []);
      default:
        throw new Error(`Secrets Manager double: ${op} is not supported by this double`);
    }
  }

  /** A secret by ARN or name, in the client's Region only: each Region answers for its own copies. */
  private find(secretId: unknown, region: string): SimSecret {
    const id = String(secretId);
    const s = id.startsWith('arn:') ? this.secrets.get(id) : [...this.secrets.values()].find((x) => x.name === id && x.region === region);
    if (!s || s.region !== region) throw notFound();
    return s;
  }

  private describe(s: SimSecret) {
    const replicated = s.primaryRegion ?? (s.replicas.length ? s.region : undefined);
    return {
      ARN: s.arn,
      Name: s.name,
      ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
      ...(replicated ? { PrimaryRegion: replicated } : {}),
      ...(s.replicas.length ? { ReplicationStatus: this.status(s) } : {}),
    };
  }

  private status(s: SimSecret) {
    return s.replicas.map((r) => ({ Region: r.region, ...(r.kmsKeyId ? { KmsKeyId: r.kmsKeyId } : {}), Status: 'InSync', StatusMessage: 'Replication succeeded' }));
  }

  /** Deletes the named replicas at once; the primary keeps the others. */
  private removeRegions(s: SimSecret, regions: string[]) {
    if (s.primaryRegion) throw onReplica();
    for (const region of regions) this.secrets.delete(replicaArn(s.arn, region));
    s.replicas = s.replicas.filter((r) => !regions.includes(r.region));
    return { ARN: s.arn, ReplicationStatus: this.status(s) };
  }
}
