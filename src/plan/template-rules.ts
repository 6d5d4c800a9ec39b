// A template's Rules evaluated offline, as CloudFormation evaluates them before it creates anything: each rule's
// RuleCondition, then its Assertions, over the parameter values of one stack. Values only known at deploy time
// (other stacks' outputs, Fn::ValueOf of an AWS resource) are unknown, and a rule that depends on one is not decided.
import type { CfnTemplate } from '../templates/template-types.js';
import { parameterKind } from './parameter-constraints.js';

/** `undefined`: not known before deploy time. */
export type KnownValues = Record<string, string | undefined>;

export interface RuleFailure {
  rule: string;
  /** Index of the failing assertion in `Assertions`. */
  assertion: number;
  description: string;
  /** The parameters the rule reads, with their values. */
  parameters: string[];
}

const UNKNOWN = Symbol('unknown');
type Value = string | string[] | boolean | typeof UNKNOWN;

/** Parameters an expression refers to (Ref), for saying which values made a rule fail. */
export function referencedParameters(expr: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(expr)) for (const e of expr) referencedParameters(e, out);
  else if (expr && typeof expr === 'object')
    for (const [k, v] of Object.entries(expr as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else referencedParameters(v, out);
    }
  return out;
}

function evaluate(expr: unknown, template: CfnTemplate, values: KnownValues): Value {
  if (typeof expr === 'string') return expr;
  if (typeof expr === 'number' || typeof expr === 'boolean') return String(expr);
  if (Array.isArray(expr)) {
    const items = expr.map((e) => evaluate(e, template, values));
    if (items.some((i) => i === UNKNOWN || typeof i !== 'string')) return UNKNOWN;
    return items as string[];
  }
  if (!expr || typeof expr !== 'object') return UNKNOWN;
  const entries = Object.entries(expr as Record<string, unknown>);
  if (entries.length !== 1) return UNKNOWN;
  const [fn, arg] = entries[0]!;
  const args = Array.isArray(arg) ? arg : [arg];
  const ev = (e: unknown) => evaluate(e, template, values);
  const bool = (v: Value): boolean | typeof UNKNOWN => (typeof v === 'boolean' ? v : UNKNOWN);
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      const v = values[name];
      if (v === undefined) return UNKNOWN;
      const p = template.Parameters?.[name];
      return p && parameterKind(p.Type ?? 'String').list ? v.split(',').map((s) => s.trim()) : v;
    }
    case 'Fn::Equals': {
      const [a, b] = args.map(ev);
      if (a === UNKNOWN || b === UNKNOWN || a === undefined || b === undefined) return UNKNOWN;
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not': {
      const v = bool(ev(args[0]));
      return v === UNKNOWN ? UNKNOWN : !v;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const vs = args.map((a) => bool(ev(a)));
      const decisive = fn === 'Fn::And' ? false : true;
      if (vs.includes(decisive)) return decisive;
      return vs.includes(UNKNOWN) ? UNKNOWN : !decisive;
    }
    case 'Fn::Contains': {
      const [list, item] = args.map(ev);
      if (!Array.isArray(list) || typeof item !== 'string') return UNKNOWN;
      return list.includes(item);
    }
    case 'Fn::EachMemberEquals': {
      const [list, item] = args.map(ev);
      if (!Array.isArray(list) || typeof item !== 'string') return UNKNOWN;
      return list.every((x) => x === item);
    }
    case 'Fn::EachMemberIn': {
      const [list, allowed] = args.map(ev);
      if (!Array.isArray(list) || !Array.isArray(allowed)) return UNKNOWN;
      return list.every((x) => allowed.includes(x));
    }
    default:
      // Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll read the account; Fn::If has no conditions in Rules: undecided.
      return UNKNOWN;
  }
}

/** Assertions that are definitely false for these values; undecided ones are left to CloudFormation. */
export function failedRules(template: CfnTemplate, values: KnownValues): RuleFailure[] {
  const failures: RuleFailure[] = [];
  for (const [rule, body] of Object.entries((template.Rules ?? {}) as Record<string, unknown>)) {
    if (!body || typeof body !== 'object') continue;
    const { RuleCondition, Assertions } = body as { RuleCondition?: unknown; Assertions?: unknown };
    if (RuleCondition !== undefined && evaluate(RuleCondition, template, values) !== true) continue;
    if (!Array.isArray(Assertions)) continue;
    Assertions.forEach((a: unknown, i) => {
      const { Assert, AssertDescription } = (a ?? {}) as { Assert?: unknown; AssertDescription?: unknown };
      if (evaluate(Assert, template, values) !== false) return;
      failures.push({
        rule,
        assertion: i,
        description: typeof AssertDescription === 'string' ? AssertDescription : `assertion ${i + 1} fails`,
        parameters: [...referencedParameters([RuleCondition, Assert])].filter((p) => p in (template.Parameters ?? {})),
      });
    });
  }
  return failures;
}
