// E8002: every condition named by a resource, an output, Fn::If or another condition is declared.
import { isPlainObject } from '../../template-values.js';
import type { JsonPath } from '../../../templates/json-source.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';

export const rule: Rule = {
  id: 'E8002',
  name: 'condition-exists',
  title: 'Conditions used are declared',
  description:
    'Condition attributes of resources and outputs, the first argument of Fn::If and {"Condition": name} inside Conditions name a declared condition.',
  docsUrl: `${CFN_DOCS}/conditions-section-structure.html`,
  tags: ['references', 'conditions'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const conditions = isPlainObject(ctx.template.Conditions) ? Object.keys(ctx.template.Conditions) : [];
    const expect = (name: unknown, path: JsonPath): void => {
      if (typeof name !== 'string') {
        ctx.report({
          path,
          message: 'A condition must be named by a string.',
          fix: 'Give the name of a condition declared under Conditions.',
        });
      } else if (!conditions.includes(name)) {
        ctx.report({
          path,
          message: `Condition "${name}" is not declared.${didYouMean(name, conditions)}`,
          fix: 'Declare it under Conditions or correct the name.',
        });
      }
    };
    return {
      template(t) {
        if (!isPlainObject(t) || !isPlainObject(t.Outputs)) return;
        for (const [id, out] of Object.entries(t.Outputs))
          if (isPlainObject(out) && 'Condition' in out) expect(out.Condition, ['Outputs', id, 'Condition']);
      },
      resource(node) {
        if ('Condition' in node.resource) expect(node.resource.Condition, [...node.path, 'Condition']);
      },
      intrinsic(node) {
        if (node.fn === 'Fn::If') {
          if (!Array.isArray(node.arg) || node.arg.length !== 3) {
            ctx.report({
              path: [...node.path, 'Fn::If'],
              message: 'Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse].',
              fix: 'Give exactly three elements.',
            });
            return;
          }
          expect(node.arg[0], [...node.path, 'Fn::If', 0]);
        } else if (node.fn === 'Condition') {
          expect(node.arg, [...node.path, 'Condition']);
        }
      },
    };
  },
};
