// E3012: each property value has the shape the specification declares (string, number, boolean, list, object).
import { isPlainObject } from '../../engine.js';
import type { SpecResource, SpecType } from '../../spec/spec-index.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS } from '../helpers.js';

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
  description: 'Each property value matches the type the CloudFormation resource specification declares (string, number, boolean, list, object, nested property type); intrinsic functions are accepted where a value is expected.',
  docsUrl: `${CFN_DOCS}/resources-section-structure.html`,
  tags: ['structure', 'properties', 'spec'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    typedValue(node) {
      if (fits(node.value, node.expected) || node.previous?.some((t) => fits(node.value, t))) return;
      const want = describe(node.expected, node.resource.spec);
      ctx.report({ path: node.path, message: `Expected ${want}, found ${shapeOf(node.value)}.`, fix: `Give ${want} (or an intrinsic function that returns one).` });
    },
  }),
};
