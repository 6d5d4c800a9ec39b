// The gateway under faults (issue: bounded latency, right status codes, a fence with no gap): a DynamoDB that
// freezes instead of refusing, dependencies that fail, request targets that do not parse, and the maintenance flag
// switched on while writes are on their way.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { orderIdFor } from '../../src/service/gateway/orders.js';
import { timedClientConfig } from '../../src/service/gateway/sdk-timeouts.js';
import { writeFence } from '../../src/service/gateway/fence.js';
import { createGatewayServer } from '../../src/service/gateway/server.js';
import type { HealthChecker } from '../../src/service/gateway/health.js';
import type { OrderStore } from '../../src/service/gateway/orders.js';
import type { MaintenanceFlag } from '../../src/service/gateway/maintenance.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import { startLocalDynamo, type LocalDynamo } from '../doubles/dynamodb.js';
import { SsmDouble } from '../doubles/ssm.js';
import { StallProxy } from './stall-proxy.js';
import {
  MAINTENANCE,
  ORDERS_TABLE_INPUT,
  REGION,
  TABLE,
  get,
  order,
  rawRequest,
  serverList,
  startGateway,
} from './harness.js';

const DEADLINE_MS = 500;

let ddb: LocalDynamo;
let proxy: StallProxy;
let proxied: DynamoDBClient;
beforeAll(async () => {
  ddb = await startLocalDynamo();
  await ddb.createTable(ORDERS_TABLE_INPUT);
  proxy = new StallProxy(Number(new URL(ddb.endpoint).port));
  // The gateway's own client settings (main.ts), through the proxy.
  proxied = new DynamoDBClient({
    ...timedClientConfig(REGION, DEADLINE_MS),
    endpoint: await proxy.start(),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  proxied.destroy();
  await proxy.stop();
  await ddb.close();
});

const servers = serverList();
afterEach(() => servers.closeAll());

/** The order as DynamoDB holds it, read past the proxy. */
const stored = async (clientOrderId: string) =>
  (
    await ddb.client(REGION).send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { orderId: { S: orderIdFor(clientOrderId) } },
        ConsistentRead: true,
      }),
    )
  ).Item;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a stalled DynamoDB (frozen, not refused)', () => {
  it('POST answers within the deadline with OUTCOME_UNKNOWN; the write lands late; the retry returns that order, once', async () => {
    const g = await startGateway(ddb, servers, { dynamodb: proxied, requestDeadlineMs: DEADLINE_MS });
    expect((await g.post({ ...order, clientOrderId: 'stall-warm' })).status).toBe(201);

    proxy.freeze();
    const t0 = performance.now();
    const r = await g.post({ ...order, clientOrderId: 'stall-1' });
    const elapsed = performance.now() - t0;
    // Frozen until thawed: without the deadline this request would wait as long as the freeze.
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1500);
    expect(r.status).toBe(504);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.body.error).toEqual({
      code: 'OUTCOME_UNKNOWN',
      message: expect.stringMatching(
        /DynamoDB did not answer within 500 ms: the order may or may not have been written\. Retry with the same clientOrderId: it is safe/,
      ),
      details: { clientOrderId: 'stall-1', orderId: orderIdFor('stall-1') },
    });
    expect(g.reporter.byCode('GATEWAY_OUTCOME_UNKNOWN')[0]).toMatchObject({
      level: 'error',
      data: { status: 504, clientOrderId: 'stall-1', dependency: 'DynamoDB' },
    });

    // The request was in flight: once the freeze ends, DynamoDB applies it after the client was told "unknown".
    proxy.thaw('deliver');
    const late = await until('the late write', () => stored('stall-1'));
    const retry = await g.post({ ...order, clientOrderId: 'stall-1' });
    expect(retry.status).toBe(200);
    expect(retry.body.replayed).toBe(true);
    expect(retry.body.order).toMatchObject({ orderId: orderIdFor('stall-1'), createdAt: late.createdAt?.S });
    // Exactly once: the retry created nothing, and a second retry returns the same order.
    const again = await g.post({ ...order, clientOrderId: 'stall-1' });
    expect(again.body).toEqual(retry.body);
    expect(
      g.reporter.byCode('GATEWAY_ORDER_CREATED').map((m) => (m.data as { clientOrderId: string }).clientOrderId),
    ).toEqual(['stall-warm']);
  });

  it('a write that never reached DynamoDB: the retry creates it, once', async () => {
    const g = await startGateway(ddb, servers, { dynamodb: proxied, requestDeadlineMs: DEADLINE_MS });
    proxy.freeze();
    const r = await g.post({ ...order, clientOrderId: 'stall-2' });
    expect(r.status).toBe(504);
    expect(r.body.error.code).toBe('OUTCOME_UNKNOWN');
    proxy.thaw('drop');
    expect(await stored('stall-2')).toBeUndefined();
    const retry = await g.post({ ...order, clientOrderId: 'stall-2' });
    expect(retry.status).toBe(201);
    expect((await g.post({ ...order, clientOrderId: 'stall-2' })).status).toBe(200);
  });

  it('GET answers 504 DEPENDENCY_TIMEOUT within the deadline, with a read’s advice (no clientOrderId)', async () => {
    const g = await startGateway(ddb, servers, { dynamodb: proxied, requestDeadlineMs: DEADLINE_MS });
    proxy.freeze();
    try {
      const t0 = performance.now();
      const r = await g.call(`/orders/${orderIdFor('stall-warm')}`);
      expect(performance.now() - t0).toBeLessThan(DEADLINE_MS + 1500);
      expect(r.status).toBe(504);
      expect(r.body.error).toEqual({
        code: 'DEPENDENCY_TIMEOUT',
        message: 'DynamoDB did not answer within 500 ms; nothing was changed: retry the request',
      });
      expect(r.body.error.message).not.toMatch(/clientOrderId/);
      expect(g.reporter.byCode('GATEWAY_DEPENDENCY_FAILED')[0]).toMatchObject({
        level: 'error',
        data: { status: 504 },
      });
    } finally {
      proxy.thaw('drop');
    }
    expect((await g.call(`/orders/${orderIdFor('stall-warm')}`)).status).toBe(200);
  });

  it('the request’s abort signal alone ends the calls at the deadline, whatever the client’s attempt timeouts', async () => {
    // Attempts that would each wait 10 s: only the request's signal can end them within the test.
    const patient = new DynamoDBClient({
      ...timedClientConfig(REGION, 20_000),
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const g = await startGateway(ddb, servers, { dynamodb: patient, requestDeadlineMs: DEADLINE_MS });
    proxy.freeze();
    try {
      for (const send of [
        () => g.post({ ...order, clientOrderId: 'stall-3' }),
        () => g.call(`/orders/${orderIdFor('stall-warm')}`),
      ]) {
        const t0 = performance.now();
        const r = await send();
        expect(performance.now() - t0).toBeLessThan(DEADLINE_MS + 3000);
        expect(r.status).toBe(504);
      }
    } finally {
      proxy.thaw('drop');
      patient.destroy();
    }
  });
});

describe('dependency failures that are not timeouts', () => {
  it('a write DynamoDB refused at once was not written (503 DEPENDENCY_UNAVAILABLE); a failed read says retry the request', async () => {
    // Resource not found: DynamoDB answers 400 without retry.
    const g = await startGateway(ddb, servers, { ordersTable: 'orders-missing' });
    const w = await g.post({ ...order, clientOrderId: 'refused-1' });
    expect(w.status).toBe(503);
    expect(w.headers.get('retry-after')).toBe('1');
    expect(w.body.error).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      message: expect.stringMatching(
        /^DynamoDB refused the write \(ResourceNotFoundException\): the order was not written\. Retry with the same clientOrderId/,
      ),
      details: { clientOrderId: 'refused-1', orderId: orderIdFor('refused-1') },
    });
    const r = await g.call(`/orders/${orderIdFor('refused-1')}`);
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({
      code: 'DEPENDENCY_UNAVAILABLE',
      message: 'DynamoDB failed (ResourceNotFoundException); nothing was changed: retry the request',
    });
    expect(g.reporter.byCode('GATEWAY_DEPENDENCY_FAILED').map((m) => m.level)).toEqual(['error', 'error']);
  });

  it('a write that failed without an answer after retries is OUTCOME_UNKNOWN (503): an earlier attempt may have landed', async () => {
    const refused = new DynamoDBClient({
      ...timedClientConfig(REGION, DEADLINE_MS),
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const g = await startGateway(ddb, servers, { dynamodb: refused, requestDeadlineMs: 5000 });
      const w = await g.post({ ...order, clientOrderId: 'refused-2' });
      expect(w.status).toBe(503);
      expect(w.body.error).toMatchObject({
        code: 'OUTCOME_UNKNOWN',
        message: expect.stringMatching(/failed without an answer .*may or may not have been written/),
      });
    } finally {
      refused.destroy();
    }
  });

  it('a write out of time before it was sent (a flag read that does not answer) was not written: 504 DEPENDENCY_TIMEOUT', async () => {
    const reporter = new MemoryReporter();
    const ssm = new SsmDouble({ now: Date.now });
    const calls = ddb.log.calls.length;
    const server = createGatewayServer({
      region: REGION,
      role: 'secondary',
      environmentSuffix: 'gwtest',
      health: {} as HealthChecker,
      orders: {
        create: async () => {
          throw new Error('must not be called');
        },
      } as unknown as OrderStore,
      ssm: ssm.client(REGION),
      writerEndpointParameter: '/x',
      // Parameter Store does not answer: the check gives up at the request's deadline (with no value ever read).
      maintenance: {
        isOn: (signal: AbortSignal) =>
          new Promise<boolean>((r) => (signal.aborted ? r(false) : signal.addEventListener('abort', () => r(false)))),
      } as unknown as MaintenanceFlag,
      reporter,
      requestDeadlineMs: 200,
    });
    servers.track(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...order, clientOrderId: 'slow-flag' }),
    });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: 'DEPENDENCY_TIMEOUT',
      message:
        'the deadline of 200 ms passed before the order could be sent: the order was not written. Retry with the same clientOrderId.',
      details: { clientOrderId: 'slow-flag', orderId: orderIdFor('slow-flag') },
    });
    expect(reporter.byCode('GATEWAY_DEPENDENCY_FAILED')[0]).toMatchObject({ level: 'error', data: { status: 504 } });
    expect(ddb.log.calls.length).toBe(calls);
  });

  it('an error that is neither the client’s nor a dependency’s is a 500, not a 503', async () => {
    const reporter = new MemoryReporter();
    const ssm = new SsmDouble({ now: Date.now });
    const server = createGatewayServer({
      region: REGION,
      role: 'secondary',
      environmentSuffix: 'gwtest',
      health: {
        check: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'status')");
        },
      } as unknown as HealthChecker,
      orders: {} as OrderStore,
      ssm: ssm.client(REGION),
      writerEndpointParameter: '/x',
      maintenance: {} as MaintenanceFlag,
      reporter,
    });
    servers.track(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INTERNAL_ERROR');
    expect(reporter.byCode('GATEWAY_INTERNAL_ERROR')[0]).toMatchObject({
      level: 'error',
      data: { error: 'TypeError' },
    });
  });
});

describe('malformed request targets and routes are the client’s error (4xx), logged at info', () => {
  const cases: [string, string, number, string][] = [
    ['GET /orders/%ZZ', get('/orders/%ZZ'), 400, 'INVALID_PATH_ENCODING'],
    ['GET /orders/%E0%A4%A (a cut UTF-8 sequence)', get('/orders/%E0%A4%A'), 400, 'INVALID_PATH_ENCODING'],
    ['GET http://% (absolute-form that does not parse)', get('http://%'), 400, 'INVALID_REQUEST_TARGET'],
    [
      'GET http://gateway/orders/%ZZ (absolute-form, bad escape)',
      get('http://gateway/orders/%ZZ'),
      400,
      'INVALID_PATH_ENCODING',
    ],
    ['GET /orders/%C0%AF (overlong UTF-8)', get('/orders/%C0%AF'), 400, 'INVALID_PATH_ENCODING'],
    ['GET gateway:8080 (authority-form; the HTTP parser refuses it)', get('gateway:8080'), 400, 'MALFORMED_REQUEST'],
    ['GET h://x (a URL of another scheme)', get('h://x'), 400, 'INVALID_REQUEST_TARGET'],
    ['GET * (asterisk-form)', get('*'), 404, 'NOT_FOUND'],
    ['GET ftp://gateway/orders (not http)', get('ftp://gateway/orders'), 400, 'INVALID_REQUEST_TARGET'],
    ['GET /orders/%00', get('/orders/%00'), 400, 'INVALID_ORDER_ID'],
    ['GET //orders (a path, not a host)', get('//orders'), 404, 'NOT_FOUND'],
    ['GET /ord%ZZers', get('/ord%ZZers'), 404, 'NOT_FOUND'],
    ['GET /orders/ (no id)', get('/orders/'), 404, 'NOT_FOUND'],
    [
      'DELETE /orders/<id>',
      `DELETE /orders/${orderIdFor('x')} HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n`,
      405,
      'METHOD_NOT_ALLOWED',
    ],
    [
      'a request line the HTTP parser refuses',
      'GET /orders/a b c HTTP/1.1\r\nHost: g\r\n\r\n',
      400,
      'MALFORMED_REQUEST',
    ],
    [
      'a header with a control character',
      'GET /health HTTP/1.1\r\nHost: g\r\nX-A: a\u0001b\r\n\r\n',
      400,
      'MALFORMED_REQUEST',
    ],
  ];

  it.each(cases)('%s', async (_label, request, status, code) => {
    const g = await startGateway(ddb, servers);
    const before = ddb.log.calls.length;
    const r = await rawRequest(g.port, request);
    expect(r.status).toBe(status);
    expect((r.body as { error: { code: string; message: string } }).error).toMatchObject({ code });
    // Never blamed on a dependency, never an error-level line, and DynamoDB was not asked.
    const levels = g.reporter.messages.map((m) => `${m.code}:${m.level}`);
    expect(levels).toEqual(['GATEWAY_REQUEST_REJECTED:info']);
    expect(ddb.log.calls.length).toBe(before);
  });

  it('serves an absolute-form target like its path (servers must accept it)', async () => {
    const g = await startGateway(ddb, servers);
    expect((await g.post({ ...order, clientOrderId: 'abs-1' })).status).toBe(201);
    const r = await rawRequest(g.port, get(`http://gateway/orders/${orderIdFor('abs-1')}`));
    expect(r.status).toBe(200);
    expect((r.body as { order: { clientOrderId: string } }).order.clientOrderId).toBe('abs-1');
  });

  it('names the bad segment in the message, with control characters escaped', async () => {
    const g = await startGateway(ddb, servers);
    const r = await rawRequest(g.port, get('/orders/%E0%A4%A'));
    expect((r.body as { error: { message: string } }).error.message).toBe(
      'the order id in the path is not valid percent-encoded UTF-8: "%E0%A4%A"',
    );
  });
});

describe('write fence', () => {
  const bound = writeFence({ maintenanceMaxAgeMs: 2000, requestDeadlineMs: 2000 });

  it('documents its bound: flag max age + request deadline + 1 s', () => {
    expect(bound).toMatchObject({ ms: 5000, marginMs: 1000 });
    expect(bound.formula).toBe('MaintenanceFlagMaxAgeMs 2000 ms + GatewayRequestDeadlineMs 2000 ms + margin 1000 ms');
  });

  it('a write that starts after the flag is switched on, once the documented wait has passed, is refused', async () => {
    const g = await startGateway(ddb, servers, { maintenanceMaxAgeMs: 2000, requestDeadlineMs: 2000 });
    expect((await g.post({ ...order, clientOrderId: 'fence-1' })).status).toBe(201);
    g.ssm.put(REGION, MAINTENANCE, 'on');
    // Inside the bound a gateway may still take a write (its last read is younger than the max age): that is
    // exactly what the runbooks wait out.
    g.clock.advance(bound.maintenanceMaxAgeMs - 1);
    expect((await g.post({ ...order, clientOrderId: 'fence-2' })).status).toBe(201);
    g.clock.advance(bound.ms - (bound.maintenanceMaxAgeMs - 1));
    const refused = await g.post({ ...order, clientOrderId: 'fence-3' });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({
      code: 'MAINTENANCE',
      message: expect.stringMatching(/us-west-2 is in maintenance and takes no writes; the order was not written/),
    });
    expect(await stored('fence-3')).toBeUndefined();
  });

  it('checks again right before the write: a body that arrives after the switch is refused', async () => {
    const g = await startGateway(ddb, servers, { maintenanceMaxAgeMs: 2000 });
    const body = JSON.stringify({ ...order, clientOrderId: 'fence-slow' });
    const reads = () =>
      g.ssm.log.ops('ssm', 'GetParameter').filter((c) => (c.input as { Name: string }).Name === MAINTENANCE).length;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: g.port,
          method: 'POST',
          path: '/orders',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // The headers and half the body: the first check reads the flag (off) and the gateway waits for the rest.
      req.write(body.slice(0, 10));
      void until('the first flag check', async () => (reads() === 1 ? true : undefined)).then(async () => {
        await new Promise((r) => setTimeout(r, 50));
        g.ssm.put(REGION, MAINTENANCE, 'on');
        g.clock.advance(2000);
        req.end(body.slice(10));
      }, reject);
    });
    const r = await answer;
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).error.code).toBe('MAINTENANCE');
    expect(reads()).toBe(2);
    expect(await stored('fence-slow')).toBeUndefined();
  });
});
