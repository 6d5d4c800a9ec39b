// drctl destroy: delete every stack of the environment, in reverse dependency order, buckets emptied first.
import type { Command } from 'commander';
import { runDestroy } from '../../deploy/destroy.js';
import { loadProject } from '../../deploy/project.js';
import { addAwsOptions, commandReporter, concurrencyOption, forceUnlockOption, parseConcurrency, runEnvironmentChange, type AwsCommandOptions } from '../../deploy/cli-support.js';
import { runAction, type GlobalOptions } from '../context.js';
import { envOption, yesOption } from '../options.js';
import type { Register } from '../main.js';

interface DestroyOptions extends GlobalOptions, AwsCommandOptions {
  concurrency?: string;
  forceUnlock?: boolean;
}

export const registerDestroy: Register = (program: Command, exit) => {
  const cmd = program
    .command('destroy')
    .description("delete the environment's stacks in both regions (reverse order; versioned buckets emptied first); asks first unless --yes")
    .addOption(envOption())
    .addOption(yesOption())
    .addOption(concurrencyOption('stack deletions'))
    .addOption(forceUnlockOption());
  addAwsOptions(cmd).action(async (opts: DestroyOptions) => {
    exit(
      await runAction(
        opts,
        async (ctx) => {
          const project = await loadProject(ctx.root, opts.env);
          const concurrency = parseConcurrency(opts.concurrency, project.config.deploy?.concurrency ?? 4);
          return runEnvironmentChange(ctx, opts, (rt) => runDestroy(project, { yes: Boolean(opts.yes), concurrency, forceUnlock: Boolean(opts.forceUnlock) }, rt));
        },
        commandReporter(opts),
      ),
    );
  });
};
