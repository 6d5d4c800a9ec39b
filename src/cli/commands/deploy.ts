// drctl deploy: create or update every stack of the environment in both regions, in graph order.
import { Option, type Command } from 'commander';
import { exitCodeFor, usageError } from '../../errors.js';
import { runDeploy } from '../../deploy/deploy.js';
import { loadProject } from '../../deploy/project.js';
import { validateProject } from '../../deploy/validation.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';
import { cliRuntime, commandReporter, withInterrupts, type AwsCommandOptions } from '../../deploy/cli-support.js';
import { reportError, runAction, type GlobalOptions } from '../context.js';
import { endpointOption, envOption, jsonOption, profileOption, verboseOption, yesOption } from '../options.js';
import type { Register } from '../main.js';

interface DeployOptions extends GlobalOptions, AwsCommandOptions {
  only?: string[];
  concurrency?: string;
  forceUnlock?: boolean;
}

export const forceUnlockOption = () => new Option('--force-unlock', "remove another run's lock first (only when that run is dead)");

export function parseConcurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw usageError('E_BAD_CONCURRENCY', `--concurrency ${value}: must be an integer from 1 to 16`, 'Use e.g. --concurrency 4.', { field: '--concurrency' });
  return n;
}

export const registerDeploy: Register = (program: Command, exit) => {
  program
    .command('deploy')
    .description('create or update the stacks of an environment in both regions through change sets, in dependency order')
    .addOption(envOption())
    .addOption(new Option('--only <stack...>', 'deploy only these layers (data) or stacks (data@secondary); their dependencies must exist'))
    .addOption(new Option('--concurrency <n>', 'stack operations at once (default: config deploy.concurrency or 4)'))
    .addOption(yesOption())
    .addOption(forceUnlockOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (opts: DeployOptions) => {
      const reporter = commandReporter(opts);
      exit(
        await runAction(
          opts,
          async (ctx) => {
            const project = await loadProject(ctx.root, opts.env);
            const concurrency = parseConcurrency(opts.concurrency, project.config.deploy?.concurrency ?? 4);
            await validateProject(project, ctx.reporter, guardPolicy());
            const only = (opts.only ?? []).flatMap((s) => s.split(',')).filter(Boolean);
            const { report, error } = await withInterrupts(ctx.reporter, (signal) =>
              runDeploy(project, { only, concurrency, yes: Boolean(opts.yes), forceUnlock: Boolean(opts.forceUnlock) }, cliRuntime(opts, ctx.reporter, signal)),
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
