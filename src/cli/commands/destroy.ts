// drctl destroy: delete every stack of the environment, in reverse dependency order, buckets emptied first.
import type { Command } from 'commander';
import { exitCodeFor } from '../../errors.js';
import { runDestroy } from '../../deploy/destroy.js';
import { loadProject } from '../../deploy/project.js';
import { cliRuntime, commandReporter, withInterrupts, type AwsCommandOptions } from '../../deploy/cli-support.js';
import { reportError, runAction, type GlobalOptions } from '../context.js';
import { endpointOption, envOption, jsonOption, profileOption, verboseOption, yesOption } from '../options.js';
import type { Register } from '../main.js';
import { forceUnlockOption, parseConcurrency } from './deploy.js';
import { Option } from 'commander';

interface DestroyOptions extends GlobalOptions, AwsCommandOptions {
  concurrency?: string;
  forceUnlock?: boolean;
}

export const registerDestroy: Register = (program: Command, exit) => {
  program
    .command('destroy')
    .description("delete the environment's stacks in both regions (reverse order; versioned buckets emptied first); asks first unless --yes")
    .addOption(envOption())
    .addOption(yesOption())
    .addOption(new Option('--concurrency <n>', 'stack deletions at once (default: config deploy.concurrency or 4)'))
    .addOption(forceUnlockOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (opts: DestroyOptions) => {
      const reporter = commandReporter(opts);
      exit(
        await runAction(
          opts,
          async (ctx) => {
            const project = await loadProject(ctx.root, opts.env);
            const concurrency = parseConcurrency(opts.concurrency, project.config.deploy?.concurrency ?? 4);
            const { report, error } = await withInterrupts(ctx.reporter, (signal) =>
              runDestroy(project, { yes: Boolean(opts.yes), concurrency, forceUnlock: Boolean(opts.forceUnlock) }, cliRuntime(opts, ctx.reporter, signal)),
            );
            if (!error) {
              ctx.reporter.result(report);
              return 0;
            }
            reportError({ ...ctx, options: { ...ctx.options, json: false } }, error);
            ctx.reporter.result({ ...report, error: error.toJSON() });
            return exitCodeFor(error);
          },
          reporter,
        ),
      );
    });
};
