// drctl failover: operator-initiated failover (docs/runbooks/failover.md).
import type { Command } from 'commander';
import { Option } from 'commander';
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

interface FailoverOptions extends GlobalOptions {
  force?: boolean;
}

export const registerFailover: Register = (program: Command, exit) => {
  program
    .command('failover')
    .description(
      'operator-initiated failover to the secondary region: pre-checks, fence the primary, promote the replica, move traffic, raise capacity (resumable)',
    )
    .addOption(envOption())
    .addOption(yesOption())
    .addOption(acceptUncheckedOption())
    .addOption(forceUnlockOption())
    .addOption(
      new Option('--force', 'proceed although replica lag exceeds the RPO guard (accepts data loss up to the lag)'),
    )
    .addOption(jsonOption())
    .addOption(verboseOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .action(async (opts: FailoverOptions) => {
      // Loaded when the command runs: other commands (plan, what npm start runs) do not pay for the AWS SDK.
      const { runRunbookCommand } = await import('../../failover/runbooks/command.js');
      exit(await runAction(opts, (ctx) => runRunbookCommand(ctx, 'failover', opts)));
    });
};
