// In-memory Secrets Manager for one account, every Region, where destroy and the CloudFormation double depend on
// it: a primary secret with replicas in other Regions (each replica its own secret, the primary's ARN with the
// replica's Region), DescribeSecret with ReplicationStatus, RemoveRegionsFromReplication deleting the replicas at
// once, and the service's refusals: no deleting a primary that still has replicas, nothing a replica's primary
// must do, and no second secret of the same name in a Region. For rotation it also keeps versions with staging
// labels (GetSecretValue by stage and id, PutSecretValue, UpdateSecretVersionStage moving AWSPREVIOUS along with
// AWSCURRENT, GetRandomPassword) and the rotation switch; a replica reads its primary's versions, as replication
// copies every change.
import { randomBytes, randomUUID } from 'node:crypto';
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
const onReplica = () =>
  awsError(
    'InvalidParameterException',
    "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
  );

/** The replica's ARN: the primary's with the replica's Region (same name and random suffix). */
export const replicaArn = (arn: string, region: string) =>
  arn.replace(/^(arn:[^:]+:secretsmanager:)[^:]+:/, `$1${region}:`);

/** One version of a secret's value and the staging labels attached to it. */
export interface SimVersion {
  id: string;
  /** Absent on the version RotateSecret registers for the rotation function to fill in (createSecret). */
  value?: string;
  stages: Set<string>;
}

export class SecretsManagerDouble {
  /** Every secret, primaries and replicas, by ARN. */
  readonly secrets = new Map<string, SimSecret>();
  /** Versions by the primary secret's ARN (replicas read these). */
  readonly versions = new Map<string, SimVersion[]>();
  /** Primary secrets with rotation turned on. */
  readonly rotationEnabled = new Set<string>();
  readonly calls: { region: string; op: string; input: Input; at: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Creates a secret and its replicas, as CreateSecret with AddReplicaRegions (and CloudFormation's handler) does. */
  create(
    arn: string,
    opts: { name: string; kmsKeyId?: string; replicaRegions?: { region: string; kmsKeyId?: string }[] },
  ): SimSecret {
    const region = arn.split(':')[3]!;
    const replicas = opts.replicaRegions ?? [];
    for (const r of [region, ...replicas.map((x) => x.region)]) {
      if ([...this.secrets.values()].some((s) => s.region === r && s.name === opts.name))
        throw awsError(
          'ResourceExistsException',
          `The operation failed because the secret ${opts.name} already exists.`,
        );
    }
    const secret: SimSecret = {
      arn,
      name: opts.name,
      region,
      ...(opts.kmsKeyId ? { kmsKeyId: opts.kmsKeyId } : {}),
      replicas: replicas.map((r) => ({ ...r })),
    };
    this.secrets.set(arn, secret);
    for (const r of replicas)
      this.secrets.set(replicaArn(arn, r.region), {
        arn: replicaArn(arn, r.region),
        name: opts.name,
        region: r.region,
        ...(r.kmsKeyId ? { kmsKeyId: r.kmsKeyId } : {}),
        primaryRegion: region,
        replicas: [],
      });
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
    if (s.replicas.length)
      throw awsError(
        'InvalidParameterException',
        `You can't delete secret ${s.arn} that still has replica regions [${s.replicas.map((r) => r.region).join(', ')}].`,
      );
    this.secrets.delete(arn);
  }

  /** Stores a new AWSCURRENT value, as an operator's PutSecretValue (or the generated first value) does. */
  putValue(arn: string, value: string, versionId: string = randomUUID()): void {
    this.put(this.secretOrThrow(arn), {
      ClientRequestToken: versionId,
      SecretString: value,
      VersionStages: ['AWSCURRENT'],
    });
  }

  /** The value carrying `stage` (AWSCURRENT by default), read through any copy. */
  valueOf(arn: string, stage = 'AWSCURRENT'): string | undefined {
    return this.versionsOf(this.secretOrThrow(arn)).find((v) => v.stages.has(stage))?.value;
  }

  /**
   * What RotateSecret does before invoking the function: registers version `token` without a value under
   * AWSPENDING (taking the label from any version a failed rotation left it on); returns the token.
   */
  startRotation(arn: string, token: string = randomUUID()): string {
    const list = this.versionsOf(this.secretOrThrow(arn));
    const v: SimVersion = { id: token, stages: new Set() };
    list.push(v);
    this.attach(list, v, 'AWSPENDING');
    return token;
  }

  /** Turns rotation on or off, as RotateSecret / CancelRotateSecret (or the RotationSchedule resource) do. */
  setRotation(arn: string, enabled: boolean): void {
    if (enabled) this.rotationEnabled.add(this.primaryArn(this.secretOrThrow(arn)));
    else this.rotationEnabled.delete(this.primaryArn(this.secretOrThrow(arn)));
  }

  /** Dispatches one SDK command by name; `region` is the client's region. */
  async handle(op: string, input: Input, region: string): Promise<unknown> {
    this.calls.push({ region, op, input, at: this.now() });
    switch (op) {
      case 'DescribeSecret':
        return this.describe(this.find(input.SecretId, region));
      case 'RemoveRegionsFromReplication':
        return this.removeRegions(
          this.find(input.SecretId, region),
          (input.RemoveReplicaRegions as string[] | undefined) ?? [],
        );
      case 'GetSecretValue':
        return this.getValue(this.find(input.SecretId, region), input);
      case 'PutSecretValue': {
        const s = this.find(input.SecretId, region);
        if (s.primaryRegion) throw onReplica();
        return this.put(s, input);
      }
      case 'UpdateSecretVersionStage': {
        const s = this.find(input.SecretId, region);
        if (s.primaryRegion) throw onReplica();
        return this.updateStage(s, input);
      }
      case 'GetRandomPassword':
        return {
          RandomPassword: randomPassword(Number(input.PasswordLength ?? 32), String(input.ExcludeCharacters ?? '')),
        };
      default:
        throw new Error(`Secrets Manager double: ${op} is not supported by this double`);
    }
  }

  /** A secret by ARN or name, in the client's Region only: each Region answers for its own copies. */
  private find(secretId: unknown, region: string): SimSecret {
    const id = String(secretId);
    const s = id.startsWith('arn:')
      ? this.secrets.get(id)
      : [...this.secrets.values()].find((x) => x.name === id && x.region === region);
    if (!s || s.region !== region) throw notFound();
    return s;
  }

  private secretOrThrow(arn: string): SimSecret {
    const s = this.secrets.get(arn);
    if (!s) throw notFound();
    return s;
  }

  private primaryArn(s: SimSecret): string {
    return s.primaryRegion ? replicaArn(s.arn, s.primaryRegion) : s.arn;
  }

  private versionsOf(s: SimSecret): SimVersion[] {
    const key = this.primaryArn(s);
    let list = this.versions.get(key);
    if (!list) this.versions.set(key, (list = []));
    return list;
  }

  /** By VersionId and/or VersionStage (AWSCURRENT when neither); both must name the same version. */
  private getValue(s: SimSecret, input: Input) {
    const id = input.VersionId as string | undefined;
    const stage = (input.VersionStage as string | undefined) ?? (id ? undefined : 'AWSCURRENT');
    const v = this.versionsOf(s).find(
      (x) => (id === undefined || x.id === id) && (stage === undefined || x.stages.has(stage)),
    );
    if (!v || v.value === undefined)
      throw awsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${id ? `VersionId: ${id}` : ''}${stage ? ` staging label: ${stage}` : ''}`,
      );
    return { ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.value, VersionStages: [...v.stages] };
  }

  /** PutSecretValue: a token already used with the same value is a no-op, with another value a conflict. */
  private put(s: SimSecret, input: Input) {
    const list = this.versionsOf(s);
    const id = (input.ClientRequestToken as string | undefined) ?? randomUUID();
    const value = String(input.SecretString);
    const existing = list.find((v) => v.id === id);
    if (existing && existing.value === undefined) {
      // The version RotateSecret registered: PutSecretValue gives it its value.
      existing.value = value;
      for (const stage of (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT'])
        this.attach(list, existing, stage);
      return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: [...existing.stages] };
    }
    if (existing) {
      if (existing.value !== value)
        throw awsError('ResourceExistsException', `A version with ID ${id} already exists and has a different value.`);
      return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: [...existing.stages] };
    }
    const v: SimVersion = { id, value, stages: new Set() };
    list.push(v);
    for (const stage of (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT']) this.attach(list, v, stage);
    return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: [...v.stages] };
  }

  /** Moves a label; moving AWSCURRENT puts AWSPREVIOUS on the version that had it. */
  private attach(list: SimVersion[], to: SimVersion, stage: string): void {
    const from = list.find((v) => v !== to && v.stages.has(stage));
    from?.stages.delete(stage);
    to.stages.add(stage);
    if (stage === 'AWSCURRENT' && from) {
      for (const v of list) v.stages.delete('AWSPREVIOUS');
      from.stages.add('AWSPREVIOUS');
    }
  }

  private updateStage(s: SimSecret, input: Input) {
    const list = this.versionsOf(s);
    const stage = String(input.VersionStage);
    const to = list.find((v) => v.id === input.MoveToVersionId);
    if (input.MoveToVersionId !== undefined && !to)
      throw awsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${String(input.MoveToVersionId)}`,
      );
    const holder = list.find((v) => v.stages.has(stage));
    if (holder && holder !== to && holder.id !== input.RemoveFromVersionId) {
      throw awsError(
        'InvalidParameterException',
        `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    if (to) this.attach(list, to, stage);
    else holder?.stages.delete(stage);
    return { ARN: s.arn, Name: s.name };
  }

  private describe(s: SimSecret) {
    const replicated = s.primaryRegion ?? (s.replicas.length ? s.region : undefined);
    const versions = this.versions.get(this.primaryArn(s)) ?? [];
    return {
      ARN: s.arn,
      Name: s.name,
      ...(this.rotationEnabled.has(this.primaryArn(s)) ? { RotationEnabled: true } : {}),
      ...(versions.length
        ? {
            VersionIdsToStages: Object.fromEntries(
              versions.filter((v) => v.stages.size).map((v) => [v.id, [...v.stages]]),
            ),
          }
        : {}),
      ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
      ...(replicated ? { PrimaryRegion: replicated } : {}),
      ...(s.replicas.length ? { ReplicationStatus: this.status(s) } : {}),
    };
  }

  private status(s: SimSecret) {
    return s.replicas.map((r) => ({
      Region: r.region,
      ...(r.kmsKeyId ? { KmsKeyId: r.kmsKeyId } : {}),
      Status: 'InSync',
      StatusMessage: 'Replication succeeded',
    }));
  }

  /** Deletes the named replicas at once; the primary keeps the others. */
  private removeRegions(s: SimSecret, regions: string[]) {
    if (s.primaryRegion) throw onReplica();
    for (const region of regions) this.secrets.delete(replicaArn(s.arn, region));
    s.replicas = s.replicas.filter((r) => !regions.includes(r.region));
    return { ARN: s.arn, ReplicationStatus: this.status(s) };
  }
}

/** Printable ASCII without space and without the excluded characters, as GetRandomPassword's defaults. */
function randomPassword(length: number, exclude: string): string {
  const alphabet = [...Array(94).keys()].map((i) => String.fromCharCode(33 + i)).filter((c) => !exclude.includes(c));
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}
