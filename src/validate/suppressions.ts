// The one checked-in place to accept a finding: validation-suppressions.json at the project root. Every entry names
// rule, template, resource and a written reason; a malformed entry or one that matches nothing is itself a finding.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatPath, parseJsonSource, type JsonSource } from '../templates/json-source.js';
import { usageError } from '../errors.js';
import { isPlainObject } from './template-values.js';
import type { Finding } from './types.js';

export const SUPPRESSIONS_FILE = 'validation-suppressions.json';

export interface Suppression {
  rule: string;
  template: string;
  resource: string;
  reason: string;
}

export interface SuppressionsFile {
  file: string;
  entries: { entry: Suppression; index: number; line: number | undefined }[];
  /** Findings about the file itself (entries without a reason, wrong fields). */
  problems: Finding[];
}

/** Meta rules: findings about the suppressions file, not about a template. */
export const SUPPRESSION_RULES = {
  invalid: {
    id: 'E0001',
    name: 'suppression-invalid',
    title: 'Suppression entries are complete',
    description:
      'Each entry of validation-suppressions.json has rule, template, resource and a non-empty written reason.',
  },
  unused: {
    id: 'E0002',
    name: 'suppression-unused',
    title: 'Suppression entries match a finding',
    description:
      'Each entry of validation-suppressions.json whose template was validated (and whose rule ran) matches at least one finding; stale entries must be removed.',
  },
} as const;

const FIELDS = ['rule', 'template', 'resource', 'reason'] as const;

/** Reads the suppressions file; a missing default file means no suppressions, a missing explicit one is a usage error. */
export async function loadSuppressions(root: string, file: string | undefined): Promise<SuppressionsFile | undefined> {
  const rel = file ?? SUPPRESSIONS_FILE;
  let text: string;
  try {
    text = await readFile(path.resolve(root, rel), 'utf8');
  } catch (err) {
    if (!file && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usageError(
      'E_FILE_UNREADABLE',
      `${rel}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Check the --suppressions path.',
      { file: rel },
    );
  }
  const source = parseJsonSource(rel, text);
  return parseSuppressions(source);
}

export function parseSuppressions(source: JsonSource): SuppressionsFile {
  const file = source.file;
  const problems: Finding[] = [];
  const problem = (p: (string | number)[], message: string, fix: string): void => {
    problems.push({
      ruleId: SUPPRESSION_RULES.invalid.id,
      severity: 'error',
      template: file,
      path: formatPath(p),
      line: source.lineOf(p),
      message,
      fix,
    });
  };
  const root = source.value;
  if (!isPlainObject(root) || !Array.isArray(root.suppressions)) {
    throw usageError(
      'E_SUPPRESSIONS_INVALID',
      `${file}: expected {"suppressions": [ ... ]}`,
      'Give the entries as {"suppressions": [{"rule", "template", "resource", "reason"}]}.',
      { file, field: 'suppressions' },
    );
  }
  const entries: SuppressionsFile['entries'] = [];
  root.suppressions.forEach((e: unknown, index: number) => {
    if (!isPlainObject(e)) {
      problem(
        ['suppressions', index],
        'A suppression entry must be an object.',
        'Write {"rule", "template", "resource", "reason"}.',
      );
      return;
    }
    let ok = true;
    for (const f of FIELDS) {
      if (typeof e[f] !== 'string' || (e[f] as string).trim() === '') {
        ok = false;
        problem(
          ['suppressions', index, f],
          `Suppression entry ${index} has no ${f}.`,
          f === 'reason'
            ? 'Write why this finding is correct for our design; a suppression without a reason is not accepted.'
            : `Set "${f}".`,
        );
      }
    }
    for (const k of Object.keys(e))
      if (!(FIELDS as readonly string[]).includes(k))
        problem(
          ['suppressions', index, k],
          `Unknown field "${k}" in suppression entry ${index}.`,
          `Use only ${FIELDS.join(', ')}.`,
        );
    if (ok) entries.push({ entry: e as unknown as Suppression, index, line: source.lineOf(['suppressions', index]) });
  });
  return { file, entries, problems };
}

/** Template sections outside Resources that an entry may name as `<Section>.<Name>` (e.g. a Mapping of AWS-owned ids). */
const NAMED_SECTIONS = ['Mappings.', 'Conditions.', 'Outputs.', 'Parameters.'];

function matches(s: Suppression, f: Finding): boolean {
  if (s.rule !== f.ruleId || path.normalize(s.template) !== path.normalize(f.template)) return false;
  const prefix = NAMED_SECTIONS.some((sec) => s.resource.startsWith(sec)) ? s.resource : `Resources.${s.resource}`;
  return f.path === prefix || f.path.startsWith(`${prefix}.`) || f.path.startsWith(`${prefix}[`);
}

/**
 * Marks matching findings as suppressed (they stay listed) and returns the findings about the file itself.
 * `ran(entry)` says whether the entry could have matched in this run (its template validated, its rule run).
 */
export function applySuppressions(
  findings: Finding[],
  sup: SuppressionsFile,
  ran: (s: Suppression) => boolean,
): Finding[] {
  const out = [...sup.problems];
  for (const { entry, index, line } of sup.entries) {
    let hit = false;
    for (const f of findings) {
      if (!matches(entry, f)) continue;
      hit = true;
      f.suppressed = { reason: entry.reason };
    }
    if (!hit && ran(entry)) {
      out.push({
        ruleId: SUPPRESSION_RULES.unused.id,
        severity: 'error',
        template: sup.file,
        path: `suppressions[${index}]`,
        line,
        message: `Suppression of ${entry.rule} on ${entry.template} ${entry.resource} matches no finding.`,
        fix: 'Remove the entry (the finding is gone) or correct its rule, template or resource.',
      });
    }
  }
  return out;
}
