// drctl plan: validate, build the deploy graph from templates + config, print it (waves, critical path).
import { Option } from 'commander';
import { defineCommand, type Registrar } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { loadProject } from '../../plan/project.js';
import { planJson, reportPlan } from '../../plan/plan-view.js';
import { validateProject } from '../../plan/validation.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';

interface PlanOptions extends GlobalOptions {
  timings?: boolean;
  guard?: boolean;
}

export const registerPlan = (r: Registrar) =>
  defineCommand<PlanOptions>(r, {
    name: 'plan',
    description:
      'validate the templates and print the cross-region deploy plan: waves, critical path (--verbose: every parameter and its source)',
    environment: true,
    options: [
      new Option('--timings', 'print how long loading, validating and planning took'),
      new Option('--no-guard', 'skip the cfn-guard policy checks during validation'),
    ],
    run: async (ctx, opts) => {
      const t0 = performance.now();
      const project = await loadProject(ctx.root, opts.env);
      const t1 = performance.now();
      const checked = await validateProject(project, ctx.reporter, opts.guard === false ? undefined : guardPolicy());
      const t2 = performance.now();
      if (opts.json) ctx.reporter.result(planJson(project.graph));
      else {
        reportPlan(ctx.reporter, project.graph, {
          verbose: Boolean(opts.verbose),
          validated: {
            code: 'PLAN_VALIDATED',
            level: 'result',
            text: `validated ${checked.templates} templates${checked.policy ? ' with cfn-guard' : ' (no cfn-guard)'}: ${checked.errors} errors, ${checked.warnings} warnings, ${checked.suppressed} suppressed`,
            data: checked,
          },
        });
      }
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
    },
  });
