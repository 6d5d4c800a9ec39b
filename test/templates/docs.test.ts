// The parameter reference (docs/parameters.md) is what an operator deploying with the plain AWS CLI reads: it must
// list every parameter of every layer template, in that layer's section, with the template's default, and nothing
// the template no longer declares.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

interface Row {
  name: string;
  defaultCell: string;
}

const DOC = readFileSync(path.join(PROJECT_ROOT, 'docs/parameters.md'), 'utf8');
const LAYERS = readdirSync(path.join(PROJECT_ROOT, 'templates'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => path.basename(f, '.json'))
  .sort();

/** The rows of the parameter table under `## <layer>` (up to the next `## ` heading). */
function documentedRows(doc: string, layer: string): Row[] | undefined {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${layer}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((l) => /^\|\s*`([A-Za-z0-9]+)`\s*\|\s*(.*?)\s*\|/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] as string, defaultCell: m[2] as string }));
}

/** How the reference writes a default: `value`, `""` for an optional input, `— (required)` when there is none. */
function expectedDefaultCell(p: { Default?: unknown }): string {
  if (p.Default === undefined) return '— (required)';
  if (p.Default === '') return '`""`';
  return `\`${String(p.Default)}\``;
}

describe('docs/parameters.md', () => {
  it('covers at least the seven layer templates', () => {
    expect(LAYERS).toEqual(
      expect.arrayContaining(['compute', 'data', 'failover', 'foundation', 'global', 'monitoring', 'network']),
    );
  });

  it.each(LAYERS)(
    'documents every parameter of templates/%s.json in its section, with its default, and no other',
    (layer) => {
      const template = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'templates', `${layer}.json`), 'utf8')) as {
        Parameters?: Record<string, { Default?: unknown }>;
      };
      const rows = documentedRows(DOC, layer);
      expect(rows, `docs/parameters.md has no "## ${layer}" section`).toBeDefined();
      const documented = new Map((rows ?? []).map((r) => [r.name, r.defaultCell]));
      const declared = Object.keys(template.Parameters ?? {});
      expect(
        declared.filter((n) => !documented.has(n)),
        'declared but not documented',
      ).toEqual([]);
      expect(
        [...documented.keys()].filter((n) => !declared.includes(n)),
        'documented but not declared',
      ).toEqual([]);
      for (const [name, p] of Object.entries(template.Parameters ?? {}))
        expect(documented.get(name), `default of ${name}`).toBe(expectedDefaultCell(p));
    },
  );

  it('fails for a parameter the reference leaves out (the check itself)', () => {
    const without = DOC.replace(/^\| `AppPort` \|.*\n/m, '');
    const rows = documentedRows(without, 'network') ?? [];
    expect(rows.map((r) => r.name)).not.toContain('AppPort');
    expect(rows.map((r) => r.name)).toContain('DbPort');
  });
});

describe('docs/deployment.md', () => {
  const DEPLOYMENT = readFileSync(path.join(PROJECT_ROOT, 'docs/deployment.md'), 'utf8');

  /** wave → stack ids, from the "| wave | stacks | waits for |" table (`data@primary, second pass` is `data@primary#2`). */
  function documentedWaves(doc: string): Map<number, string[]> {
    const waves = new Map<number, string[]>();
    for (const m of doc.matchAll(/^\|\s*(\d+)\s*\|([^|]*)\|/gm)) {
      const ids = [...(m[2] as string).matchAll(/([a-z]+@(?:primary|secondary))(, second pass)?/g)].map(
        (x) => `${x[1] as string}${x[2] ? '#2' : ''}`,
      );
      waves.set(Number(m[1]), ids.sort());
    }
    return waves;
  }

  it('gives the order drctl plan computes for dev, wave by wave', async () => {
    const { loadProject } = await import('../../src/plan/project.js');
    const { planJson } = await import('../../src/plan/plan-view.js');
    const plan = planJson((await loadProject(PROJECT_ROOT, 'dev')).graph);
    const planned = new Map<number, string[]>();
    for (const n of plan.nodes)
      if (n.kind === 'stack') planned.set(n.wave, [...(planned.get(n.wave) ?? []), n.id].sort());
    expect(documentedWaves(DEPLOYMENT)).toEqual(planned);
  });

  it('passes, in each plain-CLI deploy step, only parameters that layer declares', () => {
    // Logical commands: backslash-continued lines joined; the steps are `deploy <layer> <region> <role> Key=Value ...`.
    const commands = DEPLOYMENT.replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((l) => /^deploy [a-z]+ /.test(l));
    expect(commands.length).toBeGreaterThanOrEqual(7);
    for (const cmd of commands) {
      const layer = (/^deploy ([a-z]+)/.exec(cmd) as RegExpExecArray)[1] as string;
      const params = (
        JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'templates', `${layer}.json`), 'utf8')) as {
          Parameters: Record<string, { Default?: unknown }>;
        }
      ).Parameters;
      const passed = [...cmd.matchAll(/ ([A-Z][A-Za-z0-9]+)=/g)].map((m) => m[1] as string);
      expect(
        passed.filter((name) => !(name in params)),
        cmd.slice(0, 60),
      ).toEqual([]);
      // And it would deploy: every parameter without a default is given (the helper passes suffix, role and regions).
      const required = Object.entries(params).filter(
        ([name, p]) =>
          p.Default === undefined &&
          !['EnvironmentSuffix', 'RegionRole', 'PrimaryRegion', 'SecondaryRegion'].includes(name),
      );
      expect(
        required.map(([name]) => name).filter((name) => !passed.includes(name)),
        cmd.slice(0, 60),
      ).toEqual([]);
    }
  });
});
