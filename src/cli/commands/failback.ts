// drctl failback: planned failback to the original primary (docs/runbooks/failback.md).
import type { Command } from 'commander';
import { endpointOption, envOption, jsonOption, profileOption, verboseOption, yesOption } from '../options.js';
import { runAction, type GlobalOptions } from '../context.js';
import type { Register } from '../main.js';
import { runRunbookCommand } from '../../failover/runbooks/command.js';

type FailbackOptions = GlobalOptions;

export const registerFailback: Register = (program: Command, exit) => {
  program
    .command('failback')
    .description('planned, loss-free return to the primary region: rebuild replication, wait for zero lag, stop writes, switch, restore the topology (resumable)')
    .addOption(envOption())
    .addOption(yesOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .action(async (opts: FailbackOptions) => {
      exit(await runAction(opts, (ctx) => runRunbookCommand(ctx, 'failback', opts)));
    });
};
