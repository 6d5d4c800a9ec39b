// E3030: a literal value is one the registry schema allows (enum / const).
import type { Rule } from '../../types.js';
import { didYouMean } from '../helpers.js';
import { literalScalar, REGISTRY_DOCS, show, where } from './shared.js';

export const rule: Rule = {
  id: 'E3030',
  name: 'allowed-values',
  title: 'Values are among those the resource type allows',
  description:
    'A literal property value is one of the values the CloudFormation registry schema of the resource type lists (enum or const). Intrinsic functions and dynamic references are judged when they resolve, not here. Evaluated per condition scenario: a value in an Fn::If branch is judged where that branch applies.',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'values', 'registry'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      const allowed = Array.isArray(node.schema.enum)
        ? (node.schema.enum as unknown[])
        : 'const' in node.schema
          ? [node.schema.const]
          : undefined;
      if (!allowed) return;
      const v = literalScalar(node.view);
      if (v === undefined || allowed.some((a) => a === v || String(a) === String(v))) return;
      const list = allowed.map((a) => String(a));
      ctx.report({
        path: node.view.path,
        message: `${where(node)} is ${show(v)}, which is not an allowed value (${list.slice(0, 15).join(', ')}${list.length > 15 ? ', …' : ''}).${typeof v === 'string' ? didYouMean(v, list) : ''}`,
        fix: `Use one of: ${list.slice(0, 15).join(', ')}${list.length > 15 ? ', …' : ''}.`,
      });
    },
  }),
};
