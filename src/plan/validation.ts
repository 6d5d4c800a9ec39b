// Plan and deploy validate the templates first: an error-level finding stops them before anything else runs.
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { validateTemplates, type PolicyCheck } from '../validate/validate.js';
import type { Project } from './project.js';

export interface ValidationSummary {
  templates: number;
  errors: number;
  warnings: number;
  suppressed: number;
  /** Whether the cfn-guard policy checks ran. */
  policy: boolean;
}

export async function validateProject(
  project: Project,
  reporter: Reporter,
  policy?: PolicyCheck,
): Promise<ValidationSummary> {
  const files = [...project.layers.values()].map((t) => t.file);
  const result = await validateTemplates({ root: project.root, files, ...(policy ? { policy } : {}) });
  // Suppressed findings were accepted on purpose (validation-suppressions.json); only active ones count.
  const active = result.findings.filter((f) => !f.suppressed);
  for (const f of active) {
    reporter.emit({
      code: 'PLAN_VALIDATION_FINDING',
      level: f.severity === 'error' ? 'error' : 'warn',
      text: `${f.template}${f.line ? `:${f.line}` : ''} ${f.ruleId} ${f.path}: ${f.message}${f.fix ? `\n  fix: ${f.fix}` : ''}`,
      data: f,
    });
  }
  const errors = active.filter((f) => f.severity === 'error');
  if (errors.length) {
    const first = errors[0]!;
    throw new DrError({
      code: 'E_VALIDATION_FAILED',
      kind: 'findings',
      message: `the templates have ${errors.length} error-level finding(s); first: ${first.template}${first.line ? `:${first.line}` : ''} ${first.ruleId} ${first.path}: ${first.message}`,
      fix: first.fix ?? 'Run drctl validate for every finding and fix them.',
      file: first.template,
      field: first.path,
    });
  }
  return { ...result.summary, policy: Boolean(policy) };
}
