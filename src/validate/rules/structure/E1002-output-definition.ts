// E1002: outputs are well-formed: a Value, only known keys, an Export with a Name, at most 200 of them.
import { intrinsicName, isPlainObject } from '../../template-values.js';
import { returnShape } from '../intrinsic-shape.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';

const KEYS = ['Value', 'Description', 'Export', 'Condition'];
const MAX_OUTPUTS = 200;

export const rule: Rule = {
  id: 'E1002',
  name: 'output-definition',
  title: 'Outputs are well-formed',
  description:
    'Each output has a Value that is a string (not a list or object) and only the keys Value, Description, Export and Condition; an Export has a Name; a template declares at most 200 outputs. Outputs are what drctl passes between stacks and regions.',
  docsUrl: `${CFN_DOCS}/outputs-section-structure.html`,
  tags: ['structure', 'outputs'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    template(t) {
      if (!isPlainObject(t) || !isPlainObject(t.Outputs)) return;
      const outputs = Object.entries(t.Outputs);
      if (outputs.length > MAX_OUTPUTS)
        ctx.report({
          path: ['Outputs'],
          message: `The template declares ${outputs.length} outputs; CloudFormation allows ${MAX_OUTPUTS}.`,
          fix: 'Split the stack or drop outputs nobody consumes.',
        });
      for (const [name, out] of outputs) {
        const at = ['Outputs', name];
        if (!isPlainObject(out)) {
          ctx.report({
            path: at,
            message: `Output ${name} is not an object.`,
            fix: 'Declare it as {"Value": ..., "Description": "..."}.',
          });
          continue;
        }
        if (!('Value' in out)) ctx.report({ path: at, message: `Output ${name} has no Value.`, fix: 'Add "Value".' });
        // An output value is a string: a list (literal, Fn::GetAZs, a List parameter, ...) or an object is rejected.
        else if (
          Array.isArray(out.Value) ||
          (isPlainObject(out.Value) && !intrinsicName(out.Value)) ||
          returnShape(out.Value, t, ctx.spec) === 'list'
        ) {
          ctx.report({
            path: [...at, 'Value'],
            message: `The Value of output ${name} is not a string.`,
            fix: 'Join a list with {"Fn::Join": [",", list]}; output one string per value.',
          });
        }
        for (const k of Object.keys(out))
          if (!KEYS.includes(k))
            ctx.report({
              path: [...at, k],
              message: `"${k}" is not an output property.${didYouMean(k, KEYS)}`,
              fix: `Use only ${KEYS.join(', ')}.`,
            });
        if ('Export' in out && !(isPlainObject(out.Export) && 'Name' in out.Export))
          ctx.report({
            path: [...at, 'Export'],
            message: `The Export of ${name} has no Name.`,
            fix: 'Write "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-' + name + '"}}.',
          });
      }
    },
  }),
};
