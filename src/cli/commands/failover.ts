// drctl failover: operator-initiated failover (docs/runbooks/failover.md).
import { Option } from 'commander';
import { commandClients } from '../aws-runtime.js';
import { defineCommand, type Registrar } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { acceptUncheckedOption, forceUnlockOption } from '../options.js';

interface FailoverOptions extends GlobalOptions {
  force?: boolean;
  acceptUnchecked?: boolean;
  forceUnlock?: boolean;
}

export const registerFailover = (r: Registrar) =>
  defineCommand<FailoverOptions>(r, {
    name: 'failover',
    description:
      'operator-initiated failover to the secondary region: pre-checks, fence the primary, promote the replica, move traffic, raise capacity (resumable)',
    environment: true,
    aws: true,
    confirms: true,
    interrupt: 'the running step stops waiting; the state is saved and the next run resumes at that step.',
    options: [
      new Option('--force', 'proceed although replica lag exceeds the RPO guard (accepts data loss up to the lag)'),
      acceptUncheckedOption(),
      forceUnlockOption(),
    ],
    run: async (ctx, opts) => {
      // Loaded when the command runs: other commands (plan, what npm start runs) do not pay for the AWS SDK.
      const { runRunbookCommand } = await import('../../failover/runbooks/command.js');
      return runRunbookCommand(ctx, 'failover', opts, { clients: await commandClients(ctx) });
    },
  });
