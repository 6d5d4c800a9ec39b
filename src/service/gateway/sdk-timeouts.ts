// How the gateway's AWS SDK clients bound their calls, with the SDK's own settings: each attempt has a connection
// and a request timeout (half the deadline, so one retry on a fresh connection fits), the retry strategy makes up to
// three attempts, and every call on the request path also carries the request's abort signal, which ends the call —
// retries and back-off included — at the deadline.
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const MAX_ATTEMPTS = 3;

export interface TimedClientConfig {
  region: string;
  maxAttempts: number;
  requestHandler: NodeHttpHandler;
}

/** SDK client settings for calls that must end within `deadlineMs`. */
export function timedClientConfig(region: string, deadlineMs: number): TimedClientConfig {
  const attemptMs = Math.max(50, Math.ceil(deadlineMs / 2));
  return {
    region,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: attemptMs,
      requestTimeout: attemptMs,
      // Without it the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    }),
  };
}

/** The HTTP status the service answered with, when it answered at all. */
export function serviceStatus(err: unknown): number | undefined {
  const s = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return typeof s === 'number' ? s : undefined;
}
