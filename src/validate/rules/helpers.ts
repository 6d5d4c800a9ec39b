// Small pieces several rules share: reading references out of intrinsic functions, literal leaves, name suggestions.
import { editDistance } from '../../suggest.js';
import { intrinsicName, isPlainObject } from '../template-values.js';
import type { Rule } from '../types.js';

export const CFN_DOCS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide';
export const TEMPLATE_REF = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference';

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** `${Name}` / `${Res.Attr}` variables of an Fn::Sub string; `${!Literal}` is an escape, not a variable. */
export function subVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = (m[1] as string).trim();
    if (!name.startsWith('!')) out.push(name);
  }
  return out;
}

/** The Fn::Sub string and its explicit variable map, or undefined when the argument is malformed. */
export function subParts(arg: unknown): { text: string; vars: Record<string, unknown> } | undefined {
  if (typeof arg === 'string') return { text: arg, vars: {} };
  if (Array.isArray(arg) && typeof arg[0] === 'string')
    return { text: arg[0], vars: isPlainObject(arg[1]) ? arg[1] : {} };
  return undefined;
}

/** Names an intrinsic refers to: `Ref X` → X; `Fn::GetAtt [X, A]` → X; `Fn::Sub` → its template variables' heads. */
export function referencedNames(fn: string, arg: unknown): string[] {
  if (fn === 'Ref') return typeof arg === 'string' ? [arg] : [];
  if (fn === 'Fn::GetAtt') {
    const target = getAttTarget(arg);
    return target ? [target.resource] : [];
  }
  if (fn === 'Fn::Sub') {
    const parts = subParts(arg);
    if (!parts) return [];
    return subVariables(parts.text)
      .filter((v) => !(v in parts.vars))
      .map((v) => (v.includes('.') && !v.startsWith('AWS::') ? v.slice(0, v.indexOf('.')) : v));
  }
  return [];
}

/** `Fn::GetAtt` in either form: `"Res.Attr"` or `["Res", "Attr"]` (the attribute may itself be an intrinsic). */
export function getAttTarget(arg: unknown): { resource: string; attribute: string | undefined } | undefined {
  if (typeof arg === 'string') {
    const i = arg.indexOf('.');
    return i > 0 ? { resource: arg.slice(0, i), attribute: arg.slice(i + 1) } : undefined;
  }
  if (Array.isArray(arg) && typeof arg[0] === 'string')
    return { resource: arg[0], attribute: typeof arg[1] === 'string' ? arg[1] : undefined };
  return undefined;
}

/** Every literal a value can take: scalars as they are, both branches of Fn::If, nothing for other intrinsics. */
export function literalLeaves(v: unknown): unknown[] {
  const fn = intrinsicName(v);
  if (!fn) return [v];
  if (fn === 'Fn::If') {
    const arg = (v as Record<string, unknown>)[fn];
    if (Array.isArray(arg) && arg.length === 3) return [...literalLeaves(arg[1]), ...literalLeaves(arg[2])];
  }
  return [];
}

/** True when `v` is (or, through Fn::If, can be) a literal true. */
export function canBeTrue(v: unknown): boolean {
  return literalLeaves(v).some((x) => x === true || x === 'true');
}

/** The closest candidate within a third of the name's length, if any. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c ? ` Did you mean "${c}"?` : '';
}

/** Sections whose values must not carry environment-specific literals; Parameters may hold per-environment defaults. */
const LITERAL_SECTIONS = new Set(['Resources', 'Outputs', 'Mappings', 'Conditions']);

/**
 * The string to scan for forbidden literals, or undefined when the value is out of scope: Metadata, Parameters,
 * and free-text descriptions (which may mention a region in prose).
 */
export function scannableString(node: {
  section: string;
  inMetadata: boolean;
  key: string | undefined;
  value: unknown;
}): string | undefined {
  if (!LITERAL_SECTIONS.has(node.section) || node.inMetadata || typeof node.value !== 'string') return undefined;
  if (node.key && /Description$/.test(node.key)) return undefined;
  return node.value;
}

/** Logical names a section of the template declares (none when the section is missing or malformed). */
export function sectionNames(
  template: unknown,
  section: 'Parameters' | 'Resources' | 'Conditions' | 'Mappings' | 'Outputs',
): string[] {
  const value = isPlainObject(template) ? template[section] : undefined;
  return isPlainObject(value) ? Object.keys(value) : [];
}

/**
 * The check of a "no literal X" rule: the first match of any of `patterns` in each scannable string is one finding.
 * `skip` leaves a string to another rule (an ARN's account id is E6009's, not E6005's).
 */
export function literalCheck(
  patterns: RegExp[],
  finding: (match: string) => { message: string; fix: string },
  skip: (s: string) => boolean = () => false,
): Rule['check'] {
  return (ctx) => ({
    value(node) {
      const s = scannableString(node);
      if (s === undefined || skip(s)) return;
      for (const pattern of patterns) {
        const m = pattern.exec(s);
        if (m) return ctx.report({ path: node.path, ...finding(m[0]) });
      }
    },
  });
}

/**
 * True when `name` may be a resource a registry module generates: CloudFormation names each of a module's resources
 * by the module's logical id followed by the resource's id inside the module (`Bucket` in module `Site` → `SiteBucket`).
 */
export function moduleGenerated(template: unknown, name: string): boolean {
  if (!isPlainObject(template) || !isPlainObject(template.Resources)) return false;
  return Object.entries(template.Resources).some(
    ([id, r]) =>
      name.startsWith(id) &&
      name !== id &&
      isPlainObject(r) &&
      typeof r.Type === 'string' &&
      r.Type.endsWith('::MODULE'),
  );
}

/** The transforms a template declares (top-level Transform), and whether it calls Fn::Transform anywhere. */
export function transformsOf(template: unknown): string[] {
  if (!isPlainObject(template)) return [];
  const declared = template.Transform;
  const names = (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).map((t) =>
    typeof t === 'string' ? t : isPlainObject(t) && typeof t.Name === 'string' ? t.Name : JSON.stringify(t),
  );
  if (JSON.stringify(template).includes('"Fn::Transform"')) names.push('Fn::Transform');
  return names;
}
