// The report over the project's own templates and config/dev.json: it must run, and its numbers must be the ones
// the templates and config say (read here independently), not fixture values.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadReport, loadReportInput } from '../../src/report/build-report.js';
import { computeReadiness } from '../../src/report/readiness.js';
import { withParameter } from '../../src/report/rto-fixes.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

async function value(layer: string, role: 'primary' | 'secondary', name: string, env = 'dev'): Promise<number> {
  const t = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'templates', `${layer}.json`), 'utf8')) as CfnTemplate;
  const cfg = JSON.parse(await readFile(path.join(PROJECT_ROOT, `config/${env}.json`), 'utf8')) as {
    parameters: Record<string, Record<string, unknown>>;
  };
  const v = cfg.parameters[role]?.[name] ?? cfg.parameters.common?.[name] ?? t.Parameters?.[name]?.Default;
  return Number(v);
}

describe('drctl report on the project (config/dev.json)', () => {
  it('computes every path, store and region from the real templates', async () => {
    const r = await loadReport(PROJECT_ROOT, 'dev');
    expect(r.rto.paths.map((p) => p.name)).toEqual(['traffic', 'order-writes', 'reference-data-writes', 'capacity']);
    const detection = r.rto.paths[0]!.terms[0]!;
    expect(detection.seconds).toBe(
      (await value('global', 'primary', 'HealthCheckIntervalSeconds')) *
        (await value('global', 'primary', 'HealthCheckFailureThreshold')),
    );
    const window = r.rto.paths
      .find((p) => p.name === 'reference-data-writes')!
      .terms.find((t) => t.name.includes('sustained window'))!;
    const period = (await value('failover', 'secondary', 'ControllerScheduleMinutes')) * 60;
    expect(window.seconds).toBe(
      Math.ceil((await value('failover', 'secondary', 'FailoverWindowSeconds')) / period) * period,
    );
    for (const p of r.rto.paths) {
      for (const t of p.terms)
        if (t.source.kind === 'parameter' || t.source.kind === 'template')
          expect(t.source.template).toMatch(/^templates\/[a-z]+\.json$/);
      expect(p.meets || (p.fixes !== undefined && (p.fixes.some((f) => f.sufficient) || p.note !== undefined))).toBe(
        true,
      );
    }
    expect(r.rpo.stores.map((s) => s.name.split(' ')[0])).toEqual(['DynamoDB', 'RDS', 'S3']);
    expect(r.cost.monthlyUsd['us-east-1']).toBeGreaterThan(0);
    expect(r.cost.monthlyUsd['us-west-2']).toBeGreaterThan(0);
    expect(r.diagram.edges.filter((e) => e.kind === 'replication')).toHaveLength(3);
  });

  it('order writes recover with traffic, not with the RDS promotion (DESIGN §4)', async () => {
    const r = await loadReport(PROJECT_ROOT, 'dev');
    const seconds = (name: string) => r.rto.paths.find((p) => p.name === name)!.worstCaseSeconds;
    expect(seconds('order-writes')).toBe(seconds('traffic'));
    expect(seconds('reference-data-writes')).toBeGreaterThan(seconds('traffic'));
  });

  it('prod readiness: no false alarm on the real config (regional certificate ARNs are info), an injected difference is a warning', async () => {
    const prod = await loadReportInput(PROJECT_ROOT, 'prod');
    const items = computeReadiness(prod);
    expect(items.filter((i) => i.severity === 'warn')).toEqual([]);
    expect(items.find((i) => i.subject === 'CertificateArn')).toMatchObject({ severity: 'info', layer: 'compute' });
    const injected = computeReadiness(
      withParameter(withParameter(prod, 'secondary', 'DbInstanceClass', 'db.t4g.large'), 'secondary', 'MaxSize', 6),
    );
    expect(
      injected
        .filter((i) => i.severity === 'warn')
        .map((i) => i.id)
        .sort(),
    ).toEqual(['asg-capacity:compute.MaxSize', 'db-class:data.DbInstanceClass']);
  });

  it('prod cost: the replica is priced with its source’s storage and the DR-only charges make up the premium', async () => {
    const r = await loadReport(PROJECT_ROOT, 'prod');
    const storage = (region: string) =>
      r.cost.lines.find(
        (l) => l.region === region && l.type === 'AWS::RDS::DBInstance' && l.priceKey.startsWith('rds:storage:'),
      )!;
    expect(storage('us-west-2').quantity).toBe(await value('data', 'primary', 'DbAllocatedStorage', 'prod'));
    expect(storage('us-west-2').quantity).toBe(storage('us-east-1').quantity);
    const m = r.cost.monthlyUsd;
    const drInPrimary = r.cost.lines
      .filter((l) => l.drOnly && l.region === 'us-east-1')
      .reduce((s, l) => s + l.monthlyUsd, 0);
    expect(m.singleRegion).toBeCloseTo(m['us-east-1']! - drInPrimary, 2);
    expect(m.premiumUsd).toBeCloseTo(m.total! - m.singleRegion!, 2);
    expect(
      r.cost.lines.some(
        (l) => l.drOnly && l.priceKey === 'transfer:inter-region:gb' && l.type === 'AWS::RDS::DBInstance',
      ),
    ).toBe(true);
  });

  it('prod diagram: the warm standby is visible (secondary ASG size and failover size, replica class and AZ mode)', async () => {
    const r = await loadReport(PROJECT_ROOT, 'prod');
    const node = (id: string) => r.diagram.nodes.find((n) => n.id === id);
    const [standby, full] = [
      await value('compute', 'secondary', 'DesiredCapacity', 'prod'),
      await value('compute', 'secondary', 'FailoverDesiredCapacity', 'prod'),
    ];
    expect(node('secondary:compute:AutoScalingGroup')?.detail).toBe(`${standby} running, ${full} on failover`);
    expect(node('primary:compute:AutoScalingGroup')?.detail).toBe(
      `${await value('compute', 'primary', 'DesiredCapacity', 'prod')} running`,
    );
    expect(node('secondary:data:Database')?.detail).toMatch(/ · Multi-AZ · replica$/);
  });
});
