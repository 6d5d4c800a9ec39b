// The corpus: templates in shapes nobody on this project wrote (AWS samples, Quick Starts, CDK and SAM output, and
// deliberately broken ones), each with the findings it must produce (rule id and path) in corpus/expected.json.
// Project conventions (E6xxx) are left out: they judge our own templates, not these.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/validate/rules/index.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { validateText } from './validate-text.js';

const DIR = path.join(PROJECT_ROOT, 'test/fixtures/templates/corpus');
const { expected } = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as {
  expected: Record<string, string[]>;
};
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'expected.json')
  .sort();
const conventions = new Set(RULES.filter((r) => r.family === 'conventions').map((r) => r.id));
const findingsOf = (file: string): string[] =>
  validateText(readFileSync(path.join(DIR, file), 'utf8'), { file })
    .filter((f) => !conventions.has(f.ruleId))
    .map((f) => `${f.ruleId} ${f.path}`);

describe('corpus', () => {
  it('has at least 30 templates, each with its expected findings', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(files)('%s', (file) => {
    expect(findingsOf(file)).toEqual(expected[file]);
  });

  it('covers every constraint class with a broken template, and each scenario-judged class under a condition', () => {
    const ids = (prefix: string): Set<string> =>
      new Set(
        Object.entries(expected)
          .filter(([f]) => f.startsWith(prefix))
          .flatMap(([, list]) => list.map((x) => x.split(' ')[0] as string)),
      );
    const broken = ids('bad-');
    for (const id of [
      'E3003',
      'E3014',
      'E3021',
      'E3023',
      'E3030',
      'E3031',
      'E3032',
      'E3033',
      'E3034',
      'E3039',
      'E3510',
    ])
      expect(broken, id).toContain(id);
    const byCondition = new Set(
      Object.entries(expected)
        .filter(([f]) => f.includes('by-condition'))
        .flatMap(([, list]) => list.map((x) => x.split(' ')[0] as string)),
    );
    for (const id of ['E3003', 'E3023', 'E3030', 'E3032']) expect(byCondition, id).toContain(id);
    // Valid shapes stay silent, including the ones that used to draw false errors.
    for (const [f, list] of Object.entries(expected)) if (f.startsWith('valid-')) expect(list, f).toEqual([]);
  });
});
