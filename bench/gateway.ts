// Load bench of the trading gateway: the production bundle (built by drctl's packager) against local dependencies —
// dynalite with its data on disk behind a stalling TCP proxy, a real PostgreSQL with TLS for the deep /health, and a
// small Parameter Store / Secrets Manager endpoint — each in its own process. Clients post orders at a fixed
// concurrency (new orders, replays of acknowledged ones, racing duplicates), retry with the same clientOrderId when
// told to, and /health is polled every second as the ALB would. Midway DynamoDB freezes (no refusal, no answer) for
// a while, then delivers what it held. At the end every acknowledged order is looked up in the table.
// Figures, not assertions: `npm run bench:gateway -- [--concurrency 10] [--duration 20] [--freeze 3] [--deadline 2000]`;
// `--freeze 0` connects the gateway to dynalite directly (no proxy) for the plain throughput figure; `--bundle <file>`
// benches another build of the gateway (e.g. an older version, to compare on the same machine).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { postgresAvailable, startPasswordServer } from '../test/helpers/local-postgres.js';
import { buildProjectArtifact } from '../test/helpers/artifacts.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '10' },
    duration: { type: 'string', default: '20' },
    freeze: { type: 'string', default: '3' },
    deadline: { type: 'string', default: '2000' },
    // A bundle built elsewhere (another version, to compare) instead of this tree's.
    bundle: { type: 'string' },
  },
});
const CONCURRENCY = Number(args.concurrency);
const DURATION_MS = Number(args.duration) * 1000;
const FREEZE_MS = Number(args.freeze) * 1000;
const DEADLINE_MS = Number(args.deadline);
const TABLE = 'orders-bench';
const REGION = 'us-east-1';
const MAINTENANCE = '/trading/bench/maintenance';
const WRITER = '/trading/bench/db/writer-endpoint';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Answer {
  status: number;
  ms: number;
  startedAt: number;
  body: { order?: { orderId: string; createdAt: string }; replayed?: boolean; error?: { code: string } };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 + 2 });

function request(port: number, method: string, target: string, body?: string): Promise<Answer> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - startedAt,
            startedAt,
            body: text ? (JSON.parse(text) as Answer['body']) : {},
          }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - startedAt, startedAt, body: {} }));
    req.end(body);
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;

function waitForMessage<T>(child: ChildProcess, pick: (m: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: unknown) => {
      const v = pick(m);
      if (v !== undefined) {
        child.off('message', on);
        resolve(v);
      }
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  // As in bin/drctl.js: the SDK's notice that its 2027 releases need Node.js 22 says nothing about this bench.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const work = mkdtempSync(path.join(os.tmpdir(), 'gateway-bench-'));
  const children: ChildProcess[] = [];
  // A real PostgreSQL as RDS presents itself to the gateway: TLS on, password logins; none when not installed.
  const server =
    postgresAvailable() && spawnSync('openssl', ['version']).status === 0
      ? await startPasswordServer({ tls: true })
      : undefined;
  const pg = server && {
    host: server.host,
    port: server.port,
    user: server.admin.username,
    password: server.admin.password,
    stop: () => server.stop(),
  };
  try {
    // The bundle exactly as drctl deploy builds it.
    const bundle = path.join(work, 'gateway.mjs');
    const art = await buildProjectArtifact('service-gateway', 'src/service/gateway/main.ts', 'service');
    writeFileSync(bundle, args.bundle ? readFileSync(args.bundle) : art.bytes);

    const deps = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/lib/dependencies.ts',
        path.join(work, 'dynamo'),
        pg?.user ?? 'none',
        pg?.password ?? '',
      ],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    children.push(deps);
    const ends = await waitForMessage(deps, (m) => (m as { ready?: Record<string, string> }).ready);
    const command = async (cmd: string, extra: Record<string, string> = {}) => {
      const ack = waitForMessage(deps, (m) => ((m as { ack?: string }).ack === cmd ? true : undefined));
      deps.send({ cmd, ...extra });
      await ack;
    };
    await command('put', { name: MAINTENANCE, value: 'off' });
    await command('put', { name: WRITER, value: pg ? `${pg.host}` : 'none' });
    const direct = new DynamoDBClient({ region: REGION, endpoint: ends.dynamo, credentials: CREDENTIALS });
    await direct.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    const gateway = spawn(process.execPath, [bundle], {
      env: {
        PATH: process.env.PATH,
        // The instances run Node.js 22; here the bundle runs on this machine's Node.js, where the SDK would warn.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        GATEWAY_PORT: '0',
        GATEWAY_LISTEN_ADDRESS: '127.0.0.1',
        GATEWAY_REQUEST_DEADLINE_MS: String(DEADLINE_MS),
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        // Through the stalling proxy only when it is to freeze: the plain run measures the gateway alone.
        AWS_ENDPOINT_URL_DYNAMODB: FREEZE_MS > 0 ? ends.proxy : ends.dynamo,
        AWS_ENDPOINT_URL_SSM: ends.aws,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: ends.aws,
        REGION_ROLE: 'primary',
        ENVIRONMENT_SUFFIX: 'bench',
        ORDERS_TABLE: TABLE,
        DB_ENDPOINT: pg?.host ?? '127.0.0.1',
        DB_PORT: String(pg?.port ?? 1),
        DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-master-bench-AbCdEf',
        WRITER_ENDPOINT_PARAMETER: WRITER,
        MAINTENANCE_PARAMETER: MAINTENANCE,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(gateway);
    const logLevels = new Map<string, number>();
    const logCodes = new Map<string, number>();
    let pending = '';
    const port = await new Promise<number>((resolve, reject) => {
      gateway.stdout!.setEncoding('utf8');
      gateway.stdout!.on('data', (d: string) => {
        pending += d;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) {
          const m = JSON.parse(l) as { level: string; code: string; data?: { port?: number } };
          logLevels.set(m.level, (logLevels.get(m.level) ?? 0) + 1);
          if (m.level !== 'info') logCodes.set(m.code, (logCodes.get(m.code) ?? 0) + 1);
          if (m.code === 'GATEWAY_LISTENING') resolve(m.data?.port ?? 0);
        }
      });
      gateway.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
    });

    // ---- load --------------------------------------------------------------------------------------------------
    const answers: Answer[] = [];
    const created = new Map<string, number>();
    const acked = new Map<string, Set<string>>();
    const unknownIds = new Set<string>();
    const ackOrder: string[] = [];
    const statusCount = new Map<string, number>();
    let seq = 0;
    const body = (id: string) =>
      JSON.stringify({ clientOrderId: id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: 10, price: 187.25 });

    /** One client order, retried with the same clientOrderId until acknowledged (as a client is told to). */
    const submit = async (id: string, deadline: number): Promise<void> => {
      for (;;) {
        const a = await request(port, 'POST', '/orders', body(id));
        answers.push(a);
        const key = `${a.status}${a.body.error ? ` ${a.body.error.code}` : ''}`;
        statusCount.set(key, (statusCount.get(key) ?? 0) + 1);
        if (a.status === 201 || a.status === 200) {
          if (a.status === 201) created.set(id, (created.get(id) ?? 0) + 1);
          const set = acked.get(id) ?? new Set<string>();
          if (!acked.has(id)) ackOrder.push(id);
          set.add(a.body.order?.createdAt ?? '?');
          acked.set(id, set);
          return;
        }
        if (a.body.error?.code === 'OUTCOME_UNKNOWN') unknownIds.add(id);
        if (performance.now() > deadline) return;
        await new Promise((r) => setTimeout(r, 1000)); // retry-after: 1
      }
    };

    const start = performance.now();
    const stopAt = start + DURATION_MS;
    const freezeAt = start + DURATION_MS / 2 - FREEZE_MS / 2;
    let frozeAt = 0;
    let thawedAt = 0;
    const faults = (async () => {
      if (FREEZE_MS <= 0) return;
      await new Promise((r) => setTimeout(r, freezeAt - performance.now()));
      await command('freeze');
      frozeAt = performance.now();
      await new Promise((r) => setTimeout(r, FREEZE_MS));
      await command('thaw');
      thawedAt = performance.now();
    })();
    const health = new Map<number, number>();
    const healthLoop = (async () => {
      while (performance.now() < stopAt) {
        const h = await request(port, 'GET', '/health');
        health.set(h.status, (health.get(h.status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    let replays = 0;
    let races = 0;
    const worker = async () => {
      while (performance.now() < stopAt) {
        const roll = Math.random();
        const giveUp = stopAt + 15_000;
        if (roll < 0.1 && ackOrder.length) {
          replays++;
          await submit(ackOrder[Math.floor(Math.random() * ackOrder.length)] as string, giveUp);
        } else if (roll < 0.15) {
          races++;
          const id = `race-${seq++}`;
          await Promise.all([submit(id, giveUp), submit(id, giveUp)]);
        } else {
          await submit(`b-${seq++}`, giveUp);
        }
      }
    };
    await Promise.all([...Array.from({ length: CONCURRENCY }, worker), faults, healthLoop]);
    const wall = performance.now() - start;

    // ---- verify ------------------------------------------------------------------------------------------------
    await new Promise((r) => setTimeout(r, 2500)); // late deliveries from the freeze land
    const stored = new Map<string, string>();
    for await (const page of paginateScan({ client: direct }, { TableName: TABLE, ConsistentRead: true })) {
      for (const item of page.Items ?? []) {
        if (item.healthItem) continue;
        stored.set(String(item.clientOrderId?.S), String(item.createdAt?.S));
      }
    }
    let lost = 0;
    let duplicated = 0;
    for (const [id, createdAts] of acked) {
      if (!stored.has(id) || !createdAts.has(stored.get(id) as string)) lost++;
      if (createdAts.size > 1 || (created.get(id) ?? 0) > 1) duplicated++;
    }
    const unacked = [...stored.keys()].filter((id) => !acked.has(id)).length;
    const unknownStored = [...unknownIds].filter((id) => stored.has(id)).length;

    // ---- figures -----------------------------------------------------------------------------------------------
    const inFreeze = (a: Answer) => frozeAt > 0 && a.startedAt + a.ms >= frozeAt && a.startedAt <= thawedAt + 1000;
    const steady = answers
      .filter((a) => !inFreeze(a))
      .map((a) => a.ms)
      .sort((x, y) => x - y);
    const frozen = answers.filter(inFreeze);
    const steadyMs = wall - (frozeAt > 0 ? thawedAt + 1000 - frozeAt : 0);
    const steadyAcks = answers.filter((a) => !inFreeze(a) && (a.status === 201 || a.status === 200)).length;
    console.log(
      `gateway bench (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}): production bundle, dynalite on disk, ${pg ? 'PostgreSQL with TLS' : 'no PostgreSQL (not installed)'}`,
    );
    console.log(
      `  setup            concurrency ${CONCURRENCY}, ${(wall / 1000).toFixed(1)} s, deadline ${DEADLINE_MS} ms, DynamoDB frozen ${FREEZE_MS / 1000} s midway`,
    );
    console.log(
      `  requests         ${answers.length} POST /orders (${seq} client orders, ${replays} replays, ${races} racing pairs)`,
    );
    console.log(`  answers          ${[...statusCount].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    console.log(
      `  throughput       ${(acked.size / (wall / 1000)).toFixed(0)} orders/s acknowledged overall; ${(steadyAcks / (steadyMs / 1000)).toFixed(0)} answers/s outside the freeze`,
    );
    console.log(
      `  latency          p50 ${ms(quantile(steady, 0.5))}  p99 ${ms(quantile(steady, 0.99))}  max ${ms(steady[steady.length - 1] ?? NaN)} (outside the freeze)`,
    );
    if (frozen.length)
      console.log(
        `  during freeze    ${frozen.length} answers, max ${ms(Math.max(...frozen.map((a) => a.ms)))} (deadline ${DEADLINE_MS} ms); ${frozen.filter((a) => a.body.error?.code === 'OUTCOME_UNKNOWN').length} OUTCOME_UNKNOWN`,
      );
    console.log(
      `  exactly once     acknowledged ${acked.size}, stored ${stored.size}: lost ${lost}, duplicated ${duplicated}; OUTCOME_UNKNOWN orders ${unknownIds.size} (${unknownStored} stored, every one acknowledged on retry: ${[...unknownIds].every((id) => acked.has(id))}); stored but never acknowledged ${unacked}`,
    );
    console.log(`  /health          ${[...health].map(([s, n]) => `${s} ×${n}`).join(', ')}`);
    console.log(
      `  gateway log      ${[...logLevels].map(([l, n]) => `${l} ×${n}`).join(', ')}${logCodes.size ? `; not info: ${[...logCodes].map(([c, n]) => `${c} ×${n}`).join(', ')}` : ''}`,
    );
    direct.destroy();
  } finally {
    agent.destroy();
    for (const c of children) c.kill('SIGTERM');
    pg?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
