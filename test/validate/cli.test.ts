// drctl validate as a user runs it: exit codes, the --json document, SARIF, invalid JSON with line and column,
// and every bad fixture failing with its rule id (in one process, through the command body and the entry point).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runListRules, runValidate } from '../../src/cli/commands/validate.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import { RULES } from '../../src/validate/rules/index.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const bad = (id: string) => {
  const r = RULES.find((x) => x.id === id);
  return `test/fixtures/templates/bad/${r?.id}-${r?.name}.json`;
};
const good = (id: string) => bad(id).replace('/bad/', '/good/');

describe('drctl validate (command body)', () => {
  it('exits 1 on every bad fixture of an error rule (0 for a warning rule) with a finding carrying that rule id, and 0 on every good one', async () => {
    for (const rule of RULES) {
      const reporter = new MemoryReporter();
      const { code, result } = await runValidate(PROJECT_ROOT, [bad(rule.id)], { guard: false }, reporter);
      expect(code, rule.id).toBe(rule.severity === 'error' ? 1 : 0);
      expect(
        result.findings.map((f) => f.ruleId),
        rule.id,
      ).toContain(rule.id);
      expect(reporter.byCode('VALIDATE_FINDING').length).toBe(result.findings.length);
      expect(reporter.codes()).toContain(rule.severity === 'error' ? 'VALIDATE_FAILED' : 'VALIDATE_PASSED');
    }
    const reporter = new MemoryReporter();
    const { code } = await runValidate(
      PROJECT_ROOT,
      RULES.map((r) => good(r.id)),
      { guard: false },
      reporter,
    );
    expect(code).toBe(0);
    expect(reporter.codes()).toContain('VALIDATE_PASSED');
  });

  it('lists every rule with its metadata', () => {
    const reporter = new MemoryReporter();
    expect(runListRules(reporter)).toBe(0);
    const doc = reporter.results[0] as { rules: { id: string; docsUrl: string }[]; policy: { controls: number } };
    expect(doc.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(doc.policy.controls).toBeGreaterThan(200);
    expect(reporter.byCode('VALIDATE_RULE')).toHaveLength(RULES.length);
  });

  it('takes a directory as the templates directly in it', async () => {
    const { result } = await runValidate(
      PROJECT_ROOT,
      ['test/fixtures/templates/good'],
      { guard: false },
      new MemoryReporter(),
    );
    expect(result.templates).toHaveLength(RULES.length);
    expect(result.templates.every((t) => t.startsWith('test/fixtures/templates/good/'))).toBe(true);
  });

  it('writes SARIF 2.1.0 with rule metadata and located results', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-sarif-'));
    const sarifFile = path.join(dir, 'out.sarif');
    await runValidate(PROJECT_ROOT, [bad('E6011')], { guard: false, sarif: sarifFile }, new MemoryReporter());
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'E6011');
    expect(rule).toMatchObject({ id: 'E6011', name: 'encryption-at-rest' });
    expect(rule.helpUri).toMatch(/^https:/);
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'E6011');
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('E6011');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(bad('E6011'));
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
  });
});

describe('drctl validate (entry point, in-process)', () => {
  it('exits 2 on invalid JSON and names line and column', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-badjson-'));
    writeFileSync(
      path.join(dir, 'broken.json'),
      '{\n  "Resources": {\n    "A": { "Type": "AWS::SNS::Topic", }\n  }\n}\n',
    );
    const r = await runCli(['validate', '--no-guard', '--json', path.join(dir, 'broken.json')]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('E_JSON_INVALID');
    expect(doc.error.field).toBe('line 3, column 39');
    expect(doc.error.message).toContain('broken.json:3:39');
  });

  it('exits 2 on a missing file', async () => {
    const r = await runCli(['validate', '--no-guard', 'no/such/template.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no/such/template.json');
  });

  it('exits 1 with the stable --json document on a bad fixture, 0 on a good one', async () => {
    const r = await runCli(['validate', '--json', '--no-guard', bad('E6012')]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['ok', 'summary', 'templates', 'findings']);
    expect(doc.ok).toBe(false);
    expect(doc.summary).toEqual({ templates: 1, errors: 5, warnings: 0, suppressed: 0 });
    expect(doc.findings[0]).toMatchObject({ ruleId: 'E6012', severity: 'error', template: bad('E6012') });
    expect(Object.keys(doc.findings[0])).toEqual(['ruleId', 'severity', 'template', 'path', 'line', 'message', 'fix']);

    const ok = await runCli(['validate', '--timings', '--no-guard', good('E6012')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^valid: 1 template, 0 errors/m);
    expect(ok.stdout).toMatch(/^rules\s+[\d.]+ ms$/m);
    expect(ok.stdout).toMatch(/^ {4}E6012\s+[\d.]+ ms$/m);
  });
});
