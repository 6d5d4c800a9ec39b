// E3032: a literal list has as many elements as the registry schema allows (after Fn::If / AWS::NoValue in each scenario).
import type { Rule } from '../../types.js';
import { items } from '../../scenario/view.js';
import { REGISTRY_DOCS, where } from './shared.js';

export const rule: Rule = {
  id: 'E3032',
  name: 'list-length',
  title: 'Lists have the allowed number of elements',
  description:
    'A literal list property value has at least minItems and at most maxItems elements, as the CloudFormation registry schema says, counting the elements present in each condition scenario (an Fn::If element that yields AWS::NoValue is not there).',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'values', 'registry'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      const { minItems, maxItems } = node.schema;
      if (typeof minItems !== 'number' && typeof maxItems !== 'number') return;
      const list = items(node.view, node.conditions);
      if (!list) return;
      const n = list.length;
      if (typeof minItems === 'number' && n < minItems)
        ctx.report({
          path: node.view.path,
          message: `${where(node)} has ${n} element${n === 1 ? '' : 's'}; at least ${minItems} ${minItems === 1 ? 'is' : 'are'} required.`,
          fix: `Give ${minItems} or more elements, or leave the property out if it is optional.`,
        });
      if (typeof maxItems === 'number' && n > maxItems)
        ctx.report({
          path: node.view.path,
          message: `${where(node)} has ${n} elements; at most ${maxItems} ${maxItems === 1 ? 'is' : 'are'} allowed.`,
          fix: `Give ${maxItems} or fewer elements.`,
        });
    },
  }),
};
