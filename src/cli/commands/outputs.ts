// drctl outputs: a flat map { "<layer>@<role>.<OutputName>": value } that drills and integration tests consume.
import type { Command } from 'commander';
import { stackOutputs } from '../../deploy/inspect.js';
import { loadProject } from '../../deploy/project.js';
import { cliRuntime, type AwsCommandOptions } from '../../deploy/cli-support.js';
import { runAction, type GlobalOptions } from '../context.js';
import { endpointOption, envOption, jsonOption, profileOption, verboseOption } from '../options.js';
import type { Register } from '../main.js';

export const registerOutputs: Register = (program: Command, exit) => {
  program
    .command('outputs')
    .description('every deployed stack output as { "<layer>@<role>.<OutputName>": value }')
    .addOption(envOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (opts: GlobalOptions & AwsCommandOptions) => {
      exit(
        await runAction(opts, async (ctx) => {
          const project = await loadProject(ctx.root, opts.env);
          const outputs = await stackOutputs(project, cliRuntime(opts, ctx.reporter));
          for (const [k, v] of Object.entries(outputs)) ctx.reporter.emit({ code: 'OUTPUT', level: 'result', text: `${k} = ${v}`, data: { key: k, value: v } });
          ctx.reporter.result(outputs);
        }),
      );
    });
};
