// The gateway's least-privilege role against a real PostgreSQL that checks passwords: it can do what the gateway does
// (connect, ask pg_is_in_recovery(), upsert its heartbeat) and nothing that changes the schema or roles.
import pg from 'pg';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alternateUsername, ensureAppRole, HEARTBEAT_TABLE } from '../../src/rotation/app-role.js';
import { pgConnector } from '../../src/rotation/pg-connector.js';
import { STEPS } from '../../src/rotation/protocol.js';
import { rotate } from '../../src/rotation/steps.js';
import { SecretsManagerDouble } from '../doubles/secrets-manager.js';
import { postgresAvailable, startPasswordServer, type LocalServer } from '../helpers/local-postgres.js';

if (process.env.CI && !postgresAvailable())
  throw new Error("CI must have the PostgreSQL server binaries: .ci/run installs Debian's postgresql package.");

describe.skipIf(!postgresAvailable())('application database role', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startPasswordServer();
  }, 90_000);
  afterAll(() => server?.stop());

  async function as<T>(user: { username: string; password: string }, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({
      host: server.host,
      port: server.port,
      database: 'postgres',
      user: user.username,
      password: user.password,
    });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }
  const app = { username: 'trading_app', password: 'p\'w$$ "1\\' };

  it('can do what the gateway does: connect, read the role, upsert its heartbeat', async () => {
    await as(server.admin, (c) => ensureAppRole(c, { ...app, database: 'postgres' }));
    await as(app, async (c) => {
      const r = await c.query<{ in_recovery: boolean }>('select pg_is_in_recovery() as in_recovery');
      expect(r.rows[0]!.in_recovery).toBe(false);
      for (let k = 0; k < 2; k++)
        await c.query(
          `insert into ${HEARTBEAT_TABLE} (region, beat_at) values ($1, now()) on conflict (region) do update set beat_at = excluded.beat_at`,
          ['us-east-1'],
        );
      const rows = await c.query(`select region from ${HEARTBEAT_TABLE}`);
      expect(rows.rows).toEqual([{ region: 'us-east-1' }]);
    });
  });

  it.each([
    ['DROP TABLE', `drop table ${HEARTBEAT_TABLE}`, /must be owner/],
    ['ALTER TABLE', `alter table ${HEARTBEAT_TABLE} add column x int`, /must be owner/],
    ['TRUNCATE', `truncate ${HEARTBEAT_TABLE}`, /permission denied/],
    ['DELETE', `delete from ${HEARTBEAT_TABLE}`, /permission denied/],
    ['CREATE TABLE', 'create table public.mine (id int)', /permission denied/],
    ['CREATE ROLE', 'create role intruder', /permission denied/],
    ['ALTER ROLE (its own privileges)', 'alter role trading_app createrole', /permission denied/],
    ['CREATE DATABASE', 'create database other', /permission denied/],
  ])('cannot %s', async (_name, sql, refused) => {
    await as(server.admin, (c) => ensureAppRole(c, { ...app, database: 'postgres' }));
    await as(app, async (c) => {
      await expect(c.query(sql)).rejects.toThrow(refused);
    });
  });

  it('is idempotent and sets the password: the old one is refused afterwards; the alternate user gets the same grants', async () => {
    await as(server.admin, (c) => ensureAppRole(c, { ...app, database: 'postgres' }));
    const next = { username: app.username, password: 'second-password' };
    await as(server.admin, (c) => ensureAppRole(c, { ...next, database: 'postgres' }));
    await expect(as(app, async () => undefined)).rejects.toThrow(/password authentication failed/);
    await as(next, (c) => c.query('select 1'));

    const clone = { username: alternateUsername(app.username), password: 'clone-password' };
    expect(clone.username).toBe('trading_app_clone');
    expect(alternateUsername(clone.username)).toBe('trading_app');
    await as(server.admin, (c) => ensureAppRole(c, { ...clone, database: 'postgres' }));
    await as(clone, async (c) => {
      await c.query(
        `insert into ${HEARTBEAT_TABLE} (region, beat_at) values ('us-west-2', now()) on conflict (region) do update set beat_at = excluded.beat_at`,
      );
      await expect(c.query(`drop table ${HEARTBEAT_TABLE}`)).rejects.toThrow(/must be owner/);
    });
  });

  it('alternating-users rotation of the application secret: the master sets the other user, the current one keeps working', async () => {
    const MASTER = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-master-dev-AbCdEf';
    const APP = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-app-dev-GhIjKl';
    await as(server.admin, (c) => ensureAppRole(c, { ...app, password: 'first-app-password', database: 'postgres' }));
    const sm = new SecretsManagerDouble();
    const where = { host: server.host, port: server.port, engine: 'postgres' };
    sm.create(MASTER, { name: 'db-master-dev' });
    sm.putValue(MASTER, JSON.stringify({ ...server.admin, ...where }), 'm-1');
    sm.create(APP, { name: 'db-app-dev' });
    sm.putValue(
      APP,
      JSON.stringify({ username: app.username, password: 'first-app-password', ...where, masterarn: MASTER }),
      'a-1',
    );
    sm.setRotation(APP, true);
    const secrets = {
      send: (cmd: { input: object; constructor: { name: string } }) =>
        sm.handle(
          cmd.constructor.name.replace(/Command$/, ''),
          structuredClone(cmd.input) as Record<string, unknown>,
          'us-east-1',
        ),
    } as unknown as SecretsManagerClient;
    const deps = {
      secrets,
      connect: pgConnector({ timeoutMs: 3000, tls: false }),
      passwordLength: 32,
      excludeCharacters: '"@/\\\'',
      fenced: async () => undefined,
      log: () => undefined,
    };
    const rotateOnce = async () => {
      const token = sm.startRotation(APP);
      for (const Step of STEPS) await rotate(deps, { SecretId: APP, ClientRequestToken: token, Step });
      return JSON.parse(sm.valueOf(APP) ?? '{}') as { username: string; password: string; masterarn: string };
    };

    const first = await rotateOnce();
    expect(first).toMatchObject({ username: 'trading_app_clone', masterarn: MASTER, host: server.host });
    // The clone has the application's grants and nothing more; the user clients held until now still logs in.
    await as(first, async (c) => {
      await c.query(
        `insert into ${HEARTBEAT_TABLE} (region, beat_at) values ('eu', now()) on conflict (region) do update set beat_at = excluded.beat_at`,
      );
      await expect(c.query('create role intruder')).rejects.toThrow(/permission denied/);
    });
    await as({ username: 'trading_app', password: 'first-app-password' }, (c) => c.query('select 1'));

    // The next rotation goes back to the first user, with a new password; the clone keeps its own until then.
    const second = await rotateOnce();
    expect(second.username).toBe('trading_app');
    expect(second.password).not.toBe('first-app-password');
    await as(second, (c) => c.query('select 1'));
    await as(first, (c) => c.query('select 1'));
    await expect(
      as({ username: 'trading_app', password: 'first-app-password' }, async () => undefined),
    ).rejects.toThrow(/password authentication failed/);
  });

  it("creates the user while the master secret's own rotation is half-way (the database has the master's pending password)", async () => {
    const MASTER = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-master-dev-MnOpQr';
    const APP = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-app-dev-StUvWx';
    const sm = new SecretsManagerDouble();
    const where = { host: server.host, port: server.port };
    sm.create(MASTER, { name: 'db-master-dev' });
    // AWSCURRENT no longer logs in: the master rotation's setSecret already changed the password to AWSPENDING's.
    sm.putValue(MASTER, JSON.stringify({ username: server.admin.username, password: 'stale', ...where }), 'm-1');
    const token = sm.startRotation(MASTER);
    await sm.handle(
      'PutSecretValue',
      {
        SecretId: MASTER,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ ...server.admin, ...where }),
        VersionStages: ['AWSPENDING'],
      },
      'us-east-1',
    );
    sm.create(APP, { name: 'db-app-dev' });
    sm.putValue(
      APP,
      JSON.stringify({ username: 'mid_app', password: 'never-created', ...where, masterarn: MASTER }),
      'a-1',
    );
    sm.setRotation(APP, true);
    const secrets = {
      send: (cmd: { input: object; constructor: { name: string } }) =>
        sm.handle(
          cmd.constructor.name.replace(/Command$/, ''),
          structuredClone(cmd.input) as Record<string, unknown>,
          'us-east-1',
        ),
    } as unknown as SecretsManagerClient;
    const deps = {
      secrets,
      connect: pgConnector({ timeoutMs: 3000, tls: false }),
      passwordLength: 32,
      excludeCharacters: '"@/\\\'',
      fenced: async () => undefined,
      log: () => undefined,
    };
    const appToken = sm.startRotation(APP);
    for (const Step of STEPS) await rotate(deps, { SecretId: APP, ClientRequestToken: appToken, Step });
    const now = JSON.parse(sm.valueOf(APP) ?? '{}') as { username: string; password: string };
    expect(now.username).toBe('mid_app_clone');
    await as(now, (c) => c.query('select 1'));
  });
});
