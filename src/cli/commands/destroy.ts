// drctl destroy: delete every stack of the environment, in reverse dependency order, buckets emptied first.
import { defineEnvironmentChange } from '../environment-change.js';
import type { Registrar } from '../command.js';

export const registerDestroy = (r: Registrar) =>
  defineEnvironmentChange(r, {
    name: 'destroy',
    description:
      "delete the environment's stacks in both regions (reverse order; versioned buckets emptied first); asks first unless --yes",
    concurrencyOf: 'stack deletions',
    interrupt:
      'no new deletions will start; CloudFormation finishes the ones running (the next run finishes the rest).',
    run: async (_ctx, project, concurrency, opts, rt) => {
      // Imported when the command runs, so other commands do not load the AWS SDK.
      const { runDestroy } = await import('../../deploy/destroy.js');
      return runDestroy(project, { yes: Boolean(opts.yes), concurrency, forceUnlock: Boolean(opts.forceUnlock) }, rt);
    },
  });
