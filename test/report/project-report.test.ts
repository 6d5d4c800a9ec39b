// The report over the project's own templates and config/dev.json: it must run, and its numbers must be the ones
// the templates and config say (read here independently), not fixture values.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadReport } from '../../src/report/build-report.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

async function value(layer: string, role: 'primary' | 'secondary', name: string): Promise<number> {
  const t = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'templates', `${layer}.json`), 'utf8')) as CfnTemplate;
  const cfg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config/dev.json'), 'utf8')) as { parameters: Record<string, Record<string, unknown>> };
  const v = cfg.parameters[role]?.[name] ?? cfg.parameters.common?.[name] ?? t.Parameters?.[name]?.Default;
  return Number(v);
}

describe('drctl report on the project (config/dev.json)', () => {
  it('computes every path, store and region from the real templates', async () => {
    const r = await loadReport(PROJECT_ROOT, 'dev');
    expect(r.rto.paths.map((p) => p.name)).toEqual(['traffic', 'database-writes', 'capacity']);
    const detection = r.rto.paths[0]!.terms[0]!;
    expect(detection.seconds).toBe((await value('global', 'primary', 'HealthCheckIntervalSeconds')) * (await value('global', 'primary', 'HealthCheckFailureThreshold')));
    const window = r.rto.paths[1]!.terms.find((t) => t.name.includes('sustained window'))!;
    const period = (await value('failover', 'secondary', 'ControllerScheduleMinutes')) * 60;
    expect(window.seconds).toBe(Math.ceil((await value('failover', 'secondary', 'FailoverWindowSeconds')) / period) * period);
    for (const p of r.rto.paths) {
      for (const t of p.terms) if (t.source.kind === 'parameter' || t.source.kind === 'template') expect(t.source.template).toMatch(/^templates\/[a-z]+\.json$/);
      expect(p.meets || (p.fixes !== undefined && (p.fixes.some((f) => f.sufficient) || p.note !== undefined))).toBe(true);
    }
    expect(r.rpo.stores.map((s) => s.name.split(' ')[0])).toEqual(['DynamoDB', 'RDS', 'S3']);
    expect(r.cost.monthlyUsd['us-east-1']).toBeGreaterThan(0);
    expect(r.cost.monthlyUsd['us-west-2']).toBeGreaterThan(0);
    expect(r.diagram.edges.filter((e) => e.kind === 'replication')).toHaveLength(3);
  });
});
