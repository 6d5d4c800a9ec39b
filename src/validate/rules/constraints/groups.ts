// Object-shaped alternatives of a registry schema (oneOf / anyOf branches made of `required`, `properties` with
// additionalProperties false, `not`, and nested combinations): whether the members present satisfy a branch, and how
// to name a branch to a person. Value-shaped alternatives (a string or an object, one pattern or another) are not groups.
import { branches, deref, type JsonSchema } from '../../schema/registry-schemas.js';

const SHAPE_KEYS = new Set(['required', 'properties', 'additionalProperties', 'not', 'oneOf', 'anyOf', 'allOf']);
const IGNORED = new Set(['title', 'description', 'type', '$comment']);

/** True when the branch constrains which members are present, and nothing else this matcher cannot judge. */
export function isShapeBranch(b: JsonSchema, root: JsonSchema): boolean {
  const keys = Object.keys(b).filter((k) => !IGNORED.has(k));
  if (b.type !== undefined && b.type !== 'object') return false;
  if (keys.length === 0 || !keys.some((k) => SHAPE_KEYS.has(k))) return false;
  if (!keys.every((k) => SHAPE_KEYS.has(k))) return false;
  if ('not' in b && !(b.not && typeof b.not === 'object' && isShapeBranch(deref(b.not as JsonSchema, root), root)))
    return false;
  for (const kw of ['oneOf', 'anyOf', 'allOf'] as const)
    if (!branches(b, kw, root).every((x) => isShapeBranch(x, root))) return false;
  return true;
}

export function matchesShape(b: JsonSchema, present: ReadonlySet<string>, root: JsonSchema): boolean {
  if (Array.isArray(b.required) && !b.required.every((k) => present.has(String(k)))) return false;
  if (b.additionalProperties === false && b.properties && typeof b.properties === 'object') {
    const allowed = Object.keys(b.properties);
    if ([...present].some((k) => !allowed.includes(k))) return false;
  }
  if (b.not && typeof b.not === 'object' && matchesShape(deref(b.not as JsonSchema, root), present, root)) return false;
  if (!branches(b, 'allOf', root).every((x) => matchesShape(x, present, root))) return false;
  const any = branches(b, 'anyOf', root);
  if (any.length && !any.some((x) => matchesShape(x, present, root))) return false;
  const one = branches(b, 'oneOf', root);
  if (one.length && one.filter((x) => matchesShape(x, present, root)).length !== 1) return false;
  return true;
}

/** "ContactId and Stages", "only SimplePrefix", "not both A and B": a branch as a person reads it. */
export function describeShape(b: JsonSchema, root: JsonSchema): string {
  const parts: string[] = [];
  if (Array.isArray(b.required) && b.required.length) parts.push(b.required.map(String).join(' and '));
  else if (b.additionalProperties === false && b.properties && typeof b.properties === 'object')
    parts.push(`only ${Object.keys(b.properties).join(', ') || 'nothing'}`);
  if (b.not && typeof b.not === 'object') parts.push(`not ${describeShape(deref(b.not as JsonSchema, root), root)}`);
  for (const kw of ['oneOf', 'anyOf'] as const) {
    const sub = branches(b, kw, root);
    if (sub.length) parts.push(`(${sub.map((x) => describeShape(x, root)).join(kw === 'oneOf' ? ' | ' : ' or ')})`);
  }
  for (const x of branches(b, 'allOf', root)) parts.push(describeShape(x, root));
  return parts.join(', ') || 'any';
}
