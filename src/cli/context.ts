// What every command gets: the project root, the reporter for its output mode, and the shared AWS options.
import { StreamReporter } from '../io/reporters.js';
import type { Reporter } from '../io/messages.js';
import { DrError, exitCodeFor } from '../errors.js';

export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  yes?: boolean;
  env?: string;
  profile?: string;
  endpointUrl?: string;
}

export interface CommandContext {
  root: string;
  reporter: Reporter;
  options: GlobalOptions;
  /** Aborted on Ctrl-C; long-running bodies stop waiting and leave things resumable. */
  signal?: AbortSignal;
}

export function createContext(options: GlobalOptions, reporter?: Reporter): CommandContext {
  return {
    root: process.cwd(),
    reporter:
      reporter ??
      new StreamReporter({
        json: Boolean(options.json),
        verbose: Boolean(options.verbose),
        assumeYes: Boolean(options.yes),
      }),
    options,
  };
}

/** Runs a command body and turns its outcome into an exit code; the one place errors become exit codes. */
export async function runAction(
  options: GlobalOptions,
  body: (ctx: CommandContext) => Promise<number | void>,
  reporter?: Reporter,
): Promise<number> {
  const ctx = createContext(options, reporter);
  try {
    return (await body(ctx)) ?? 0;
  } catch (err) {
    reportError(ctx, err);
    return exitCodeFor(err);
  }
}

export function reportError(ctx: CommandContext, err: unknown): void {
  if (err instanceof DrError) {
    ctx.reporter.emit({
      code: err.code,
      level: 'error',
      text: err.fix ? `${err.message}\n  fix: ${err.fix}` : err.message,
      data: err.toJSON(),
    });
    if (ctx.options.json) ctx.reporter.result({ error: err.toJSON() });
    return;
  }
  const message = err instanceof Error ? (ctx.options.verbose ? (err.stack ?? err.message) : err.message) : String(err);
  ctx.reporter.emit({ code: 'E_INTERNAL', level: 'error', text: `unexpected failure: ${message}` });
  if (ctx.options.json) ctx.reporter.result({ error: { code: 'E_INTERNAL', kind: 'internal', message } });
}
