// E1012: every Ref names a parameter, a resource or a pseudo parameter (and only parameters inside Conditions).
import type { Rule } from '../../types.js';
import { didYouMean, PSEUDO_PARAMETERS, moduleGenerated, sectionNames, TEMPLATE_REF } from '../helpers.js';

export const rule: Rule = {
  id: 'E1012',
  name: 'ref-target-exists',
  title: 'Ref targets exist',
  description:
    'Ref names a parameter, a resource of the template or a pseudo parameter; inside Conditions it may name only parameters and pseudo parameters.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-ref.html`,
  tags: ['references'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const params = sectionNames(ctx.template, 'Parameters');
    const resources = sectionNames(ctx.template, 'Resources');
    const conditions = sectionNames(ctx.template, 'Conditions');
    const known = new Set([...params, ...resources, ...PSEUDO_PARAMETERS]);
    return {
      intrinsic(node) {
        if (node.fn !== 'Ref') return;
        const path = [...node.path, 'Ref'];
        if (typeof node.arg !== 'string') {
          ctx.report({
            path,
            message: 'Ref takes the name of a parameter or resource as a string.',
            fix: 'Write {"Ref": "Name"}.',
          });
          return;
        }
        if (!known.has(node.arg) && conditions.includes(node.arg)) {
          ctx.report({
            path,
            message: `Ref to "${node.arg}", which is a condition, not a parameter or resource.`,
            fix: `Use {"Fn::If": ["${node.arg}", valueIfTrue, valueIfFalse]}, or "Condition": "${node.arg}" on a resource or output.`,
          });
        } else if (!known.has(node.arg) && !moduleGenerated(ctx.template, node.arg)) {
          ctx.report({
            path,
            message: `Ref to "${node.arg}", which is not a parameter, resource or pseudo parameter.${didYouMean(node.arg, known)}`,
            fix: 'Declare it under Parameters or Resources, or correct the name.',
          });
        } else if (node.section === 'Conditions' && resources.includes(node.arg) && !params.includes(node.arg)) {
          ctx.report({
            path,
            message: `Conditions cannot refer to the resource "${node.arg}".`,
            fix: 'Base conditions on parameters and pseudo parameters only.',
          });
        }
      },
    };
  },
};
