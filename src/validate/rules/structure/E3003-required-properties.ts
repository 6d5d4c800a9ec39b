// E3003: properties the specification marks required are present (on the resource and on nested property types).
import type { Rule } from '../../types.js';
import { intrinsicName, isPlainObject } from '../../engine.js';
import { CFN_DOCS } from '../helpers.js';

export const rule: Rule = {
  id: 'E3003',
  name: 'required-properties',
  title: 'Required properties are present',
  description:
    'Properties the CloudFormation resource specification marks as required are set, on resources, on nested property types and on tags (Key and Value).',
  docsUrl: `${CFN_DOCS}/resources-section-structure.html`,
  tags: ['structure', 'properties', 'spec'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    resource(node) {
      if (!node.spec || node.resource.Properties !== undefined) return;
      const missing = Object.entries(node.spec.properties)
        .filter(([, p]) => p.required)
        .map(([n]) => n);
      if (missing.length) {
        ctx.report({
          path: node.path,
          message: `${node.resource.Type} ${node.id} is missing required properties: ${missing.join(', ')}.`,
          fix: `Add Properties with ${missing.join(', ')}.`,
        });
      }
    },
    typedValue(node) {
      if (node.expected.kind !== 'tag' || !isPlainObject(node.value) || intrinsicName(node.value)) return;
      for (const key of ['Key', 'Value']) {
        if (!(key in node.value))
          ctx.report({
            path: node.path,
            message: `A tag of ${node.resource.id} is missing required property "${key}".`,
            fix: 'Give each tag as {"Key": "...", "Value": "..."}.',
          });
      }
    },
    typedObject(node) {
      for (const [name, p] of Object.entries(node.spec.properties)) {
        if (!p.required || name in node.value) continue;
        const where =
          node.path.length === 3 ? node.resource.resource.Type : `${node.resource.resource.Type} ${node.spec.name}`;
        ctx.report({
          path: node.path,
          message: `${where} is missing required property "${name}".`,
          fix: `Add "${name}".`,
        });
      }
    },
  }),
};
