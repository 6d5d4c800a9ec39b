// E3034: a literal number is within the range the registry schema allows.
import type { Rule } from '../../types.js';
import { literalScalar, numberOf, REGISTRY_DOCS, where } from './shared.js';

export const rule: Rule = {
  id: 'E3034',
  name: 'number-range',
  title: 'Numbers are within the allowed range',
  description:
    'A literal number property value (or a numeric string, as CloudFormation passes numbers) lies within minimum / maximum (and exclusiveMinimum / exclusiveMaximum) of its CloudFormation registry schema. Evaluated per condition scenario.',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'values', 'registry'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = node.schema;
      if ([minimum, maximum, exclusiveMinimum, exclusiveMaximum].every((x) => typeof x !== 'number')) return;
      const v = numberOf(literalScalar(node.view));
      if (v === undefined) return;
      const lo =
        typeof minimum === 'number' && v < minimum
          ? `at least ${minimum}`
          : typeof exclusiveMinimum === 'number' && v <= exclusiveMinimum
            ? `more than ${exclusiveMinimum}`
            : undefined;
      const hi =
        typeof maximum === 'number' && v > maximum
          ? `at most ${maximum}`
          : typeof exclusiveMaximum === 'number' && v >= exclusiveMaximum
            ? `less than ${exclusiveMaximum}`
            : undefined;
      const bound = lo ?? hi;
      if (!bound) return;
      const range = [
        typeof minimum === 'number'
          ? `≥ ${minimum}`
          : typeof exclusiveMinimum === 'number'
            ? `> ${exclusiveMinimum}`
            : '',
        typeof maximum === 'number'
          ? `≤ ${maximum}`
          : typeof exclusiveMaximum === 'number'
            ? `< ${exclusiveMaximum}`
            : '',
      ]
        .filter(Boolean)
        .join(' and ');
      ctx.report({
        path: node.view.path,
        message: `${where(node)} is ${v}; it must be ${bound}.`,
        fix: `Give a number ${range}.`,
      });
    },
  }),
};
