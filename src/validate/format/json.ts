// The --json document: stable shape, documented in README (### drctl validate).
import type { ValidationResult } from '../validate.js';

export interface ValidateJson {
  ok: boolean;
  summary: ValidationResult['summary'];
  templates: string[];
  findings: ValidationResult['findings'];
  timings?: ValidationResult['timings'];
}

export function toJson(result: ValidationResult, withTimings: boolean): ValidateJson {
  return {
    ok: result.summary.errors === 0,
    summary: result.summary,
    templates: result.templates,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      template: f.template,
      path: f.path,
      ...(f.line !== undefined ? { line: f.line } : {}),
      message: f.message,
      fix: f.fix,
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    })),
    ...(withTimings ? { timings: result.timings } : {}),
  };
}
