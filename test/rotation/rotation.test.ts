import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { pgConnector } from '../../src/rotation/pg-connector.js';
import {
  RotationRefused,
  STEPS,
  type RotationDeps,
  type RotationEvent,
  type RotationStep,
} from '../../src/rotation/protocol.js';
import { rotate, setSecret, testSecret } from '../../src/rotation/steps.js';
import { replicaArn, SecretsManagerDouble } from '../doubles/secrets-manager.js';
import { postgresAvailable, startPasswordServer, type LocalServer } from '../helpers/local-postgres.js';
import { ACCOUNT, allows, deployed, iamRequest, loadTemplate, roleStatements } from '../failover/contract-helpers.js';

// The rotation protocol end to end: the steps against the Secrets Manager double (versions and staging labels) and a
// real PostgreSQL that checks passwords, so "the old password no longer logs in" is the server's answer, not ours.
// CI installs the server binaries; there a missing server is a failure, not a skip.
if (process.env.CI && !postgresAvailable())
  throw new Error("CI must have the PostgreSQL server binaries: .ci/run installs Debian's postgresql package.");

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const SECRET = `arn:aws:secretsmanager:${EAST}:${ACCOUNT}:secret:db-master-dev-AbCdEf`;
const USER = 'trading_admin';
const EXCLUDE = '"@/\\\'';
const INVALID_PASSWORD = '28P01';

describe.skipIf(!postgresAvailable())('master secret rotation against a real PostgreSQL', () => {
  let server: LocalServer;
  let sm: SecretsManagerDouble;
  let initial: string;

  beforeAll(async () => {
    server = await startPasswordServer();
  }, 90_000);
  afterAll(() => server?.stop());

  /** Runs one statement as the superuser (setup only). */
  async function asAdmin(sql: string): Promise<void> {
    const c = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.admin.username,
      password: server.admin.password,
      database: 'postgres',
    });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }

  /** The server's answer to a login: 'ok' or the SQLSTATE it refused with. */
  async function login(password: string): Promise<string> {
    const c = new pg.Client({
      host: server.host,
      port: server.port,
      user: USER,
      password,
      database: 'postgres',
      connectionTimeoutMillis: 3000,
    });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('select 1');
      return 'ok';
    } catch (err) {
      return String((err as { code?: string }).code ?? (err as Error).message);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  const client = (region = EAST) =>
    ({
      send: (cmd: { input: object; constructor: { name: string } }) =>
        sm.handle(
          cmd.constructor.name.replace(/Command$/, ''),
          structuredClone(cmd.input) as Record<string, unknown>,
          region,
        ),
    }) as unknown as SecretsManagerClient;
  const deps = (): RotationDeps => ({
    secrets: client(),
    connect: pgConnector({ timeoutMs: 3000, tls: false }),
    passwordLength: 32,
    excludeCharacters: EXCLUDE,
    fenced: async () => undefined,
    log: () => undefined,
  });
  const event = (token: string, Step: RotationStep): RotationEvent => ({
    SecretId: SECRET,
    ClientRequestToken: token,
    Step,
  });
  const ops = (op: string) => sm.calls.filter((c) => c.op === op).length;
  const current = () => JSON.parse(sm.valueOf(SECRET) ?? '{}') as Record<string, unknown>;

  beforeEach(async () => {
    // Each case starts from a master user whose password is the secret's AWSCURRENT, as after a deploy.
    initial = `initial-${Math.random().toString(36).slice(2)}`;
    await asAdmin(`DROP ROLE IF EXISTS ${USER}`);
    await asAdmin(`CREATE ROLE ${USER} LOGIN PASSWORD '${initial}'`);
    sm = new SecretsManagerDouble();
    sm.create(SECRET, { name: 'db-master-dev', replicaRegions: [{ region: WEST }] });
    sm.putValue(
      SECRET,
      JSON.stringify({
        username: USER,
        password: initial,
        host: server.host,
        port: server.port,
        engine: 'postgres',
        dbInstanceIdentifier: 'db-dev',
      }),
      'v-initial',
    );
    sm.setRotation(SECRET, true);
  });

  it('rotates: the new password logs in, the old one is refused, and the replica secret follows', async () => {
    const token = sm.startRotation(SECRET);
    for (const step of STEPS) await rotate(deps(), event(token, step));
    const now = current();
    expect(now.password).not.toBe(initial);
    expect(String(now.password)).toHaveLength(32);
    for (const c of EXCLUDE) expect(String(now.password), c).not.toContain(c);
    // Every other field is carried over unchanged.
    expect(now).toMatchObject({
      username: USER,
      host: server.host,
      port: server.port,
      engine: 'postgres',
      dbInstanceIdentifier: 'db-dev',
    });
    expect(await login(String(now.password))).toBe('ok');
    expect(await login(initial)).toBe(INVALID_PASSWORD);
    expect(JSON.parse(sm.valueOf(SECRET, 'AWSPREVIOUS') ?? '{}').password).toBe(initial);
    // The secondary's copy (what its gateways read) has the rotated value.
    const replica = (await client(WEST).send({
      input: { SecretId: replicaArn(SECRET, WEST) },
      constructor: { name: 'GetSecretValueCommand' },
    } as never)) as { SecretString: string };
    expect(JSON.parse(replica.SecretString).password).toBe(now.password);
  });

  // A crash after step k: Secrets Manager invokes it again, then the rest; every later invocation must converge.
  it.each(STEPS.map((s, k) => [s, k] as const))('converges when %s is run again after a crash', async (_name, k) => {
    const token = sm.startRotation(SECRET);
    for (const [j, step] of STEPS.entries()) {
      await rotate(deps(), event(token, step));
      if (j === k) await rotate(deps(), event(token, step));
    }
    // A late duplicate of every step after the rotation finished changes nothing.
    for (const step of STEPS) await rotate(deps(), event(token, step));
    expect(ops('GetRandomPassword')).toBe(1);
    expect(ops('UpdateSecretVersionStage')).toBe(1);
    const described = (await client().send({
      input: { SecretId: SECRET },
      constructor: { name: 'DescribeSecretCommand' },
    } as never)) as { VersionIdsToStages: Record<string, string[]> };
    expect(described.VersionIdsToStages[token]).toContain('AWSCURRENT');
    expect(described.VersionIdsToStages['v-initial']).toEqual(['AWSPREVIOUS']);
    expect(await login(String(current().password))).toBe('ok');
    expect(await login(initial)).toBe(INVALID_PASSWORD);
  });

  it('keeps the pending password of a crashed createSecret instead of generating another', async () => {
    const token = sm.startRotation(SECRET);
    await rotate(deps(), event(token, 'createSecret'));
    const first = sm.valueOf(SECRET, 'AWSPENDING');
    await rotate(deps(), event(token, 'createSecret'));
    expect(sm.valueOf(SECRET, 'AWSPENDING')).toBe(first);
    expect(ops('PutSecretValue')).toBe(1);
  });

  it('sets a password with quotes, backslashes and dollar signs as a literal, not as SQL', async () => {
    const token = sm.startRotation(SECRET);
    const tricky = `a'b\\c"d$$e;f--g`;
    await sm.handle(
      'PutSecretValue',
      {
        SecretId: SECRET,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ ...current(), password: tricky }),
        VersionStages: ['AWSPENDING'],
      },
      EAST,
    );
    await rotate(deps(), event(token, 'setSecret'));
    await rotate(deps(), event(token, 'testSecret'));
    expect(await login(tricky)).toBe('ok');
    expect(await login(initial)).toBe(INVALID_PASSWORD);
  });

  it('fails testSecret, and never reaches finishSecret, when the database refuses the pending password', async () => {
    const token = sm.startRotation(SECRET);
    await rotate(deps(), event(token, 'createSecret'));
    await expect(testSecret(deps(), event(token, 'testSecret'))).rejects.toMatchObject({ code: INVALID_PASSWORD });
    expect(JSON.parse(sm.valueOf(SECRET) ?? '{}').password).toBe(initial);
    expect(await login(initial)).toBe('ok');
  });

  it('refuses to change the password of another user or host than AWSCURRENT names', async () => {
    const token = sm.startRotation(SECRET);
    await sm.handle(
      'PutSecretValue',
      {
        SecretId: SECRET,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ ...current(), username: 'test', password: 'x'.repeat(32) }),
        VersionStages: ['AWSPENDING'],
      },
      EAST,
    );
    await expect(setSecret(deps(), event(token, 'setSecret'))).rejects.toThrow(/username differs/);
    expect(await login(initial)).toBe('ok');
  });

  const refusals: [string, () => RotationEvent, RegExp][] = [
    [
      'rotation is disabled',
      () => (sm.setRotation(SECRET, false), event(sm.startRotation(SECRET), 'createSecret')),
      /rotation is not enabled/,
    ],
    ['the token names no version', () => event('no-such-version', 'createSecret'), /has no stage for rotation/],
    [
      'the token names a version that is not AWSPENDING',
      () => (
        sm.putValue(SECRET, JSON.stringify({ ...current(), password: 'newer' }), 'v-newer'),
        event('v-initial', 'setSecret')
      ),
      /is not AWSPENDING/,
    ],
    [
      'the step is unknown',
      () => ({ ...event(sm.startRotation(SECRET), 'createSecret'), Step: 'dropSecret' as RotationStep }),
      /unknown rotation step/,
    ],
  ];
  it.each(refusals)(
    'refuses a request when %s, before touching the secret or the database',
    async (_name, make, message) => {
      const e = make();
      const err = await rotate(deps(), e).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(RotationRefused);
      expect(String((err as Error).message)).toMatch(message);
      for (const op of ['PutSecretValue', 'UpdateSecretVersionStage', 'GetRandomPassword']) expect(ops(op), op).toBe(0);
      expect(await login(initial)).toBe('ok');
    },
  );

  it('does not create or set a new password while the region is fenced, but finishes one already set', async () => {
    const fencedDeps = (): RotationDeps => ({ ...deps(), fenced: async () => 'the maintenance flag is on' });
    const token = sm.startRotation(SECRET);
    for (const step of ['createSecret', 'setSecret'] as const) {
      await expect(rotate(fencedDeps(), event(token, step))).rejects.toThrow(/refused: the maintenance flag is on/);
    }
    expect(ops('GetRandomPassword')).toBe(0);
    expect(await login(initial)).toBe('ok');
    // Fenced only after the database took the pending password: testing and finishing still complete the rotation.
    await rotate(deps(), event(token, 'createSecret'));
    await rotate(deps(), event(token, 'setSecret'));
    await rotate(fencedDeps(), event(token, 'testSecret'));
    await rotate(fencedDeps(), event(token, 'finishSecret'));
    expect(await login(initial)).not.toBe('ok');
  });

  it('makes only calls its role in the data template allows, on this secret only', async () => {
    const token = sm.startRotation(SECRET);
    for (const step of STEPS) await rotate(deps(), event(token, step));
    const data = loadTemplate('data');
    const primaryStack = deployed(
      data,
      EAST,
      { EnvironmentSuffix: 'dev', RegionRole: 'primary' },
      { DatabaseMasterSecret: SECRET, KmsKeyArn: `arn:aws:kms:${EAST}:${ACCOUNT}:key/0000-key` },
    );
    const statements = roleStatements(data, 'SecretRotationRole', primaryStack.resolve);
    const requests = [
      ...new Set(
        sm.calls.map((c) =>
          JSON.stringify(iamRequest({ service: 'secretsmanager', operation: c.op, input: c.input, region: c.region })),
        ),
      ),
    ].map((x) => JSON.parse(x) as { action: string; arn: string });
    expect(new Set(requests.map((r) => r.action))).toEqual(
      new Set([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:GetRandomPassword',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ]),
    );
    expect(requests.filter((r) => !allows(statements, r.action, r.arn))).toEqual([]);
    // Not another secret, and not the replica in the secondary (read-only there anyway).
    expect(
      allows(
        statements,
        'secretsmanager:PutSecretValue',
        `arn:aws:secretsmanager:${EAST}:${ACCOUNT}:secret:other-AbCdEf`,
      ),
    ).toBe(false);
    expect(allows(statements, 'secretsmanager:GetSecretValue', replicaArn(SECRET, WEST))).toBe(false);
  });
});
