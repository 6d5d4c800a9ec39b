// For a path that misses: which parameter, changed to which value, would bring it within target.
// Each candidate is evaluated by re-running the path with the changed config, so the saving is exact, not estimated.
import type { ParameterValue } from '../config/config-types.js';
import type { RegionRole } from '../templates/template-types.js';
import { stackView, type ReportInput } from './report-input.js';
import type { RtoFix } from './report-types.js';

export interface Tunable {
  layer: string;
  role: RegionRole;
  parameter: string;
  /** Lowest value worth proposing when the template declares no MinValue. */
  min?: number;
  /** Fixed candidate values (e.g. a boolean switch). */
  values?: string[];
  /** Propose the value of another parameter of the same stack (e.g. DesiredCapacity → FailoverDesiredCapacity). */
  valuesFrom?: string;
  /** A value above this other parameter of the same stack cannot be deployed (e.g. DesiredCapacity ≤ MaxSize). */
  atMost?: string;
}

/** Whether CloudFormation would accept the value for this parameter declaration: a fix must be deployable. */
export function allowedValue(
  decl: { AllowedValues?: unknown[]; MinValue?: number; MaxValue?: number },
  value: string,
): boolean {
  if (decl.AllowedValues && !decl.AllowedValues.map(String).includes(value)) return false;
  const n = Number(value);
  if (decl.MinValue !== undefined && !(n >= Number(decl.MinValue))) return false;
  if (decl.MaxValue !== undefined && !(n <= Number(decl.MaxValue))) return false;
  return true;
}

export function withParameter(input: ReportInput, role: RegionRole, name: string, value: ParameterValue): ReportInput {
  const params = input.config.parameters;
  return {
    ...input,
    config: { ...input.config, parameters: { ...params, [role]: { ...(params[role] ?? {}), [name]: value } } },
  };
}

export function findFixes(
  input: ReportInput,
  tunables: Tunable[],
  currentSeconds: number,
  secondsWith: (changed: ReportInput) => number,
): RtoFix[] {
  const target = input.config.objectives.rtoSeconds;
  const fixes: RtoFix[] = [];
  for (const t of tunables) {
    const view = stackView(input, t.layer, t.role);
    const decl = view?.template.Parameters?.[t.parameter];
    const cur = view?.params[t.parameter];
    if (!view || !decl || cur === undefined) continue;
    const at = (v: string): number => {
      try {
        return secondsWith(withParameter(input, t.role, t.parameter, v));
      } catch {
        return Number.POSITIVE_INFINITY; // a value the rest of the budget cannot work with is no fix
      }
    };
    const fix = (to: string, seconds: number): RtoFix => {
      const saves = currentSeconds - seconds;
      return {
        template: view.file,
        role: t.role,
        parameter: t.parameter,
        from: cur,
        to,
        savesSeconds: saves,
        sufficient: seconds <= target,
        text: `${t.parameter} ${cur} → ${to} saves ${saves} s${seconds <= target ? '' : ` (still ${seconds - target} s over)`}`,
      };
    };
    const cap = t.atMost !== undefined ? Number(view.params[t.atMost]) : Number.POSITIVE_INFINITY;
    const deployable = (v: string) => allowedValue(decl, v) && !(Number(v) > cap);
    const list =
      t.values ??
      (t.valuesFrom
        ? [view.params[t.valuesFrom]].filter((v): v is string => v !== undefined)
        : decl.AllowedValues?.map(String)
            .filter((v) => Number(v) < Number(cur))
            .sort((a, b) => Number(b) - Number(a)));
    if (list) {
      const tried = list.filter((v) => v !== cur && deployable(v)).map((v) => ({ v, s: at(v) }));
      const enough = tried.find((c) => c.s <= target);
      const best =
        enough ??
        tried.reduce<{ v: string; s: number } | undefined>(
          (b, c) => (c.s < (b?.s ?? currentSeconds) ? c : b),
          undefined,
        );
      if (best && best.s < currentSeconds) fixes.push(fix(best.v, best.s));
      continue;
    }
    // A numeric range: the budget grows with the value, so binary-search the largest value that meets the target.
    const hi = Math.ceil(Number(cur)) - 1;
    const lo = Math.max(decl.MinValue ?? Number.NEGATIVE_INFINITY, t.min ?? 0);
    if (!Number.isFinite(hi) || hi < lo) continue;
    const atLo = at(String(lo));
    if (atLo > target) {
      if (atLo < currentSeconds) fixes.push(fix(String(lo), atLo));
      continue;
    }
    let [a, b] = [lo, hi];
    while (a < b) {
      const mid = Math.ceil((a + b) / 2);
      if (at(String(mid)) <= target) a = mid;
      else b = mid - 1;
    }
    fixes.push(fix(String(a), at(String(a))));
  }
  return fixes;
}
