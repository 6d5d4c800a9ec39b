// Runs cfn-guard once over all templates with the Control Tower rules that can apply, offline, and maps its JSON
// report to findings (control id, resource logical id, JSON path). Results are read from its output, not its exit code.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { DrError } from '../../errors.js';
import type { LoadedTemplate } from '../../templates/catalog.js';
import { formatPath, type JsonPath } from '../../templates/json-source.js';
import { isPlainObject } from '../engine.js';
import type { Finding } from '../types.js';
import type { PolicyCheck, PolicyRuleInfo } from '../validate.js';
import { CONTROL_DOCS, guardBinary, guardPackageVersion, loadGuardRules, type GuardRuleFile } from './guard-rules.js';
import { diskGuardCache, guardCacheKey, type GuardCache } from './guard-cache.js';

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

function resourceTypes(t: LoadedTemplate): Set<string> {
  const resources =
    isPlainObject(t.template) && isPlainObject(t.template.Resources) ? Object.values(t.template.Resources) : [];
  // Lower case: some rule headers misspell the type's case (e.g. "AWS::AutoScaling::AutoscalingGroup").
  return new Set(resources.map((r) => (isPlainObject(r) && typeof r.Type === 'string' ? r.Type.toLowerCase() : '')));
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

/**
 * One cfn-guard process per template, each loading only the controls for resource types that template declares
 * (guard's cost grows with rules × resources), run in parallel up to the number of cores.
 */
export interface GuardOptions {
  exec?: GuardExec;
  binary?: string;
  concurrency?: number;
  /** Reuse reports for unchanged templates; default a cache under the temp directory. `false` always runs guard. */
  cache?: GuardCache | false;
}

export function guardPolicy(opts: GuardOptions = {}): PolicyCheck {
  const cache = opts.cache === false ? undefined : (opts.cache ?? diskGuardCache());
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
      const used = new Map<string, GuardRuleFile>();
      const perTemplate = await mapLimit(
        templates,
        opts.concurrency ?? Math.max(1, os.availableParallelism()),
        async (t) => {
          const types = resourceTypes(t);
          const rules = all.filter((r) => r.types.some((ty) => types.has(ty.toLowerCase())));
          if (rules.length === 0) return [];
          for (const r of rules) used.set(r.id, r);
          const key = guardCacheKey([guardPackageVersion(), binary, ...rules.map((r) => r.file), t.source.text]);
          let reports: GuardFileReport[] | undefined;
          const hit = cache?.get(key);
          if (hit !== undefined) {
            try {
              reports = parseGuardOutput(hit);
            } catch {
              reports = undefined;
            }
          }
          if (!reports) {
            const args = [
              'validate',
              ...rules.flatMap((r) => ['--rules', r.file]),
              '--data',
              t.source.file,
              '--output-format',
              'json',
              '--show-summary',
              'none',
              '--structured',
            ];
            const { stdout, stderr, code } = await (opts.exec ?? defaultExec)(binary, args);
            try {
              reports = parseGuardOutput(stdout);
            } catch (cause) {
              throw new DrError({
                code: 'E_GUARD_FAILED',
                kind: 'internal',
                message: `cfn-guard exited ${code} on ${t.file} without a readable report: ${stderr.trim().slice(0, 500)}`,
                fix: 'Run with --no-guard to validate without policy checks, and report this.',
                cause,
              });
            }
            cache?.set(key, stdout);
          }
          const byName = new Map<string, GuardRuleFile>();
          for (const r of rules) for (const n of r.names) byName.set(n, r);
          return reports.flatMap((rep) => mapGuardReport(t, rep, byName));
        },
      );
      const info: PolicyRuleInfo[] = [...used.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((r) => ({ id: r.id, name: r.names[0] ?? r.id, title: r.title, docsUrl: CONTROL_DOCS }));
      return { findings: perTemplate.flat(), rules: info };
    },
  };
}
