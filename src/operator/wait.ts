// Waiting with a deadline: the controller, the runbooks and the drill poll through the shared Clock, so tests run
// hours of waiting instantly.
import { DrError } from '../errors.js';
import type { MessageCode } from '../io/message-codes.js';
import type { Clock } from '../clock.js';

export interface WaitOptions {
  /** What is being waited for, in words (used in the timeout error). */
  what: string;
  timeoutMs: number;
  intervalMs: number;
  /** Error code when the wait times out. */
  code?: MessageCode;
  fix?: string;
  /** Called after each unsuccessful probe, e.g. to report progress. */
  onPending?: (elapsedMs: number) => void;
  /** Ctrl-C: stop waiting at once (the wait then throws an interruption). */
  signal?: AbortSignal;
}

/** Polls `probe` until it returns a value other than undefined; throws a DrError (exit 1) on timeout. */
export async function waitFor<T>(clock: Clock, opts: WaitOptions, probe: () => Promise<T | undefined>): Promise<T> {
  const start = clock.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const elapsed = clock.now() - start;
    if (opts.signal?.aborted)
      throw new DrError({
        code: 'E_INTERRUPTED',
        kind: 'interrupted',
        message: `interrupted after ${Math.round(elapsed / 1000)} s of waiting for ${opts.what}`,
        fix: 'Run the same command again: it resumes at this step.',
      });
    if (elapsed >= opts.timeoutMs) {
      throw new DrError({
        code: opts.code ?? 'E_WAIT_TIMEOUT',
        kind: 'findings',
        message: `timed out after ${Math.round(elapsed / 1000)} s waiting for ${opts.what}`,
        fix: opts.fix ?? 'Check the resource in the AWS console; re-run the command to continue from this step.',
      });
    }
    opts.onPending?.(elapsed);
    await clock.sleep(opts.intervalMs, opts.signal);
  }
}
