// E2001: every declared parameter is used somewhere that matters (Metadata does not count).
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, referencedNames } from '../helpers.js';

export const rule: Rule = {
  id: 'E2001',
  name: 'parameter-used',
  title: 'Every parameter is used',
  description:
    "Each parameter is referenced (Ref or Fn::Sub) from Resources (including a resource's Metadata, e.g. AWS::CloudFormation::Init), Outputs, Conditions or Rules. A reference only from the template-level Metadata (e.g. Metadata.Drctl) does not count, since CloudFormation never resolves it; parameters drctl passes automatically must also be used when declared. An unused parameter in a layer template is usually a wiring mistake.",
  docsUrl: `${CFN_DOCS}/parameters-section-structure.html`,
  tags: ['references', 'parameters'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const used = new Set<string>();
    return {
      intrinsic(node) {
        // A resource's Metadata is resolved by CloudFormation and read by cfn-init (AWS::CloudFormation::Init), so a
        // reference there is a use; the template-level Metadata is never resolved, so one there is not.
        if (node.inMetadata && node.section !== 'Resources') return;
        for (const name of referencedNames(node.fn, node.arg)) used.add(name);
      },
      end() {
        if (!isPlainObject(ctx.template.Parameters)) return;
        for (const name of Object.keys(ctx.template.Parameters)) {
          if (used.has(name)) continue;
          const automatic = ctx.automaticParameters.includes(name)
            ? ' (drctl passes it automatically, but nothing in the template reads it)'
            : '';
          ctx.report({
            path: ['Parameters', name],
            message: `Parameter ${name} is never used${automatic}.`,
            fix: `Reference it with {"Ref": "${name}"} or \${${name}}, or remove it.`,
          });
        }
      },
    };
  },
};
