// E1010: Fn::GetAtt names a resource of this template and an attribute its type has.
import type { Rule } from '../../types.js';
import { didYouMean, getAttTarget, moduleGenerated, TEMPLATE_REF } from '../helpers.js';
import { isCustomType, isPlainObject } from '../../template-values.js';
import type { JsonPath } from '../../../templates/json-source.js';
import type { RuleContext } from '../../types.js';

/** Checks `resource.attribute` against the template and the specification; shared with Fn::Sub's `${Res.Attr}`. */
export function checkAttribute(
  ctx: RuleContext,
  path: JsonPath,
  resource: string,
  attribute: string | undefined,
): void {
  const resources = isPlainObject(ctx.template.Resources) ? ctx.template.Resources : {};
  const res = resources[resource];
  if (!res && moduleGenerated(ctx.template, resource)) return;
  if (!res) {
    ctx.report({
      path,
      message: `Fn::GetAtt refers to "${resource}", which is not a resource of this template.${didYouMean(resource, Object.keys(resources))}`,
      fix: 'Name a logical id declared under Resources.',
    });
    return;
  }
  if (attribute === undefined || typeof res.Type !== 'string' || isCustomType(res.Type)) return;
  // A nested stack's outputs are attributes named Outputs.<Name>.
  if (res.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
  const spec = ctx.spec.resource(res.Type);
  if (!spec || spec.attributes.includes(attribute)) return;
  ctx.report({
    path,
    message: `${res.Type} has no attribute "${attribute}".${didYouMean(attribute, spec.attributes)}`,
    fix: `Use one of: ${spec.attributes.join(', ') || '(this type has no attributes; use Ref)'}.`,
  });
}

export const rule: Rule = {
  id: 'E1010',
  name: 'getatt-attribute-exists',
  title: 'Fn::GetAtt targets exist and have the attribute',
  description:
    'Fn::GetAtt (and ${Resource.Attribute} in Fn::Sub) names a resource declared in the template and an attribute its type returns according to the CloudFormation resource specification.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-getatt.html`,
  tags: ['structure', 'references', 'spec'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    intrinsic(node) {
      if (node.fn !== 'Fn::GetAtt') return;
      const target = getAttTarget(node.arg);
      if (!target) {
        ctx.report({
          path: node.path,
          message: 'Fn::GetAtt must be "Resource.Attribute" or ["Resource", "Attribute"].',
          fix: 'Write {"Fn::GetAtt": ["LogicalId", "Attribute"]}.',
        });
        return;
      }
      checkAttribute(ctx, [...node.path, 'Fn::GetAtt'], target.resource, target.attribute);
    },
  }),
};
