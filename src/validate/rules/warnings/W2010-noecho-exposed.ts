// W2010: a NoEcho parameter is masked in the console and API only where CloudFormation masks it: an Output or a
// resource's Metadata that references it shows the secret in clear to anyone who can describe the stack.
import type { Rule } from '../../types.js';
import { CFN_DOCS, referencedNames } from '../helpers.js';
import { isPlainObject } from '../../template-values.js';

export const rule: Rule = {
  id: 'W2010',
  name: 'noecho-exposed',
  title: 'NoEcho parameters are not exposed in Outputs or Metadata',
  description:
    "A parameter declared with NoEcho is not referenced from Outputs or a resource's Metadata, where CloudFormation shows resolved values unmasked (describe-stacks, the console, cfn-init).",
  docsUrl: `${CFN_DOCS}/parameters-section-structure.html`,
  tags: ['parameters', 'security', 'warning'],
  severity: 'warning',
  family: 'references',
  check: (ctx) => {
    const params = isPlainObject(ctx.template.Parameters) ? ctx.template.Parameters : {};
    const secret = new Set(
      Object.entries(params)
        .filter(([, p]) => isPlainObject(p) && (p.NoEcho === true || (p.NoEcho as unknown) === 'true'))
        .map(([n]) => n),
    );
    return {
      intrinsic(node) {
        if (!secret.size) return;
        const exposed = node.section === 'Outputs' || (node.section === 'Resources' && node.inMetadata);
        if (!exposed) return;
        for (const name of referencedNames(node.fn, node.arg))
          if (secret.has(name))
            ctx.report({
              path: [...node.path, node.fn],
              message: `NoEcho parameter ${name} is referenced from ${node.section === 'Outputs' ? 'Outputs' : 'resource Metadata'}, where its value is shown unmasked.`,
              fix: `Do not expose ${name}; keep secrets in Secrets Manager or SSM SecureString and reference them with a dynamic reference.`,
            });
      },
    };
  },
};
