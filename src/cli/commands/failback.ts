// drctl failback: planned failback to the original primary (docs/runbooks/failback.md).
import type { Command } from 'commander';
import {
  acceptUncheckedOption,
  endpointOption,
  envOption,
  forceUnlockOption,
  jsonOption,
  profileOption,
  verboseOption,
  yesOption,
} from '../options.js';
import { runAction, type GlobalOptions } from '../context.js';
import type { Register } from '../main.js';

type FailbackOptions = GlobalOptions;

export const registerFailback: Register = (program: Command, exit) => {
  program
    .command('failback')
    .description(
      'planned, loss-free return to the primary region: rebuild replication, wait for zero lag, stop writes, switch, restore the topology (resumable)',
    )
    .addOption(envOption())
    .addOption(yesOption())
    .addOption(acceptUncheckedOption())
    .addOption(forceUnlockOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .action(async (opts: FailbackOptions) => {
      // Loaded when the command runs: other commands (plan, what npm start runs) do not pay for the AWS SDK.
      const { runRunbookCommand } = await import('../../failover/runbooks/command.js');
      exit(await runAction(opts, (ctx) => runRunbookCommand(ctx, 'failback', opts)));
    });
};
