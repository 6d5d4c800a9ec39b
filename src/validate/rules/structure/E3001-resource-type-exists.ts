// E3001: every resource is an object with a Type the specification knows, and only the resource attributes CloudFormation accepts.
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';
import { isPlainObject } from '../../engine.js';

const RESOURCE_KEYS = [
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
];

export const rule: Rule = {
  id: 'E3001',
  name: 'resource-type-exists',
  title: 'Resource types exist and resources use known attributes',
  description:
    'Each resource declares a Type found in the CloudFormation resource specification (or a custom resource type) and uses only known resource-level keys.',
  docsUrl: `${CFN_DOCS}/resources-section-structure.html`,
  tags: ['structure', 'resources', 'spec'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    template(t) {
      if (!isPlainObject(t) || !isPlainObject(t.Resources)) return;
      for (const [id, res] of Object.entries(t.Resources)) {
        if (!isPlainObject(res))
          ctx.report({
            path: ['Resources', id],
            message: `Resource ${id} is not a JSON object.`,
            fix: 'Declare it as {"Type": "AWS::...", "Properties": {...}}.',
          });
      }
    },
    resource(node) {
      const res = node.resource as unknown as Record<string, unknown>;
      for (const key of Object.keys(res)) {
        if (!RESOURCE_KEYS.includes(key)) {
          ctx.report({
            path: [...node.path, key],
            message: `"${key}" is not a resource attribute.${didYouMean(key, RESOURCE_KEYS)}`,
            fix: `Use only ${RESOURCE_KEYS.join(', ')}.`,
          });
        }
      }
      if (typeof res.Type !== 'string') {
        ctx.report({
          path: [...node.path, 'Type'],
          message: `Resource ${node.id} has no Type.`,
          fix: 'Add "Type": "AWS::Service::Resource".',
        });
        return;
      }
      if (!node.spec && !node.custom) {
        ctx.report({
          path: [...node.path, 'Type'],
          message: `Resource type ${res.Type} does not exist in the CloudFormation resource specification.${didYouMean(res.Type, ctx.spec.resourceTypes())}`,
          fix: 'Use a type from the CloudFormation resource type reference, or Custom::Name for a custom resource.',
        });
      }
      if (res.Properties !== undefined && !isPlainObject(res.Properties)) {
        ctx.report({
          path: [...node.path, 'Properties'],
          message: `Properties of ${node.id} must be a JSON object.`,
          fix: 'Give Properties as {"Name": value}.',
        });
      }
    },
  }),
};
