// drctl: validate, plan, deploy, status, outputs, destroy, report, drill, failover, failback.
import { Command, CommanderError } from 'commander';
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

/** Each command module adds its subcommand; `exit` receives the command's exit code. */
export type Register = (program: Command, exit: (code: number) => void) => void;

const registrations: Register[] = [
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

export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('drctl')
    .description(
      'Multi-region disaster recovery toolkit for the trading platform (CloudFormation JSON, us-east-1 + us-west-2)',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of registrations) register(program, exit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return code;
}
