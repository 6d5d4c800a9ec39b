// drctl status: every stack of the environment in both regions, with its CloudFormation state.
import type { Command } from 'commander';
import { stackStatus } from '../../deploy/inspect.js';
import { loadProject } from '../../deploy/project.js';
import { cliRuntime, type AwsCommandOptions } from '../../deploy/cli-support.js';
import { runAction, type GlobalOptions } from '../context.js';
import { endpointOption, envOption, jsonOption, profileOption, verboseOption } from '../options.js';
import type { Register } from '../main.js';

export const registerStatus: Register = (program: Command, exit) => {
  program
    .command('status')
    .description("every stack's state in both regions (NOT_DEPLOYED when missing)")
    .addOption(envOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (opts: GlobalOptions & AwsCommandOptions) => {
      exit(
        await runAction(opts, async (ctx) => {
          const project = await loadProject(ctx.root, opts.env);
          const status = await stackStatus(project, cliRuntime(opts, ctx.reporter));
          for (const s of status.stacks) {
            const text = `${s.id.padEnd(22)} ${s.stackName.padEnd(26)} ${s.region.padEnd(10)} ${s.status === 'NOT_DEPLOYED' ? 'not deployed' : s.status}${s.foreign ? '  (not tagged as this environment)' : ''}${s.lastUpdated ? `  ${s.lastUpdated}` : ''}`;
            ctx.reporter.emit({ code: 'STATUS_STACK', level: 'result', text, data: s });
          }
          ctx.reporter.result(status);
        }),
      );
    });
};
