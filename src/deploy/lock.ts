// One operator at a time per environment: a lock object in drctl's own state bucket, written with a
// conditional put (If-None-Match: "*"), so two writers cannot both succeed. The state bucket is not part of
// any stack (the foundation stack's artifact bucket does not exist before the first deploy): drctl creates
// `drctl-state-<account>-<region>` on first use, versioned, encrypted and private.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { errorName, throttlingRetry } from '../aws/retry.js';
import type { Clock } from '../clock.js';

export function stateBucketName(account: string, region: string): string {
  return `drctl-state-${account}-${region}`;
}

export function lockKey(environment: string): string {
  return `locks/${environment}.json`;
}

export interface LockOwner {
  arn: string;
  user: string;
  host: string;
  pid: number;
}

export interface LockRecord {
  id: string;
  environment: string;
  operation: string;
  owner: LockOwner;
  createdAt: string;
}

export interface LockDeps {
  s3: S3Client;
  clock: Clock;
  reporter: Reporter;
}

const retry = <T>(clock: Clock, fn: () => Promise<T>) => throttlingRetry((ms) => clock.sleep(ms))(fn);

function s3Error(what: string, err: unknown): DrError {
  return new DrError({
    code: 'E_STATE_BUCKET',
    kind: 'aws',
    message: `${what}: ${errorName(err)}: ${(err as Error).message}`,
    fix: 'Check s3:CreateBucket / s3:PutObject / s3:GetObject permissions on drctl-state-* buckets.',
    cause: err,
  });
}

/** Creates the state bucket if it is missing; safe to call on every run. */
export async function ensureStateBucket(deps: LockDeps, bucket: string, region: string): Promise<void> {
  const { s3, clock } = deps;
  try {
    await retry(clock, () => s3.send(new HeadBucketCommand({ Bucket: bucket })));
    return;
  } catch (err) {
    const name = errorName(err);
    if (
      name === 'Forbidden' ||
      (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403
    ) {
      throw new DrError({
        code: 'E_STATE_BUCKET',
        kind: 'aws',
        message: `state bucket ${bucket} exists but is not accessible`,
        fix: 'Grant s3:ListBucket/GetObject/PutObject on it, or check that the account is the one you meant.',
        cause: err,
      });
    }
    if (name !== 'NotFound' && name !== 'NoSuchBucket') throw s3Error(`HeadBucket ${bucket}`, err);
  }
  try {
    await retry(clock, () =>
      s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
        }),
      ),
    );
  } catch (err) {
    // A concurrent first run created it between our HEAD and CREATE.
    if (errorName(err) !== 'BucketAlreadyOwnedByYou') throw s3Error(`CreateBucket ${bucket}`, err);
  }
  await retry(clock, () =>
    s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })),
  );
  await retry(clock, () =>
    s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }],
        },
      }),
    ),
  );
  await retry(clock, () =>
    s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    ),
  );
  deps.reporter.emit({
    code: 'STATE_BUCKET_CREATED',
    level: 'info',
    text: `created drctl state bucket ${bucket} (${region}; versioned, encrypted, private)`,
    data: { bucket, region },
  });
}

async function readLock(deps: LockDeps, bucket: string, key: string): Promise<LockRecord | undefined> {
  try {
    const out = await retry(deps.clock, () => deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    return JSON.parse((await out.Body?.transformToString()) ?? '{}') as LockRecord;
  } catch (err) {
    if (errorName(err) === 'NoSuchKey' || errorName(err) === 'NotFound') return undefined;
    throw s3Error(`GetObject ${key}`, err);
  }
}

export function describeOwner(l: LockRecord, now: number): string {
  const age = Math.max(0, Math.round((now - Date.parse(l.createdAt)) / 1000));
  const ago = age < 120 ? `${age}s` : age < 7200 ? `${Math.round(age / 60)}m` : `${Math.round(age / 3600)}h`;
  return `${l.owner.user} on ${l.owner.host} (pid ${l.owner.pid}, ${l.owner.arn}) running ${l.operation} since ${l.createdAt} (${ago} ago)`;
}

export interface HeldLock {
  record: LockRecord;
  release(): Promise<void>;
}

export async function acquireLock(
  deps: LockDeps,
  input: { bucket: string; environment: string; operation: string; owner: LockOwner; force: boolean },
): Promise<HeldLock> {
  const key = lockKey(input.environment);
  if (input.force) {
    const existing = await readLock(deps, input.bucket, key);
    if (existing) {
      deps.reporter.emit({
        code: 'LOCK_FORCED',
        level: 'warn',
        text: `--force-unlock: removing the lock held by ${describeOwner(existing, deps.clock.now())}`,
        data: existing,
      });
      await retry(deps.clock, () => deps.s3.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key })));
    }
  }
  const record: LockRecord = {
    id: randomUUID(),
    environment: input.environment,
    operation: input.operation,
    owner: input.owner,
    createdAt: new Date(deps.clock.now()).toISOString(),
  };
  let versionId: string | undefined;
  try {
    const out = await retry(deps.clock, () =>
      deps.s3.send(
        new PutObjectCommand({
          Bucket: input.bucket,
          Key: key,
          Body: JSON.stringify(record, null, 2),
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      ),
    );
    versionId = out.VersionId;
  } catch (err) {
    const name = errorName(err);
    if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict') {
      const holder = await readLock(deps, input.bucket, key);
      throw new DrError({
        code: 'E_LOCKED',
        kind: 'conflict',
        message: `environment ${input.environment} is locked by ${holder ? describeOwner(holder, deps.clock.now()) : 'another operator (the lock was just taken)'}`,
        fix: 'Wait for that run to finish. If it died (its process is gone), run again with --force-unlock.',
        field: `s3://${input.bucket}/${key}`,
      });
    }
    throw s3Error(`PutObject ${key}`, err);
  }
  deps.reporter.emit({
    code: 'LOCK_ACQUIRED',
    level: 'info',
    text: `locked ${input.environment} (s3://${input.bucket}/${key})`,
    data: { bucket: input.bucket, key, id: record.id },
  });
  return {
    record,
    release: async () => {
      const current = await readLock(deps, input.bucket, key);
      if (current?.id !== record.id) {
        deps.reporter.emit({
          code: 'LOCK_LOST',
          level: 'warn',
          text: `the lock on ${input.environment} was taken over by someone else (--force-unlock); leaving it alone`,
          data: current,
        });
        return;
      }
      // Deleting our own version removes the lock for good (no delete marker left behind).
      await retry(deps.clock, () =>
        deps.s3.send(
          new DeleteObjectCommand({ Bucket: input.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
        ),
      );
      deps.reporter.emit({
        code: 'LOCK_RELEASED',
        level: 'info',
        text: `released the lock on ${input.environment}`,
        data: { bucket: input.bucket, key },
      });
    },
  };
}
