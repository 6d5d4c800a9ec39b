// drctl validate through the CLI entry point (main() in-process): the inputs that used to crash or pass silently,
// and output sized for a person (summary, errors and warnings; suppressed findings only on request).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

async function drctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'drctl', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-validate-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

afterEach(() => vi.restoreAllMocks());

describe('drctl validate: inputs that are no template', () => {
  it('a file holding null is an E1001 finding (exit 1), not an internal error', async () => {
    const file = tempFile('null.json', 'null\n');
    const r = await drctl(['validate', '--no-guard', '--json', file]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`)).toEqual(['E1001 ']);
  });

  it('a resource whose Type is an object is an E3001 finding at its Type (exit 1), with and without cfn-guard', async () => {
    const file = tempFile(
      'object-type.json',
      JSON.stringify({ Resources: { Topic: { Type: { Ref: 'TopicType' }, Properties: {} } } }),
    );
    for (const guard of [['--no-guard'], []]) {
      const r = await drctl(['validate', ...guard, '--json', file]);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`)).toEqual([
        'E3001 Resources.Topic.Type',
      ]);
    }
  });

  it('a directory without templates is a usage error (exit 2) naming the directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-empty-'));
    const r = await drctl(['validate', '--no-guard', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(dir);
    expect(r.stderr).toContain('no templates');
    const json = await drctl(['validate', '--no-guard', '--json', dir]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'E_NO_TEMPLATES', file: dir });
  });
});

describe('drctl validate: output for a person', () => {
  it('on the clean project prints one summary line, and the suppressed findings only with --show-suppressed', async () => {
    const r = await drctl(['validate', '--no-guard']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^valid: 11 templates, 0 errors, 0 warnings, \d+ suppressed/);
    const all = await drctl(['validate', '--no-guard', '--show-suppressed']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/ {2}suppressed {2}/);
    expect(all.stdout.trim().split('\n').length).toBeGreaterThan(lines.length);
  });

  it('lists warnings with their level, in text, --json and SARIF, without failing', async () => {
    const file = tempFile(
      'sam.json',
      JSON.stringify({
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs20.x' } } },
      }),
    );
    const sarif = path.join(path.dirname(file), 'out.sarif');
    const text = await drctl(['validate', '--no-guard', '--sarif', sarif, file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/sam\.json:\d+ {2}warning {2}W1001 {2}Transform/);
    expect(text.stdout).toMatch(/^valid: 1 template, 0 errors, 1 warning, 0 suppressed$/m);
    const json = await drctl(['validate', '--no-guard', '--json', file]);
    const doc = JSON.parse(json.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.summary).toEqual({ templates: 1, errors: 0, warnings: 1, suppressed: 0 });
    expect(doc.findings[0]).toMatchObject({ ruleId: 'W1001', severity: 'warning' });
    const { readFileSync } = await import('node:fs');
    const run = JSON.parse(readFileSync(sarif, 'utf8')).runs[0];
    expect(run.results[0]).toMatchObject({ ruleId: 'W1001', level: 'warning' });
    expect(run.tool.driver.rules[run.results[0].ruleIndex].defaultConfiguration.level).toBe('warning');
  });
});
