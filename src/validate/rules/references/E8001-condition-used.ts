// E8001: every declared condition is used by a resource, an output, Fn::If or another condition.
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS } from '../helpers.js';

export const rule: Rule = {
  id: 'E8001',
  name: 'condition-used',
  title: 'Every condition is used',
  description:
    "Each condition declared under Conditions is named by a resource or output Condition attribute, by Fn::If (also inside a resource's Metadata, which CloudFormation resolves), or by another condition.",
  docsUrl: `${CFN_DOCS}/conditions-section-structure.html`,
  tags: ['references', 'conditions'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const used = new Set<string>();
    return {
      template(t) {
        if (!isPlainObject(t) || !isPlainObject(t.Outputs)) return;
        for (const out of Object.values(t.Outputs))
          if (isPlainObject(out) && typeof out.Condition === 'string') used.add(out.Condition);
      },
      resource(node) {
        if (typeof node.resource.Condition === 'string') used.add(node.resource.Condition);
      },
      intrinsic(node) {
        // Fn::If in a resource's Metadata (cfn-init configuration) is resolved like its Properties.
        if (node.inMetadata && node.section !== 'Resources') return;
        if (node.fn === 'Fn::If' && Array.isArray(node.arg) && typeof node.arg[0] === 'string') used.add(node.arg[0]);
        if (node.fn === 'Condition' && typeof node.arg === 'string') used.add(node.arg);
      },
      end() {
        if (!isPlainObject(ctx.template.Conditions)) return;
        for (const name of Object.keys(ctx.template.Conditions)) {
          if (!used.has(name))
            ctx.report({
              path: ['Conditions', name],
              message: `Condition ${name} is never used.`,
              fix: 'Use it on a resource, an output or in Fn::If, or remove it.',
            });
        }
      },
    };
  },
};
