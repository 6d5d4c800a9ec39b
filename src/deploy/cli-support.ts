// What the deploy-family commands share at the CLI edge: their common options, the reporter with the live status
// board, the real SDK client factory from --profile / --endpoint-url, Ctrl-C turned into an abort signal, and the
// way a run's report and error become output and an exit code. The AWS SDK and the deploy machinery are imported
// only when a command runs: `drctl plan` (what `npm start` runs) must not pay for loading them.
import { Option, type Command } from 'commander';
import { exitCodeFor, usageError, type DrError } from '../errors.js';
import type { Message, Reporter } from '../io/messages.js';
import { StreamReporter } from '../io/reporters.js';
import { reportError, runAction, type CommandContext, type GlobalOptions } from '../cli/context.js';
import {
  endpointOption,
  envOption,
  forceUnlockOption,
  jsonOption,
  profileOption,
  verboseOption,
  yesOption,
} from '../cli/options.js';
import { loadProject, type Project } from './project.js';
import { statusBoard } from './progress.js';
import { defaultRuntime, reportThrottling, type Runtime } from './runtime.js';
import { commandSignal } from '../session/interrupt.js';

export interface AwsCommandOptions {
  json?: boolean;
  verbose?: boolean;
  yes?: boolean;
  profile?: string;
  endpointUrl?: string;
}

/** --profile, --endpoint-url, --json, --verbose: every command that talks to AWS takes them, with the same help. */
export function addAwsOptions(cmd: Command): Command {
  return cmd.addOption(profileOption()).addOption(endpointOption()).addOption(jsonOption()).addOption(verboseOption());
}

export const concurrencyOption = (what: string) =>
  new Option('--concurrency <n>', `${what} at once (default: config deploy.concurrency or 4)`);

export function parseConcurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw usageError(
      'E_BAD_CONCURRENCY',
      `--concurrency ${value}: must be an integer from 1 to 16`,
      'Use e.g. --concurrency 4.',
      { field: '--concurrency' },
    );
  return n;
}

export function commandReporter(opts: AwsCommandOptions): Reporter {
  return new StreamReporter({
    json: Boolean(opts.json),
    verbose: Boolean(opts.verbose),
    assumeYes: Boolean(opts.yes),
    progress: opts.json ? undefined : statusBoard(process.stderr),
  });
}

/**
 * First Ctrl-C: stop starting new work, let CloudFormation finish what it is doing, release the lock, exit 130.
 * Second Ctrl-C: leave at once (the lock stays; --force-unlock clears it). The signal comes from the command context
 * when the CLI provides one; otherwise this listens for SIGINT itself.
 */
export async function withInterrupts<T>(
  ctx: Pick<CommandContext, 'reporter' | 'signal'>,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const interrupt = commandSignal(ctx.signal, ctx.reporter, {
    code: 'INTERRUPT_REQUESTED',
    text: 'interrupt: no new stacks will start; waiting steps stop now, CloudFormation finishes the running ones. Ctrl-C again to quit at once.',
  });
  try {
    return await body(interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

export async function cliRuntime(opts: AwsCommandOptions, reporter: Reporter, signal?: AbortSignal): Promise<Runtime> {
  const { sdkClientFactory } = await import('../aws/clients.js');
  const factory = sdkClientFactory({
    profile: opts.profile,
    endpointUrl: opts.endpointUrl,
    onThrottled: reportThrottling(reporter),
  });
  return defaultRuntime(factory, reporter, signal);
}

export interface EnvironmentChangeOptions extends GlobalOptions, AwsCommandOptions {
  concurrency?: string;
  forceUnlock?: boolean;
}

/**
 * deploy and destroy: the options they share (--env, --concurrency, --yes, --force-unlock and the AWS ones) and an
 * action that loads the environment and reads --concurrency before `body` runs the change.
 */
export function registerEnvironmentChange<O extends EnvironmentChangeOptions>(
  program: Command,
  exit: (code: number) => void,
  spec: {
    name: string;
    description: string;
    concurrencyOf: string;
    options?: Option[];
    body: (ctx: CommandContext, project: Project, concurrency: number, opts: O) => Promise<number>;
  },
): void {
  const cmd = program.command(spec.name).description(spec.description).addOption(envOption());
  for (const o of spec.options ?? []) cmd.addOption(o);
  cmd.addOption(concurrencyOption(spec.concurrencyOf)).addOption(yesOption()).addOption(forceUnlockOption());
  addAwsOptions(cmd).action(async (opts: O) => {
    const body = async (ctx: CommandContext) => {
      const project = await loadProject(ctx.root, opts.env);
      return spec.body(ctx, project, parseConcurrency(opts.concurrency, project.config.deploy?.concurrency ?? 4), opts);
    };
    exit(await runAction(opts, body, commandReporter(opts)));
  });
}

/**
 * deploy and destroy: run with Ctrl-C handling; the report is the JSON document (with the error inside when the run
 * failed, so a machine sees which stacks got where); the error goes to people on stderr and decides the exit code.
 */
export async function runEnvironmentChange<R extends object>(
  ctx: CommandContext,
  opts: AwsCommandOptions,
  run: (rt: Runtime) => Promise<{ report: R; error?: DrError }>,
): Promise<number> {
  const { report, error } = await withInterrupts(ctx, async (signal) =>
    run(await cliRuntime(opts, ctx.reporter, signal)),
  );
  if (error) reportError({ ...ctx, options: { ...ctx.options, json: false } }, error);
  ctx.reporter.result(resultDocument(report, error));
  return error ? exitCodeFor(error) : 0;
}

/** The `--json` document of deploy and destroy: the run's report, plus `error` when it did not succeed. */
export function resultDocument<R extends object>(report: R, error?: DrError): R & { error?: Record<string, unknown> } {
  return error ? { ...report, error: error.toJSON() } : report;
}

/** status and outputs: load the environment, read what is deployed, print one line per entry for people, the value for machines. */
export function registerReadCommand<T>(
  program: Command,
  exit: (code: number) => void,
  spec: {
    name: string;
    description: string;
    read: (project: Project, rt: Runtime) => Promise<T>;
    lines: (value: T) => Omit<Message, 'time' | 'level'>[];
  },
): void {
  const cmd = program.command(spec.name).description(spec.description).addOption(envOption());
  addAwsOptions(cmd).action(async (opts: GlobalOptions & AwsCommandOptions) => {
    exit(
      await runAction(opts, async (ctx) => {
        const value = await spec.read(await loadProject(ctx.root, opts.env), await cliRuntime(opts, ctx.reporter));
        for (const line of spec.lines(value)) ctx.reporter.emit({ ...line, level: 'result' });
        ctx.reporter.result(value);
      }),
    );
  });
}
