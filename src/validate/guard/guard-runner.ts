// Runs cfn-guard with the Control Tower rules that can apply, offline, over documents cut as guard-plan.ts says, and
// maps its JSON reports to findings (control id, resource logical id, JSON path). Results are read from its output,
// not its exit code.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DrError } from '../../errors.js';
import type { LoadedTemplate } from '../../templates/catalog.js';
import { formatPath, type JsonPath } from '../../templates/json-source.js';
import { isPlainObject } from '../template-values.js';
import type { Finding } from '../types.js';
import type { PolicyCheck, PolicyRuleInfo } from '../validate.js';
import { CONTROL_DOCS, guardBinary, guardPackageVersion, loadGuardRules, type GuardRuleFile } from './guard-rules.js';
import { diskGuardCache, guardCacheKey, type GuardCache } from './guard-cache.js';
import { packJobs, unitsOf, wholeTemplateUnit, type GuardJob, type GuardUnit } from './guard-plan.js';

export interface GuardFileReport {
  name: string;
  status: string;
  not_compliant: { Rule?: { name: string; checks?: unknown[] } }[];
}

/** Runs the binary; injected in tests that feed recorded reports. */
export type GuardExec = (binary: string, args: string[]) => Promise<{ stdout: string; stderr: string; code: number }>;

const defaultExec: GuardExec = (binary, args) =>
  new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code =
        err && typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number'
          ? (err as unknown as { code: number }).code
          : err
            ? -1
            : 0;
      if (err && code === -1) reject(err);
      else resolve({ stdout, stderr, code });
    });
  });

/** `/Resources/Db/Properties/Tags/0` → `['Resources', 'Db', 'Properties', 'Tags', 0]`. */
export function pointerToPath(pointer: string): JsonPath {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Every place a failed check points at inside Resources. Guard reports a resolved comparison as
 * `{from: {path}}` (under Resolved, InResolved, ...) and an unresolved query as `{traversed_to: {path}, remaining_query}`.
 */
function failedPaths(node: unknown, out: JsonPath[]): void {
  if (Array.isArray(node)) {
    for (const x of node) failedPaths(x, out);
    return;
  }
  if (!isPlainObject(node)) return;
  const traversed = node.traversed_to;
  if (isPlainObject(traversed) && typeof traversed.path === 'string' && traversed.path.startsWith('/Resources/')) {
    const base = pointerToPath(traversed.path);
    // The missing key, when the query is a plain property name.
    const rest = node.remaining_query;
    if (typeof rest === 'string' && /^[A-Za-z0-9]+$/.test(rest)) base.push(rest);
    out.push(base);
    return;
  }
  const from = node.from;
  if (isPlainObject(from) && typeof from.path === 'string' && from.path.startsWith('/Resources/')) {
    out.push(pointerToPath(from.path));
    return;
  }
  for (const v of Object.values(node)) failedPaths(v, out);
}

/** Maps cfn-guard's report for one template to findings: one per control and resource, at the first failing path. */
export function mapGuardReport(
  template: LoadedTemplate,
  report: GuardFileReport,
  byName: Map<string, GuardRuleFile>,
): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const nc of report.not_compliant ?? []) {
    const name = nc.Rule?.name;
    if (!name) continue;
    const rule = byName.get(name);
    const id = rule?.id ?? name;
    const paths: JsonPath[] = [];
    failedPaths(nc.Rule?.checks ?? [], paths);
    if (paths.length === 0) paths.push(['Resources']);
    for (const p of paths) {
      const resource = typeof p[1] === 'string' ? p[1] : '';
      const key = `${id}\0${resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        ruleId: id,
        severity: 'error',
        template: template.file,
        path: formatPath(p),
        line: template.source.lineOf(p),
        message: `${rule?.title ?? name} (${resource || 'template'}).`,
        fix: rule?.fix ?? 'See the Control Tower control reference.',
      });
    }
  }
  return findings;
}

/** Concatenated or listed JSON documents, as cfn-guard prints them. */
export function parseGuardOutput(stdout: string): GuardFileReport[] {
  const text = stdout.trim();
  if (!text) return [];
  const parsed = JSON.parse(text) as unknown;
  return (Array.isArray(parsed) ? parsed : [parsed]) as GuardFileReport[];
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Most cfn-guard processes at once (a packed plan has far fewer; each is a small static binary). */
const MAX_PROCESSES = 32;

export interface GuardOptions {
  exec?: GuardExec;
  binary?: string;
  concurrency?: number;
  /** Reuse reports for unchanged documents; default a cache under the temp directory. `false` always runs guard. */
  cache?: GuardCache | false;
  /**
   * `partitioned` (default): each control sees only the resources of the types it names, documents packed into few
   * processes (see guard-plan.ts). `whole-template`: one process per template with the whole template, as before;
   * kept to show that both give the same findings, and for the bench.
   */
  strategy?: 'partitioned' | 'whole-template';
}

function byNameOf(rules: readonly GuardRuleFile[]): Map<string, GuardRuleFile> {
  const map = new Map<string, GuardRuleFile>();
  for (const r of rules) for (const n of r.names) map.set(n, r);
  return map;
}

/** The report of one document, keeping only the controls that document was made for. */
function ownReport(report: GuardFileReport | undefined, unit: GuardUnit): GuardFileReport {
  const names = byNameOf(unit.rules);
  return {
    name: report?.name ?? '',
    status: report?.status ?? 'SKIP',
    not_compliant: (report?.not_compliant ?? []).filter((nc) => nc.Rule?.name && names.has(nc.Rule.name)),
  };
}

export function guardPolicy(opts: GuardOptions = {}): PolicyCheck {
  const cache = opts.cache === false ? undefined : (opts.cache ?? diskGuardCache());
  const strategy = opts.strategy ?? 'partitioned';
  return {
    rulePrefix: 'CT.',
    async run(templates: readonly LoadedTemplate[]) {
      const binary = opts.binary ?? guardBinary();
      if (!binary) {
        throw new DrError({
          code: 'E_GUARD_UNSUPPORTED',
          kind: 'usage',
          message: `cfn-guard is not bundled for ${process.platform}/${process.arch}`,
          fix: 'Run with --no-guard, or on Linux / macOS (x64 or arm64).',
        });
      }
      const all = loadGuardRules();
      const units = templates.flatMap((t) =>
        strategy === 'whole-template' ? wholeTemplateUnit(t, all) : unitsOf(t, all),
      );
      const keys = units.map((u) =>
        guardCacheKey([guardPackageVersion(), binary, strategy, ...u.rules.map((r) => r.file), u.doc]),
      );
      const reports = new Map<GuardUnit, GuardFileReport>();
      units.forEach((u, i) => {
        const hit = cache?.get(keys[i] as string);
        if (hit === undefined) return;
        try {
          reports.set(u, JSON.parse(hit) as GuardFileReport);
        } catch {
          // A damaged cache entry: run guard for this document again.
        }
      });
      const pending = units.filter((u) => !reports.has(u));
      const jobs: GuardJob[] =
        strategy === 'whole-template' ? pending.map((u) => ({ rules: u.rules, units: [u] })) : packJobs(pending);
      if (jobs.length) {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-guard-'));
        try {
          const fileOf = new Map<GuardUnit, string>();
          pending.forEach((u, i) => {
            const file = path.join(dir, `doc-${i}.json`);
            writeFileSync(file, u.doc);
            fileOf.set(u, file);
          });
          // All processes start at once by default: the rules run on this thread meanwhile and cannot start the next.
          await mapLimit(jobs, opts.concurrency ?? MAX_PROCESSES, async (job) => {
            const args = [
              'validate',
              ...job.rules.flatMap((r) => ['--rules', r.file]),
              ...job.units.flatMap((u) => ['--data', fileOf.get(u) as string]),
              '--output-format',
              'json',
              '--show-summary',
              'none',
              '--structured',
            ];
            const { stdout, stderr, code } = await (opts.exec ?? defaultExec)(binary, args);
            let parsed: GuardFileReport[];
            try {
              parsed = parseGuardOutput(stdout);
            } catch (cause) {
              const names = [...new Set(job.units.map((u) => u.template.file))].join(', ');
              throw new DrError({
                code: 'E_GUARD_FAILED',
                kind: 'internal',
                message: `cfn-guard exited ${code} on ${names} without a readable report: ${stderr.trim().slice(0, 500)}`,
                fix: 'Run with --no-guard to validate without policy checks, and report this.',
                cause,
              });
            }
            const byFile = new Map(parsed.map((r) => [r.name, r]));
            for (const u of job.units) {
              const file = fileOf.get(u) as string;
              const own = ownReport(byFile.get(file) ?? byFile.get(path.basename(file)), u);
              reports.set(u, own);
              cache?.set(keys[units.indexOf(u)] as string, JSON.stringify(own));
            }
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const used = new Map<string, GuardRuleFile>();
      for (const u of units) for (const r of u.rules) used.set(r.id, r);
      const findings = units.flatMap((u) =>
        mapGuardReport(u.template, reports.get(u) ?? ownReport(undefined, u), byNameOf(u.rules)),
      );
      const info: PolicyRuleInfo[] = [...used.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((r) => ({ id: r.id, name: r.names[0] ?? r.id, title: r.title, docsUrl: CONTROL_DOCS }));
      return { findings, rules: info };
    },
  };
}
