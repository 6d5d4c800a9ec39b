// The AWS Control Tower proactive-control rules shipped with @cdklabs/cdk-validator-cfnguard, indexed by the
// resource types each one inspects, so a run only loads the rules that can apply (a full load costs ~0.5 s).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface GuardRuleFile {
  file: string;
  /** Control id, e.g. `CT.RDS.PR.1`. */
  id: string;
  /** Rule names declared in the file (what cfn-guard reports). */
  names: string[];
  title: string;
  fix: string;
  /** Resource types the rule reports on (other types it merely looks up do not make it apply). */
  types: string[];
  /** Every resource type the rule file names (lower case): the ones it reports on and those it looks references up in. */
  mentions: string[];
}

export const CONTROL_DOCS = 'https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html';

export function guardPackageDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
}

let version: string | undefined;

export function guardPackageVersion(pkgDir = guardPackageDir()): string {
  version ??= (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** The bundled binary for this platform, or undefined where the package ships none. */
export function guardBinary(pkgDir = guardPackageDir()): string | undefined {
  const os = process.platform === 'linux' ? 'ubuntu' : process.platform === 'darwin' ? 'macos' : undefined;
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : undefined;
  return os && arch ? path.join(pkgDir, 'bin', os, arch, 'cfn-guard') : undefined;
}

function listGuardFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listGuardFiles(p);
    return e.name.endsWith('.guard') ? [p] : [];
  });
}

/** Types listed under the `# Reports on:` header; every type the file mentions when the header is missing. */
function reportsOn(text: string): string[] {
  const header = /^# Reports on:\s*\n((?:#\s+AWS::\S+\s*\n)+)/m.exec(text);
  const source = header?.[1] ?? text;
  return [...new Set([...source.matchAll(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g)].map((m) => m[0]))];
}

export function parseGuardRuleFile(file: string, text: string): GuardRuleFile {
  const head = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]:\s*(.+)/.exec(text);
  const fix = /\[FIX\]:\s*(.+)/.exec(text);
  const fromName = path
    .basename(file, '.guard')
    .replace(/^ct-/, '')
    .toUpperCase()
    .replace(/^(.+)-PR-(\d+)$/, 'CT.$1.PR.$2');
  return {
    file,
    id: head?.[1] ?? fromName,
    names: [...text.matchAll(/^rule\s+([A-Za-z0-9_]+)/gm)].map((m) => m[1] as string),
    title: (head?.[2] ?? fromName).trim(),
    fix: (fix?.[1] ?? 'See the control description.').trim(),
    types: reportsOn(text),
    mentions: [...new Set([...text.matchAll(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g)].map((m) => m[0].toLowerCase()))],
  };
}

let cached: GuardRuleFile[] | undefined;

export function loadGuardRules(
  rulesDir = path.join(guardPackageDir(), 'rules', 'control-tower', 'cfn-guard'),
): GuardRuleFile[] {
  if (cached) return cached;
  cached = listGuardFiles(rulesDir)
    .sort()
    .map((f) => parseGuardRuleFile(f, readFileSync(f, 'utf8')));
  return cached;
}
