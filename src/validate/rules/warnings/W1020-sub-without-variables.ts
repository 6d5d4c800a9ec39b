// W1020: an Fn::Sub whose string has no ${...} substitutes nothing: a plain string says the same, more plainly.
import type { Rule } from '../../types.js';
import { subParts, subVariables, TEMPLATE_REF } from '../helpers.js';

export const rule: Rule = {
  id: 'W1020',
  name: 'sub-without-variables',
  title: 'Fn::Sub substitutes something',
  description:
    'An Fn::Sub string without any ${Variable} is a plain string in disguise; a forgotten variable (e.g. a name without its environment suffix) often hides behind it.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-sub.html`,
  tags: ['intrinsics', 'warning'],
  severity: 'warning',
  family: 'references',
  check: (ctx) => ({
    intrinsic(node) {
      if (node.fn !== 'Fn::Sub') return;
      const parts = subParts(node.arg);
      if (!parts || subVariables(parts.text).length > 0 || /\$\{!/.test(parts.text)) return;
      ctx.report({
        path: [...node.path, 'Fn::Sub'],
        message: `Fn::Sub "${parts.text.length > 60 ? `${parts.text.slice(0, 57)}...` : parts.text}" has no variable to substitute.`,
        fix: 'Write the plain string, or add the ${Variable} it was meant to contain.',
      });
    },
  }),
};
