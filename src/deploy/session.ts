// The frame of every run that changes an environment (deploy, destroy): who we are and in which account (before
// anything changes), then the environment's lock, held for the run and released on every way out.
import { acquireLock, ensureStateBucket, stateBucketName, type HeldLock } from './lock.js';
import { callerIdentity, type Identity } from './preflight.js';
import type { Project } from '../plan/project.js';
import type { Runtime } from './runtime.js';

export function ownerFor(identity: Identity, rt: Runtime) {
  return { arn: identity.arn, user: identity.user, host: rt.host.hostname, pid: rt.host.pid };
}

/** Confirms credentials and account, takes the environment's lock, runs `body`, always releases the lock. */
export async function withEnvironmentLock<T>(
  project: Project,
  rt: Runtime,
  operation: string,
  forceUnlock: boolean,
  body: (identity: Identity) => Promise<T>,
): Promise<T> {
  const primary = project.config.regions.primary;
  const clients = rt.factory(primary);
  const identity = await callerIdentity(clients.sts, project.config.expectedAccountId, project.file, (ms) =>
    rt.clock.sleep(ms),
  );
  rt.reporter.emit({
    code: 'PREFLIGHT_IDENTITY',
    level: 'info',
    text: `account ${identity.account} as ${identity.arn}`,
    data: identity,
  });
  const lockDeps = { s3: clients.s3, clock: rt.clock, reporter: rt.reporter };
  const bucket = stateBucketName(identity.account, primary);
  await ensureStateBucket(lockDeps, bucket, primary);
  const lock: HeldLock = await acquireLock(lockDeps, {
    bucket,
    environment: project.config.environment,
    operation,
    owner: ownerFor(identity, rt),
    force: forceUnlock,
  });
  try {
    return await body(identity);
  } finally {
    // A failed release must not hide what the run itself reports; the next run can --force-unlock.
    await lock.release().catch((err: unknown) =>
      rt.reporter.emit({
        code: 'LOCK_RELEASE_FAILED',
        level: 'warn',
        text: `could not release the lock on ${project.config.environment} (${err instanceof Error ? err.message : String(err)}); the next run needs --force-unlock`,
        data: { bucket },
      }),
    );
  }
}
