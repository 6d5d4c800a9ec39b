// One canary run: place a test order through a base URL and read it back, each step within a latency budget. Node's
// own fetch only, so the bundle runs on any Synthetics Node.js runtime and offline against an in-process gateway.
import { randomUUID } from 'node:crypto';

export interface OrderCheckOptions {
  /** `http(s)://host[:port]` of a region's load balancer or of the public name. */
  baseUrl: string;
  /** A step that takes longer fails the run (and is abandoned at this point). */
  latencyBudgetMs: number;
  /** Distinguishes the runs' orders (region role, target label); part of every clientOrderId. */
  tag: string;
  fetch?: typeof fetch;
  now?: () => number;
  newId?: () => string;
}

export type StepName = 'place-order' | 'read-order';

export interface StepResult {
  name: StepName;
  ok: boolean;
  status?: number;
  ms: number;
  /** Why a failed step failed: `slow`, `unreachable`, `http-<status>` or `mismatch`. */
  reason?: string;
  detail?: string;
}

export interface OrderCheckResult {
  ok: boolean;
  target: string;
  clientOrderId: string;
  orderId?: string;
  steps: StepResult[];
}

/** Test orders are recognisable: a fixed symbol and a clientOrderId that starts with `canary-`. */
export const CANARY_SYMBOL = 'CANARY';

export function canaryOrder(clientOrderId: string) {
  return {
    clientOrderId,
    symbol: CANARY_SYMBOL,
    side: 'buy',
    type: 'limit',
    quantity: 1,
    price: 1,
    timeInForce: 'IOC',
  };
}

async function step(
  name: StepName,
  opts: OrderCheckOptions,
  url: string,
  init: RequestInit,
  accept: (status: number, body: unknown) => string | undefined,
): Promise<StepResult & { body?: unknown }> {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? fetch;
  const started = now();
  const elapsed = () => Math.max(0, now() - started);
  let res: Response;
  let body: unknown;
  try {
    res = await doFetch(url, { ...init, signal: AbortSignal.timeout(opts.latencyBudgetMs) });
    const text = await res.text();
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
  } catch (err) {
    const e = err as Error;
    const slow = e.name === 'TimeoutError' || e.name === 'AbortError';
    return {
      name,
      ok: false,
      ms: elapsed(),
      reason: slow ? 'slow' : 'unreachable',
      detail: slow ? `no answer within ${opts.latencyBudgetMs} ms` : `${e.message}${causeOf(e)}`,
    };
  }
  const ms = elapsed();
  const problem = accept(res.status, body);
  if (problem)
    return {
      name,
      ok: false,
      status: res.status,
      ms,
      reason: problem.startsWith('http-') ? problem : 'mismatch',
      detail: describe(problem, body),
    };
  if (ms > opts.latencyBudgetMs)
    return {
      name,
      ok: false,
      status: res.status,
      ms,
      reason: 'slow',
      detail: `took ${ms} ms, budget ${opts.latencyBudgetMs} ms`,
    };
  return { name, ok: true, status: res.status, ms, body };
}

function causeOf(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause ? ` (${cause.code ?? cause.message ?? 'unknown cause'})` : '';
}

function describe(problem: string, body: unknown): string {
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return err?.code ? `${problem}: ${err.code} ${err.message ?? ''}`.trim() : problem;
}

/** The gateway answers `{order: {...}}` (docs/architecture.md, gateway service contract). */
function orderOf(body: unknown): { orderId?: unknown; clientOrderId?: unknown } | undefined {
  return (body as { order?: { orderId?: unknown; clientOrderId?: unknown } } | undefined)?.order;
}

/** Places one order and reads it back; never throws (the handler decides what a failed run means). */
export async function runOrderCheck(opts: OrderCheckOptions): Promise<OrderCheckResult> {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const clientOrderId = `canary-${opts.tag}-${(opts.newId ?? randomUUID)()}`.slice(0, 64);
  const steps: StepResult[] = [];
  const placed = await step(
    'place-order',
    opts,
    `${base}/orders`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(canaryOrder(clientOrderId)),
    },
    (status, body) => {
      if (status !== 201 && status !== 200) return `http-${status}`;
      return typeof orderOf(body)?.orderId === 'string' ? undefined : 'the answer carries no order.orderId';
    },
  );
  const { body: placedBody, ...placedStep } = placed;
  steps.push(placedStep);
  if (!placed.ok) return { ok: false, target: base, clientOrderId, steps };
  const orderId = orderOf(placedBody)?.orderId as string;
  const read = await step(
    'read-order',
    opts,
    `${base}/orders/${encodeURIComponent(orderId)}`,
    { method: 'GET' },
    (status, body) => {
      if (status !== 200) return `http-${status}`;
      const b = orderOf(body);
      if (b?.orderId !== orderId || b?.clientOrderId !== clientOrderId)
        return 'the order read back is not the one placed';
      return undefined;
    },
  );
  const { body: _readBody, ...readStep } = read;
  steps.push(readStep);
  return { ok: read.ok, target: base, clientOrderId, orderId, steps };
}
