import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { HealthChecker } from '../../src/service/gateway/health.js';
import { orderIdFor } from '../../src/service/gateway/orders.js';
import { MaintenanceFlag } from '../../src/service/gateway/maintenance.js';
import { pgProbe, type DbProbe } from '../../src/service/gateway/db-probe.js';
import { VirtualClock } from '../doubles/virtual-clock.js';
import { SsmDouble } from '../doubles/ssm.js';
import { startLocalDynamo, type LocalDynamo } from '../doubles/dynamodb.js';
import { loadLayerTemplate, props, resolve } from '../helpers/templates.js';
import {
  DbDouble,
  MAINTENANCE,
  ORDERS_TABLE_INPUT,
  REGION,
  TABLE,
  order,
  serverList,
  startGateway,
} from './harness.js';

let ddb: LocalDynamo;
beforeAll(async () => {
  ddb = await startLocalDynamo();
  await ddb.createTable(ORDERS_TABLE_INPUT);
});
afterAll(() => ddb.close());

const servers = serverList();
afterEach(() => servers.closeAll());

const start = (opts: { db?: DbProbe; cacheMs?: number; timeoutMs?: number; role?: 'primary' | 'secondary' } = {}) =>
  startGateway(ddb, servers, opts);

describe('gateway /health', () => {
  it('answers 200 with every check, their latency, and the database role', async () => {
    const g = await start();
    const r = await g.call('/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', region: REGION, role: 'secondary', cached: false });
    expect(r.body.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'dynamodb:ok',
      'database:ok',
      'region:ok',
      'maintenance:ok',
    ]);
    expect(r.body.checks[1].detail).toEqual({ role: 'replica', endpoint: 'db.example:5432' });
    for (const c of r.body.checks) expect(typeof c.latencyMs).toBe('number');
    // The health item was really written and read back through the conditional put.
    expect(
      ddb.log.ops('dynamodb', 'PutItem').some((c) => JSON.stringify(c.input).includes('health#us-west-2#i-test')),
    ).toBe(true);
  });

  it('answers 503 when the maintenance flag is on, once the cache expires', async () => {
    const g = await start({ cacheMs: 2000 });
    expect((await g.call('/health')).status).toBe(200);
    g.ssm.put(REGION, '/trading/gwtest/maintenance', 'on');
    expect((await g.call('/health')).body.cached).toBe(true);
    g.clock.advance(2000);
    const r = await g.call('/health');
    expect(r.status).toBe(503);
    expect(r.body.checks.find((c: { name: string }) => c.name === 'maintenance')).toMatchObject({
      status: 'fail',
      detail: { flag: 'on' },
    });
  });

  it('answers 503 when the database is unreachable, and times a hanging one out quickly', async () => {
    const db = new DbDouble();
    db.mode = 'down';
    const g = await start({ db, cacheMs: 0, timeoutMs: 200 });
    const down = await g.call('/health');
    expect(down.status).toBe(503);
    expect(down.body.checks[1]).toMatchObject({
      name: 'database',
      status: 'fail',
      detail: { error: expect.stringMatching(/ECONNREFUSED/) },
    });
    db.mode = 'hang';
    const t0 = performance.now();
    const hung = await g.call('/health');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(hung.body.checks[1].detail.error).toMatch(/TimeoutError: database timed out after 200ms/);
    expect(hung.body.checks[2]).toMatchObject({ name: 'region', status: 'ok', detail: { databaseRole: 'unknown' } });
  });

  it('serves repeated and concurrent checks from one run within the cache window', async () => {
    const g = await start({ cacheMs: 5000 });
    await Promise.all([g.call('/health'), g.call('/health'), g.call('/health')]);
    await g.call('/health');
    expect(g.db.calls).toBe(1);
    g.clock.advance(5000);
    await g.call('/health');
    expect(g.db.calls).toBe(2);
  });

  it('writes its health item conditionally: it never replaces an item that is not a health item', async () => {
    const { PutItemCommand, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const c = ddb.client(REGION);
    await c.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { orderId: { S: 'health#us-west-2#i-foreign' }, note: { S: 'not ours' } },
      }),
    );
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const ssm = new SsmDouble({ now: clock.now });
    ssm.put(REGION, '/trading/gwtest/maintenance', 'off');
    const health = new HealthChecker({
      region: REGION,
      role: 'secondary',
      ordersTable: TABLE,
      maintenanceParameter: '/trading/gwtest/maintenance',
      dynamodb: c,
      ssm: ssm.client(REGION),
      db: new DbDouble(),
      timeoutMs: 2000,
      cacheMs: 0,
      now: clock.now,
      instanceId: 'i-foreign',
    });
    const r = await health.check();
    expect(r.status).toBe('fail');
    expect(r.checks[0]).toMatchObject({
      name: 'dynamodb',
      status: 'fail',
      detail: { error: expect.stringMatching(/ConditionalCheckFailed/) },
    });
    expect(
      (await c.send(new GetItemCommand({ TableName: TABLE, Key: { orderId: { S: 'health#us-west-2#i-foreign' } } })))
        .Item?.note?.S,
    ).toBe('not ours');
  });

  it('fails the region check in the primary while its database is a replica (the writer is elsewhere), with one probe', async () => {
    const g = await start({ role: 'primary', cacheMs: 0 });
    const r = await g.call('/health');
    expect(r.status).toBe(503);
    expect(r.body.checks.find((c: { name: string }) => c.name === 'region')).toMatchObject({
      status: 'fail',
      detail: { role: 'primary', databaseRole: 'replica' },
    });
    expect(g.db.calls).toBe(1);
    g.db.mode = 'writer';
    const ok = await g.call('/health');
    expect(ok.status).toBe(200);
    expect(ok.body.checks.find((c: { name: string }) => c.name === 'region')).toMatchObject({
      status: 'ok',
      detail: { role: 'primary', databaseRole: 'writer' },
    });
    // The secondary serves as a replica, and an unreachable database is the database check's failure alone.
    const s = await start({ cacheMs: 0 });
    expect((await s.call('/health')).status).toBe(200);
    s.db.mode = 'down';
    const down = await s.call('/health');
    expect(down.body.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'dynamodb:ok',
      'database:fail',
      'region:ok',
      'maintenance:ok',
    ]);
  });

  it('reports the writer role after promotion', async () => {
    const g = await start();
    g.db.mode = 'writer';
    expect((await g.call('/health')).body.checks[1].detail.role).toBe('writer');
  });

  it('fails the database check through the real pg probe when nothing listens', async () => {
    const probe = pgProbe({
      host: '127.0.0.1',
      port: 1,
      credentials: async () => ({ username: 'u', password: 'p' }),
      timeoutMs: 500,
      tls: false,
    });
    const g = await start({ db: probe, cacheMs: 0, timeoutMs: 1000 });
    const r = await g.call('/health');
    expect(r.status).toBe(503);
    expect(r.body.checks[1].detail.error).toMatch(/ECONNREFUSED/);
  });
});

describe('gateway orders', () => {
  it('creates an order, replays the same request, and refuses a different one with the same client id', async () => {
    const g = await start();
    const first = await g.post(order);
    expect(first.status).toBe(201);
    expect(first.body.order).toMatchObject({
      ...order,
      orderId: orderIdFor('c-1001'),
      status: 'accepted',
      region: REGION,
      timeInForce: 'DAY',
    });
    expect(first.body.order.requestHash).toBeUndefined();
    expect(first.headers.get('location')).toBe(`/orders/${orderIdFor('c-1001')}`);
    const again = await g.post({ ...order });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ order: first.body.order, replayed: true });
    const conflict = await g.post({ ...order, quantity: 200 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({
      code: 'CLIENT_ORDER_ID_CONFLICT',
      details: { orderId: orderIdFor('c-1001') },
    });
    const got = await g.call(`/orders/${orderIdFor('c-1001')}`);
    expect(got).toMatchObject({ status: 200, body: { order: first.body.order } });
    // The conflict is the client's error: logged at info, not as a failure.
    expect(g.reporter.codes()).toEqual(['GATEWAY_ORDER_CREATED', 'GATEWAY_ORDER_REPLAYED', 'GATEWAY_REQUEST_REJECTED']);
    expect(g.reporter.byCode('GATEWAY_REQUEST_REJECTED')[0]).toMatchObject({
      level: 'info',
      data: { status: 409, code: 'CLIENT_ORDER_ID_CONFLICT' },
    });
  });

  it('creates exactly one order when the same request races', async () => {
    const g = await start();
    const rs = await Promise.all(Array.from({ length: 5 }, () => g.post({ ...order, clientOrderId: 'race-1' })));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(rs.map((r) => r.body.order.createdAt)).size).toBe(1);
  });

  it('explains every invalid field with 400', async () => {
    const g = await start();
    const r = await g.post({
      clientOrderId: 'bad id!',
      symbol: 'aapl',
      side: 'hold',
      quantity: 1.5,
      type: 'limit',
      extra: 1,
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_ORDER');
    expect(r.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'clientOrderId',
      'extra',
      'price',
      'quantity',
      'side',
      'symbol',
    ]);
    expect((await g.post({ ...order, type: 'market' })).body.error.details).toEqual([
      { field: 'price', message: 'must be absent for market orders' },
    ]);
    expect((await g.post({ ...order, price: 1.23456 })).status).toBe(400);
    expect((await g.post('{"clientOrderId":')).body.error.code).toBe('INVALID_JSON');
    expect((await g.post(order, 'text/plain')).status).toBe(415);
    expect((await g.post('x'.repeat(20_000))).status).toBe(413);
    expect((await g.post([order])).body.error.details).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it('answers 404 for an unknown order, 400 for a malformed id, 405 and 404 for wrong routes', async () => {
    const g = await start();
    expect((await g.call(`/orders/${orderIdFor('never')}`)).status).toBe(404);
    expect((await g.call('/orders/health%23us-west-2%23i-test')).body.error.code).toBe('INVALID_ORDER_ID');
    const m = await g.call('/orders', { method: 'GET' });
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST');
    expect((await g.call('/nope')).status).toBe(404);
  });

  it('refuses writes while the maintenance flag is on (the runbooks stop writes with it), and takes them again after', async () => {
    const g = await start();
    expect((await g.post({ ...order, clientOrderId: 'm-1' })).status).toBe(201);
    g.ssm.put(REGION, '/trading/gwtest/maintenance', 'on');
    g.clock.advance(2000);
    const refused = await g.post({ ...order, clientOrderId: 'm-2' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.error).toMatchObject({
      code: 'MAINTENANCE',
      message: expect.stringMatching(/us-west-2 is in maintenance/),
    });
    expect((await g.call(`/orders/${orderIdFor('m-2')}`)).status).toBe(404);
    // Reads still work: only writes are fenced.
    expect((await g.call(`/orders/${orderIdFor('m-1')}`)).status).toBe(200);
    g.ssm.put(REGION, '/trading/gwtest/maintenance', 'off');
    g.clock.advance(2000);
    expect((await g.post({ ...order, clientOrderId: 'm-2' })).status).toBe(201);
  });

  it('keeps the last known flag when Parameter Store fails, and allows writes when it never answered', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const ssm = new SsmDouble({ now: clock.now });
    ssm.put(REGION, '/trading/gwtest/maintenance', 'on');
    const flag = new MaintenanceFlag(ssm.client(REGION), '/trading/gwtest/maintenance', 2000, clock.now);
    expect(await flag.isOn()).toBe(true);
    ssm.failures.failNext('GetParameter', () =>
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    clock.advance(2000);
    expect(await flag.isOn()).toBe(true);
    const fresh = new MaintenanceFlag(ssm.client(REGION), '/trading/gwtest/maintenance', 2000, clock.now);
    ssm.failures.failNext('GetParameter', () =>
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    expect(await fresh.isOn()).toBe(false);
  });

  it('GET /region names region, role and the current writer endpoint', async () => {
    const g = await start();
    expect((await g.call('/region')).body).toEqual({
      region: REGION,
      role: 'secondary',
      environment: 'gwtest',
      writerEndpoint: 'db-primary.example',
    });
  });
});

describe('database credentials', () => {
  it("reads the secret named in Parameter Store through its own region's client only, and keeps the last good value", async () => {
    const { secretsManagerCredentials } = await import('../../src/service/gateway/db-probe.js');
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const asked: string[] = [];
    let fail = false;
    let password = 'pw-1';
    const client = {
      send: async (cmd: GetSecretValueCommand) => {
        asked.push(String(cmd.input.SecretId));
        if (fail) throw Object.assign(new Error('endpoint unreachable'), { name: 'TimeoutError' });
        return { SecretString: JSON.stringify({ username: 'trader', password }) };
      },
    } as never;
    // The secondary's replica of the primary's secret: same name, this region.
    let current = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf';
    const creds = secretsManagerCredentials(async () => current, client, clock.now);
    expect(await creds()).toEqual({ username: 'trader', password: 'pw-1' });
    // Within the cache window nothing is read again; after it the parameter is asked again.
    clock.advance(60_000);
    expect(await creds()).toEqual({ username: 'trader', password: 'pw-1' });
    current = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-GhIjKl';
    password = 'pw-2';
    clock.advance(16 * 60_000);
    expect(await creds()).toEqual({ username: 'trader', password: 'pw-2' });
    fail = true;
    clock.advance(16 * 60_000);
    expect(await creds()).toEqual({ username: 'trader', password: 'pw-2' });
    expect(asked).toEqual([
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-GhIjKl',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-GhIjKl',
    ]);
  });

  it('fails without a value it could fall back on', async () => {
    const { secretsManagerCredentials } = await import('../../src/service/gateway/db-probe.js');
    const down = {
      send: async () => Promise.reject(Object.assign(new Error('endpoint unreachable'), { name: 'TimeoutError' })),
    } as never;
    await expect(
      secretsManagerCredentials('arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf', down)(),
    ).rejects.toThrow(/unreachable/);
    const empty = { send: async () => ({ SecretString: JSON.stringify({ username: 'trader' }) }) } as never;
    await expect(
      secretsManagerCredentials('arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf', empty)(),
    ).rejects.toThrow(/no username\/password/);
  });
});

describe('database probe over the PostgreSQL protocol', () => {
  it('re-reads the secret once when the password was rotated, instead of failing until its cache expires', async () => {
    const { PostgresDouble } = await import('../doubles/postgres.js');
    const { secretsManagerCredentials } = await import('../../src/service/gateway/db-probe.js');
    const pgd = new PostgresDouble({ user: 'trader', password: 'v1' });
    const port = await pgd.start();
    try {
      let secret = 'v1';
      let reads = 0;
      const client = {
        send: async () => (reads++, { SecretString: JSON.stringify({ username: 'trader', password: secret }) }),
      } as never;
      const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
      const probe = pgProbe({
        host: '127.0.0.1',
        port,
        credentials: secretsManagerCredentials(
          'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf',
          client,
          clock.now,
        ),
        timeoutMs: 1000,
        tls: false,
      });
      expect((await probe.probe()).inRecovery).toBe(true);
      expect(await probe.probe()).toMatchObject({ inRecovery: true });
      expect(reads).toBe(1);
      // The password changes on the server and in the secret together (a rotation), well within the cache window.
      pgd.setPassword('v2');
      secret = 'v2';
      expect((await probe.probe()).inRecovery).toBe(true);
      expect(reads).toBe(2);
      // A password the secret does not know either still fails, after exactly one re-read.
      pgd.setPassword('v3');
      await expect(probe.probe()).rejects.toThrow(/password authentication failed/);
      expect(reads).toBe(3);
    } finally {
      await pgd.stop();
    }
  });

  it('tells a replica from a writer with the real pg client, and fails on bad credentials', async () => {
    const { PostgresDouble } = await import('../doubles/postgres.js');
    const pgd = new PostgresDouble({ user: 'trader', password: 's3cret' });
    const port = await pgd.start();
    try {
      let password = 's3cret';
      const probe = pgProbe({
        host: '127.0.0.1',
        port,
        credentials: async () => ({ username: 'trader', password }),
        timeoutMs: 1000,
        tls: false,
      });
      expect(await probe.probe()).toEqual({ inRecovery: true, endpoint: `127.0.0.1:${port}` });
      pgd.inRecovery = false;
      expect((await probe.probe()).inRecovery).toBe(false);
      expect(pgd.queries).toEqual([
        'select pg_is_in_recovery() as in_recovery',
        'select pg_is_in_recovery() as in_recovery',
      ]);
      password = 'wrong';
      await expect(probe.probe()).rejects.toThrow(/password authentication failed for user "trader"/);
      const g = await start({ db: probe, cacheMs: 0 });
      const r = await g.call('/health');
      expect(r.status).toBe(503);
      password = 's3cret';
      const ok = await g.call('/health');
      expect(ok.status, JSON.stringify(ok.body.checks)).toBe(200);
      expect(ok.body.checks[1].detail).toEqual({ role: 'writer', endpoint: `127.0.0.1:${port}` });
    } finally {
      await pgd.stop();
    }
  });
});

describe('health separation: target health asks /live, Route 53 asks /health', () => {
  // The paths each checker requests, read from the templates as CloudFormation resolves them with their defaults.
  const compute = loadLayerTemplate('compute');
  const global = loadLayerTemplate('global');
  const targetPath = String(resolve(compute, props(compute, 'TargetGroup').HealthCheckPath));
  const route53Path = String(
    resolve(global, (props(global, 'PrimaryHealthCheck').HealthCheckConfig as Record<string, unknown>).ResourcePath),
  );

  it('reads the two paths from the templates: the shallow one for the target group, the deep one for Route 53', () => {
    expect(targetPath).toBe('/live');
    expect(route53Path).toBe('/health');
  });

  it('a failing database probe leaves target health healthy while the Route 53 health endpoint reports unhealthy', async () => {
    const g = await start({ role: 'primary' });
    g.db.mode = 'writer';
    expect((await g.call(targetPath)).status).toBe(200);
    expect((await g.call(route53Path)).status).toBe(200);
    g.db.mode = 'down';
    g.clock.advance(5000); // past the health cache
    const calls = g.db.calls;
    const target = await g.call(targetPath);
    expect(target.status).toBe(200);
    expect(target.body).toMatchObject({ status: 'ok', region: REGION });
    expect(g.db.calls).toBe(calls); // liveness never touches the database
    const route53 = await g.call(route53Path);
    expect(route53.status).toBe(503);
    expect(route53.body.checks.find((c: { name: string }) => c.name === 'database').status).toBe('fail');
  });

  it('the maintenance flag fails the deep check only: the fleet stays in the target group', async () => {
    const g = await start();
    g.ssm.put(REGION, MAINTENANCE, 'on');
    expect((await g.call(targetPath)).status).toBe(200);
    expect((await g.call(route53Path)).status).toBe(503);
  });

  it('a hanging database does not slow liveness down', async () => {
    const g = await start({ timeoutMs: 300 });
    g.db.mode = 'hang';
    const [live, health] = await Promise.all([g.call(targetPath), g.call(route53Path)]);
    expect(live.status).toBe(200);
    expect(health.status).toBe(503);
  });

  it('answers liveness for GET only', async () => {
    const g = await start();
    expect((await g.call(targetPath, { method: 'POST' })).status).toBe(405);
  });
});
