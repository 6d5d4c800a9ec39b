// E3001: every resource is an object with a Type the specification knows, and only the resource attributes CloudFormation accepts.
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';
import { isPlainObject } from '../../template-values.js';

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

/**
 * Types CloudFormation accepts that have no registry schema to check against: the CDK's metadata resource and
 * registry modules (`Org::Service::Name::MODULE`), whose properties are the module's own parameters.
 */
function acceptedWithoutSchema(type: string): boolean {
  return type === 'AWS::CDK::Metadata' || /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+::MODULE$/.test(type);
}

export const rule: Rule = {
  id: 'E3001',
  name: 'resource-type-exists',
  title: 'Resource types exist and resources use known attributes',
  description:
    'Each resource declares a literal Type found in the CloudFormation resource specification (or a custom resource type, AWS::CDK::Metadata or a registry module type ending in ::MODULE) and uses only known resource-level keys (custom resources may also carry Version).',
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
        else if (res.Type === undefined)
          ctx.report({
            path: ['Resources', id],
            message: `Resource ${id} has no Type.`,
            fix: 'Add "Type": "AWS::Service::Resource".',
          });
        else if (typeof res.Type !== 'string')
          ctx.report({
            path: ['Resources', id, 'Type'],
            message: `The Type of resource ${id} is ${Array.isArray(res.Type) ? 'a list' : typeof res.Type === 'object' ? 'an object' : `the ${typeof res.Type} ${JSON.stringify(res.Type)}`}; CloudFormation takes only a literal type name here (no intrinsic functions).`,
            fix: 'Write the type as a string, e.g. "Type": "AWS::SNS::Topic".',
          });
      }
    },
    resource(node) {
      const res = node.resource as unknown as Record<string, unknown>;
      for (const key of Object.keys(res)) {
        // Custom resources keep the old resource-level "Version" attribute CloudFormation still accepts for them.
        if (key === 'Version' && node.custom) continue;
        if (!RESOURCE_KEYS.includes(key)) {
          ctx.report({
            path: [...node.path, key],
            message: `"${key}" is not a resource attribute.${didYouMean(key, RESOURCE_KEYS)}`,
            fix: `Use only ${RESOURCE_KEYS.join(', ')}.`,
          });
        }
      }
      if (!node.spec && !node.custom && !acceptedWithoutSchema(node.resource.Type)) {
        ctx.report({
          path: [...node.path, 'Type'],
          message: `Resource type ${node.resource.Type} does not exist in the CloudFormation resource specification.${didYouMean(node.resource.Type, ctx.spec.resourceTypes())}`,
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
