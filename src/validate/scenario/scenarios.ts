// Condition scenarios: every distinguishable combination of the parameter values a template's Conditions read, with
// the conditions each yields. Rules judge a value per scenario, so mutually exclusive conditions never combine into a
// state CloudFormation can never be in (a false error), and a state it can be in is never missed.
//
// Conditions that read disjoint sets of parameters are independent, so the scenarios are kept per independent group
// (a component) and combined only for the conditions a question involves: seven layers merged into one template
// have seven small groups, not the product of them.
import { evaluateConditions, type ParamValues } from '../../templates/conditions.js';
import type { CfnTemplate } from '../../templates/template-types.js';
import { intrinsicName, isPlainObject } from '../template-values.js';

/** Above this many parameter combinations in one component, the component is left unjudged. */
const MAX_SCENARIOS = 4096;
/** Stands for "any value not compared with" in a scenario's parameters. */
export const OTHER_VALUE = '\u0000other';

export interface Scenario {
  params: ParamValues;
  conditions: Map<string, boolean>;
}

/** Independent groups of conditions, each with its scenarios (restricted to its own conditions and parameters). */
export interface ScenarioSpace {
  componentOf: Map<string, number>;
  components: (Scenario[] | undefined)[];
}

/** The parameters each condition reads (through other conditions too), with the literals they are compared with. */
function conditionInputs(conditions: Record<string, unknown>): {
  literals: Map<string, Set<string>>;
  paramsOf: Map<string, Set<string>>;
} {
  const literals = new Map<string, Set<string>>();
  const literalsOf = (name: string): Set<string> => {
    let set = literals.get(name);
    if (!set) literals.set(name, (set = new Set()));
    return set;
  };
  const direct = new Map<string, { params: Set<string>; conds: Set<string> }>();
  for (const [cname, def] of Object.entries(conditions)) {
    const params = new Set<string>();
    const conds = new Set<string>();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isPlainObject(v)) {
        const fn = intrinsicName(v, 'Conditions');
        if (fn === 'Ref' && typeof v.Ref === 'string') {
          literalsOf(v.Ref);
          params.add(v.Ref);
        }
        if (fn === 'Condition' && typeof v.Condition === 'string') conds.add(v.Condition);
        if (fn === 'Fn::Equals' && Array.isArray(v[fn])) {
          const [a, b] = v[fn] as unknown[];
          for (const [ref, lit] of [
            [a, b],
            [b, a],
          ]) {
            if (
              intrinsicName(ref) === 'Ref' &&
              typeof (ref as { Ref: unknown }).Ref === 'string' &&
              ['string', 'number', 'boolean'].includes(typeof lit)
            )
              literalsOf((ref as { Ref: string }).Ref).add(String(lit));
          }
        }
        Object.values(v).forEach(visit);
      }
    };
    visit(def);
    direct.set(cname, { params, conds });
  }
  const paramsOf = new Map<string, Set<string>>();
  const resolve = (c: string, seen: Set<string>): Set<string> => {
    const done = paramsOf.get(c);
    if (done) return done;
    const d = direct.get(c);
    const out = new Set(d?.params ?? []);
    if (d && !seen.has(c)) {
      seen.add(c);
      for (const sub of d.conds) for (const p of resolve(sub, seen)) out.add(p);
    }
    paramsOf.set(c, out);
    return out;
  };
  for (const c of direct.keys()) resolve(c, new Set());
  return { literals, paramsOf };
}

/** One value per way a parameter can make the conditions differ: each literal it is compared with, and one other. */
function candidates(template: CfnTemplate, name: string, literals: Set<string>): string[] {
  const p = template.Parameters?.[name] as { AllowedValues?: unknown[] } | undefined;
  const allowed = Array.isArray(p?.AllowedValues) ? p.AllowedValues.map(String) : undefined;
  if (allowed) {
    const compared = allowed.filter((v) => literals.has(v));
    const other = allowed.find((v) => !literals.has(v));
    return other === undefined ? compared : [...compared, other];
  }
  return [...literals, OTHER_VALUE];
}

/** The template's conditions grouped into independent components, each with its scenarios; undefined when malformed. */
export function scenarioSpace(template: CfnTemplate): ScenarioSpace | undefined {
  const defs = isPlainObject(template.Conditions) ? (template.Conditions as Record<string, unknown>) : {};
  const { literals, paramsOf } = conditionInputs(defs);
  // Union conditions that share a parameter.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const names = Object.keys(defs);
  for (const c of names) parent.set(c, c);
  const ownerOfParam = new Map<string, string>();
  for (const c of names)
    for (const p of paramsOf.get(c) ?? []) {
      const o = ownerOfParam.get(p);
      if (o === undefined) ownerOfParam.set(p, c);
      else parent.set(find(c), find(o));
    }
  const groups = new Map<string, string[]>();
  for (const c of names) {
    const root = find(c);
    const g = groups.get(root);
    if (g) g.push(c);
    else groups.set(root, [c]);
  }
  const componentOf = new Map<string, number>();
  const components: (Scenario[] | undefined)[] = [];
  try {
    for (const conds of groups.values()) {
      const params = [...new Set(conds.flatMap((c) => [...(paramsOf.get(c) ?? [])]))];
      let combos: ParamValues[] | undefined = [{}];
      for (const name of params) {
        const values = candidates(template, name, literals.get(name) ?? new Set());
        if (combos.length * values.length > MAX_SCENARIOS) {
          combos = undefined;
          break;
        }
        combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
      }
      const index = components.length;
      for (const c of conds) componentOf.set(c, index);
      components.push(
        combos?.map((params) => {
          const all = evaluateConditions(template, params);
          return { params, conditions: new Map(conds.map((c) => [c, all.get(c) as boolean])) };
        }),
      );
    }
  } catch {
    // Malformed conditions are other rules' findings (E8002, E3004).
    return undefined;
  }
  return { componentOf, components };
}

export function describeScenario(s: Scenario): string {
  return Object.entries(s.params)
    .filter(([, v]) => v !== OTHER_VALUE)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}

/** The conditions a value names: Fn::If's first argument, anywhere inside it. */
export function conditionsUsedIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) conditionsUsedIn(v, out);
  else if (isPlainObject(value)) {
    const arg = value['Fn::If'];
    if (Array.isArray(arg) && typeof arg[0] === 'string' && Object.keys(value).length === 1) out.add(arg[0]);
    for (const v of Object.values(value)) conditionsUsedIn(v, out);
  }
  return out;
}

/** Most conditions one question enumerates by themselves when their scenarios are unknown. */
const MAX_LOCAL_CONDITIONS = 8;

/**
 * The distinct situations `names` can be in, each a scenario over exactly `names` (parameters from one example that
 * produces it): the product of the involved components' projections; every combination where a component is unknown.
 */
export function situations(space: ScenarioSpace | undefined, names: readonly string[]): Scenario[] {
  let out: Scenario[] = [{ params: {}, conditions: new Map() }];
  const byComponent = new Map<number, string[]>();
  const loose: string[] = [];
  for (const n of names) {
    const c = space?.componentOf.get(n);
    const scenarios = c === undefined ? undefined : space?.components[c];
    if (c === undefined || !scenarios) loose.push(n);
    else {
      const list = byComponent.get(c);
      if (list) list.push(n);
      else byComponent.set(c, [n]);
    }
  }
  for (const [c, list] of byComponent) {
    const projected = new Map<string, Scenario>();
    for (const s of space?.components[c] ?? []) {
      const key = list.map((n) => (s.conditions.get(n) ? '1' : '0')).join('');
      if (!projected.has(key))
        projected.set(key, {
          params: s.params,
          conditions: new Map(list.map((n) => [n, s.conditions.get(n) as boolean])),
        });
    }
    out = out.flatMap((a) =>
      [...projected.values()].map((b) => ({
        params: { ...a.params, ...b.params },
        conditions: new Map([...a.conditions, ...b.conditions]),
      })),
    );
  }
  const limited = loose.slice(0, MAX_LOCAL_CONDITIONS);
  if (limited.length) {
    const combos: Map<string, boolean>[] = [];
    for (let bits = 0; bits < 1 << limited.length; bits++)
      combos.push(new Map(limited.map((n, i) => [n, Boolean(bits & (1 << i))])));
    out = out.flatMap((a) => combos.map((m) => ({ params: a.params, conditions: new Map([...a.conditions, ...m]) })));
  }
  return out;
}

/** "IsPrimary is false, UseNat is true": the condition values of one assignment, for messages. */
export function describeAssignment(a: ReadonlyMap<string, boolean>): string {
  return [...a].map(([n, v]) => `${n} is ${v}`).join(', ');
}
