// One operator at a time per environment, for every command that changes it (deploy, destroy, failover, failback,
// drill): a lock object `locks/<env>.json` in drctl's state bucket, written with a conditional put
// (If-None-Match: "*"), so two writers cannot both succeed.
//
// Where the lock lives: the primary region's state bucket. When that region's S3 does not answer (a failover during
// its outage must still lock), the lock is taken in the secondary region's state bucket instead. A command that
// takes the lock in the primary also looks in the secondary's bucket, so a lock taken there during an outage still
// keeps everyone else out after the primary comes back. What the fallback cannot see is a lock held in the primary
// when that region became unreachable; docs/decisions/0008 says why that is acceptable.
import { randomUUID } from 'node:crypto';
import type { ServiceClients } from '../aws/clients.js';
import { httpStatusOf, isUnreachable, type AwsErrorOptions } from '../aws/errors.js';
import { deleteObject, getObjectText, putObject } from '../aws/services/s3.js';
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { ensureStateBucket } from './state-bucket.js';

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
  /** The region whose state bucket holds the lock. */
  region?: string;
}

/** A state bucket the lock may live in: the primary's, and the secondary's as the fallback. */
export interface LockSite {
  bucket: string;
  aws: ServiceClients<'s3'>;
}

export interface LockRequest {
  primary: LockSite;
  secondary: LockSite;
  environment: string;
  operation: string;
  owner: LockOwner;
  /** Remove another run's lock first (--force-unlock). */
  force: boolean;
}

export interface HeldLock {
  record: LockRecord;
  site: LockSite;
  release(): Promise<void>;
}

interface LockDeps {
  reporter: Reporter;
  now: () => number;
}

const STATE_ERROR = {
  code: 'E_STATE_BUCKET',
  fix: 'Check s3:CreateBucket / s3:PutObject / s3:GetObject / s3:DeleteObject on drctl-state-* buckets.',
} satisfies AwsErrorOptions;

/** The region's S3 did not answer (or failed on its side): the lock may move to the other region. */
function regionUnavailable(err: unknown): boolean {
  const cause = err instanceof DrError ? err.cause : err;
  return isUnreachable(cause) || (httpStatusOf(cause) ?? 0) >= 500;
}

export function describeOwner(lock: LockRecord, now: number): string {
  const age = Math.max(0, Math.round((now - Date.parse(lock.createdAt)) / 1000));
  const ago = age < 120 ? `${age}s` : age < 7200 ? `${Math.round(age / 60)}m` : `${Math.round(age / 3600)}h`;
  return `${lock.owner.user} on ${lock.owner.host} (pid ${lock.owner.pid}, ${lock.owner.arn}) running ${lock.operation} since ${lock.createdAt} (${ago} ago)`;
}

async function readLock(site: LockSite, key: string): Promise<LockRecord | undefined> {
  const text = await getObjectText(site.aws, site.bucket, key, STATE_ERROR);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as LockRecord;
  } catch {
    return {
      id: 'unreadable',
      environment: '',
      operation: 'unknown',
      owner: { arn: '?', user: '?', host: '?', pid: 0 },
      createdAt: new Date(0).toISOString(),
    };
  }
}

function lockedError(request: LockRequest, site: LockSite, holder: LockRecord | undefined, now: number): DrError {
  return new DrError({
    code: 'E_LOCKED',
    kind: 'conflict',
    message: `environment ${request.environment} is locked by ${holder ? describeOwner(holder, now) : 'another operator (the lock was just taken)'}${site === request.secondary ? ` (lock in ${site.aws.region}, the fallback region)` : ''}`,
    fix: 'Wait for that run to finish. If it died (its process is gone), run again with --force-unlock.',
    field: `s3://${site.bucket}/${lockKey(request.environment)}`,
  });
}

/** Takes the lock in one site; throws E_LOCKED when someone holds it there. */
async function takeAt(deps: LockDeps, request: LockRequest, site: LockSite): Promise<HeldLock> {
  const key = lockKey(request.environment);
  await ensureStateBucket(site.aws, site.bucket, deps.reporter);
  if (request.force) await removeExisting(deps, site, key);
  const record: LockRecord = {
    id: randomUUID(),
    environment: request.environment,
    operation: request.operation,
    owner: request.owner,
    createdAt: new Date(deps.now()).toISOString(),
    region: site.aws.region,
  };
  const put = await putObject(
    site.aws,
    {
      bucket: site.bucket,
      key,
      body: JSON.stringify(record, null, 2),
      contentType: 'application/json',
      onlyIfAbsent: true,
    },
    STATE_ERROR,
  );
  if (!put.written) throw lockedError(request, site, await readLock(site, key), deps.now());
  deps.reporter.emit({
    code: 'LOCK_ACQUIRED',
    level: 'info',
    text: `locked ${request.environment} for ${request.operation} (s3://${site.bucket}/${key})`,
    data: { bucket: site.bucket, key, id: record.id, region: site.aws.region, operation: request.operation },
  });
  return {
    record,
    site,
    release: async () => {
      const current = await readLock(site, key);
      if (current?.id !== record.id) {
        deps.reporter.emit({
          code: 'LOCK_LOST',
          level: 'warn',
          text: `the lock on ${request.environment} was taken over by someone else (--force-unlock); leaving it alone`,
          data: current,
        });
        return;
      }
      // Deleting our own version removes the lock for good (no delete marker left behind).
      await deleteObject(site.aws, site.bucket, key, put.versionId, STATE_ERROR);
      deps.reporter.emit({
        code: 'LOCK_RELEASED',
        level: 'info',
        text: `released the lock on ${request.environment}`,
        data: { bucket: site.bucket, key, region: site.aws.region },
      });
    },
  };
}

async function removeExisting(deps: LockDeps, site: LockSite, key: string): Promise<void> {
  const existing = await readLock(site, key);
  if (!existing) return;
  deps.reporter.emit({
    code: 'LOCK_FORCED',
    level: 'warn',
    text: `--force-unlock: removing the lock held by ${describeOwner(existing, deps.now())} (s3://${site.bucket}/${key})`,
    data: existing,
  });
  await deleteObject(site.aws, site.bucket, key, undefined, STATE_ERROR);
}

/**
 * A lock taken in the secondary's bucket while the primary was unreachable still holds: refuse (or with --force-unlock
 * remove it). A secondary that does not answer cannot be checked; that is said, and the run goes on.
 */
async function checkFallbackSite(deps: LockDeps, request: LockRequest, held: HeldLock): Promise<void> {
  const site = request.secondary;
  const key = lockKey(request.environment);
  try {
    // Created now if missing, so that it exists when a later outage needs it.
    await ensureStateBucket(site.aws, site.bucket, deps.reporter);
    if (request.force) return await removeExisting(deps, site, key);
    const fallback = await readLock(site, key);
    if (fallback) {
      await held.release();
      throw lockedError(request, site, fallback, deps.now());
    }
  } catch (err) {
    if (!regionUnavailable(err)) throw err;
    deps.reporter.emit({
      code: 'LOCK_FALLBACK_UNCHECKED',
      level: 'warn',
      text: `could not check for a lock taken in ${site.aws.region} during an outage (${(err as Error).message}); going on with the lock in ${held.site.aws.region}`,
      data: { region: site.aws.region, bucket: site.bucket },
    });
  }
}

/** Takes the environment's lock: in the primary region's state bucket, or the secondary's when the primary's is unreachable. */
export async function acquireEnvironmentLock(deps: LockDeps, request: LockRequest): Promise<HeldLock> {
  let held: HeldLock;
  try {
    held = await takeAt(deps, request, request.primary);
  } catch (err) {
    if (!regionUnavailable(err)) throw err;
    deps.reporter.emit({
      code: 'LOCK_FALLBACK',
      level: 'warn',
      text: `the state bucket in ${request.primary.aws.region} does not answer (${(err as Error).message}); taking the lock in ${request.secondary.aws.region}`,
      data: { from: request.primary.bucket, to: request.secondary.bucket },
    });
    return takeAt(deps, request, request.secondary);
  }
  await checkFallbackSite(deps, request, held);
  return held;
}
