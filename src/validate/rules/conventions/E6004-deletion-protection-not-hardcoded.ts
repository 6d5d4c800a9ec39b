// E6004: deletion protection is a parameter (true for production), never hard-coded true.
import type { Rule } from '../../types.js';
import { CFN_DOCS, literalLeaves } from '../helpers.js';
import { isPlainObject } from '../../template-values.js';

const FLAGS = new Set([
  'DeletionProtection',
  'DeletionProtectionEnabled',
  'DisableApiTermination',
  'TerminationProtection',
]);
const ATTRIBUTE_KEYS = new Set(['deletion_protection.enabled']);

export const rule: Rule = {
  id: 'E6004',
  name: 'deletion-protection-not-hardcoded',
  title: 'Deletion protection is not hard-coded on',
  description:
    'DeletionProtection (RDS), DeletionProtectionEnabled (DynamoDB, log groups), DisableApiTermination (EC2) and the load balancer attribute deletion_protection.enabled are never literally true, nor taken from a parameter that defaults to true: they come from a parameter that defaults to false, so test environments can be destroyed (DESIGN.md §6).',
  docsUrl: `${CFN_DOCS}/using-cfn-protect-stacks.html`,
  tags: ['conventions', 'lifecycle'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => {
    const params = isPlainObject(ctx.template.Parameters) ? ctx.template.Parameters : {};
    const defaultsTrue = (v: unknown): string | undefined => {
      if (!isPlainObject(v) || typeof v.Ref !== 'string' || Object.keys(v).length !== 1) return undefined;
      const p = params[v.Ref];
      return isPlainObject(p) && String(p.Default).toLowerCase() === 'true' ? v.Ref : undefined;
    };
    return {
      value(node) {
        if (node.section !== 'Resources' || node.inMetadata) return;
        const isTrue = literalLeaves(node.value).some(
          (x) => x === true || (typeof x === 'string' && x.toLowerCase() === 'true'),
        );
        if (node.key && FLAGS.has(node.key) && isTrue) {
          ctx.report({
            path: node.path,
            message: `${node.resourceId}.${node.key} is hard-coded true.`,
            fix: `Use {"Ref": "DeletionProtection"} (a parameter with "AllowedValues": ["true", "false"], "Default": "false").`,
          });
        }
        // A parameter that defaults to true is hard-coding by another name: test environments get protection nobody set.
        const param = node.key && FLAGS.has(node.key) ? defaultsTrue(node.value) : undefined;
        if (param)
          ctx.report({
            path: node.path,
            message: `${node.resourceId}.${node.key} comes from parameter ${param}, which defaults to true.`,
            fix: `Set "Default": "false" on ${param}; production turns it on in config/prod.json.`,
          });
        // Load balancers: {"Key": "deletion_protection.enabled", "Value": "true"} in LoadBalancerAttributes.
        if (isPlainObject(node.value) && typeof node.value.Key === 'string' && ATTRIBUTE_KEYS.has(node.value.Key)) {
          if (
            literalLeaves(node.value.Value).some(
              (x) => x === true || (typeof x === 'string' && x.toLowerCase() === 'true'),
            )
          ) {
            ctx.report({
              path: [...node.path, 'Value'],
              message: `${node.resourceId} sets ${node.value.Key} to a hard-coded true.`,
              fix: 'Use {"Ref": "DeletionProtection"} as the attribute value.',
            });
          }
          const attrParam = defaultsTrue(node.value.Value);
          if (attrParam)
            ctx.report({
              path: [...node.path, 'Value'],
              message: `${node.resourceId} sets ${node.value.Key} from parameter ${attrParam}, which defaults to true.`,
              fix: `Set "Default": "false" on ${attrParam}.`,
            });
        }
      },
    };
  },
};
