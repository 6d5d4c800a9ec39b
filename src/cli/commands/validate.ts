// drctl validate: structure, references, conventions and Control Tower policy checks over the CloudFormation templates.
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import { defineCommand, type Registrar } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { EXIT, usageError } from '../../errors.js';
import type { Reporter } from '../../io/messages.js';
import { validateTemplates, type PolicyCheck, type ValidationResult } from '../../validate/validate.js';
import { guardPolicy } from '../../validate/guard/guard-runner.js';
import { loadGuardRules } from '../../validate/guard/guard-rules.js';
import { RULES } from '../../validate/rules/index.js';
import { toJson } from '../../validate/format/json.js';
import { toSarif } from '../../validate/format/sarif.js';
import { findingLine, summaryLine, timingLines } from '../../validate/format/text.js';

export interface ValidateCommandOptions extends GlobalOptions {
  sarif?: string;
  timings?: boolean;
  guard?: boolean;
  suppressions?: string;
  cache?: boolean;
  listRules?: boolean;
  showSuppressed?: boolean;
}

/** The registered rules (and how many Control Tower controls guard can apply), for people and for --json. */
export function runListRules(reporter: Reporter): number {
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.name,
    severity: r.severity,
    family: r.family,
    title: r.title,
    description: r.description,
    docsUrl: r.docsUrl,
    tags: r.tags,
  }));
  for (const r of rules)
    reporter.emit({
      code: 'VALIDATE_RULE',
      level: 'result',
      text: `${r.id}  ${r.severity.padEnd(7)}  ${r.family.padEnd(11)}  ${r.title}\n    ${r.docsUrl}`,
      data: r,
    });
  const controls = loadGuardRules().length;
  reporter.emit({
    code: 'VALIDATE_RULES_LISTED',
    level: 'result',
    text: `${rules.length} rules, plus ${controls} AWS Control Tower controls run by cfn-guard (CT.<SERVICE>.PR.<n>)`,
    data: { rules: rules.length, controls },
  });
  reporter.result({ rules, policy: { engine: 'cfn-guard', controls } });
  return EXIT.ok;
}

/** The command body without the CLI around it: what tests call directly. `code` is EXIT.findings on an error-level finding. */
export async function runValidate(
  root: string,
  files: string[],
  options: ValidateCommandOptions,
  reporter: Reporter,
  deps: { policy?: PolicyCheck; toolVersion?: string } = {},
): Promise<{ code: number; result: ValidationResult }> {
  const policy =
    options.guard === false
      ? undefined
      : (deps.policy ?? guardPolicy({ cache: options.cache === false ? false : undefined }));
  const result = await validateTemplates({
    root,
    files,
    policy,
    ...(options.suppressions ? { suppressions: options.suppressions } : {}),
    ruleTimings: Boolean(options.timings),
    onStep: (step, detail) =>
      reporter.emit({ code: 'VALIDATE_STEP', level: 'info', text: `${step}: ${detail}`, data: { step, detail } }),
  });
  // Accepted (suppressed) findings are listed only on request; the summary line counts them.
  for (const f of result.findings)
    if (!f.suppressed || options.showSuppressed)
      reporter.emit({ code: 'VALIDATE_FINDING', level: 'result', text: findingLine(f), data: f });
  if (options.timings) {
    for (const line of timingLines(result.timings))
      reporter.emit({ code: 'VALIDATE_TIMING', level: 'result', text: line, data: result.timings });
  }
  reporter.emit({
    code: result.summary.errors ? 'VALIDATE_FAILED' : 'VALIDATE_PASSED',
    level: 'result',
    text: summaryLine(result),
    data: result.summary,
  });
  if (options.sarif)
    await writeAtomically(
      path.resolve(root, options.sarif),
      `${JSON.stringify(toSarif(result, RULES, deps.toolVersion ?? '0.0.0'), null, 2)}\n`,
    );
  reporter.result(toJson(result, Boolean(options.timings)));
  return { code: result.summary.errors ? EXIT.findings : EXIT.ok, result };
}

/** Writes next to the target and renames, so a failed run never leaves half a SARIF file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    throw usageError(
      'E_FILE_UNWRITABLE',
      `${file}: cannot write the SARIF report (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Choose a writable path for --sarif.',
      { file, field: '--sarif' },
    );
  }
}

export const registerValidate = (r: Registrar) =>
  defineCommand<ValidateCommandOptions>(r, {
    name: 'validate',
    description:
      'check templates: structure against the CloudFormation spec, references, DR conventions, Control Tower policies (cfn-guard)',
    arguments: [['[files...]', 'template files or directories of them (default: every template under templates/)']],
    options: [
      new Option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to this file'),
      new Option('--timings', 'print time spent per step and per rule'),
      new Option('--no-guard', 'skip the cfn-guard policy checks'),
      new Option('--no-cache', 'run cfn-guard even for templates whose report is cached'),
      new Option('--list-rules', 'list the rules and exit'),
      new Option('--show-suppressed', 'also list the findings validation-suppressions.json accepts'),
      new Option('--suppressions <file>', 'suppressions file (default: validation-suppressions.json when present)'),
    ],
    run: async (ctx, opts, args) =>
      opts.listRules
        ? runListRules(ctx.reporter)
        : (await runValidate(ctx.root, args, opts, ctx.reporter, { toolVersion: r.program.version() ?? '0.0.0' })).code,
  });
