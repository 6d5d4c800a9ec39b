// E8003: a reference to a conditional resource is made only where that resource exists. CloudFormation rejects a
// stack whose active part names an inactive resource ("Unresolved resource dependencies"), and it does so only for
// the parameter values that switch the resource off — e.g. only when the secondary is deployed. The rule decides it
// for every combination of the values the conditions can distinguish.
import { intrinsicName, isPlainObject } from '../../template-values.js';
import {
  describeScenario,
  scenarioSpace,
  situations,
  type Scenario,
  type ScenarioSpace,
} from '../../scenario/scenarios.js';
import type { CfnTemplate } from '../../../templates/template-types.js';
import type { JsonPath } from '../../../templates/json-source.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, referencedNames } from '../helpers.js';

/** The conditions a value at `path` is used under: its resource's or output's Condition and the Fn::If branches above it. */
function contextOf(template: CfnTemplate, path: JsonPath): [string, boolean][] {
  const out: [string, boolean][] = [];
  const section = path[0];
  const owner = (template as unknown as Record<string, unknown>)[String(section)];
  const holder = isPlainObject(owner) ? owner[String(path[1])] : undefined;
  if (
    (section === 'Resources' || section === 'Outputs') &&
    isPlainObject(holder) &&
    typeof holder.Condition === 'string'
  )
    out.push([holder.Condition, true]);
  let at: unknown = template;
  for (let i = 0; i < path.length; i++) {
    if (intrinsicName(at) === 'Fn::If' && path[i] === 'Fn::If' && (path[i + 1] === 1 || path[i + 1] === 2)) {
      const arg = (at as Record<string, unknown>)['Fn::If'];
      if (Array.isArray(arg) && typeof arg[0] === 'string') out.push([arg[0], path[i + 1] === 1]);
    }
    at = Array.isArray(at) ? at[path[i] as number] : isPlainObject(at) ? at[path[i] as string] : undefined;
  }
  return out;
}

export const rule: Rule = {
  id: 'E8003',
  name: 'conditional-reference',
  title: 'Conditional resources are referenced only where they exist',
  description:
    'A Ref, Fn::GetAtt, Fn::Sub variable or DependsOn naming a resource with a Condition sits where that condition holds for every parameter combination: under the same (or a stronger) resource or output Condition, or in the matching branch of Fn::If. Otherwise CloudFormation fails the stack for the parameter values that leave the resource out.',
  docsUrl: `${CFN_DOCS}/conditions-section-structure.html`,
  tags: ['references', 'conditions'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const resources = isPlainObject(ctx.template.Resources) ? ctx.template.Resources : {};
    const conditionOf = (id: string): string | undefined => {
      const r = resources[id];
      return isPlainObject(r) && typeof r.Condition === 'string' ? r.Condition : undefined;
    };
    let space: ScenarioSpace | undefined | null = null;
    const verdicts = new Map<string, Scenario | null>();
    const check = (target: string, path: JsonPath, what: string): void => {
      const needed = conditionOf(target);
      if (!needed) return;
      space ??= scenarioSpace(ctx.template);
      if (!space) return;
      const context = contextOf(ctx.template, path);
      // Many references share the condition they need and the context they sit in: judge each pair once.
      const key = `${needed}\u0000${context.map(([c, v]) => `${c}=${v}`).join(',')}`;
      let broken = verdicts.get(key);
      if (broken === undefined) {
        const names = [needed, ...new Set(context.map(([c]) => c))].filter((c) => space?.componentOf.has(c));
        // Only conditions whose scenarios are known are judged (a component too large to enumerate stays silent).
        const known = names.every((c) => space?.components[space.componentOf.get(c) as number]);
        broken =
          (known ? situations(space, names) : []).find(
            (s) =>
              s.conditions.has(needed) &&
              context.every(([c, v]) => s.conditions.get(c) === v) &&
              s.conditions.get(needed) === false,
          ) ?? null;
        verdicts.set(key, broken);
      }
      if (!broken) return;
      ctx.report({
        path,
        message: `${what} ${target}, which exists only when ${needed} is true; here it is also used when ${needed} is false (e.g. ${describeScenario(broken) || 'the defaults'}).`,
        fix: `Give the user "Condition": "${needed}" (or a condition that implies it), or wrap the value in {"Fn::If": ["${needed}", ..., {"Ref": "AWS::NoValue"}]}.`,
      });
    };
    return {
      resource(node) {
        const dep = node.resource.DependsOn;
        const list = typeof dep === 'string' ? [dep] : Array.isArray(dep) ? dep : [];
        list.forEach((d, i) => {
          if (typeof d === 'string')
            check(
              d,
              typeof dep === 'string' ? [...node.path, 'DependsOn'] : [...node.path, 'DependsOn', i],
              'DependsOn names',
            );
        });
      },
      intrinsic(node) {
        if (node.inMetadata || (node.section !== 'Resources' && node.section !== 'Outputs')) return;
        if (node.fn !== 'Ref' && node.fn !== 'Fn::GetAtt' && node.fn !== 'Fn::Sub') return;
        for (const name of new Set(referencedNames(node.fn, node.arg)))
          if (name in resources) check(name, [...node.path, node.fn], `${node.fn} names`);
      },
    };
  },
};
