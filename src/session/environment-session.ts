// The frame of every run that changes an environment (deploy, destroy, failover, failback, drill): who we are and in
// which account (before anything changes), then the environment's lock, held for the run and released on every way
// out.
import type { ClientFactory } from '../aws/clients.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import type { Reporter } from '../io/messages.js';
import { callerIdentity, type Identity } from './identity.js';
import { acquireEnvironmentLock, type HeldLock } from './lock.js';
import { stateBucketName } from './state-bucket.js';

export interface SessionDeps {
  config: EnvironmentConfig;
  /** The config file (named in a wrong-account error). */
  configFile: string;
  factory: ClientFactory;
  reporter: Reporter;
  now: () => number;
  host: { hostname: string; pid: number };
}

export function ownerFor(identity: Identity, host: { hostname: string; pid: number }) {
  return { arn: identity.arn, user: identity.user, host: host.hostname, pid: host.pid };
}

/** Confirms credentials and account, runs the pre-flight, takes the environment's lock, runs `body`, always releases the lock. */
export async function withEnvironmentLock<T>(
  deps: SessionDeps,
  operation: string,
  forceUnlock: boolean,
  body: (identity: Identity, lock: HeldLock) => Promise<T>,
  /** Checks against the account that must pass before the lock is taken (and so before anything is created). */
  preflight?: (identity: Identity) => Promise<void>,
): Promise<T> {
  const { primary, secondary } = deps.config.regions;
  const identity = await callerIdentity(
    deps.factory,
    [primary, secondary],
    deps.config.expectedAccountId,
    deps.configFile,
  );
  deps.reporter.emit({
    code: 'PREFLIGHT_IDENTITY',
    level: 'info',
    text: `account ${identity.account} as ${identity.arn}`,
    data: identity,
  });
  await preflight?.(identity);
  const site = (region: string) => ({ bucket: stateBucketName(identity.account, region), aws: deps.factory(region) });
  const lock = await acquireEnvironmentLock(
    { reporter: deps.reporter, now: deps.now },
    {
      primary: site(primary),
      secondary: site(secondary),
      environment: deps.config.environment,
      operation,
      owner: ownerFor(identity, deps.host),
      force: forceUnlock,
    },
  );
  try {
    return await body(identity, lock);
  } finally {
    // A failed release must not hide what the run itself reports; the next run can --force-unlock.
    await lock.release().catch((err: unknown) =>
      deps.reporter.emit({
        code: 'LOCK_RELEASE_FAILED',
        level: 'warn',
        text: `could not release the lock on ${deps.config.environment} (${err instanceof Error ? err.message : String(err)}); the next run needs --force-unlock`,
        data: { bucket: lock.site.bucket },
      }),
    );
  }
}
