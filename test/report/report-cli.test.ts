import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../src/report/report-types.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { fixtureProject } from './report-fixture.js';

describe('drctl report (CLI entry point)', () => {
  it('--json prints one document with rto.paths, rpo.stores, readiness and cost.monthlyUsd per region', async () => {
    const cwd = await fixtureProject();
    const r = await runCli(['report', '--env', 'dev', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Report;
    expect(doc.rto.paths.map((p) => p.name)).toEqual(['traffic', 'order-writes', 'reference-data-writes', 'capacity']);
    for (const p of doc.rto.paths) {
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining(['name', 'worstCaseSeconds', 'targetSeconds', 'meets', 'terms']),
      );
      for (const t of p.terms) expect(Object.keys(t).sort()).toEqual(['name', 'seconds', 'source']);
    }
    for (const s of doc.rpo.stores)
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'seconds', 'basis', 'meets']));
    expect(Object.keys(doc.cost.monthlyUsd).sort()).toEqual([
      'premiumPercent',
      'premiumUsd',
      'singleRegion',
      'total',
      'us-east-1',
      'us-west-2',
    ]);
    for (const v of Object.values(doc.cost.monthlyUsd)) expect(typeof v).toBe('number');
    expect(Array.isArray(doc.readiness.items)).toBe(true);
  });

  it('README documents the --json shape the command emits (path names, monthlyUsd keys, term, store and cost-line fields)', async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### drctl report'));
    const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'a json block in the drctl report section').toBeDefined();
    const documented = JSON.parse(block!) as Report;
    const doc = JSON.parse((await runCli(['report', '--json'], { cwd: await fixtureProject() })).stdout) as Report;
    expect(Object.keys(documented).sort()).toEqual(Object.keys(doc).sort());
    expect(documented.rto.paths.map((p) => p.name)).toEqual(doc.rto.paths.map((p) => p.name));
    expect(Object.keys(documented.rto.paths[0]!).sort()).toEqual(Object.keys(doc.rto.paths[0]!).sort());
    expect(Object.keys(documented.rto.paths[0]!.terms[0]!.source).sort()).toEqual(
      Object.keys(doc.rto.paths[0]!.terms[0]!.source).sort(),
    );
    const missing = doc.rto.paths.find((p) => !p.meets)!;
    expect(Object.keys(documented.rto.paths.at(-1)!.fixes![0]!).sort()).toEqual(Object.keys(missing.fixes![0]!).sort());
    expect(Object.keys(documented.rpo.stores[0]!).sort()).toEqual(Object.keys(doc.rpo.stores[0]!).sort());
    expect(Object.keys(documented.cost.monthlyUsd).sort()).toEqual(Object.keys(doc.cost.monthlyUsd).sort());
    const withDr = (l: object) => Object.keys(l).sort();
    expect(withDr(documented.cost.lines.find((l) => l.drOnly)!)).toEqual(withDr(doc.cost.lines.find((l) => l.drOnly)!));
    expect(withDr(documented.cost.lines.find((l) => !l.drOnly)!)).toEqual(
      withDr(doc.cost.lines.find((l) => !l.drOnly)!),
    );
    expect(Object.keys(documented.cost).sort()).toEqual(Object.keys(doc.cost).sort());
  });

  it('readable output lists each path with its verdict and the fix for a path that misses', async () => {
    const cwd = await fixtureProject();
    const r = await runCli(['report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RTO traffic: 216 s worst case vs 300 s — meets/);
    expect(r.stdout).toMatch(/RTO capacity: 556 s worst case vs 300 s — MISSES/);
    expect(r.stdout).toMatch(/fix: DesiredCapacity 1 → 2 saves 556 s/);
    // Trading writes are told apart from the relational path, and the cost names what is not priced.
    expect(r.stdout).toMatch(/RTO order-writes: 216 s worst case vs 300 s — meets/);
    expect(r.stdout).toMatch(/RTO reference-data-writes: 756 s worst case vs 300 s — MISSES/);
    expect(r.stdout).toMatch(/a single region without DR \$[\d.]+, so DR adds \$[\d.]+ \([\d.]+ %\)/);
  });

  it('a config change moves the numbers end to end', async () => {
    const cwd = await fixtureProject();
    const file = path.join(cwd, 'config/dev.json');
    const cfg = JSON.parse(await readFile(file, 'utf8')) as { parameters: { primary: Record<string, unknown> } };
    cfg.parameters.primary.HealthCheckIntervalSeconds = 10;
    await writeFile(file, JSON.stringify(cfg));
    const doc = JSON.parse((await runCli(['report', '--json'], { cwd })).stdout) as {
      rto: { paths: { name: string; worstCaseSeconds: number }[] };
    };
    expect(doc.rto.paths.find((p) => p.name === 'traffic')?.worstCaseSeconds).toBe(216 - 20 * 3);
  });

  it('a missing parameter is a usage error (exit 2) naming the template and parameter', async () => {
    const cwd = await fixtureProject();
    const file = path.join(cwd, 'templates/failover.json');
    const t = JSON.parse(await readFile(file, 'utf8')) as { Parameters: Record<string, unknown> };
    delete t.Parameters.FailoverWindowSeconds;
    await writeFile(file, JSON.stringify(t));
    const r = await runCli(['report', '--json'], { cwd });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; file: string; field: string } };
    expect(doc.error).toMatchObject({
      code: 'E_REPORT_PARAM_MISSING',
      file: 'templates/failover.json',
      field: 'Parameters.FailoverWindowSeconds',
    });
  });
});
