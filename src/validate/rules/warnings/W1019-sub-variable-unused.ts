// W1019: a variable declared in Fn::Sub's map that the string never uses is dead (often a typo on either side).
import type { Rule } from '../../types.js';
import { subParts, subVariables, TEMPLATE_REF } from '../helpers.js';

export const rule: Rule = {
  id: 'W1019',
  name: 'sub-variable-unused',
  title: 'Fn::Sub variables are used',
  description:
    'Every variable of an Fn::Sub variable map appears as ${Name} in its string. An unused one is legal but usually a misspelling of the variable or of its use.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-sub.html`,
  tags: ['references', 'intrinsics', 'warning'],
  severity: 'warning',
  family: 'references',
  check: (ctx) => ({
    intrinsic(node) {
      if (node.fn !== 'Fn::Sub' || !Array.isArray(node.arg)) return;
      const parts = subParts(node.arg);
      if (!parts) return;
      const used = new Set(subVariables(parts.text).map((v) => v.split('.')[0]));
      for (const name of Object.keys(parts.vars))
        if (!used.has(name))
          ctx.report({
            path: [...node.path, 'Fn::Sub', 1, name],
            message: `Fn::Sub variable ${name} is never used in its string.`,
            fix: `Use \${${name}} in the string, or remove the variable.`,
          });
    },
  }),
};
