// Times drctl validate over the project's templates (and a synthetic set of copies) and prints the figures.
// Run with `npm run bench`. Figures, not assertions: the target is well under 2 s for all templates after start-up.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { guardPolicy } from '../src/validate/guard/guard-runner.js';
import { guardBinary, loadGuardRules } from '../src/validate/guard/guard-rules.js';
import { listTemplateFiles } from '../src/templates/catalog.js';
import { validateTemplates, type ValidationResult } from '../src/validate/validate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ms = (n: number): string => `${n.toFixed(1)} ms`;

function print(label: string, r: ValidationResult, wall: number): void {
  const t = r.timings;
  console.log(`\n${label}`);
  console.log(`  files            ${r.templates.length}`);
  console.log(`  JSON lines       ${r.lines}`);
  console.log(
    `  findings         ${r.findings.length} (${r.summary.errors} errors, ${r.summary.suppressed} suppressed)`,
  );
  console.log(`  parse            ${ms(t.parseMs)}`);
  console.log(`  spec load        ${ms(t.specMs)}`);
  console.log(`  rules            ${ms(t.rulesMs)}`);
  for (const [family, v] of Object.entries(t.families)) console.log(`    ${family.padEnd(14)} ${ms(v)}`);
  const slowest = Object.entries(t.rules)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 5);
  console.log(`    slowest rules  ${slowest.map(([id, v]) => `${id} ${v.toFixed(1)}`).join(', ')} (ms)`);
  console.log(`  cfn-guard        ${ms(t.policyMs)}`);
  console.log(`  total (pipeline) ${ms(t.totalMs)}`);
  console.log(`  wall             ${ms(wall)}`);
}

type Guard = 'off' | 'uncached' | 'cached';

async function timed(label: string, root: string, guard: Guard): Promise<void> {
  const start = performance.now();
  const policy = guard === 'off' ? undefined : guardPolicy({ cache: guard === 'cached' ? undefined : false });
  const r = await validateTemplates({ root, ...(policy ? { policy } : {}) });
  print(label, r, performance.now() - start);
}

const templates = await listTemplateFiles(ROOT);
console.log(
  `drctl validate bench: ${templates.length} project templates, ${os.availableParallelism()} cores, node ${process.version}`,
);

// First run pays for loading the spec index (from its cache, or building it); later runs in the process do not.
await timed('project templates, first run in process (cfn-guard, no report cache)', ROOT, 'uncached');
await timed('project templates, again (cfn-guard, no report cache)', ROOT, 'uncached');
await timed('project templates, again (cfn-guard, reports cached)', ROOT, 'cached');
await timed('project templates, again (--no-guard)', ROOT, 'off');

// A larger synthetic set: every template copied ten times.
const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-bench-'));
try {
  mkdirSync(path.join(dir, 'templates'));
  for (let i = 0; i < 10; i++)
    for (const f of templates)
      copyFileSync(path.join(ROOT, f), path.join(dir, 'templates', `${i}-${path.basename(f)}`));
  await timed('10 copies of every template (--no-guard)', dir, 'off');
  await timed('10 copies of every template (cfn-guard, no report cache)', dir, 'uncached');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Why one cfn-guard process per template (in parallel) rather than one for all: time both ways, cold (no report cache).
const binary = guardBinary();
if (binary) {
  const rules = loadGuardRules();
  const typesOf = (file: string): Set<string> => {
    const t = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    return new Set(Object.values(t.Resources).map((r) => r.Type.toLowerCase()));
  };
  const rulesFor = (files: string[]): string[] => {
    const types = new Set(files.flatMap((f) => [...typesOf(f)]));
    return rules.filter((r) => r.types.some((ty) => types.has(ty.toLowerCase()))).map((r) => r.file);
  };
  const guard = (files: string[]): Promise<void> =>
    new Promise((resolve) => {
      const args = [
        'validate',
        ...rulesFor(files).flatMap((r) => ['--rules', r]),
        ...files.flatMap((f) => ['--data', path.join(ROOT, f)]),
        '--output-format',
        'json',
        '--show-summary',
        'none',
        '--structured',
      ];
      execFile(binary, args, { maxBuffer: 256 * 1024 * 1024 }, () => resolve());
    });
  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  console.log('\ncfn-guard strategies over the project templates (cold, best of 3)');
  const best = async (fn: () => Promise<unknown>): Promise<number> =>
    Math.min(await time(fn), await time(fn), await time(fn));
  console.log(
    `  one process, all templates (union of ${rulesFor(templates).length} controls)  ${ms(await best(() => guard(templates)))}`,
  );
  console.log(
    `  one process per template, in parallel          ${ms(await best(() => Promise.all(templates.map((f) => guard([f])))))}`,
  );
  let serial = 0;
  for (const f of templates) serial += await time(() => guard([f]));
  console.log(`  one process per template, one after another   ${ms(serial)}`);
}
