// E3003: required properties are present: those the CloudFormation registry schema requires (on the resource and on
// every nested object, per condition scenario) and, for types the registry package does not carry, those the resource
// specification marks required. Tags need Key and Value.
import type { Rule } from '../../types.js';
import { intrinsicName, isPlainObject } from '../../template-values.js';
import { branches } from '../../schema/registry-schemas.js';
import { isIntrinsic, members } from '../../scenario/view.js';
import { CFN_DOCS } from '../helpers.js';
import { where } from '../constraints/shared.js';

export const rule: Rule = {
  id: 'E3003',
  name: 'required-properties',
  title: 'Required properties are present',
  description:
    'Properties the CloudFormation registry schema of the resource type requires are set on the resource and on each nested object, in every condition scenario in which the resource exists (a required property that is AWS::NoValue in one branch is missing there). Types without a registry schema use the resource specification; tags need Key and Value.',
  docsUrl: `${CFN_DOCS}/resources-section-structure.html`,
  tags: ['structure', 'properties', 'registry', 'spec', 'conditions'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => {
    const inRegistry = (type: string): boolean => ctx.registry.get(type) !== undefined;
    return {
      resource(node) {
        if (!node.spec || node.resource.Properties !== undefined || inRegistry(node.resource.Type)) return;
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
      schema(node) {
        if (isIntrinsic(node.view) || !isPlainObject(node.view.raw)) return;
        const required = new Set<string>();
        const add = (list: unknown): void => {
          if (Array.isArray(list)) for (const k of list) required.add(String(k));
        };
        add(node.schema.required);
        for (const b of branches(node.schema, 'allOf', node.root)) add(b.required);
        const atRoot = node.view.path.length <= 3;
        const spec = node.resource.spec;
        if (atRoot && spec) {
          // The registry also describes Cloud Control API use: a property it requires that the resource
          // specification does not offer to templates at all (a nested stack's StackName) is not a template's to set.
          for (const k of [...required]) if (!(k in spec.properties)) required.delete(k);
          // The specification's required properties count too (the registry package lags new resource versions).
          for (const [n, p] of Object.entries(spec.properties)) if (p.required) required.add(n);
        }
        const present = new Set(members(node.view, node.conditions).map(([k]) => k));
        const missing = [...required].filter((k) => !present.has(k));
        if (!missing.length) return;
        ctx.report({
          path: node.view.path,
          message:
            node.view.path.length === 2
              ? `${node.resource.resource.Type} ${node.resource.id} has no Properties; it requires ${missing.join(', ')}.`
              : `${where(node)} is missing required propert${missing.length === 1 ? 'y' : 'ies'} ${missing.map((m) => `"${m}"`).join(', ')}.`,
          fix: `Add ${missing.join(', ')}.`,
        });
      },
      typedValue(node) {
        // Registry schemas declare their tag shape (Key and Value required) themselves.
        if (inRegistry(node.resource.resource.Type)) return;
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
        if (inRegistry(node.resource.resource.Type)) return;
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
    };
  },
};
