// drctl failback: planned failback to the original primary (docs/runbooks/failback.md).
import { commandClients } from '../aws-runtime.js';
import { defineCommand, type Registrar } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { acceptUncheckedOption, forceUnlockOption } from '../options.js';

interface FailbackOptions extends GlobalOptions {
  acceptUnchecked?: boolean;
  forceUnlock?: boolean;
}

export const registerFailback = (r: Registrar) =>
  defineCommand<FailbackOptions>(r, {
    name: 'failback',
    description:
      'planned, loss-free return to the primary region: rebuild replication, wait for zero lag, stop writes, switch, restore the topology (resumable)',
    environment: true,
    aws: true,
    confirms: true,
    interrupt: 'the running step stops waiting; the state is saved and the next run resumes at that step.',
    options: [acceptUncheckedOption(), forceUnlockOption()],
    run: async (ctx, opts) => {
      // Loaded when the command runs: other commands (plan, what npm start runs) do not pay for the AWS SDK.
      const { runRunbookCommand } = await import('../../failover/runbooks/command.js');
      return runRunbookCommand(ctx, 'failback', opts, { clients: await commandClients(ctx) });
    },
  });
