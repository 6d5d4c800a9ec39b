// A gateway on a local port, wired as main.ts wires it but with doubles: dynalite behind a real DynamoDB client (or
// any client a test passes, e.g. one through a stalling proxy), the SSM double, a database double, a manual clock
// for the caches and a memory reporter for the log.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MemoryReporter } from '../../src/io/reporters.js';
import { HealthChecker } from '../../src/service/gateway/health.js';
import { OrderStore } from '../../src/service/gateway/orders.js';
import { createGatewayServer } from '../../src/service/gateway/server.js';
import { MaintenanceFlag } from '../../src/service/gateway/maintenance.js';
import type { DbProbe, DbProbeResult } from '../../src/service/gateway/db-probe.js';
import { VirtualClock } from '../doubles/virtual-clock.js';
import { SsmDouble } from '../doubles/ssm.js';
import type { LocalDynamo } from '../doubles/dynamodb.js';

export const REGION = 'us-west-2';
export const TABLE = 'orders-gwtest';
export const MAINTENANCE = '/trading/gwtest/maintenance';
export const WRITER = '/trading/gwtest/db/writer-endpoint';

export const ORDERS_TABLE_INPUT = {
  TableName: TABLE,
  AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

/** A database that answers as a replica or writer, refuses connections, or hangs. */
export class DbDouble implements DbProbe {
  mode: 'replica' | 'writer' | 'down' | 'hang' = 'replica';
  calls = 0;
  async probe(): Promise<DbProbeResult> {
    this.calls++;
    if (this.mode === 'down') throw Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { name: 'Error' });
    if (this.mode === 'hang') await new Promise((r) => setTimeout(r, 5000));
    return { inRecovery: this.mode === 'replica', endpoint: 'db.example:5432' };
  }
}

export interface GatewayOptions {
  db?: DbProbe;
  cacheMs?: number;
  timeoutMs?: number;
  role?: 'primary' | 'secondary';
  /** The DynamoDB client the gateway uses; default: a plain client of the local dynalite. */
  dynamodb?: DynamoDBClient;
  requestDeadlineMs?: number;
  maintenanceMaxAgeMs?: number;
  /** The table the order store writes to (a missing one makes DynamoDB refuse). */
  ordersTable?: string;
}

export interface Response {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  body: Record<string, any>;
}

export interface Servers {
  track(s: Server): void;
  closeAll(): void;
}

export function serverList(): Servers {
  const list: Server[] = [];
  return {
    track: (s) => list.push(s),
    closeAll: () => {
      for (const s of list.splice(0)) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}

export async function startGateway(ddb: LocalDynamo, servers: Servers, opts: GatewayOptions = {}) {
  const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
  const ssm = new SsmDouble({ now: clock.now });
  ssm.put(REGION, MAINTENANCE, 'off');
  ssm.put(REGION, WRITER, 'db-primary.example');
  const db = (opts.db ?? new DbDouble()) as DbDouble;
  const dynamodb = opts.dynamodb ?? ddb.client(REGION);
  const reporter = new MemoryReporter();
  const health = new HealthChecker({
    region: REGION,
    role: opts.role ?? 'secondary',
    ordersTable: TABLE,
    maintenanceParameter: MAINTENANCE,
    dynamodb,
    ssm: ssm.client(REGION),
    db,
    timeoutMs: opts.timeoutMs ?? 2000,
    cacheMs: opts.cacheMs ?? 2000,
    now: clock.now,
    instanceId: 'i-test',
  });
  const maintenance = new MaintenanceFlag(ssm.client(REGION), MAINTENANCE, opts.maintenanceMaxAgeMs ?? 2000, clock.now);
  const server = createGatewayServer({
    region: REGION,
    role: 'secondary',
    environmentSuffix: 'gwtest',
    health,
    orders: new OrderStore(dynamodb, opts.ordersTable ?? TABLE, REGION, clock.now),
    ssm: ssm.client(REGION),
    writerEndpointParameter: WRITER,
    maintenance,
    reporter,
    ...(opts.requestDeadlineMs === undefined ? {} : { requestDeadlineMs: opts.requestDeadlineMs }),
    now: clock.now,
  });
  servers.track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const call = async (path: string, init?: RequestInit): Promise<Response> => {
    const res = await fetch(`${base}${path}`, init);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const post = (body: unknown, type = 'application/json') =>
    call('/orders', {
      method: 'POST',
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { clock, ssm, db, call, post, reporter, port, maintenance };
}

/**
 * Sends `request` as raw bytes (request targets fetch would normalise or refuse, such as `http://%`) and returns the
 * status and parsed JSON body of the answer.
 */
export async function rawRequest(port: number, request: string): Promise<{ status: number; body: unknown }> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(5000, () => reject(new Error(`no answer to ${JSON.stringify(request.slice(0, 60))}`)));
  });
  const [head, ...rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]);
  const bodyText = rest.join('\r\n\r\n');
  return { status, body: bodyText ? JSON.parse(bodyText) : undefined };
}

export const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`;

export const order = {
  clientOrderId: 'c-1001',
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  quantity: 100,
  price: 187.25,
};
