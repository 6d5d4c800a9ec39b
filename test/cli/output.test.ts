// Output sized for a person, through drctl's entry point: `npm start` (drctl plan) fits one screen with the summary,
// the waves and the critical path, and --verbose lists every parameter with its source; the text and HTML reports
// open with one verdict line per objective; report --check turns a missed objective into exit 1.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/plan/plan-view.js';
import type { Report } from '../../src/report/report-types.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { fixtureProject } from '../report/report-fixture.js';

const SOURCE_TEXT: Record<string, RegExp> = {
  automatic: /\(automatic\)$/,
  config: /\(config (common|primary|secondary)\)$/,
  default: /\(default\)$/,
  output: /^from \S+@\S+\.\w+$/,
  deferred: /^kept as deployed \(""? on create\); set from \S+ by \S+#2$|^kept as deployed/,
  artifact: /^S3 key of artifact \S+ \(publish:\S+\)$/,
};

describe('drctl plan for people (what npm start prints)', () => {
  it('fits one screen: the summary first, then one line per wave (wrapped at 100 columns) and the critical path', async () => {
    const r = await runCli(['plan', '--env', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(lines[0]).toMatch(
      /^Plan for dev \(primary us-east-1, secondary us-west-2\): 21 stacks, \d+ artifact steps, \d+ waves, ~\d+m$/,
    );
    expect(lines[1]).toMatch(/^validated 11 templates with cfn-guard: 0 errors, 0 warnings, \d+ suppressed$/);
    const plan = JSON.parse((await runCli(['plan', '--json'])).stdout) as PlanJson;
    // Every wave, every node of it, in order.
    const text = r.stdout;
    plan.waves.forEach((wave, i) => {
      const start = text.indexOf(`wave ${String(i + 1).padStart(2)}  `);
      expect(start, `wave ${i + 1}`).toBeGreaterThan(0);
      for (const id of wave) expect(text.indexOf(id, start), id).toBeGreaterThan(start);
    });
    const critical = text.slice(text.indexOf('critical path ~'));
    expect(critical.replace(/\s+/g, ' ')).toContain(plan.criticalPath.nodes.join(' → '));
    expect(text).not.toMatch(/ = /); // no parameter lines without --verbose
  });

  it('--verbose lists every stack with every parameter and its source', async () => {
    const [verbose, json] = await Promise.all([runCli(['plan', '--verbose']), runCli(['plan', '--json'])]);
    expect(verbose.code).toBe(0);
    const plan = JSON.parse(json.stdout) as PlanJson;
    const blocks = verbose.stdout.split(/\n(?= {2}\S)/);
    let checked = 0;
    for (const node of plan.nodes.filter((n) => n.kind === 'stack')) {
      const block = blocks.find((b) => b.startsWith(`  ${node.id}  `));
      expect(block, node.id).toBeDefined();
      for (const [name, p] of Object.entries(node.parameters!)) {
        const line = block!.split('\n').find((l) => l.startsWith(`      ${name} = `));
        expect(line, `${node.id} ${name}`).toBeDefined();
        expect(line!.slice(`      ${name} = `.length), `${node.id} ${name} (${p.source})`).toMatch(
          SOURCE_TEXT[p.source]!,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('drctl report verdicts', () => {
  it('the text report opens with one verdict line per objective', async () => {
    const r = await runCli(['report'], { cwd: await fixtureProject() });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^DR report for dev: /);
    expect(lines[1]).toBe('RTO ≤ 300 s: MISSED by 2 of 4 recovery paths (reference-data-writes 756 s, capacity 556 s)');
    expect(lines[2]).toMatch(/^RPO ≤ 60 s: (met by all \d+ stores holding trading state \(worst: .+\)|MISSED by .+)$/);
  });

  it('a report that meets both objectives says so in its first lines, and --check exits 0', async () => {
    const cwd = await tempProject(
      (c) => {
        c.objectives = { rtoSeconds: 3600, rpoSeconds: 3600 };
      },
      { from: await fixtureProject() },
    );
    const r = await runCli(['report', '--check'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const [, rto, rpo] = r.stdout.split('\n');
    expect(rto).toMatch(/^RTO ≤ 3600 s: met by all 4 recovery paths \(worst: reference-data-writes 756 s\)$/);
    expect(rpo).toMatch(/^RPO ≤ 3600 s: met by all \d+ stores holding trading state \(worst: .+ \d+ s\)$/);
  });

  it('--check exits 1 when an objective is missed (without it: exit 0); the JSON document is printed either way', async () => {
    const cwd = await fixtureProject();
    const plain = await runCli(['report', '--json'], { cwd });
    expect(plain.code).toBe(0);
    const checked = await runCli(['report', '--json', '--check'], { cwd });
    expect(checked.code).toBe(1);
    expect((JSON.parse(checked.stdout) as Report).rto.meets).toBe(false);
    expect(checked.stderr).toContain('error: --check: RTO');
  });

  it('the HTML report puts the verdicts above the diagram', async () => {
    const cwd = await fixtureProject();
    const r = await runCli(['report', '--html', 'r.html'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(path.join(cwd, 'r.html'), 'utf8');
    const verdicts = html.indexOf('<section id="verdicts">');
    expect(verdicts).toBeGreaterThan(0);
    expect(verdicts).toBeLessThan(html.indexOf('<svg'));
    expect(html).toContain('data-objective="rto"');
    expect(html).toContain('data-objective="rpo"');
    expect(html).toContain('RTO ≤ 300 s: MISSED by 2 of 4 recovery paths');
  });
});

describe('the project as shipped', () => {
  it('config files reference the published JSON Schema', async () => {
    for (const env of ['dev', 'prod']) {
      const config = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config', `${env}.json`), 'utf8')) as {
        $schema?: string;
      };
      expect(config.$schema, env).toBe('../schemas/environment-config.schema.json');
    }
  });
});
