// drctl: validate, plan, deploy, status, outputs, destroy, report, drill, failover, failback.
// `main(argv, io)` runs one command line against the given process (the bin passes the real one; tests their own)
// and returns the exit code. Usage errors (unknown option, bad choice) are exit 2, and a JSON document under --json.
import { Command, CommanderError } from 'commander';
import { DrError, EXIT, exitCodeFor } from '../errors.js';
import type { MessageCode } from '../io/message-codes.js';
import { StreamReporter } from '../io/reporters.js';
import type { Registrar } from './command.js';
import { reportError } from './context.js';
import { processIo, type CliIo } from './io.js';
import { registerPlan } from './commands/plan.js';
import { registerDeploy } from './commands/deploy.js';
import { registerStatus } from './commands/status.js';
import { registerOutputs } from './commands/outputs.js';
import { registerDestroy } from './commands/destroy.js';
import { registerReport } from './commands/report.js';
import { registerValidate } from './commands/validate.js';
import { registerFailover } from './commands/failover.js';
import { registerFailback } from './commands/failback.js';
import { registerDrill } from './commands/drill.js';

export const VERSION = '0.1.0';

const registrations: ((r: Registrar) => void)[] = [
  registerPlan,
  registerDeploy,
  registerStatus,
  registerOutputs,
  registerDestroy,
  registerReport,
  registerValidate,
  registerFailover,
  registerFailback,
  registerDrill,
];

export function buildProgram(io: CliIo, exit: (code: number) => void): Command {
  const program = new Command('drctl')
    .description(
      'Multi-region disaster recovery toolkit for the trading platform (CloudFormation JSON, us-east-1 + us-west-2)',
    )
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  for (const register of registrations) register({ program, io, exit });
  return program;
}

const USAGE_CODES: Record<string, MessageCode> = {
  'commander.unknownOption': 'E_UNKNOWN_OPTION',
  'commander.unknownCommand': 'E_UNKNOWN_COMMAND',
  'commander.invalidArgument': 'E_INVALID_ARGUMENT',
  'commander.missingArgument': 'E_MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'E_MISSING_ARGUMENT',
  'commander.missingMandatoryOptionValue': 'E_MISSING_ARGUMENT',
  'commander.excessArguments': 'E_EXCESS_ARGUMENTS',
  'commander.conflictingOption': 'E_CONFLICTING_OPTIONS',
};

/** A commander usage error as a DrError: the same `{"error": …}` document as every other usage error. */
function usageErrorOf(err: CommanderError, args: string[], program: Command): DrError {
  const command = args.find((a) => program.commands.some((c) => c.name() === a));
  const option = /'(-[^' ]+)/.exec(err.message)?.[1];
  return new DrError({
    code: USAGE_CODES[err.code] ?? 'E_USAGE',
    kind: 'usage',
    message: err.message.replace(/^error: /, '').trim(),
    fix: `Run drctl ${command ? `${command} ` : ''}--help for the ${command ? 'options' : 'commands'}.`,
    ...(option ? { field: option } : {}),
  });
}

export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const cli: CliIo = { ...processIo(), ...io };
  const args = argv.slice(2);
  const end = args.indexOf('--');
  const json = (end === -1 ? args : args.slice(0, end)).includes('--json');
  let code: number = EXIT.ok;
  const program = buildProgram(cli, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are exit 0; every other commander error is a usage error (commander printed it on stderr).
      if (err.exitCode === 0) return EXIT.ok;
      const error = usageErrorOf(err, args, program);
      if (json) cli.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      return exitCodeFor(error);
    }
    // A failure outside any command body (a bug): said once, never a stack trace unless --verbose.
    const reporter = new StreamReporter({ json, out: cli.stdout, err: cli.stderr });
    reportError({ root: cli.cwd, reporter, options: { json, verbose: args.includes('--verbose') } }, err);
    return exitCodeFor(err);
  }
  return code;
}
