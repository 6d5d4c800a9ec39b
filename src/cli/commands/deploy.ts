// drctl deploy: create or update every stack of the environment in both regions, in graph order.
import { Option } from 'commander';
import { validateProject } from '../../deploy/validation.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';
import {
  registerEnvironmentChange,
  runEnvironmentChange,
  type EnvironmentChangeOptions,
} from '../../deploy/cli-support.js';
import type { Register } from '../main.js';

interface DeployOptions extends EnvironmentChangeOptions {
  only?: string[];
}

export const registerDeploy: Register = (program, exit) =>
  registerEnvironmentChange<DeployOptions>(program, exit, {
    name: 'deploy',
    description:
      'create or update the stacks of an environment in both regions through change sets, in dependency order',
    concurrencyOf: 'stack operations',
    options: [
      new Option(
        '--only <stack...>',
        'deploy only these layers (data) or stacks (data@secondary); their dependencies must exist',
      ),
    ],
    body: async (ctx, project, concurrency, opts) => {
      await validateProject(project, ctx.reporter, guardPolicy());
      const only = (opts.only ?? []).flatMap((s) => s.split(',')).filter(Boolean);
      // Imported when the command runs, so other commands do not load the AWS SDK and esbuild (see cli-support).
      const { runDeploy } = await import('../../deploy/deploy.js');
      return runEnvironmentChange(ctx, opts, (rt) =>
        runDeploy(project, { only, concurrency, yes: Boolean(opts.yes), forceUnlock: Boolean(opts.forceUnlock) }, rt),
      );
    },
  });
