// Runs cfn-guard once over all templates with the Control Tower rules that can apply, offline, and maps its JSON
// report to findings (control id, resource logical id, JSON path). Results are read from its output, not its exit code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { DrError } from '../../errors.js';
import type { LoadedTemplate } from '../../templates/catalog.js';
import { formatPath, type JsonPath } from '../../templates/json-source.js';
import { isPlainObject } from '../engine.js';
import type { Finding } from '../types.js';
import type { PolicyCheck, PolicyRuleInfo } from '../validate.js';
import { CONTROL_DOCS, guardBinary, loadGuardRules, type GuardRuleFile } from './guard-rules.js';

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
      const code = err && typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : err ? -1 : 0;
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

/** Every place a failed check points at inside Resources (resolved values, or where an unresolved query stopped). */
function failedPaths(node: unknown, out: JsonPath[]): void {
  if (Array.isArray(node)) {
    for (const x of node) failedPaths(x, out);
    return;
  }
  if (!isPlainObject(node)) return;
  const unresolved = node.UnResolved;
  if (isPlainObject(unresolved) && isPlainObject(unresolved.value) && isPlainObject(unresolved.value.traversed_to)) {
    const at = unresolved.value.traversed_to.path;
    const rest = unresolved.value.remaining_query;
    if (typeof at === 'string' && at.startsWith('/Resources/')) {
      const base = pointerToPath(at);
      // The missing key, when the query is a plain property name.
      if (typeof rest === 'string' && /^[A-Za-z0-9]+$/.test(rest)) base.push(rest);
      out.push(base);
      return;
    }
  }
  const resolved = node.Resolved;
  if (isPlainObject(resolved) && isPlainObject(resolved.from) && typeof resolved.from.path === 'string' && resolved.from.path.startsWith('/Resources/')) {
    out.push(pointerToPath(resolved.from.path));
    return;
  }
  for (const v of Object.values(node)) failedPaths(v, out);
}

/** Maps cfn-guard's report for one template to findings: one per control and resource, at the first failing path. */
export function mapGuardReport(template: LoadedTemplate, report: GuardFileReport, byName: Map<string, GuardRuleFile>): Finding[] {
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

export function guardPolicy(opts: { exec?: GuardExec; binary?: string } = {}): PolicyCheck {
  return {
    rulePrefix: 'CT.',
    async run(templates: readonly LoadedTemplate[]) {
      const binary = opts.binary ?? guardBinary();
      if (!binary) {
        throw new DrError({ code: 'E_GUARD_UNSUPPORTED', kind: 'usage', message: `cfn-guard is not bundled for ${process.platform}/${process.arch}`, fix: 'Run with --no-guard, or on Linux / macOS (x64 or arm64).' });
      }
      const types = new Set(templates.flatMap((t) => (isPlainObject(t.template) && isPlainObject(t.template.Resources) ? Object.values(t.template.Resources).map((r) => (isPlainObject(r) ? String(r.Type) : '')) : [])));
      const rules = loadGuardRules().filter((r) => r.types.some((ty) => types.has(ty)));
      const info: PolicyRuleInfo[] = rules.map((r) => ({ id: r.id, name: r.names[0] ?? r.id, title: r.title, docsUrl: CONTROL_DOCS }));
      if (rules.length === 0) return { findings: [], rules: info };
      const args = ['validate', ...rules.flatMap((r) => ['--rules', r.file]), ...templates.flatMap((t) => ['--data', path.resolve(t.source.file)]), '--output-format', 'json', '--show-summary', 'none', '--structured'];
      const { stdout, stderr, code } = await (opts.exec ?? defaultExec)(binary, args);
      let reports: GuardFileReport[];
      try {
        reports = parseGuardOutput(stdout);
      } catch (cause) {
        throw new DrError({ code: 'E_GUARD_FAILED', kind: 'internal', message: `cfn-guard exited ${code} without a readable report: ${stderr.trim().slice(0, 500)}`, fix: 'Run with --no-guard to validate without policy checks, and report this.', cause });
      }
      const byName = new Map<string, GuardRuleFile>();
      for (const r of rules) for (const n of r.names) byName.set(n, r);
      const byFile = new Map(templates.map((t) => [path.resolve(t.source.file), t]));
      const findings = reports.flatMap((rep) => {
        const t = byFile.get(path.resolve(rep.name));
        return t ? mapGuardReport(t, rep, byName) : [];
      });
      return { findings, rules: info };
    },
  };
}
