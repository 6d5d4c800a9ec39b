// The gateway's HTTP surface: GET /live, GET /health, GET /region, POST /orders, GET /orders/{id}. Handlers are thin:
// validation, the order store and the health checker do the work. Routing is a table (add a route, not a branch);
// every error is answered by kind: the client's (4xx, logged at info), a dependency's (503/504, its own message for
// reads and writes), or ours (500).
import http from 'node:http';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Reporter } from '../../io/messages.js';
import { GATEWAY_DEFAULTS } from './config.js';
import { dependencyFailure } from './dependency-errors.js';
import type { HealthChecker } from './health.js';
import type { HeartbeatStats } from './heartbeat.js';
import { HttpError, rawErrorResponse, send, sendError } from './http-response.js';
import type { MaintenanceFlag } from './maintenance.js';
import { validateOrder } from './order-validation.js';
import { ORDER_ID, orderIdFor, type OrderStore, type StoredOrder } from './orders.js';
import { decodeSegment, printable, requestPath } from './request-target.js';

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
  /** Budget of the dependency calls of one request (GATEWAY_REQUEST_DEADLINE_MS; default 2000). */
  requestDeadlineMs?: number;
  /** The heartbeat writer's counters, shown by GET /live (absent when the gateway runs without one). */
  heartbeat?: { snapshot(): HeartbeatStats };
  now?: () => number;
}

const MAX_BODY_BYTES = 16 * 1024;
const WRITER_CACHE_MS = 5000;

interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Path parameters of a pattern route, still percent-encoded. */
  params: string[];
  /** Fires at the request's deadline; passed to every SDK call the request makes. */
  signal: AbortSignal;
}

type Handler = (ctx: RequestContext) => Promise<void>;

/** A route: an exact path or a pattern whose groups become `params`, and a handler per method. */
interface Route {
  path: string | RegExp;
  methods: Record<string, Handler>;
}

/** A dependency call of a handler failed (answered 503/504 by `dependencyFailure`). */
class DependencyCallError extends Error {
  constructor(
    readonly failure: unknown,
    readonly dependency: string,
    readonly order?: { clientOrderId: string; orderId: string },
  ) {
    super((failure as Error)?.message ?? String(failure));
    this.name = 'DependencyCallError';
  }
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
  const deadlineMs = deps.requestDeadlineMs ?? GATEWAY_DEFAULTS.requestDeadlineMs;
  let writer: { at: number; value: string | null } | undefined;

  const writerEndpoint = async (signal: AbortSignal): Promise<string | null> => {
    if (writer && now() - writer.at < WRITER_CACHE_MS) return writer.value;
    const value = await deps.ssm
      .send(new GetParameterCommand({ Name: deps.writerEndpointParameter }), { abortSignal: signal })
      .then((r) => r.Parameter?.Value ?? null)
      .catch(() => null);
    writer = { at: now(), value };
    return value;
  };

  const refuseWhileFenced = async (signal: AbortSignal) => {
    if (await deps.maintenance.isOn(signal))
      throw new HttpError(
        503,
        'MAINTENANCE',
        `${deps.region} is in maintenance and takes no writes; the order was not written: retry with the same clientOrderId`,
        undefined,
        { 'retry-after': '5' },
      );
  };

  const startedAt = now();
  const routes: Route[] = [
    {
      // Liveness, for the target group and the Auto Scaling group: the process answers, nothing else. It reads no
      // dependency, so a database blip or the maintenance flag never makes the ALB drain the fleet or Auto Scaling
      // replace it; whether the region can trade is /health's question, asked by Route 53 (or Global Accelerator).
      path: '/live',
      methods: {
        GET: async ({ res }) =>
          send(res, 200, {
            status: 'ok',
            region: deps.region,
            role: deps.role,
            uptimeSeconds: Math.max(0, Math.round((now() - startedAt) / 1000)),
            ...(deps.heartbeat ? { heartbeat: deps.heartbeat.snapshot() } : {}),
          }),
      },
    },
    {
      // Readiness of the region: every dependency a trade needs (see health.ts).
      path: '/health',
      methods: {
        GET: async ({ res }) => {
          const report = await deps.health.check();
          send(res, report.status === 'ok' ? 200 : 503, report);
        },
      },
    },
    {
      path: '/region',
      methods: {
        GET: async ({ res, signal }) =>
          send(res, 200, {
            region: deps.region,
            role: deps.role,
            environment: deps.environmentSuffix,
            writerEndpoint: await writerEndpoint(signal),
          }),
      },
    },
    {
      path: '/orders',
      methods: {
        POST: async ({ req, res, signal }) => {
          // Before the body is read: a fenced region takes no writes, valid or not.
          await refuseWhileFenced(signal);
          const v = validateOrder(await readJson(req));
          if (!v.ok) throw new HttpError(400, 'INVALID_ORDER', 'the order is invalid', v.problems);
          // Again right before the write, which is what bounds the fence: the body may have taken a while.
          await refuseWhileFenced(signal);
          const ids = { clientOrderId: v.order.clientOrderId, orderId: orderIdFor(v.order.clientOrderId) };
          // Out of time before anything was sent (a slow flag read, a slow body): certainly not written.
          if (signal.aborted)
            throw new HttpError(
              504,
              'DEPENDENCY_TIMEOUT',
              `the deadline of ${deadlineMs} ms passed before the order could be sent: the order was not written. Retry with the same clientOrderId.`,
              ids,
              { 'retry-after': '1' },
            );
          const r = await deps.orders.create(v.order, signal).catch((err: unknown) => {
            throw new DependencyCallError(err, 'DynamoDB', ids);
          });
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
          send(
            res,
            r.kind === 'created' ? 201 : 200,
            { order: publicOrder(r.order), replayed: r.kind === 'replayed' },
            { location: `/orders/${r.order.orderId}` },
          );
        },
      },
    },
    {
      path: /^\/orders\/([^/]+)$/,
      methods: {
        GET: async ({ res, params, signal }) => {
          const id = decodeSegment(params[0] as string, 'order id');
          if (!ORDER_ID.test(id))
            throw new HttpError(400, 'INVALID_ORDER_ID', 'order ids look like ord_ followed by 32 hex digits');
          const order = await deps.orders.get(id, signal).catch((err: unknown) => {
            throw new DependencyCallError(err, 'DynamoDB');
          });
          if (!order) throw new HttpError(404, 'ORDER_NOT_FOUND', `no order ${id}`);
          send(res, 200, { order: publicOrder(order) });
        },
      },
    },
  ];

  const match = (path: string): { route: Route; params: string[] } | undefined => {
    for (const route of routes) {
      if (typeof route.path === 'string') {
        if (route.path === path) return { route, params: [] };
      } else {
        const m = route.path.exec(path);
        if (m) return { route, params: m.slice(1) };
      }
    }
    return undefined;
  };

  const handle = async (ctx: Omit<RequestContext, 'params'>): Promise<void> => {
    const path = requestPath(ctx.req.url);
    const found = match(path);
    if (!found) throw new HttpError(404, 'NOT_FOUND', `no route for ${printable(path)}`);
    const method = ctx.req.method ?? 'GET';
    const handler = found.route.methods[method];
    if (!handler) {
      const allow = Object.keys(found.route.methods).join(', ');
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${printable(path)}`, undefined, {
        allow,
      });
    }
    await handler({ ...ctx, params: found.params });
  };

  const answerFailure = (req: http.IncomingMessage, res: http.ServerResponse, signal: AbortSignal, err: unknown) => {
    const what = `${req.method} ${printable(req.url ?? '')}`;
    if (err instanceof HttpError) {
      const data = { method: req.method, target: printable(req.url ?? ''), status: err.status, code: err.code };
      // The client's mistake is worth a line, not an alarm; a fenced region refuses writes by design.
      if (err.status < 500)
        deps.reporter.emit({
          code: 'GATEWAY_REQUEST_REJECTED',
          level: 'info',
          text: `${what}: ${err.status} ${err.code}`,
          data,
        });
      else if (err.code !== 'MAINTENANCE')
        deps.reporter.emit({
          code: 'GATEWAY_DEPENDENCY_FAILED',
          level: 'error',
          text: `${what}: ${err.status} ${err.code}`,
          data,
        });
      return sendError(res, err);
    }
    if (err instanceof DependencyCallError) {
      const answer = dependencyFailure({
        err: err.failure,
        access: req.method === 'POST' ? 'write' : 'read',
        dependency: err.dependency,
        timedOut: signal.aborted,
        deadlineMs,
        ...(err.order ? { order: err.order } : {}),
      });
      deps.reporter.emit({
        code: answer.code === 'OUTCOME_UNKNOWN' ? 'GATEWAY_OUTCOME_UNKNOWN' : 'GATEWAY_DEPENDENCY_FAILED',
        level: 'error',
        text: `${what}: ${answer.status} ${answer.code}: ${err.dependency}: ${err.message}`,
        data: {
          method: req.method,
          target: printable(req.url ?? ''),
          status: answer.status,
          code: answer.code,
          dependency: err.dependency,
          error: (err.failure as Error)?.name,
          ...(err.order ?? {}),
        },
      });
      return sendError(res, answer);
    }
    // Neither the client's nor a dependency's: a defect here. Say so rather than blame a dependency.
    deps.reporter.emit({
      code: 'GATEWAY_INTERNAL_ERROR',
      level: 'error',
      text: `${what}: ${(err as Error)?.stack ?? String(err)}`,
      data: { method: req.method, target: printable(req.url ?? ''), error: (err as Error)?.name },
    });
    if (!res.headersSent)
      sendError(res, new HttpError(500, 'INTERNAL_ERROR', 'the gateway failed to handle the request; see its log'));
    else res.destroy();
  };

  const server = http.createServer((req, res) => {
    const signal = AbortSignal.timeout(deadlineMs);
    handle({ req, res, signal }).catch((err: unknown) => answerFailure(req, res, signal, err));
  });

  // Requests the HTTP parser rejects (a malformed request line or header, headers too large) never reach the
  // handler: answer them in the same JSON shape, and log them as the client's error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const answer = new HttpError(
      status,
      status === 431 ? 'HEADERS_TOO_LARGE' : status === 408 ? 'REQUEST_TIMEOUT' : 'MALFORMED_REQUEST',
      status === 431
        ? 'the request headers are too large'
        : status === 408
          ? 'the request was not received in time'
          : `the request is not valid HTTP/1.1 (${err.code ?? err.message})`,
    );
    deps.reporter.emit({
      code: 'GATEWAY_REQUEST_REJECTED',
      level: 'info',
      text: `unparsable request: ${status} ${answer.code} (${err.code ?? err.message})`,
      data: { status, code: answer.code, parserError: err.code },
    });
    socket.end(rawErrorResponse(answer));
  });
  return server;
}
