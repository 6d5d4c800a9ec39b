// A dependency call of the request path failed: what the client is told. Reads changed nothing and are simply
// retried. For writes what matters is whether the order may exist: a call cut off at the deadline, or one that failed
// without the service's answer, may have been applied (OUTCOME_UNKNOWN); one refused at its only attempt was not.
// Either way a retry with the same clientOrderId is safe: the conditional put writes an order at most once and
// a replay returns the stored one.
import { HttpError } from './http-response.js';
import { OrderReadBackError } from './orders.js';
import { serviceStatus } from './sdk-timeouts.js';

export interface FailedCall {
  err: unknown;
  /** 'read' for GET routes, 'write' for POST /orders. */
  access: 'read' | 'write';
  /** The dependency, as clients may read it: `DynamoDB`, `Parameter Store`. */
  dependency: string;
  /** The request's deadline had passed when the call failed (the SDK was aborted). */
  timedOut: boolean;
  deadlineMs: number;
  /** For writes: what lets the client find the order. */
  order?: { clientOrderId: string; orderId: string };
}

const RETRY_AFTER = { 'retry-after': '1' };

function errName(err: unknown): string {
  const e = err as { name?: string; code?: string } | undefined;
  return e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error');
}

/** Errors raised before a request left the host: the connection was refused or the name did not resolve. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The write certainly did not happen: its only attempt was refused by the service (4xx) or never sent. After a retry
 * the last error says nothing about the earlier attempts, one of which may have been applied.
 */
function refusedAtOnce(err: unknown): boolean {
  // The order exists (its put was refused by the condition); only reading it back failed.
  if (err instanceof OrderReadBackError) return false;
  const e = err as { code?: string; $metadata?: { attempts?: number } } | undefined;
  if ((e?.$metadata?.attempts ?? 1) > 1) return false;
  const status = serviceStatus(err);
  return (status !== undefined && status >= 400 && status < 500) || NOT_SENT.has(e?.code ?? '');
}

export function dependencyFailure(f: FailedCall): HttpError {
  const name = errName(f.err);
  if (f.access === 'read') {
    return f.timedOut
      ? new HttpError(
          504,
          'DEPENDENCY_TIMEOUT',
          `${f.dependency} did not answer within ${f.deadlineMs} ms; nothing was changed: retry the request`,
          undefined,
          RETRY_AFTER,
        )
      : new HttpError(
          503,
          'DEPENDENCY_UNAVAILABLE',
          `${f.dependency} failed (${name}); nothing was changed: retry the request`,
          undefined,
          RETRY_AFTER,
        );
  }
  const retry =
    'Retry with the same clientOrderId: it is safe, an order is written at most once and a retry returns it if it exists.';
  if (f.timedOut)
    return new HttpError(
      504,
      'OUTCOME_UNKNOWN',
      `${f.dependency} did not answer within ${f.deadlineMs} ms: the order may or may not have been written. ${retry}`,
      f.order,
      RETRY_AFTER,
    );
  if (refusedAtOnce(f.err))
    return new HttpError(
      503,
      'DEPENDENCY_UNAVAILABLE',
      `${f.dependency} refused the write (${name}): the order was not written. ${retry}`,
      f.order,
      RETRY_AFTER,
    );
  return new HttpError(
    503,
    'OUTCOME_UNKNOWN',
    `the write to ${f.dependency} failed without an answer (${name}): the order may or may not have been written. ${retry}`,
    f.order,
    RETRY_AFTER,
  );
}
