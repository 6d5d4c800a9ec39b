// The one command wrapper: every drctl command is declared through `defineCommand`, which owns what commands must not
// each do their own way — the shared options, the reporter (people or --json), the environment variables check,
// the AWS profile check, Ctrl-C (first: abort `ctx.signal`; second: exit 130 at once), and turning the outcome or
// the error into the exit code (errors.ts maps error kinds to codes; bodies return EXIT.* for outcomes).
import type { Command, Option } from 'commander';
import { onCi, readEnvironment } from '../config/environment-variables.js';
import { exitCodeFor, EXIT } from '../errors.js';
import type { Message } from '../io/messages.js';
import { StreamReporter } from '../io/reporters.js';
import { checkProfile, normalizeCredentialsError } from './aws-access.js';
import { reportError, type CommandContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import { endpointOption, envOption, jsonOption, profileOption, verboseOption, yesOption } from './options.js';

export interface CommandSpec<O extends GlobalOptions> {
  name: string;
  description: string;
  /** Positional arguments: [syntax, description], e.g. ['[files...]', 'template files']. */
  arguments?: [string, string][];
  /** Works on an environment: adds --env. */
  environment?: boolean;
  /** Talks to AWS: adds --profile and --endpoint-url, and checks a named profile exists before the body runs. */
  aws?: boolean;
  /** Asks before changing something: adds --yes. */
  confirms?: boolean;
  options?: Option[];
  /**
   * What the first Ctrl-C does. With a text, the body is told through `ctx.signal` and stops gracefully (the text
   * says how); without one, drctl exits 130 at once, as the body has nothing to wind down.
   */
  interrupt?: string;
  /** On a terminal, a live status board renders progress messages (deploy, destroy). */
  progress?: (err: NodeJS.WriteStream, out: NodeJS.WritableStream) => (msg: Message) => boolean;
  run: (ctx: CommandContext, opts: O, args: string[]) => Promise<number | void>;
}

export interface Registrar {
  program: Command;
  io: CliIo;
  /** Receives the command's exit code. */
  exit: (code: number) => void;
}

/** Adds the command to the program; its action runs the body inside the wrapper. */
export function defineCommand<O extends GlobalOptions>(
  { program, io, exit }: Registrar,
  spec: CommandSpec<O>,
): Command {
  const cmd = program.command(spec.name).description(spec.description);
  for (const [syntax, description] of spec.arguments ?? []) cmd.argument(syntax, description);
  if (spec.environment) cmd.addOption(envOption());
  for (const o of spec.options ?? []) cmd.addOption(o);
  if (spec.confirms) cmd.addOption(yesOption());
  cmd.addOption(jsonOption()).addOption(verboseOption());
  if (spec.aws) cmd.addOption(profileOption()).addOption(endpointOption());
  cmd.action(async (...received: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const opts = cmd.opts<O>();
    // A variadic argument (`[files...]`) arrives as an array.
    const args = received
      .slice(0, spec.arguments?.length ?? 0)
      .flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? (a as string[]) : [a as string]));
    exit(await runCommand(io, spec, opts, args));
  });
  return cmd;
}

async function runCommand<O extends GlobalOptions>(
  io: CliIo,
  spec: CommandSpec<O>,
  opts: O,
  args: string[],
): Promise<number> {
  const json = Boolean(opts.json);
  // On CI nobody answers: confirmations say no unless --yes.
  const interactive = Boolean(io.stdin.isTTY) && !onCi(io.env.CI);
  const reporter = new StreamReporter({
    json,
    verbose: Boolean(opts.verbose),
    assumeYes: Boolean(opts.yes),
    interactive,
    out: io.stdout,
    err: io.stderr,
    ...(io.stdin === process.stdin ? {} : { input: io.stdin }),
    ...(spec.progress && !json ? { progress: spec.progress(io.stderr as NodeJS.WriteStream, io.stdout) } : {}),
  });
  const abort = new AbortController();
  const ctx: CommandContext = { root: io.cwd, reporter, options: opts, signal: abort.signal, io };
  const onSigint = () => {
    if (abort.signal.aborted || !spec.interrupt) {
      reporter.emit({ code: 'INTERRUPT_REQUESTED', level: 'warn', text: 'interrupted: quitting now' });
      io.exit(EXIT.interrupted);
      return;
    }
    reporter.emit({
      code: 'INTERRUPT_REQUESTED',
      level: 'warn',
      text: `interrupt: ${spec.interrupt} Ctrl-C again to quit at once.`,
    });
    abort.abort();
  };
  io.signals.on('SIGINT', onSigint);
  const profile = opts.profile ?? (io.env.AWS_PROFILE || undefined);
  try {
    ctx.env = readEnvironment(io.env);
    if (spec.aws)
      await checkProfile(opts.profile ?? ctx.env.AWS_PROFILE, opts.profile ? '--profile' : 'AWS_PROFILE', io.env);
    return (await spec.run(ctx, opts, args)) ?? EXIT.ok;
  } catch (err) {
    const error = spec.aws ? normalizeCredentialsError(err, profile) : err;
    reportError(ctx, error);
    return exitCodeFor(error);
  } finally {
    io.signals.off('SIGINT', onSigint);
  }
}
