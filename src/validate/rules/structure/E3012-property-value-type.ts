// E3012: each property value has the shape the specification declares (string, number, boolean, list, object).
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { SpecResource, SpecType } from '../../spec/spec-index.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS } from '../helpers.js';
import { returnShape, type ReturnShape } from '../intrinsic-shape.js';

/** Whether `v` fits `t`, with CloudFormation's own coercions (numbers and booleans as strings, and back). */
export function fits(v: unknown, t: SpecType): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'string':
    case 'date-time':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
    case 'integer':
      return (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && Number.isInteger(Number(v));
    case 'boolean':
      return typeof v === 'boolean' || (typeof v === 'string' && /^(true|false)$/i.test(v));
    case 'json':
      return isPlainObject(v) || typeof v === 'string';
    case 'tag':
    case 'ref':
    case 'map':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'union':
      return t.types.some((x) => fits(v, x));
  }
}

/** Whether a function result of `shape` can fill a property of type `t`. */
export function acceptsShape(t: SpecType, shape: ReturnShape): boolean {
  switch (t.kind) {
    case 'any':
    case 'json':
      return true;
    case 'array':
      return shape === 'list';
    case 'tag':
    case 'ref':
    case 'map':
      return false;
    case 'union':
      return t.types.some((x) => acceptsShape(x, shape));
    default:
      return shape === 'string';
  }
}

export function describe(t: SpecType, spec: SpecResource | undefined): string {
  switch (t.kind) {
    case 'array':
      return `a list of ${describe(t.element, spec)}`;
    case 'map':
      return `an object of ${describe(t.element, spec)}`;
    case 'ref':
      return t.ref ? `a ${spec?.types[t.ref]?.name ?? 'property'} object` : 'an object';
    case 'tag':
      return 'a {Key, Value} tag';
    case 'union':
      return t.types.map((x) => describe(x, spec)).join(' or ');
    case 'json':
      return 'a JSON object';
    case 'integer':
      return 'an integer';
    default:
      return `a ${t.kind}`;
  }
}

function shapeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

export const rule: Rule = {
  id: 'E3012',
  name: 'property-value-type',
  title: 'Property values have the declared shape',
  description:
    'Each property value matches the type the CloudFormation resource specification declares (string, number, boolean, list, object, nested property type); a function call is judged by what it returns (a list from Fn::GetAZs, Fn::Split, Fn::Cidr or a List parameter is no string; Fn::Join and Fn::Sub return no list).',
  docsUrl: `${CFN_DOCS}/resources-section-structure.html`,
  tags: ['structure', 'properties', 'spec'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    typedValue(node) {
      if (intrinsicName(node.value)) {
        const shape = returnShape(node.value, ctx.template, ctx.spec);
        if (
          shape === undefined ||
          acceptsShape(node.expected, shape) ||
          node.previous?.some((t) => acceptsShape(t, shape))
        )
          return;
        const want = describe(node.expected, node.resource.spec);
        const fn = Object.keys(node.value as object)[0] as string;
        const arg = (node.value as Record<string, unknown>)[fn];
        const call = fn === 'Ref' && typeof arg === 'string' ? `Ref ${arg}` : fn;
        ctx.report({
          path: node.path,
          message: `Expected ${want}, but ${call} returns ${shape === 'list' ? 'a list' : 'a string'}.`,
          fix:
            shape === 'list'
              ? 'Pick one element with Fn::Select, or join the list with Fn::Join.'
              : `Give ${want}: e.g. Fn::Split a delimited string, or Ref a List<...> / CommaDelimitedList parameter.`,
        });
        return;
      }
      if (fits(node.value, node.expected) || node.previous?.some((t) => fits(node.value, t))) return;
      const want = describe(node.expected, node.resource.spec);
      ctx.report({
        path: node.path,
        message: `Expected ${want}, found ${shapeOf(node.value)}.`,
        fix: `Give ${want} (or an intrinsic function that returns one).`,
      });
    },
  }),
};
