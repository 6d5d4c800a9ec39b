// E3033: a literal string is within the lengths the registry schema allows.
import type { Rule } from '../../types.js';
import { literalScalar, REGISTRY_DOCS, show, where } from './shared.js';

export const rule: Rule = {
  id: 'E3033',
  name: 'string-length',
  title: 'Strings are within the allowed length',
  description:
    'A literal string property value has at least minLength and at most maxLength characters, as the CloudFormation registry schema of the resource type says. Evaluated per condition scenario.',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'values', 'registry'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      const { minLength, maxLength } = node.schema;
      if (typeof minLength !== 'number' && typeof maxLength !== 'number') return;
      const v = literalScalar(node.view);
      if (typeof v !== 'string') return;
      const length = [...v].length;
      if (typeof minLength === 'number' && length < minLength)
        ctx.report({
          path: node.view.path,
          message: `${where(node)} is ${show(v)} (${length} characters); it needs at least ${minLength}.`,
          fix: `Give a value of ${minLength} characters or more.`,
        });
      if (typeof maxLength === 'number' && length > maxLength)
        ctx.report({
          path: node.view.path,
          message: `${where(node)} has ${length} characters; at most ${maxLength} are allowed.`,
          fix: `Shorten it to ${maxLength} characters or fewer.`,
        });
    },
  }),
};
