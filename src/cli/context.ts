// What every command body gets: the project root, the reporter for its output mode, the options, and the signal
// that the first Ctrl-C aborts. The command wrapper (command.ts) builds it; tests may build one by hand.
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import type { DrctlEnvironment } from '../config/environment-variables.js';
import type { CliIo } from './io.js';

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
  /** The environment variables drctl reads, checked (see config/environment-variables.ts). */
  env?: DrctlEnvironment;
  /** The process the command runs in (streams, injected AWS clients); absent when a test builds the context. */
  io?: CliIo;
}

/** The error for people (message and fix on stderr) and, under --json, as the `{"error": …}` document. */
export function reportError(ctx: CommandContext, err: unknown): void {
  if (err instanceof DrError) {
    // A list of problems carries a fix per problem in its message; repeating the first one adds nothing.
    const listed = Array.isArray(err.details?.problems) && err.details.problems.length > 1;
    ctx.reporter.emit({
      code: err.code,
      level: 'error',
      text: err.fix && !listed ? `${err.message}\n  fix: ${err.fix}` : err.message,
      data: err.toJSON(),
    });
    if (ctx.options.json) ctx.reporter.result({ error: err.toJSON() });
    return;
  }
  const message = err instanceof Error ? (ctx.options.verbose ? (err.stack ?? err.message) : err.message) : String(err);
  ctx.reporter.emit({ code: 'E_INTERNAL', level: 'error', text: `unexpected failure: ${message}` });
  if (ctx.options.json) ctx.reporter.result({ error: { code: 'E_INTERNAL', kind: 'internal', message } });
}
