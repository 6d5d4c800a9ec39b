// drctl plan: validate, build the deploy graph from templates + config, print it (waves, critical path).
import type { Command } from 'commander';
import { Option } from 'commander';
import { envOption, jsonOption, verboseOption } from '../options.js';
import { runAction, type GlobalOptions } from '../context.js';
import type { Register } from '../main.js';
import { loadProject } from '../../deploy/project.js';
import { planJson, reportPlan } from '../../deploy/plan-view.js';
import { validateProject } from '../../deploy/validation.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';

interface PlanOptions extends GlobalOptions {
  timings?: boolean;
  guard?: boolean;
}

export const registerPlan: Register = (program: Command, exit) => {
  program
    .command('plan')
    .description(
      'validate the templates and print the cross-region deploy plan: stacks, parameters, waves, critical path',
    )
    .addOption(envOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .addOption(new Option('--timings', 'print how long loading, validating and planning took'))
    .addOption(new Option('--no-guard', 'skip the cfn-guard policy checks during validation'))
    .action(async (opts: PlanOptions) => {
      exit(
        await runAction(opts, async (ctx) => {
          const t0 = performance.now();
          const project = await loadProject(ctx.root, opts.env);
          const t1 = performance.now();
          await validateProject(project, ctx.reporter, opts.guard === false ? undefined : guardPolicy());
          const t2 = performance.now();
          if (opts.json) ctx.reporter.result(planJson(project.graph));
          else reportPlan(ctx.reporter, project.graph);
          const t3 = performance.now();
          if (opts.timings) {
            const ms = { loadAndPlan: Math.round(t1 - t0), validate: Math.round(t2 - t1), render: Math.round(t3 - t2) };
            ctx.reporter.emit({
              code: 'PLAN_TIMINGS',
              level: 'info',
              text: `timings: load+plan ${ms.loadAndPlan} ms, validate ${ms.validate} ms, render ${ms.render} ms`,
              data: ms,
            });
          }
        }),
      );
    });
};
