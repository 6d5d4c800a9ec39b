// The order canary against an in-process gateway (dynalite behind it, as in test/service): a run that places and
// reads back an order, a write the gateway refuses, a gateway that answers too slowly or not at all.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { CANARY_SYMBOL, runOrderCheck } from '../../src/canary/order-check.js';
import { CanaryConfigError, CanaryRunFailed, readCanarySettings, runCanary } from '../../src/canary/handler.js';
import { orderIdFor } from '../../src/service/gateway/orders.js';
import { timedClientConfig } from '../../src/service/gateway/sdk-timeouts.js';
import { startLocalDynamo, type LocalDynamo } from '../doubles/dynamodb.js';
import { StallProxy } from '../service/stall-proxy.js';
import { MAINTENANCE, ORDERS_TABLE_INPUT, REGION, TABLE, serverList, startGateway } from '../service/harness.js';
import { buildProjectArtifact } from '../helpers/artifacts.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

let ddb: LocalDynamo;
let proxy: StallProxy;
let proxied: DynamoDBClient;
beforeAll(async () => {
  ddb = await startLocalDynamo();
  await ddb.createTable(ORDERS_TABLE_INPUT);
  proxy = new StallProxy(Number(new URL(ddb.endpoint).port));
  proxied = new DynamoDBClient({
    ...timedClientConfig(REGION, 2000),
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
afterEach(() => {
  proxy.thaw('drop');
  servers.closeAll();
});

const envFor = (port: number, extra: Record<string, string> = {}) => ({
  TARGET_URL: `http://127.0.0.1:${port}`,
  TARGET_LABEL: 'regional',
  LATENCY_BUDGET_MS: '2000',
  REGION_ROLE: 'secondary',
  ...extra,
});

describe('order canary against the gateway', () => {
  it('places a test order, reads it back, and logs one success line', async () => {
    const g = await startGateway(ddb, servers);
    const lines: string[] = [];
    const result = await runCanary(envFor(g.port), { log: (l) => lines.push(l) });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => `${s.name}:${s.ok}:${s.status}`)).toEqual([
      'place-order:true:201',
      'read-order:true:200',
    ]);
    expect(result.clientOrderId).toMatch(/^canary-secondary-regional-/);
    expect(result.orderId).toBe(orderIdFor(result.clientOrderId));
    // The order really is in the table, recognisable as a test order.
    const item = await ddb
      .client(REGION)
      .send(new GetItemCommand({ TableName: TABLE, Key: { orderId: { S: result.orderId as string } } }));
    expect(item.Item?.symbol?.S).toBe(CANARY_SYMBOL);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ code: 'CANARY_RUN_OK', label: 'regional', ok: true });
  });

  it('fails the run when the gateway refuses the write (maintenance flag on), naming the step and the code', async () => {
    const g = await startGateway(ddb, servers);
    g.ssm.put(REGION, MAINTENANCE, 'on');
    g.clock.advance(5000);
    const lines: string[] = [];
    const err = await runCanary(envFor(g.port), { log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CanaryRunFailed);
    expect((err as Error).message).toMatch(/place-order http-503 \(http-503: MAINTENANCE/);
    const { steps } = (err as CanaryRunFailed).result;
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ name: 'place-order', ok: false, status: 503, reason: 'http-503' });
    expect(JSON.parse(lines[0] as string)).toMatchObject({ code: 'CANARY_RUN_FAILED', ok: false });
  });

  it('fails the run when DynamoDB refuses the write (the gateway answers 503 DEPENDENCY_UNAVAILABLE)', async () => {
    const g = await startGateway(ddb, servers, { ordersTable: 'orders-missing' });
    const result = await runOrderCheck({ baseUrl: `http://127.0.0.1:${g.port}`, latencyBudgetMs: 2000, tag: 't' });
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({
      reason: 'http-503',
      detail: expect.stringMatching(/DEPENDENCY_UNAVAILABLE/),
    });
  });

  it('fails the run as slow when the gateway does not answer within the budget (DynamoDB frozen)', async () => {
    const g = await startGateway(ddb, servers, { dynamodb: proxied, requestDeadlineMs: 2000 });
    proxy.freeze();
    const started = Date.now();
    const result = await runOrderCheck({ baseUrl: `http://127.0.0.1:${g.port}`, latencyBudgetMs: 300, tag: 't' });
    const took = Date.now() - started;
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'place-order', ok: false, reason: 'slow' });
    expect(result.steps[0]?.detail).toBe('no answer within 300 ms');
    // Abandoned at the budget, not at the gateway's own deadline.
    expect(took).toBeLessThan(1900);
  });

  it('fails the run as slow when an answer comes but after the budget', async () => {
    const g = await startGateway(ddb, servers);
    let t = 0;
    const result = await runOrderCheck({
      baseUrl: `http://127.0.0.1:${g.port}`,
      latencyBudgetMs: 1000,
      tag: 't',
      // Each reading of the clock is 1.5 s after the one before: every step "took" 1500 ms.
      now: () => (t += 1500),
    });
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ status: 201, reason: 'slow', detail: 'took 1500 ms, budget 1000 ms' });
  });

  it('fails the run as unreachable when nothing listens', async () => {
    const g = await startGateway(ddb, servers);
    servers.closeAll();
    const result = await runOrderCheck({ baseUrl: `http://127.0.0.1:${g.port}`, latencyBudgetMs: 1000, tag: 't' });
    expect(result.steps[0]).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('fails the read-back when the order returned is not the one placed', async () => {
    const fake = (async (url: string | URL | Request, init?: RequestInit) => {
      const placed = init?.method === 'POST';
      const order = { orderId: 'ord_00000000000000000000000000000000', clientOrderId: placed ? undefined : 'other' };
      return new Response(JSON.stringify({ order }), { status: placed ? 201 : 200 });
    }) as typeof fetch;
    const result = await runOrderCheck({ baseUrl: 'http://gateway', latencyBudgetMs: 1000, tag: 't', fetch: fake });
    expect(result.steps.map((s) => s.reason)).toEqual([undefined, 'mismatch']);
  });
});

describe('canary settings', () => {
  it('names the variable that is wrong', () => {
    expect(() => readCanarySettings({ TARGET_URL: 'ftp://x' })).toThrow(CanaryConfigError);
    try {
      readCanarySettings({ TARGET_URL: 'https://api.example.com', LATENCY_BUDGET_MS: 'fast' });
    } catch (err) {
      expect((err as CanaryConfigError).field).toBe('LATENCY_BUDGET_MS');
    }
    expect(readCanarySettings({ TARGET_URL: 'https://api.example.com/' })).toMatchObject({
      latencyBudgetMs: 2000,
      label: 'regional',
    });
  });
});

describe('canary artifact', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs one bundle at the root and under nodejs/node_modules/, exporting the handler the template names', async () => {
    const art = await buildProjectArtifact('CanaryCodeKey', 'src/canary/handler.ts', 'canary');
    expect(art.key).toMatch(/^artifacts\/CanaryCodeKey\/[0-9a-f]{64}\.zip$/);
    const entries = unzipSync(art.bytes);
    expect(Object.keys(entries).sort()).toEqual(['index.mjs', 'nodejs/node_modules/index.mjs']);
    expect(Buffer.from(entries['index.mjs'] as Uint8Array)).toEqual(
      Buffer.from(entries['nodejs/node_modules/index.mjs'] as Uint8Array),
    );
    dir = await mkdtemp(path.join(PROJECT_ROOT, '.bundle-test-'));
    const file = path.join(dir, 'index.mjs');
    await writeFile(file, entries['index.mjs'] as Uint8Array);
    const mod = (await import(pathToFileURL(file).href)) as { handler: () => Promise<unknown> };
    const saved = process.env.TARGET_URL;
    process.env.TARGET_URL = 'not a url';
    try {
      await expect(mod.handler()).rejects.toThrow(/TARGET_URL/);
    } finally {
      if (saved === undefined) delete process.env.TARGET_URL;
      else process.env.TARGET_URL = saved;
    }
  });
});
