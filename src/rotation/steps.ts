// The four steps of rotation (Secrets Manager User Guide, "Rotation by Lambda function"): single-user for the master
// secret (the user changes its own password), alternating-users for a secret that names its master secret
// (`masterarn`, the application's: the master user sets the other of two users' password and grants, so the user
// clients hold keeps working until the switch — decision 0016). Each is safe to run again: Secrets Manager retries a step whose invocation failed, and a crash between steps must converge on
// the next attempt instead of locking the master user out.
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CURRENT,
  PENDING,
  PREVIOUS,
  RotationRefused,
  type DbSecret,
  type DbSession,
  type RotationDeps,
  type RotationEvent,
} from './protocol.js';
import { readVersion } from './secret.js';
import { alterPasswordSql } from './sql.js';
import { alternateUsername, ensureAppRole } from './app-role.js';

/** An alternating-users secret names the master secret that manages its users. */
function masterOf(secret: DbSecret): string | undefined {
  return typeof secret.masterarn === 'string' && secret.masterarn ? secret.masterarn : undefined;
}

/**
 * What the protocol requires before any step: rotation is on, the token names a version of this secret, and that
 * version is AWSPENDING. A version already AWSCURRENT means an earlier attempt finished: nothing to do.
 */
export async function checkRequest(deps: RotationDeps, event: RotationEvent): Promise<'act' | 'done'> {
  const d = await deps.secrets.send(new DescribeSecretCommand({ SecretId: event.SecretId }));
  if (!d.RotationEnabled) throw new RotationRefused(`rotation is not enabled for ${event.SecretId}`);
  const stages = d.VersionIdsToStages?.[event.ClientRequestToken];
  if (!stages)
    throw new RotationRefused(`version ${event.ClientRequestToken} has no stage for rotation of ${event.SecretId}`);
  if (stages.includes(CURRENT)) {
    deps.log(`version ${event.ClientRequestToken} is already ${CURRENT}: nothing to do`);
    return 'done';
  }
  if (!stages.includes(PENDING))
    throw new RotationRefused(
      `version ${event.ClientRequestToken} is not ${PENDING} for rotation of ${event.SecretId}`,
    );
  return 'act';
}

/** createSecret: a new password under AWSPENDING for this token, unless this token already has one. */
export async function createSecret(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const current = await readVersion(deps, event.SecretId, CURRENT);
  if (!current) throw new Error(`${event.SecretId} has no ${CURRENT} version`);
  if (await readVersion(deps, event.SecretId, PENDING, event.ClientRequestToken)) {
    deps.log(`createSecret: version ${event.ClientRequestToken} already holds a pending password`);
    return;
  }
  const random = await deps.secrets.send(
    new GetRandomPasswordCommand({ PasswordLength: deps.passwordLength, ExcludeCharacters: deps.excludeCharacters }),
  );
  if (!random.RandomPassword) throw new Error('GetRandomPassword returned no password');
  // The token is the version id: a retried PutSecretValue with the same token and value is accepted as a no-op.
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: event.SecretId,
      ClientRequestToken: event.ClientRequestToken,
      // Alternating users: the pending version is the other user, so the current one keeps working meanwhile.
      SecretString: JSON.stringify({
        ...current,
        ...(masterOf(current) ? { username: alternateUsername(current.username) } : {}),
        password: random.RandomPassword,
      }),
      VersionStages: [PENDING],
    }),
  );
  deps.log(`createSecret: stored a new ${PENDING} version ${event.ClientRequestToken}`);
}

async function tryConnect(deps: RotationDeps, secret: DbSecret): Promise<DbSession | undefined> {
  try {
    return await deps.connect(secret);
  } catch {
    return undefined;
  }
}

async function pending(deps: RotationDeps, event: RotationEvent): Promise<DbSecret> {
  const p = await readVersion(deps, event.SecretId, PENDING, event.ClientRequestToken);
  if (!p) throw new Error(`version ${event.ClientRequestToken} of ${event.SecretId} is not ${PENDING}`);
  return p;
}

/**
 * setSecret: makes the database accept the pending password. If it already does (a retry after the ALTER went
 * through), done; otherwise log in with AWSCURRENT (or AWSPREVIOUS, for a database left one rotation behind) and
 * change the user's own password.
 */
export async function setSecret(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const next = await pending(deps, event);
  const already = await tryConnect(deps, next);
  if (already) {
    await already.close();
    deps.log('setSecret: the database already accepts the pending password');
    return;
  }
  const current = await readVersion(deps, event.SecretId, CURRENT);
  if (!current) throw new Error(`${event.SecretId} has no ${CURRENT} version`);
  const master = masterOf(current);
  if (master) return setAlternateUser(deps, event, current, next, master);
  // The pending version must change nothing but the password of the same user on the same database.
  for (const field of ['username', 'host', 'port'] as const) {
    if (next[field] !== current[field])
      throw new Error(
        `the ${PENDING} version's ${field} differs from ${CURRENT}'s; refusing to change a password elsewhere`,
      );
  }
  let session = await tryConnect(deps, current);
  if (!session) {
    const previous = await readVersion(deps, event.SecretId, PREVIOUS);
    if (previous && previous.username === current.username) session = await tryConnect(deps, previous);
  }
  if (!session)
    throw new Error(
      `setSecret: cannot log in to ${current.host}:${current.port} as ${current.username} with the ${CURRENT} or ${PREVIOUS} password`,
    );
  try {
    await session.query(alterPasswordSql(current.username, next.password));
  } finally {
    await session.close();
  }
  deps.log(`setSecret: changed the password of ${current.username} on ${current.host}`);
}

/**
 * setSecret of alternating users: the master user (its secret's AWSCURRENT) gives the pending user the application
 * role's grants and the pending password. The pending user must be one of the two and on the same database.
 */
async function setAlternateUser(
  deps: RotationDeps,
  event: RotationEvent,
  current: DbSecret,
  next: DbSecret,
  masterArn: string,
): Promise<void> {
  if (![current.username, alternateUsername(current.username)].includes(next.username))
    throw new Error(
      `the ${PENDING} version's user ${next.username} is neither ${current.username} nor its alternate; refusing to change another user`,
    );
  for (const field of ['host', 'port'] as const)
    if (next[field] !== current[field])
      throw new Error(
        `the ${PENDING} version's ${field} differs from ${CURRENT}'s; refusing to change a password elsewhere`,
      );
  // The master's own rotation may be between its setSecret and finishSecret (both rotate when the stack is created):
  // then the database takes the master's AWSPENDING password, not its AWSCURRENT.
  let session: DbSession | undefined;
  let master: DbSecret | undefined;
  for (const stage of [CURRENT, PENDING]) {
    const candidate = await readVersion(deps, masterArn, stage);
    session = candidate ? await tryConnect(deps, candidate) : undefined;
    if (session) {
      master = candidate;
      break;
    }
  }
  if (!session || !master)
    throw new Error(
      `setSecret: cannot log in as the master user of ${masterArn} with its ${CURRENT} or ${PENDING} password`,
    );
  try {
    await ensureAppRole(session, {
      username: next.username,
      password: next.password,
      database: typeof next.dbname === 'string' && next.dbname ? next.dbname : 'postgres',
    });
  } finally {
    await session.close();
  }
  deps.log(
    `setSecret: ${next.username} has the application grants and the pending password (set by ${master.username})`,
  );
}

/** testSecret: the pending credentials open a session and run a query. */
export async function testSecret(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const session = await deps.connect(await pending(deps, event));
  try {
    await session.query('select 1');
  } finally {
    await session.close();
  }
  deps.log('testSecret: the pending password logs in');
}

/** finishSecret: AWSCURRENT moves to the new version (Secrets Manager moves AWSPREVIOUS to the old one). */
export async function finishSecret(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const d = await deps.secrets.send(new DescribeSecretCommand({ SecretId: event.SecretId }));
  const holder = Object.entries(d.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes(CURRENT))?.[0];
  if (holder === event.ClientRequestToken) {
    deps.log(`finishSecret: version ${holder} is already ${CURRENT}`);
    return;
  }
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: event.SecretId,
      VersionStage: CURRENT,
      MoveToVersionId: event.ClientRequestToken,
      ...(holder ? { RemoveFromVersionId: holder } : {}),
    }),
  );
  deps.log(`finishSecret: version ${event.ClientRequestToken} is now ${CURRENT}`);
}

/** One invocation: the protocol's checks, then the requested step. */
export async function rotate(deps: RotationDeps, event: RotationEvent): Promise<void> {
  if (!event || typeof event.SecretId !== 'string' || typeof event.ClientRequestToken !== 'string')
    throw new RotationRefused('not a rotation event: SecretId and ClientRequestToken are required');
  const step = { createSecret, setSecret, testSecret, finishSecret }[event.Step];
  if (!step) throw new RotationRefused(`unknown rotation step ${String(event.Step)}`);
  if ((await checkRequest(deps, event)) === 'done') return;
  // Only the steps that create or apply a new password wait for the region to be unfenced; once the database has
  // the pending password, testing and finishing must go on or the secret and the database would disagree.
  if (event.Step === 'createSecret' || event.Step === 'setSecret') {
    const reason = await deps.fenced();
    if (reason) throw new RotationRefused(`${event.Step} refused: ${reason}`);
  }
  await step(deps, event);
}
