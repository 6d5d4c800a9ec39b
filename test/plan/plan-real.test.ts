// The plan for the project's own templates and config/dev.json: the orderings DESIGN.md §3 promises.
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/plan/project.js';
import { planJson, type PlanJson } from '../../src/plan/plan-view.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const before = (plan: PlanJson, a: string, b: string) => {
  const node = (id: string) => plan.nodes.find((n) => n.id === id);
  expect(node(a), `${a} is planned`).toBeDefined();
  expect(node(b), `${b} is planned`).toBeDefined();
  // Earlier in the execution order and in an earlier wave.
  expect(plan.nodes.indexOf(node(a)!)).toBeLessThan(plan.nodes.indexOf(node(b)!));
  expect(node(a)!.wave).toBeLessThan(node(b)!.wave);
};

/** True when `to` is reachable from `from` by dependency edges. */
const dependsOn = (plan: PlanJson, from: string, to: string): boolean => {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const d of plan.nodes.find((n) => n.id === id)?.dependencies ?? []) {
      if (d === to) return true;
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return false;
};

describe('plan for the real templates and config/dev.json', () => {
  it('orders secondary foundation → primary data → secondary data, and both compute stacks before global', async () => {
    const plan = planJson((await loadProject(PROJECT_ROOT, 'dev')).graph);
    before(plan, 'foundation@secondary', 'data@primary');
    before(plan, 'data@primary', 'data@secondary');
    before(plan, 'compute@primary', 'global@primary');
    before(plan, 'compute@secondary', 'global@primary');
    expect(dependsOn(plan, 'data@primary', 'foundation@secondary')).toBe(true);
    expect(dependsOn(plan, 'data@secondary', 'data@primary')).toBe(true);
    expect(dependsOn(plan, 'global@primary', 'compute@secondary')).toBe(true);
    expect(plan.waves.length).toBeGreaterThanOrEqual(2);
    expect(plan.criticalPath.nodes).toContain('data@primary');
    // Every layer in both regions, global only in the primary.
    for (const layer of ['foundation', 'network', 'data', 'compute', 'monitoring', 'failover']) {
      for (const role of ['primary', 'secondary'])
        if (plan.nodes.some((n) => n.layer === layer))
          expect(plan.nodes.map((n) => n.id)).toContain(`${layer}@${role}`);
    }
    expect(plan.nodes.map((n) => n.id)).not.toContain('global@secondary');
    // The stacks the DB replica needs come first: RDS creation starts as early as the inputs allow.
    const dataWave = plan.nodes.find((n) => n.id === 'data@primary')!.wave;
    const needed = new Set(plan.nodes.find((n) => n.id === 'data@primary')!.dependencies);
    expect(Math.max(...[...needed].map((d) => plan.nodes.find((n) => n.id === d)!.wave))).toBe(dataWave - 1);
  });
});

describe('drctl plan --json on the project (what npm start prints, as JSON)', () => {
  it('validates, exits 0 and prints the ordered plan', async () => {
    const r = await runCli(['plan', '--json', '--env', 'dev']);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    before(plan, 'foundation@secondary', 'data@primary');
    before(plan, 'data@primary', 'data@secondary');
    before(plan, 'compute@primary', 'global@primary');
    before(plan, 'compute@secondary', 'global@primary');
    const stack = plan.nodes.find((n) => n.id === 'data@secondary')!;
    expect(stack).toMatchObject({
      stackName: 'trading-data-dev',
      region: 'us-west-2',
      template: 'templates/data.json',
    });
    expect(stack.parameters!.SourceDatabaseArn).toEqual({ source: 'output', from: 'data@primary.DatabaseArn' });
  });
});
