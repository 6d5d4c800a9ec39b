// E3002: every property (and nested property) exists for its resource type in the specification.
import type { Rule } from '../../types.js';
import { intrinsicName, isPlainObject } from '../../template-values.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';

export const rule: Rule = {
  id: 'E3002',
  name: 'property-exists',
  title: 'Properties exist for their resource type',
  description:
    "Every key under a resource's Properties, under each nested property type and in each tag ({Key, Value}), is declared by the CloudFormation resource specification.",
  docsUrl: `${CFN_DOCS}/resources-section-structure.html`,
  tags: ['structure', 'properties', 'spec'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    // A tag is the spec's own shape, not a nested property type: exactly Key and Value.
    typedValue(node) {
      if (node.expected.kind !== 'tag' || !isPlainObject(node.value) || intrinsicName(node.value)) return;
      for (const key of Object.keys(node.value)) {
        if (key === 'Key' || key === 'Value') continue;
        ctx.report({
          path: [...node.path, key],
          message: `A tag has no property "${key}".${didYouMean(key, ['Key', 'Value'])}`,
          fix: 'Give each tag as {"Key": "...", "Value": "..."}.',
        });
      }
    },
    typedObject(node) {
      const known = Object.keys(node.spec.properties);
      for (const key of Object.keys(node.value)) {
        if (key in node.spec.properties) continue;
        const where =
          node.path.length === 3 ? node.resource.resource.Type : `${node.resource.resource.Type} ${node.spec.name}`;
        ctx.report({
          path: [...node.path, key],
          message: `${where} has no property "${key}".${didYouMean(key, known)}`,
          fix: `Remove it or use one of: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}.`,
        });
      }
    },
  }),
};
