import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { startLocalDynamo, type LocalDynamo } from '../doubles/dynamodb.js';

// The options the artifact packager needs for the gateway: one ESM file for Node 20. Bundled CommonJS
// dependencies call require(), so the banner provides one; pg's optional native binding stays out.
const GATEWAY_BUILD = {
  entryPoints: [path.join(PROJECT_ROOT, 'src/service/gateway/main.ts')],
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: 'node20',
  external: ['pg-native'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'silent' as const,
};

let dir: string;
let ddb: LocalDynamo;
let child: ChildProcess | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-bundle-'));
  ddb = await startLocalDynamo();
  await ddb.createTable({
    TableName: 'orders-bundle',
    AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
});
afterAll(async () => {
  child?.kill('SIGTERM');
  await ddb.close();
  await rm(dir, { recursive: true, force: true });
});

describe('gateway bundle', () => {
  it('bundles main.ts into one .mjs that starts, logs its port and serves orders', async () => {
    const outfile = path.join(dir, 'gateway.mjs');
    const result = await build({ ...GATEWAY_BUILD, outfile, metafile: true });
    expect(Object.keys(result.metafile.outputs)).toHaveLength(1);
    expect((await readFile(outfile, 'utf8')).length).toBeGreaterThan(10_000);

    child = spawn(process.execPath, [outfile], {
      env: {
        PATH: process.env.PATH,
        GATEWAY_PORT: '0',
        GATEWAY_LISTEN_ADDRESS: '127.0.0.1',
        AWS_REGION: 'us-west-2',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
        AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:1',
        REGION_ROLE: 'secondary',
        ENVIRONMENT_SUFFIX: 'bundle',
        ORDERS_TABLE: 'orders-bundle',
        DB_ENDPOINT: '127.0.0.1',
        DB_PORT: '1',
        DB_SECRET_ARN: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-bundle',
        WRITER_ENDPOINT_PARAMETER: '/trading/bundle/db/writer-endpoint',
        MAINTENANCE_PARAMETER: '/trading/bundle/maintenance',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const listening = await new Promise<Record<string, unknown> & { port: number }>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.includes('GATEWAY_LISTENING'));
        if (line) resolve((JSON.parse(line) as { data: Record<string, unknown> & { port: number } }).data);
      });
      child!.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 15_000);
    });
    const port = listening.port;
    // It binds where it is told, and says what it runs with.
    expect(listening).toMatchObject({
      address: '127.0.0.1',
      requestDeadlineMs: 2000,
      maintenanceMaxAgeMs: 2000,
      writeFenceMs: 5000,
    });
    const region = await fetch(`http://127.0.0.1:${port}/region`);
    expect(await region.json()).toEqual({
      region: 'us-west-2',
      role: 'secondary',
      environment: 'bundle',
      writerEndpoint: null,
    });
    const created = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientOrderId: 'b-1', symbol: 'MSFT', side: 'sell', type: 'market', quantity: 5 }),
    });
    expect(created.status).toBe(201);
    // No database and no SSM here: the deep check must say so with 503, not hang.
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(503);
    // Parameter Store refuses here: the flag was never read, writes are allowed, and the log says so once (warn).
    const lines = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { code: string; level: string });
    expect(lines.filter((l) => l.code === 'GATEWAY_MAINTENANCE_FLAG_UNREADABLE').map((l) => l.level)).toEqual(['warn']);
    // A malformed URL is the client's error: 400, logged at info.
    const bad = await fetch(`http://127.0.0.1:${port}/orders/%ZZ`);
    expect(bad.status).toBe(400);
  });
});
