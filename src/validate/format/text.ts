// Lines for people: one per finding (location, severity, rule, path, message) with its fix, then a summary.
import type { Finding } from '../types.js';
import type { Timings, ValidationResult } from '../validate.js';

export function findingLine(f: Finding): string {
  const where = f.line !== undefined ? `${f.template}:${f.line}` : f.template;
  const level = f.suppressed ? 'suppressed' : f.severity;
  const tail = f.suppressed ? `\n    reason: ${f.suppressed.reason}` : `\n    fix: ${f.fix}`;
  return `${where}  ${level}  ${f.ruleId}  ${f.path || '(template)'}\n    ${f.message}${tail}`;
}

export function summaryLine(r: ValidationResult): string {
  const s = r.summary;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const verdict = s.errors === 0 ? 'valid' : 'INVALID';
  const hint = s.suppressed ? ' (--show-suppressed lists them)' : '';
  return `${verdict}: ${plural(s.templates, 'template')}, ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.suppressed} suppressed${hint}`;
}

const ms = (n: number): string => `${n.toFixed(1).padStart(8)} ms`;

export function timingLines(t: Timings): string[] {
  const lines = [`parse        ${ms(t.parseMs)}`, `spec load    ${ms(t.specMs)}`, `rules        ${ms(t.rulesMs)}`];
  for (const [family, v] of Object.entries(t.families)) lines.push(`  ${family.padEnd(11)}${ms(v)}`);
  for (const [id, v] of Object.entries(t.rules)) lines.push(`    ${id.padEnd(9)}${ms(v)}`);
  lines.push(`cfn-guard    ${ms(t.policyMs)}`, `total        ${ms(t.totalMs)}`);
  return lines;
}
