// E3031: a literal string matches the pattern the registry schema gives it.
import type { Rule } from '../../types.js';
import { schemaRegExp } from '../../schema/schema-walk.js';
import { literalScalar, REGISTRY_DOCS, show, where } from './shared.js';

export const rule: Rule = {
  id: 'E3031',
  name: 'pattern',
  title: 'Strings match the pattern the resource type requires',
  description:
    'A literal string property value matches the regular expression of its CloudFormation registry schema (pattern). Patterns JavaScript cannot compile are not checked; intrinsic functions and dynamic references are judged when they resolve. Evaluated per condition scenario.',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'values', 'registry'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      const pattern = node.schema.pattern;
      if (typeof pattern !== 'string') return;
      const v = literalScalar(node.view);
      if (typeof v !== 'string') return;
      const re = schemaRegExp(pattern);
      if (!re || re.test(v)) return;
      ctx.report({
        path: node.view.path,
        message: `${where(node)} is ${show(v)}, which does not match the pattern ${pattern}.`,
        fix: `Give a value matching ${pattern}.`,
      });
    },
  }),
};
