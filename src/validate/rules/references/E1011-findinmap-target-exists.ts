// E1011: Fn::FindInMap names a mapping of the template and, where keys are literal, keys that exist in it.
import { isPlainObject, intrinsicName } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { didYouMean, TEMPLATE_REF } from '../helpers.js';

export const rule: Rule = {
  id: 'E1011',
  name: 'findinmap-target-exists',
  title: 'Fn::FindInMap targets exist',
  description:
    'Fn::FindInMap names a mapping declared under Mappings; literal top-level and second-level keys exist in it.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-findinmap.html`,
  tags: ['references', 'mappings'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const mappings = isPlainObject(ctx.template.Mappings) ? (ctx.template.Mappings as Record<string, unknown>) : {};
    return {
      intrinsic(node) {
        if (node.fn !== 'Fn::FindInMap') return;
        const path = [...node.path, 'Fn::FindInMap'];
        const arg = node.arg;
        if (!Array.isArray(arg) || arg.length < 3) {
          ctx.report({
            path,
            message: 'Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey].',
            fix: 'Give the three names.',
          });
          return;
        }
        const [name, k1, k2] = arg as unknown[];
        if (typeof name !== 'string') return;
        const map = mappings[name];
        if (!isPlainObject(map)) {
          ctx.report({
            path: [...path, 0],
            message: `Mapping "${name}" does not exist.${didYouMean(name, Object.keys(mappings))}`,
            fix: 'Declare it under Mappings or correct the name.',
          });
          return;
        }
        const literal1 = typeof k1 === 'string' && !intrinsicName(k1);
        if (literal1 && !isPlainObject(map[k1])) {
          ctx.report({
            path: [...path, 1],
            message: `Mapping "${name}" has no key "${k1}".${didYouMean(k1, Object.keys(map))}`,
            fix: `Use one of: ${Object.keys(map).join(', ')}.`,
          });
          return;
        }
        if (typeof k2 !== 'string') return;
        const candidates = literal1 ? [map[k1 as string]] : Object.values(map);
        if (!candidates.some((c) => isPlainObject(c) && k2 in c)) {
          const keys = [...new Set(candidates.flatMap((c) => (isPlainObject(c) ? Object.keys(c) : [])))];
          ctx.report({
            path: [...path, 2],
            message: `Mapping "${name}" has no second-level key "${k2}".${didYouMean(k2, keys)}`,
            fix: `Use one of: ${keys.join(', ')}.`,
          });
        }
      },
    };
  },
};
