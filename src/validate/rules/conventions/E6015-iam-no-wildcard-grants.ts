// E6015: identity policies grant no service-wide wildcard actions on every resource (least privilege, DESIGN.md §6).
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';

const IAM_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  // Inline policies declared as their own resources.
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
]);

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

export const rule: Rule = {
  id: 'E6015',
  name: 'iam-no-wildcard-grants',
  title: 'No wildcard grants in IAM policies',
  description:
    'An Allow statement of an IAM role, user, group or policy (also AWS::IAM::RolePolicy / UserPolicy / GroupPolicy) never combines a wildcard action ("*" or "service:*") with Resource "*"; grant the actions the workload calls on the resources it owns (DESIGN.md §6: least-privilege IAM with resource-scoped statements). Key policies of KMS keys are not IAM identity policies and are not checked.',
  docsUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  tags: ['conventions', 'security', 'iam'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => {
    const types = new Map<string, string>();
    return {
      resource(node) {
        types.set(node.id, node.resource.Type);
      },
      value(node) {
        if (
          node.section !== 'Resources' ||
          node.inMetadata ||
          !node.resourceId ||
          !IAM_TYPES.has(types.get(node.resourceId) ?? '')
        )
          return;
        const s = node.value;
        if (!isPlainObject(s) || s.Effect !== 'Allow' || !('Action' in s) || !('Resource' in s)) return;
        const wildActions = list(s.Action).filter(
          (a): a is string => typeof a === 'string' && (a === '*' || /^[a-z0-9-]+:\*$/i.test(a)),
        );
        const everyResource = list(s.Resource).some((r) => r === '*');
        if (wildActions.length && everyResource) {
          ctx.report({
            path: [...node.path, 'Action'],
            message: `${node.resourceId} allows ${wildActions.join(', ')} on every resource.`,
            fix: 'List the specific actions used and scope Resource to the ARNs the workload owns.',
          });
        }
      },
    };
  },
};
