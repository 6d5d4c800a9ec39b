// Every registered rule ships a good and a bad fixture: the good one passes every rule, the bad one yields a finding
// with that rule's id. The findings of all bad fixtures are pinned as (rule id, path) pairs, not prose.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/validate/rules/index.js';
import { buildProjectContext } from '../../src/validate/project-context.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { idsAndPaths, loadedFromText, validateText } from './validate-text.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/templates');
const fixture = (kind: 'good' | 'bad', rule: { id: string; name: string }) =>
  path.join(FIXTURES, kind, `${rule.id}-${rule.name}.json`);

function run(file: string) {
  const text = readFileSync(file, 'utf8');
  const rel = path.relative(PROJECT_ROOT, file);
  const project = buildProjectContext([loadedFromText(text, rel)]);
  return validateText(text, { file: rel, loadBalancerGroups: project.loadBalancerGroups.get(rel) });
}

describe('rule registry', () => {
  it('has unique ids and names, and complete metadata', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[EW]\d{4}$/);
      expect(r.name).toMatch(/^[a-z0-9-]+$/);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.docsUrl).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(r.tags.length).toBeGreaterThan(0);
      expect(r.id.startsWith('E') ? 'error' : 'warning').toBe(r.severity);
    }
  });

  it('registers every rule module on disk', () => {
    const dir = path.join(PROJECT_ROOT, 'src/validate/rules');
    const modules = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(dir, d.name)))
      .filter((f) => /^[EW]\d{4}-.+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(modules).toEqual(RULES.map((r) => `${r.id}-${r.name}`).sort());
  });

  it('has no fixture without a rule', () => {
    const names = new Set(RULES.map((r) => `${r.id}-${r.name}.json`));
    for (const kind of ['good', 'bad'])
      for (const f of readdirSync(path.join(FIXTURES, kind))) expect(names, `${kind}/${f}`).toContain(f);
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  it('passes its good fixture (and every other rule does too)', () => {
    expect(idsAndPaths(run(fixture('good', rule)))).toEqual([]);
  });

  it('fails its bad fixture with its own id', () => {
    const findings = run(fixture('bad', rule));
    expect(findings.map((f) => f.ruleId)).toContain(rule.id);
    for (const f of findings) {
      expect(f.line, `${f.ruleId} ${f.path}`).toBeGreaterThan(0);
      expect(f.fix.length).toBeGreaterThan(5);
    }
  });
});

describe('bad fixtures', () => {
  it('produce exactly the pinned findings', () => {
    const all = Object.fromEntries(RULES.map((r) => [r.id, idsAndPaths(run(fixture('bad', r)))]));
    expect(all).toMatchSnapshot();
  });
});
