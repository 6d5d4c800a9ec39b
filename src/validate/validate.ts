// The validation pipeline: read and parse the templates, run every rule (one walk per template), run cfn-guard,
// apply suppressions, and time each step. Commands and the bench call this; output formats render its result.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_TEMPLATE_DIR,
  listTemplateFiles,
  readTemplateFile,
  type LoadedTemplate,
} from '../templates/catalog.js';
import { usageError, type DrError } from '../errors.js';
import { isPlainObject } from './template-values.js';
import { transformsOf } from './rules/helpers.js';
import { runRules } from './engine.js';
import { buildProjectContext } from './project-context.js';
import { RULES } from './rules/index.js';
import { loadSpecIndex } from './spec/spec-index.js';
import { applySuppressions, loadSuppressions, type Suppression } from './suppressions.js';
import type { Finding, Rule } from './types.js';

/** A policy engine run over all templates at once (cfn-guard); injected so tests can run without it. */
export interface PolicyCheck {
  /** Prefix of the rule ids it reports (e.g. `CT.`), to know which suppressions it could have matched. */
  rulePrefix: string;
  run(templates: readonly LoadedTemplate[]): Promise<{ findings: Finding[]; rules: PolicyRuleInfo[] }>;
}

export interface PolicyRuleInfo {
  id: string;
  name: string;
  title: string;
  docsUrl: string;
}

export interface ValidateOptions {
  /** Project root: default templates, the suppressions file and relative paths are resolved from it. */
  root: string;
  /** Template files (relative to root or absolute); default every template under templates/. */
  files?: readonly string[];
  rules?: readonly Rule[];
  policy?: PolicyCheck;
  /** Suppressions file; default validation-suppressions.json at the root when present. */
  suppressions?: string;
  /** Time every rule and rule family (costs two clock reads per rule call); steps are always timed. */
  ruleTimings?: boolean;
  /** Called as each step starts, for progress output. */
  onStep?: (step: string, detail: string) => void;
}

export interface Timings {
  parseMs: number;
  specMs: number;
  rulesMs: number;
  families: Record<string, number>;
  rules: Record<string, number>;
  policyMs: number;
  totalMs: number;
}

export interface ValidationResult {
  templates: string[];
  /** Total JSON lines read. */
  lines: number;
  findings: Finding[];
  summary: { templates: number; errors: number; warnings: number; suppressed: number };
  policyRules: PolicyRuleInfo[];
  timings: Timings;
}

function toRelative(root: string, file: string): string {
  const rel = path.relative(root, path.resolve(root, file));
  return rel.startsWith('..') ? file : rel;
}

/** Validating nothing is a mistake (a wrong directory), never "valid: 0 templates". */
function noTemplates(dir: string): DrError {
  return usageError(
    'E_NO_TEMPLATES',
    `${dir}: no templates (*.json) in this directory`,
    'Pass a directory holding CloudFormation JSON templates, or the template files themselves.',
    { file: dir },
  );
}

/** A directory argument stands for the `*.json` files directly in it. */
async function expandDirectories(root: string, files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const isDir = await stat(path.resolve(root, f)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) {
      out.push(f);
      continue;
    }
    const inDir = await listTemplateFiles(root, f);
    if (inDir.length === 0) throw noTemplates(f);
    out.push(...inDir);
  }
  return out;
}

/** A path to read the file by that names it relative to the working directory, so messages carry no machine paths. */
function readPath(root: string, file: string): string {
  const abs = path.resolve(root, file);
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

export async function validateTemplates(opts: ValidateOptions): Promise<ValidationResult> {
  const t0 = performance.now();
  const rules = opts.rules ?? RULES;
  const files = (
    opts.files?.length ? await expandDirectories(opts.root, opts.files) : await listTemplateFiles(opts.root)
  ).map((f) => toRelative(opts.root, f));
  if (files.length === 0) throw noTemplates(DEFAULT_TEMPLATE_DIR);

  opts.onStep?.('parse', `${files.length} template(s)`);
  const tParse = performance.now();
  const templates = await Promise.all(
    files.map(async (f) => ({ ...(await readTemplateFile(readPath(opts.root, f))), file: f })),
  );
  const parseMs = performance.now() - tParse;

  // Other project templates give cross-template facts (which security group the ALB uses) when only some are validated.
  const context = [...templates];
  if (opts.files?.length) {
    const project = await listTemplateFiles(opts.root).catch(() => [] as string[]);
    for (const f of project) {
      if (files.includes(f)) continue;
      try {
        context.push({ ...(await readTemplateFile(readPath(opts.root, f))), file: f });
      } catch {
        // Broken neighbours are reported when they are validated themselves.
      }
    }
  }
  const project = buildProjectContext(context);

  const tSpec = performance.now();
  const spec = loadSpecIndex();
  const specMs = performance.now() - tSpec;

  const findings: Finding[] = [];
  // cfn-guard runs in child processes while the rules run here: the two overlap on a machine with two cores or more.
  // Policy controls judge CloudFormation as deployed: not a file that is no template, nor one still to be transformed.
  const checkable = templates.filter((t) => isPlainObject(t.template) && transformsOf(t.template).length === 0);
  let policyMs = 0;
  let policyRules: PolicyRuleInfo[] = [];
  let policyRun: Promise<void> | undefined;
  if (opts.policy && checkable.length) {
    opts.onStep?.('policy', 'cfn-guard (Control Tower proactive controls)');
    const tPolicy = performance.now();
    const policy = opts.policy;
    policyRun = policy.run(checkable).then((out) => {
      policyMs = performance.now() - tPolicy;
      findings.push(...out.findings);
      policyRules = out.rules;
    });
    // Keep a failure for the await below, not as an unhandled rejection while the rules run.
    policyRun.catch(() => undefined);
  }

  opts.onStep?.('rules', `${rules.length} rules`);
  const ruleTimes = new Map<string, number>();
  let rulesMs = 0;
  for (const t of templates) {
    const tTemplate = performance.now();
    findings.push(
      ...runRules(t, rules, {
        spec,
        timings: opts.ruleTimings ? ruleTimes : undefined,
        loadBalancerGroups: project.loadBalancerGroups.get(t.file),
      }),
    );
    rulesMs += performance.now() - tTemplate;
    // Let finished cfn-guard processes be collected and the next ones start.
    if (policyRun) await new Promise((resolve) => setImmediate(resolve));
  }

  await policyRun;

  const sup = await loadSuppressions(opts.root, opts.suppressions);
  if (sup) {
    // An entry for a policy rule can only be judged stale when the policy engine ran; any other entry always can.
    const policyPrefix = opts.policy?.rulePrefix ?? 'CT.';
    const ran = (s: Suppression): boolean =>
      files.some((f) => path.normalize(f) === path.normalize(s.template)) &&
      (!s.rule.startsWith(policyPrefix) || opts.policy !== undefined);
    findings.push(...applySuppressions(findings, sup, ran));
  }

  findings.sort(
    (a, b) =>
      a.template.localeCompare(b.template) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.path.localeCompare(b.path),
  );
  const families: Record<string, number> = {};
  for (const r of rules) families[r.family] = (families[r.family] ?? 0) + (ruleTimes.get(r.id) ?? 0);
  const active = findings.filter((f) => !f.suppressed);
  return {
    templates: files,
    lines: templates.reduce((n, t) => n + t.source.text.split('\n').length, 0),
    findings,
    summary: {
      templates: files.length,
      errors: active.filter((f) => f.severity === 'error').length,
      warnings: active.filter((f) => f.severity === 'warning').length,
      suppressed: findings.length - active.length,
    },
    policyRules,
    timings: {
      parseMs,
      specMs,
      rulesMs,
      families,
      rules: Object.fromEntries([...ruleTimes].sort(([a], [b]) => a.localeCompare(b))),
      policyMs,
      totalMs: performance.now() - t0,
    },
  };
}
