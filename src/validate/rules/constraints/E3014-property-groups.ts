// E3014: "exactly one of" (oneOf) and "at least one of" (anyOf) property groups of the registry schema are respected.
import type { Rule } from '../../types.js';
import { branches } from '../../schema/registry-schemas.js';
import { isIntrinsic, members } from '../../scenario/view.js';
import { describeShape, isShapeBranch, matchesShape } from './groups.js';
import { REGISTRY_DOCS, where } from './shared.js';

export const rule: Rule = {
  id: 'E3014',
  name: 'property-groups',
  title: 'Exactly-one-of and at-least-one-of property groups are respected',
  description:
    'Where the CloudFormation registry schema of a resource type (or of a nested property) lists alternative sets of properties (oneOf: exactly one must hold; anyOf: at least one), the properties present satisfy them. Judged per condition scenario, so two properties set under mutually exclusive conditions are not "both set".',
  docsUrl: REGISTRY_DOCS,
  tags: ['constraints', 'properties', 'registry', 'conditions'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    schema(node) {
      if (isIntrinsic(node.view) || Array.isArray(node.view.raw) || typeof node.view.raw !== 'object') return;
      const present = new Set(members(node.view, node.conditions).map(([k]) => k));
      for (const kw of ['oneOf', 'anyOf'] as const) {
        const alts = branches(node.schema, kw, node.root);
        if (alts.length < 2 || !alts.every((b) => isShapeBranch(b, node.root))) continue;
        const matching = alts.filter((b) => matchesShape(b, present, node.root));
        const options = alts.map((b) => describeShape(b, node.root));
        if (kw === 'anyOf' && matching.length === 0)
          ctx.report({
            path: node.view.path,
            message: `${where(node)} needs at least one of: ${options.join('; ')}.`,
            fix: `Set the properties of one of: ${options.join('; ')}.`,
          });
        // Branches whose required properties are all set: two of them means "more than one", not "none".
        const started = alts.filter(
          (b) => Array.isArray(b.required) && b.required.length && b.required.every((k) => present.has(String(k))),
        );
        const several = matching.length > 1 ? matching : matching.length === 0 && started.length > 1 ? started : [];
        if (kw === 'oneOf' && matching.length !== 1)
          ctx.report({
            path: node.view.path,
            message: several.length
              ? `${where(node)} sets more than one of: ${several.map((b) => describeShape(b, node.root)).join('; ')}; exactly one is allowed.`
              : `${where(node)} needs exactly one of: ${options.join('; ')}; it has none.`,
            fix: `Keep exactly one of: ${options.join('; ')}.`,
          });
      }
    },
  }),
};
