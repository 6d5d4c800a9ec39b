// Condition scenarios: every distinguishable combination of the parameter values a template's Conditions read, with
// the conditions each yields. Rules judge a value per scenario, so mutually exclusive conditions never combine into a
// state CloudFormation can never be in (a false error), and a state it can be in is never missed.
import { evaluateConditions, type ParamValues } from '../../templates/conditions.js';
import type { CfnTemplate } from '../../templates/template-types.js';
import { intrinsicName, isPlainObject } from '../engine.js';

/** Above this many parameter combinations scenario rules fall back to per-condition combinations (none of ours comes close). */
const MAX_SCENARIOS = 4096;
/** Stands for "any value not compared with" in a scenario's parameters. */
export const OTHER_VALUE = '\u0000other';

export interface Scenario {
  params: ParamValues;
  conditions: Map<string, boolean>;
}

/** Each parameter the Conditions read, with the literals it is compared with in Fn::Equals. */
function conditionInputs(conditions: unknown): Map<string, Set<string>> {
  const inputs = new Map<string, Set<string>>();
  const literalsOf = (name: string): Set<string> => {
    let set = inputs.get(name);
    if (!set) inputs.set(name, (set = new Set()));
    return set;
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isPlainObject(v)) {
      const fn = intrinsicName(v, 'Conditions');
      if (fn === 'Ref' && typeof v.Ref === 'string') literalsOf(v.Ref);
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
  if (isPlainObject(conditions)) for (const def of Object.values(conditions)) visit(def);
  return inputs;
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

/** Every distinguishable combination of parameter values, with the conditions it yields; undefined when too many. */
export function conditionScenarios(template: CfnTemplate): Scenario[] | undefined {
  let combos: ParamValues[] = [{}];
  for (const [name, literals] of conditionInputs(template.Conditions)) {
    const values = candidates(template, name, literals);
    if (combos.length * values.length > MAX_SCENARIOS) return undefined;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  try {
    return combos.map((params) => ({ params, conditions: evaluateConditions(template, params) }));
  } catch {
    // Malformed conditions are other rules' findings (E8002, E3004).
    return undefined;
  }
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

/** Most conditions one resource's scenarios enumerate by themselves when the template's scenarios are unknown. */
const MAX_LOCAL_CONDITIONS = 8;

/**
 * The distinct truth assignments of `names` that can occur (projected from the template's scenarios; every
 * combination when those are unknown). Each assignment is a map over exactly `names`.
 */
export function assignments(all: Scenario[] | undefined, names: readonly string[]): Map<string, boolean>[] {
  if (names.length === 0) return [new Map()];
  const out = new Map<string, Map<string, boolean>>();
  if (all) {
    for (const s of all) {
      if (!names.every((n) => s.conditions.has(n))) continue;
      const m = new Map(names.map((n) => [n, s.conditions.get(n) as boolean]));
      out.set(names.map((n) => (m.get(n) ? '1' : '0')).join(''), m);
    }
    if (out.size) return [...out.values()];
  }
  const limited = names.slice(0, MAX_LOCAL_CONDITIONS);
  const result: Map<string, boolean>[] = [];
  for (let bits = 0; bits < 1 << limited.length; bits++)
    result.push(new Map(limited.map((n, i) => [n, Boolean(bits & (1 << i))])));
  return result;
}

/** "IsPrimary is false, UseNat is true": the condition values of one assignment, for messages. */
export function describeAssignment(a: ReadonlyMap<string, boolean>): string {
  return [...a].map(([n, v]) => `${n} is ${v}`).join(', ');
}
