// The gateway's HTTP surface: GET /health, GET /region, POST /orders, GET /orders/{id}. Handlers are thin:
// validation, the order store and the health checker do the work.
import http from 'node:http';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Reporter } from '../../io/messages.js';
import type { HealthChecker } from './health.js';
import type { MaintenanceFlag } from './maintenance.js';
import { validateOrder } from './order-validation.js';
import { ORDER_ID, type OrderStore, type StoredOrder } from './orders.js';

export interface GatewayDeps {
  region: string;
  role: 'primary' | 'secondary';
  environmentSuffix: string;
  health: HealthChecker;
  orders: OrderStore;
  ssm: SSMClient;
  writerEndpointParameter: string;
  /** The region's maintenance flag: while `on`, POST /orders is refused (the runbooks' "stop writes"). */
  maintenance: MaintenanceFlag;
  reporter: Reporter;
  now?: () => number;
}

const MAX_BODY_BYTES = 16 * 1024;
const WRITER_CACHE_MS = 5000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the order as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'INVALID_JSON', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

function publicOrder(o: StoredOrder): Omit<StoredOrder, 'requestHash'> {
  const { requestHash: _hash, ...rest } = o;
  return rest;
}

export function createGatewayServer(deps: GatewayDeps): http.Server {
  const now = deps.now ?? Date.now;
  let writer: { at: number; value: string | null } | undefined;

  const writerEndpoint = async (): Promise<string | null> => {
    if (writer && now() - writer.at < WRITER_CACHE_MS) return writer.value;
    const value = await deps.ssm
      .send(new GetParameterCommand({ Name: deps.writerEndpointParameter }))
      .then((r) => r.Parameter?.Value ?? null)
      .catch(() => null);
    writer = { at: now(), value };
    return value;
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = req.method ?? 'GET';
    const allow = (methods: string) => {
      if (!methods.split(', ').includes(method))
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`, {
          allow: methods,
        });
    };
    if (url.pathname === '/health') {
      allow('GET');
      const report = await deps.health.check();
      return send(res, report.status === 'ok' ? 200 : 503, report);
    }
    if (url.pathname === '/region') {
      allow('GET');
      return send(res, 200, {
        region: deps.region,
        role: deps.role,
        environment: deps.environmentSuffix,
        writerEndpoint: await writerEndpoint(),
      });
    }
    if (url.pathname === '/orders') {
      allow('POST');
      // Checked before the body is read: a fenced region takes no writes, valid or not.
      if (await deps.maintenance.isOn())
        throw new HttpError(
          503,
          'MAINTENANCE',
          `${deps.region} is in maintenance and takes no writes; retry with the same clientOrderId`,
        );
      const v = validateOrder(await readJson(req));
      if (!v.ok) throw new HttpError(400, 'INVALID_ORDER', 'the order is invalid', v.problems);
      const r = await deps.orders.create(v.order);
      if (r.kind === 'conflict')
        throw new HttpError(
          409,
          'CLIENT_ORDER_ID_CONFLICT',
          `clientOrderId ${v.order.clientOrderId} was already used for a different order`,
          { orderId: r.order.orderId },
        );
      deps.reporter.emit({
        code: r.kind === 'created' ? 'GATEWAY_ORDER_CREATED' : 'GATEWAY_ORDER_REPLAYED',
        level: 'info',
        text: `${r.kind} ${r.order.orderId}`,
        data: { orderId: r.order.orderId, clientOrderId: r.order.clientOrderId },
      });
      return send(
        res,
        r.kind === 'created' ? 201 : 200,
        { order: publicOrder(r.order), replayed: r.kind === 'replayed' },
        { location: `/orders/${r.order.orderId}` },
      );
    }
    const m = /^\/orders\/([^/]+)$/.exec(url.pathname);
    if (m) {
      allow('GET');
      const id = decodeURIComponent(m[1] as string);
      if (!ORDER_ID.test(id))
        throw new HttpError(400, 'INVALID_ORDER_ID', 'order ids look like ord_ followed by 32 hex digits');
      const order = await deps.orders.get(id);
      if (!order) throw new HttpError(404, 'ORDER_NOT_FOUND', `no order ${id}`);
      return send(res, 200, { order: publicOrder(order) });
    }
    throw new HttpError(404, 'NOT_FOUND', `no route for ${url.pathname}`);
  };

  return http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        const headers: Record<string, string> | undefined =
          err.status === 405
            ? { allow: (err.details as { allow: string }).allow }
            : err.status === 503
              ? { 'retry-after': '5' }
              : undefined;
        return send(
          res,
          err.status,
          {
            error: {
              code: err.code,
              message: err.message,
              ...(err.details && err.status !== 405 ? { details: err.details } : {}),
            },
          },
          headers,
        );
      }
      // A dependency failed (DynamoDB throttling, network): tell the client to retry; the id makes it safe.
      deps.reporter.emit({
        code: 'GATEWAY_REQUEST_FAILED',
        level: 'error',
        text: `${req.method} ${req.url}: ${(err as Error).message}`,
        data: { name: (err as Error).name },
      });
      send(
        res,
        503,
        {
          error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'a dependency failed; retry with the same clientOrderId' },
        },
        { 'retry-after': '1' },
      );
    });
  });
}
