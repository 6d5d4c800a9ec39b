// Retry with exponential backoff and full jitter for throttled AWS calls. The SDK's adaptive retry handles most
// throttling; this second layer covers long deploys that hit account-wide limits (CloudFormation's Describe*
// calls while many stacks are polled) and lets tests drive backoff with an injected sleep.

export const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
]);

export function errorName(err: unknown): string {
  return err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
}

export function isThrottling(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return THROTTLING_CODES.has(errorName(err)) || status === 429;
}

export interface RetryOptions {
  sleep: (ms: number) => Promise<void>;
  maxAttempts?: number;
  baseMs?: number;
  capMs?: number;
  random?: () => number;
  onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
}

export async function withThrottlingRetry<T>(call: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const max = opts.maxAttempts ?? 10;
  const base = opts.baseMs ?? 500;
  const cap = opts.capMs ?? 20_000;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottling(err) || attempt >= max) throw err;
      const delay = Math.round(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      opts.onRetry?.(attempt, delay, err);
      await opts.sleep(delay);
    }
  }
}

/** `withThrottlingRetry` bound to a sleep: what code that makes several calls in a row uses as `retry(() => …)`. */
export function throttlingRetry(sleep: (ms: number) => Promise<void>): <T>(call: () => Promise<T>) => Promise<T> {
  return (call) => withThrottlingRetry(call, { sleep });
}
