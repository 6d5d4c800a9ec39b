// Times drctl validate as a user runs it, a fresh process each time, over the project's templates and over a
// synthetic template five times their size (every template merged into one, five copies: ~675 resources), and, when
// cfn-lint is on the PATH, cfn-lint over the same files in the same run, with the ratio. Run with `npm run bench`.
//   cold   no cache (CI, a fresh machine after npm install): cfn-guard runs for every document; the spec index is the
//          one `npm run build` writes
//   edited caches from the previous run, then one number in one resource changed: cfn-guard reruns only the
//          document that resource is in (its reports are cached per control group and template)
//   warm   every cache in place (nothing changed since the last run)
// Each figure is the median of BENCH_RUNS runs (default 3); drctl and cfn-lint runs alternate so both see the same load.
// Wall time is what a person waits; CPU time (drctl with its cfn-guard processes, on Linux) does not depend on how
// busy the machine is with other work, so it is printed too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTemplateFiles } from '../src/templates/catalog.js';
import { guardPolicy } from '../src/validate/guard/guard-runner.js';
import { SUPPRESSIONS_FILE } from '../src/validate/suppressions.js';
import { validateTemplates, type ValidationResult } from '../src/validate/validate.js';
import { syntheticTemplate } from './validate-synthetic.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/drctl.js');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Run {
  ms: number;
  /** CPU time of the process and everything it ran (cfn-guard), when the platform tells (Linux). */
  cpuMs: number | undefined;
  code: number | null;
}

/** CPU time of this process's waited-for children so far (Linux /proc: cutime + cstime, in clock ticks of 10 ms). */
function childCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

function timedRun(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const cpu0 = childCpuMs();
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - start;
  const cpu1 = childCpuMs();
  return { ms, cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, code: r.status };
}

function cfnLintVersion(): string | undefined {
  const r = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

interface Figure {
  wall: number;
  cpu: number | undefined;
}

interface Figures {
  cold: Figure;
  edited: Figure;
  warm: Figure;
  cfnLint: Figure | undefined;
  exit: number | null;
}

function summarise(runs: Run[]): Figure {
  const cpus = runs.map((r) => r.cpuMs).filter((x): x is number => x !== undefined);
  return { wall: median(runs.map((r) => r.ms)), cpu: cpus.length === runs.length ? median(cpus) : undefined };
}

/** Changes one literal number in the first resource that has one: what a person's edit does to one cfn-guard document. */
function editOne(file: string): void {
  const t = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Record<string, { Properties?: Record<string, unknown> }>;
  };
  for (const r of Object.values(t.Resources))
    for (const [k, v] of Object.entries(r.Properties ?? {}))
      if (typeof v === 'number') {
        (r.Properties as Record<string, unknown>)[k] = v + 1;
        writeFileSync(file, JSON.stringify(t, null, 2));
        return;
      }
}

function measure(files: string[], cfnLint: boolean): Figures {
  const cold: Run[] = [];
  const edited: Run[] = [];
  const warm: Run[] = [];
  const lint: Run[] = [];
  let exit: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'drctl-bench-cache-'));
    // A copy of the files, so the edited run can change one without touching the project.
    const copy = mkdtempSync(path.join(os.tmpdir(), 'drctl-bench-files-'));
    try {
      const env = { DRCTL_CACHE_DIR: cache };
      mkdirSync(path.join(copy, 'templates'));
      const own = files.map((f) => {
        const to = path.join('templates', path.basename(f));
        writeFileSync(path.join(copy, to), readFileSync(path.resolve(ROOT, f)));
        return to;
      });
      if (existsSync(path.join(ROOT, SUPPRESSIONS_FILE)))
        writeFileSync(path.join(copy, SUPPRESSIONS_FILE), readFileSync(path.join(ROOT, SUPPRESSIONS_FILE)));
      const first = timedRun(process.execPath, [BIN, 'validate', ...own], copy, env);
      cold.push(first);
      exit = first.code;
      if (cfnLint) lint.push(timedRun('cfn-lint', own, copy));
      warm.push(timedRun(process.execPath, [BIN, 'validate', ...own], copy, env));
      editOne(path.join(copy, own[own.length - 1] as string));
      edited.push(timedRun(process.execPath, [BIN, 'validate', ...own], copy, env));
    } finally {
      rmSync(cache, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  }
  return {
    cold: summarise(cold),
    edited: summarise(edited),
    warm: summarise(warm),
    cfnLint: lint.length ? summarise(lint) : undefined,
    exit,
  };
}

function report(label: string, f: Figures): void {
  const lint = f.cfnLint;
  const line = (name: string, x: Figure): string => {
    const cpu = x.cpu === undefined ? '' : `  cpu ${s(x.cpu).padStart(8)}`;
    const ratio = lint
      ? `   ${(lint.wall / x.wall).toFixed(1)}× faster than cfn-lint${lint.cpu !== undefined && x.cpu ? ` (cpu ${(lint.cpu / x.cpu).toFixed(1)}×)` : ''}`
      : '';
    return `  ${name.padEnd(24)}wall ${s(x.wall).padStart(8)}${cpu}${ratio}`;
  };
  console.log(`\n${label} (drctl exit ${f.exit})`);
  console.log(line('drctl validate, cold', f.cold));
  console.log(line('drctl validate, warm', f.warm));
  console.log(line('drctl validate, edited', f.edited));
  console.log(
    lint ? line('cfn-lint', lint).replace(/ {3}1\.0× faster.*$/, '') : '  cfn-lint              (not on PATH)',
  );
}

/** Where the time of one in-process run goes (parse, spec, rules per family, cfn-guard), for the record. */
function breakdown(label: string, r: ValidationResult): void {
  const t = r.timings;
  const families = Object.entries(t.families)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');
  const slowest = Object.entries(t.rules)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 4)
    .map(([id, v]) => `${id} ${v.toFixed(0)}`)
    .join(', ');
  console.log(
    `  in process (${label}): parse ${t.parseMs.toFixed(0)} ms, spec ${t.specMs.toFixed(0)} ms, rules ${t.rulesMs.toFixed(0)} ms (${families}; slowest ${slowest}), cfn-guard ${t.policyMs.toFixed(0)} ms alongside; ${r.summary.errors} errors, ${r.summary.warnings} warnings, ${r.summary.suppressed} suppressed`,
  );
}

if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (npm run bench does).');
  process.exit(2);
}
const lintVersion = cfnLintVersion();
const templates = await listTemplateFiles(ROOT);
console.log(
  `drctl validate bench: ${os.availableParallelism()} cores, node ${process.version}, ${RUNS} run(s) each, ${lintVersion ?? 'cfn-lint not on PATH'}`,
);

const ours = measure(templates, lintVersion !== undefined);
report(`project templates (${templates.length} files)`, ours);
breakdown(
  'cold guard',
  await validateTemplates({ root: ROOT, policy: guardPolicy({ cache: false }), ruleTimings: true }),
);

const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-bench-'));
try {
  const merged = syntheticTemplate(ROOT, templates, 5);
  const file = path.join(dir, 'synthetic-5x.json');
  writeFileSync(file, JSON.stringify(merged, null, 2));
  const resources = Object.keys(merged.Resources as object).length;
  const big = measure([file], lintVersion !== undefined);
  report(`synthetic 5× template (${resources} resources, one file)`, big);
  breakdown(
    'cold guard',
    await validateTemplates({ root: dir, files: [file], policy: guardPolicy({ cache: false }), ruleTimings: true }),
  );

  // Why guard documents are cut per control: the same cold run with whole templates, on the project templates.
  const start = performance.now();
  await validateTemplates({ root: ROOT, policy: guardPolicy({ cache: false, strategy: 'whole-template' }) });
  const whole = performance.now() - start;
  const start2 = performance.now();
  await validateTemplates({ root: ROOT, policy: guardPolicy({ cache: false }) });
  const cut = performance.now() - start2;
  console.log(
    `\ncfn-guard strategy, project templates in process: whole templates ${s(whole)}, documents per control ${s(cut)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
