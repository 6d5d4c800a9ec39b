// drctl deploy: create or update every stack of the environment in both regions, in graph order.
import { Option, type Command } from 'commander';
import { runDeploy } from '../../deploy/deploy.js';
import { loadProject } from '../../deploy/project.js';
import { validateProject } from '../../deploy/validation.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';
import { addAwsOptions, commandReporter, concurrencyOption, forceUnlockOption, parseConcurrency, runEnvironmentChange, type AwsCommandOptions } from '../../deploy/cli-support.js';
import { runAction, type GlobalOptions } from '../context.js';
import { envOption, yesOption } from '../options.js';
import type { Register } from '../main.js';

interface DeployOptions extends GlobalOptions, AwsCommandOptions {
  only?: string[];
  concurrency?: string;
  forceUnlock?: boolean;
}

export const registerDeploy: Register = (program: Command, exit) => {
  const cmd = program
    .command('deploy')
    .description('create or update the stacks of an environment in both regions through change sets, in dependency order')
    .addOption(envOption())
    .addOption(new Option('--only <stack...>', 'deploy only these layers (data) or stacks (data@secondary); their dependencies must exist'))
    .addOption(concurrencyOption('stack operations'))
    .addOption(yesOption())
    .addOption(forceUnlockOption());
  addAwsOptions(cmd).action(async (opts: DeployOptions) => {
    exit(
      await runAction(
        opts,
        async (ctx) => {
          const project = await loadProject(ctx.root, opts.env);
          const concurrency = parseConcurrency(opts.concurrency, project.config.deploy?.concurrency ?? 4);
          await validateProject(project, ctx.reporter, guardPolicy());
          const only = (opts.only ?? []).flatMap((s) => s.split(',')).filter(Boolean);
          return runEnvironmentChange(ctx, opts, (rt) => runDeploy(project, { only, concurrency, yes: Boolean(opts.yes), forceUnlock: Boolean(opts.forceUnlock) }, rt));
        },
        commandReporter(opts),
      ),
    );
  });
};
