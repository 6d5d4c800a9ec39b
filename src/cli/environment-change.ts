// deploy and destroy at the CLI edge: the options they share, and how a run's report and error become output and
// an exit code. The report is the JSON document (with the error inside when the run failed, so a machine sees which
// stacks got where); the error also goes to people on stderr.
import type { Option } from 'commander';
import type { DrError } from '../errors.js';
import { exitCodeFor, EXIT } from '../errors.js';
import { statusBoard } from '../deploy/progress.js';
import type { Runtime } from '../deploy/runtime.js';
import { loadProject, type Project } from '../plan/project.js';
import { normalizeCredentialsError } from './aws-access.js';
import { commandRuntime } from './aws-runtime.js';
import { defineCommand, type Registrar } from './command.js';
import { reportError, type CommandContext, type GlobalOptions } from './context.js';
import { concurrencyOption, forceUnlockOption, parseConcurrency } from './options.js';

export interface EnvironmentChangeOptions extends GlobalOptions {
  concurrency?: string;
  forceUnlock?: boolean;
}

/** The `--json` document of deploy and destroy: the run's report, plus `error` when it did not succeed. */
export function resultDocument<R extends object>(report: R, error?: DrError): R & { error?: Record<string, unknown> } {
  return error ? { ...report, error: error.toJSON() } : report;
}

/** deploy and destroy: --env, --concurrency, --yes, --force-unlock and the AWS options; the project loaded first. */
export function defineEnvironmentChange<O extends EnvironmentChangeOptions>(
  r: Registrar,
  spec: {
    name: string;
    description: string;
    concurrencyOf: string;
    interrupt: string;
    options?: Option[];
    run: (
      ctx: CommandContext,
      project: Project,
      concurrency: number,
      opts: O,
      rt: Runtime,
    ) => Promise<{ report: object; error?: DrError }>;
  },
) {
  return defineCommand<O>(r, {
    name: spec.name,
    description: spec.description,
    environment: true,
    aws: true,
    confirms: true,
    interrupt: spec.interrupt,
    progress: statusBoard,
    options: [...(spec.options ?? []), concurrencyOption(spec.concurrencyOf), forceUnlockOption()],
    run: async (ctx, opts) => {
      const project = await loadProject(ctx.root, opts.env);
      const concurrency = parseConcurrency(opts.concurrency, project.config.deploy?.concurrency ?? 4);
      const outcome = await spec.run(ctx, project, concurrency, opts, await commandRuntime(ctx));
      const { report } = outcome;
      // The run's error is part of its report (not thrown): give it the same credentials form as every command's.
      const error = outcome.error && normalizeCredentialsError(outcome.error, opts.profile ?? ctx.env?.AWS_PROFILE);
      if (error) reportError({ ...ctx, options: { ...ctx.options, json: false } }, error);
      ctx.reporter.result(resultDocument(report, error));
      return error ? exitCodeFor(error) : EXIT.ok;
    },
  });
}
