// E3021: properties that require or exclude each other (registry `dependencies`, `dependentRequired`,
// `dependentExcluded`) are set together or apart as the schema says.
import type { Rule } from '../../types.js';
import type { JsonSchema } from '../../schema/registry-schemas.js';
import { deref } from '../../schema/registry-schemas.js';
import { isIntrinsic, members } from '../../scenario/view.js';
import { describeShape, isShapeBranch, matchesShape } from './groups.js';
import { REGISTRY_DOCS, where } from './shared.js';

function table(x: unknown): Record<string, unknown> {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

export const rule: Rule = {
  id: 'E3021',
  name: 'dependent-properties',
  title: 'Properties that require or exclude each other are set accordingly',
  description:
    'When a property is set, the properties its registry schema says it depends on (dependencies / dependentRequired) are set too, and those it excludes (dependentExcluded) are not. Judged per condition scenario.',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'properties', 'registry', 'conditions'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      if (isIntrinsic(node.view) || Array.isArray(node.view.raw) || typeof node.view.raw !== 'object') return;
      const present = new Set(members(node.view, node.conditions).map(([k]) => k));
      const requires = { ...table(node.schema.dependencies), ...table(node.schema.dependentRequired) };
      for (const [prop, dep] of Object.entries(requires)) {
        if (!present.has(prop)) continue;
        if (Array.isArray(dep)) {
          const missing = dep.map(String).filter((d) => !present.has(d));
          if (missing.length)
            ctx.report({
              path: [...node.view.path, prop],
              message: `${where(node)}: ${prop} requires ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not set.`,
              fix: `Set ${missing.join(' and ')} as well, or remove ${prop}.`,
            });
        } else if (dep && typeof dep === 'object') {
          const schema = deref(dep as JsonSchema, node.root);
          if (isShapeBranch(schema, node.root) && !matchesShape(schema, present, node.root))
            ctx.report({
              path: [...node.view.path, prop],
              message: `${where(node)}: with ${prop} set, the properties must be: ${describeShape(schema, node.root)}.`,
              fix: `Adjust the properties next to ${prop} (${describeShape(schema, node.root)}), or remove ${prop}.`,
            });
        }
      }
      for (const [prop, excluded] of Object.entries(table(node.schema.dependentExcluded))) {
        if (!present.has(prop) || !Array.isArray(excluded)) continue;
        const clash = excluded.map(String).filter((d) => present.has(d));
        if (clash.length)
          ctx.report({
            path: [...node.view.path, prop],
            message: `${where(node)}: ${prop} cannot be set together with ${clash.join(' or ')}.`,
            fix: `Keep either ${prop} or ${clash.join(' and ')}.`,
          });
      }
    },
  }),
};
