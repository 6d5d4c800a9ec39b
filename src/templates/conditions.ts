// Evaluates a template's Conditions and simple values for given parameter values, offline.
// Used to ask "which resources exist in the secondary's data stack?" (tests, report, readiness).
import type { CfnTemplate } from './template-types.js';

export type ParamValues = Record<string, string>;

/** Parameter values as CloudFormation would see them: the template's defaults overridden by `given`. */
export function effectiveParameters(template: CfnTemplate, given: ParamValues): ParamValues {
  const out: ParamValues = {};
  for (const [name, p] of Object.entries(template.Parameters ?? {}))
    if (p.Default !== undefined) out[name] = String(p.Default);
  return { ...out, ...given };
}

/**
 * Resolves a value made of literals, Ref to parameters / pseudo parameters, Fn::If, Fn::Join, Fn::Select,
 * Fn::Split, Fn::FindInMap and Fn::Sub over parameters. Anything that needs a deployed resource returns `undefined`.
 */
export function resolveValue(
  template: CfnTemplate,
  params: ParamValues,
  value: unknown,
  conditions?: Map<string, boolean>,
): unknown {
  const conds = conditions ?? evaluateConditions(template, params);
  const r = (v: unknown): unknown => resolveValue(template, params, v, conds);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(r);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) return Object.fromEntries(entries.map(([k, v]) => [k, r(v)]));
  const [fn, arg] = entries[0] as [string, unknown];
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      if (name in params) return params[name];
      if (name === 'AWS::NoValue') return undefined;
      return undefined;
    }
    case 'Fn::If': {
      const [cond, a, b] = arg as [string, unknown, unknown];
      return conds.get(cond) ? r(a) : r(b);
    }
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown];
      const list = r(parts);
      if (!Array.isArray(list) || list.some((x) => x === undefined)) return undefined;
      return list.join(sep);
    }
    case 'Fn::Select': {
      const [idx, list] = arg as [unknown, unknown];
      const l = r(list);
      const i = Number(r(idx));
      return Array.isArray(l) ? l[i] : undefined;
    }
    case 'Fn::Split': {
      const [sep, s] = arg as [string, unknown];
      const str = r(s);
      return typeof str === 'string' ? str.split(sep) : undefined;
    }
    case 'Fn::FindInMap': {
      const [m, k1, k2] = (arg as unknown[]).map(r);
      return template.Mappings?.[String(m)]?.[String(k1)]?.[String(k2)];
    }
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      let unresolved = false;
      const out = text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
        const v = name in (vars ?? {}) ? r((vars as Record<string, unknown>)[name]) : params[name];
        if (v === undefined) unresolved = true;
        return String(v);
      });
      return unresolved ? undefined : out;
    }
    default:
      return Object.fromEntries(entries.map(([k, v]) => [k, r(v)]));
  }
}

/** Every Condition's truth value for the given parameters (defaults applied). */
export function evaluateConditions(template: CfnTemplate, given: ParamValues): Map<string, boolean> {
  const params = effectiveParameters(template, given);
  const defs = (template.Conditions ?? {}) as Record<string, unknown>;
  const done = new Map<string, boolean>();
  const visiting = new Set<string>();

  const evalCond = (name: string): boolean => {
    const hit = done.get(name);
    if (hit !== undefined) return hit;
    if (visiting.has(name)) throw new Error(`condition cycle through ${name}`);
    if (!(name in defs)) throw new Error(`unknown condition ${name}`);
    visiting.add(name);
    const v = evalExpr(defs[name]);
    visiting.delete(name);
    done.set(name, v);
    return v;
  };
  const value = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const [fn, arg] = Object.entries(v)[0] ?? [];
      if (fn === 'Condition' || (fn?.startsWith('Fn::') && ['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not'].includes(fn)))
        return evalExpr(v);
      if (fn === 'Fn::If') {
        const [c, a, b] = arg as [string, unknown, unknown];
        return evalCond(c) ? value(a) : value(b);
      }
    }
    return resolveValue(template, params, v, done);
  };
  const evalExpr = (expr: unknown): boolean => {
    const [fn, arg] = Object.entries(expr as Record<string, unknown>)[0] ?? [];
    switch (fn) {
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return JSON.stringify(value(a)) === JSON.stringify(value(b)) || String(value(a)) === String(value(b));
      }
      case 'Fn::And':
        return (arg as unknown[]).every(evalExpr);
      case 'Fn::Or':
        return (arg as unknown[]).some(evalExpr);
      case 'Fn::Not':
        return !evalExpr((arg as unknown[])[0]);
      case 'Condition':
        return evalCond(String(arg));
      default:
        throw new Error(`unsupported condition function ${String(fn)}`);
    }
  };
  for (const name of Object.keys(defs)) evalCond(name);
  return done;
}

/** Logical ids of the resources that exist for these parameters (resources without a Condition always exist). */
export function activeResources(template: CfnTemplate, given: ParamValues): string[] {
  const conds = evaluateConditions(template, given);
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => !r.Condition || conds.get(r.Condition) === true)
    .map(([id]) => id);
}
