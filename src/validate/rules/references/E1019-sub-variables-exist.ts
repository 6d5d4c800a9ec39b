// E1019: every ${Variable} of Fn::Sub is a parameter, resource, resource attribute, pseudo parameter or an explicit variable.
import type { Rule } from '../../types.js';
import { checkAttribute } from '../structure/E1010-getatt-attribute-exists.js';
import {
  didYouMean,
  PSEUDO_PARAMETERS,
  moduleGenerated,
  sectionNames,
  subParts,
  subVariables,
  TEMPLATE_REF,
} from '../helpers.js';

export const rule: Rule = {
  id: 'E1019',
  name: 'sub-variables-exist',
  title: 'Fn::Sub variables exist',
  description:
    'Each ${Name} in an Fn::Sub string is declared in its variable map, or is a parameter, a resource, a resource attribute (${Resource.Attribute}) or a pseudo parameter.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-sub.html`,
  tags: ['references'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const params = sectionNames(ctx.template, 'Parameters');
    const resources = sectionNames(ctx.template, 'Resources');
    const known = new Set([...params, ...resources, ...PSEUDO_PARAMETERS]);
    return {
      intrinsic(node) {
        if (node.fn !== 'Fn::Sub') return;
        const parts = subParts(node.arg);
        const path = [...node.path, 'Fn::Sub'];
        if (!parts) {
          ctx.report({
            path,
            message: 'Fn::Sub takes a string or [string, {variables}].',
            fix: 'Write {"Fn::Sub": "text ${Name}"} or {"Fn::Sub": ["text ${X}", {"X": value}]}.',
          });
          return;
        }
        for (const v of subVariables(parts.text)) {
          if (v in parts.vars || known.has(v) || moduleGenerated(ctx.template, v.split('.')[0] as string)) continue;
          const dot = v.indexOf('.');
          if (dot > 0 && !v.startsWith('AWS::')) {
            checkAttribute(ctx, path, v.slice(0, dot), v.slice(dot + 1));
            continue;
          }
          ctx.report({
            path,
            message: `Fn::Sub variable \${${v}} is not a parameter, resource, pseudo parameter or declared variable.${didYouMean(v, known)}`,
            fix: 'Declare it, pass it in the variable map, or write ${!Literal} for a literal.',
          });
        }
      },
    };
  },
};
