// What shape of value an intrinsic function returns, as far as the template alone tells: CloudFormation rejects a
// list where a string is wanted (e.g. Fn::GetAZs given to AvailabilityZone) and a string where a list is wanted
// (e.g. Fn::Join given to SubnetIds), so E3012 needs this to judge property values that are function calls.
import { intrinsicName, isPlainObject } from '../template-values.js';
import type { CfnTemplate } from '../../templates/template-types.js';
import type { SpecIndex } from '../spec/spec-index.js';
import { getAttTarget } from './helpers.js';

export type ReturnShape = 'string' | 'list';

/** List-valued parameter types: `List<...>`, `CommaDelimitedList`, and SSM parameter types wrapping either. */
export function isListParameterType(type: string): boolean {
  const inner = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type)?.[1] ?? type;
  return inner === 'CommaDelimitedList' || inner.startsWith('List<');
}

/**
 * The shape `value` evaluates to, or undefined when it is not an intrinsic or the template does not say
 * (Fn::FindInMap can return either; AWS::NoValue removes the property instead). Fn::GetAtt is judged by the
 * attribute's type in the specification when `spec` is given.
 */
export function returnShape(value: unknown, template: CfnTemplate, spec?: SpecIndex): ReturnShape | undefined {
  const fn = intrinsicName(value);
  if (!fn) return undefined;
  const arg = (value as Record<string, unknown>)[fn];
  switch (fn) {
    case 'Fn::GetAZs':
    case 'Fn::Split':
    case 'Fn::Cidr':
      return 'list';
    case 'Fn::Join':
    case 'Fn::Sub':
    case 'Fn::Base64':
    case 'Fn::ImportValue':
    case 'Fn::ToJsonString':
      return 'string';
    case 'Ref': {
      if (typeof arg !== 'string' || arg === 'AWS::NoValue') return undefined;
      if (arg === 'AWS::NotificationARNs') return 'list';
      if (arg.startsWith('AWS::')) return 'string';
      const params = isPlainObject(template.Parameters) ? (template.Parameters as Record<string, unknown>) : {};
      const p = params[arg];
      if (isPlainObject(p)) return typeof p.Type === 'string' && isListParameterType(p.Type) ? 'list' : 'string';
      // A resource's Ref is its physical id or ARN: always a string.
      return isPlainObject(template.Resources) && arg in template.Resources ? 'string' : undefined;
    }
    case 'Fn::GetAtt': {
      const target = getAttTarget(arg);
      const res = target && isPlainObject(template.Resources) ? template.Resources[target.resource] : undefined;
      const entry = spec && isPlainObject(res) && typeof res.Type === 'string' ? spec.resource(res.Type) : undefined;
      if (!entry || target?.attribute === undefined) return undefined;
      if (entry.listAttributes?.includes(target.attribute)) return 'list';
      return entry.scalarAttributes?.includes(target.attribute) ? 'string' : undefined;
    }
    case 'Fn::Select': {
      // One element of a list a function built is a string; an element of a literal list can be anything.
      const list = Array.isArray(arg) ? arg[1] : undefined;
      return returnShape(list, template, spec) === 'list' ? 'string' : undefined;
    }
    default:
      return undefined;
  }
}
