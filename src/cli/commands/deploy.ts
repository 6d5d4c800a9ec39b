// drctl deploy: create or update every stack of the environment in both regions, in graph order.
import { Option } from 'commander';
import { validateProject } from '../../plan/validation.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';
import { defineEnvironmentChange, type EnvironmentChangeOptions } from '../environment-change.js';
import type { Registrar } from '../command.js';

interface DeployOptions extends EnvironmentChangeOptions {
  only?: string[];
}

export const registerDeploy = (r: Registrar) =>
  defineEnvironmentChange<DeployOptions>(r, {
    name: 'deploy',
    description:
      'create or update the stacks of an environment in both regions through change sets, in dependency order',
    concurrencyOf: 'stack operations',
    interrupt: 'no new stacks will start; waiting steps stop now, CloudFormation finishes the running ones.',
    options: [
      new Option(
        '--only <stack...>',
        'deploy only these layers (data) or stacks (data@secondary); their dependencies must exist',
      ),
    ],
    run: async (ctx, project, concurrency, opts, rt) => {
      await validateProject(project, ctx.reporter, guardPolicy());
      const only = (opts.only ?? []).flatMap((s) => s.split(',')).filter(Boolean);
      // Imported when the command runs, so other commands do not load the AWS SDK and esbuild.
      const { runDeploy } = await import('../../deploy/deploy.js');
      return runDeploy(
        project,
        { only, concurrency, yes: Boolean(opts.yes), forceUnlock: Boolean(opts.forceUnlock) },
        rt,
      );
    },
  });
