import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../src/report/report-types.js';
import { fixtureProject, runCliIn } from './report-fixture.js';

describe('drctl report (CLI)', () => {
  it('--json prints one document with rto.paths, rpo.stores, readiness and cost.monthlyUsd per region', async () => {
    const cwd = await fixtureProject();
    const r = runCliIn(cwd, ['report', '--env', 'dev', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Report;
    expect(doc.rto.paths.map((p) => p.name)).toEqual(['traffic', 'database-writes', 'capacity']);
    for (const p of doc.rto.paths) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['name', 'worstCaseSeconds', 'targetSeconds', 'meets', 'terms']));
      for (const t of p.terms) expect(Object.keys(t).sort()).toEqual(['name', 'seconds', 'source']);
    }
    for (const s of doc.rpo.stores) expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'seconds', 'basis', 'meets']));
    expect(doc.cost.monthlyUsd).toEqual(expect.objectContaining({ 'us-east-1': expect.any(Number), 'us-west-2': expect.any(Number), total: expect.any(Number), premiumPercent: expect.any(Number) }));
    expect(Array.isArray(doc.readiness.items)).toBe(true);
  });

  it('readable output lists each path with its verdict and the fix for a path that misses', async () => {
    const cwd = await fixtureProject();
    const r = runCliIn(cwd, ['report']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RTO traffic: 210 s worst case vs 300 s — meets/);
    expect(r.stdout).toMatch(/RTO capacity: 410 s worst case vs 300 s — MISSES/);
    expect(r.stdout).toMatch(/fix: DesiredCapacity 1 → 2 saves 410 s/);
  });

  it('a config change moves the numbers end to end', async () => {
    const cwd = await fixtureProject();
    const file = path.join(cwd, 'config/dev.json');
    const cfg = JSON.parse(await readFile(file, 'utf8')) as { parameters: { primary: Record<string, unknown> } };
    cfg.parameters.primary.HealthCheckIntervalSeconds = 10;
    await writeFile(file, JSON.stringify(cfg));
    const doc = JSON.parse(runCliIn(cwd, ['report', '--json']).stdout) as { rto: { paths: { name: string; worstCaseSeconds: number }[] } };
    expect(doc.rto.paths.find((p) => p.name === 'traffic')?.worstCaseSeconds).toBe(210 - 20 * 3);
  });

  it('a missing parameter is a usage error (exit 2) naming the template and parameter', async () => {
    const cwd = await fixtureProject();
    const file = path.join(cwd, 'templates/failover.json');
    const t = JSON.parse(await readFile(file, 'utf8')) as { Parameters: Record<string, unknown> };
    delete t.Parameters.FailoverWindowSeconds;
    await writeFile(file, JSON.stringify(t));
    const r = runCliIn(cwd, ['report', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; file: string; field: string } };
    expect(doc.error).toMatchObject({ code: 'E_REPORT_PARAM_MISSING', file: 'templates/failover.json', field: 'Parameters.FailoverWindowSeconds' });
  });
});
