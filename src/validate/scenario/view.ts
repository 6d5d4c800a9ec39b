// A template value as CloudFormation sees it in one scenario: each Fn::If replaced by the branch its condition picks,
// and every {"Ref": "AWS::NoValue"} gone (an object member or list element that is not there). A view keeps the
// template path of what it shows, so a finding points at the branch that holds the value.
import type { JsonPath } from '../../templates/json-source.js';
import { intrinsicName, isPlainObject } from '../template-values.js';

export interface View {
  /** The value after Fn::If selection: a literal, a plain object or list (members not yet selected), or an intrinsic. */
  raw: unknown;
  path: JsonPath;
}

export type Conditions = ReadonlyMap<string, boolean>;

function isNoValue(v: unknown): boolean {
  return isPlainObject(v) && intrinsicName(v) === 'Ref' && v.Ref === 'AWS::NoValue';
}

/** The view of `raw` at `path`; undefined when it is AWS::NoValue there. An Fn::If on an unknown condition stays as is. */
export function select(raw: unknown, path: JsonPath, conds: Conditions): View | undefined {
  let value = raw;
  let at = path;
  for (;;) {
    if (isNoValue(value)) return undefined;
    if (intrinsicName(value) !== 'Fn::If') return { raw: value, path: at };
    const arg = (value as Record<string, unknown>)['Fn::If'];
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return { raw: value, path: at };
    const holds = conds.get(arg[0]);
    if (holds === undefined) return { raw: value, path: at };
    const branch = holds ? 1 : 2;
    value = arg[branch];
    at = [...at, 'Fn::If', branch];
  }
}

/** True when the view is an intrinsic function call (its value is known only at deploy time). */
export function isIntrinsic(v: View): boolean {
  return intrinsicName(v.raw) !== undefined;
}

/** The members of a plain (non-intrinsic) object that are there in this scenario; empty for anything else. */
export function members(v: View, conds: Conditions): [string, View][] {
  if (!isPlainObject(v.raw) || intrinsicName(v.raw)) return [];
  const out: [string, View][] = [];
  for (const [k, x] of Object.entries(v.raw)) {
    const child = select(x, [...v.path, k], conds);
    if (child) out.push([k, child]);
  }
  return out;
}

/** The elements of a literal list that are there in this scenario; undefined when the view is not a literal list. */
export function items(v: View, conds: Conditions): View[] | undefined {
  if (!Array.isArray(v.raw)) return undefined;
  const out: View[] = [];
  v.raw.forEach((x, i) => {
    const child = select(x, [...v.path, i], conds);
    if (child) out.push(child);
  });
  return out;
}

/** The member `key` of a plain object view, when there. */
export function member(v: View, key: string, conds: Conditions): View | undefined {
  if (!isPlainObject(v.raw) || intrinsicName(v.raw) || !(key in v.raw)) return undefined;
  return select(v.raw[key], [...v.path, key], conds);
}

/** The literal string (or number, as CloudFormation passes it) of a view; undefined for intrinsics and other shapes. */
export function literalText(v: View | undefined): string | undefined {
  if (!v) return undefined;
  if (typeof v.raw === 'string') return v.raw;
  if (typeof v.raw === 'number' || typeof v.raw === 'boolean') return String(v.raw);
  return undefined;
}
