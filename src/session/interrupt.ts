// Ctrl-C for the commands that change an environment. The command context carries the abort signal (the CLI's command wrapper fills it
// from SIGINT); run without one (called directly, or before the wrapper provides it), a command listens for SIGINT
// itself: the first Ctrl-C aborts, a second one quits at once.
import type { MessageCode, Reporter } from '../io/messages.js';

export interface Interruptible {
  signal: AbortSignal;
  /** Stops listening; call when the command ends. */
  dispose(): void;
}

export function commandSignal(
  given: AbortSignal | undefined,
  reporter: Reporter,
  notice: { code: MessageCode; text: string },
): Interruptible {
  if (given) return { signal: given, dispose: () => undefined };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    reporter.emit({ code: notice.code, level: 'warn', text: notice.text });
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
