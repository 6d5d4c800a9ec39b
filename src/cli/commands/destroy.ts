// drctl destroy: delete every stack of the environment, in reverse dependency order, buckets emptied first.
import { registerEnvironmentChange, runEnvironmentChange } from '../../deploy/cli-support.js';
import type { Register } from '../main.js';

export const registerDestroy: Register = (program, exit) =>
  registerEnvironmentChange(program, exit, {
    name: 'destroy',
    description:
      "delete the environment's stacks in both regions (reverse order; versioned buckets emptied first); asks first unless --yes",
    concurrencyOf: 'stack deletions',
    body: async (ctx, project, concurrency, opts) => {
      // Imported when the command runs, so other commands do not load the AWS SDK (see cli-support).
      const { runDestroy } = await import('../../deploy/destroy.js');
      return runEnvironmentChange(ctx, opts, (rt) =>
        runDestroy(project, { yes: Boolean(opts.yes), concurrency, forceUnlock: Boolean(opts.forceUnlock) }, rt),
      );
    },
  });
