// E2002: parameters are well-formed: a known Type, known keys, and a Default that satisfies the parameter's own constraints.
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';

const KEYS = [
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
];
const BASIC = new Set(['String', 'Number', 'List<Number>', 'CommaDelimitedList', 'AWS::SSM::Parameter::Name']);
/** AWS-specific types (`AWS::EC2::VPC::Id`), their lists, and SSM parameter types wrapping any of them. */
const AWS_SPECIFIC = /^(List<)?AWS::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?>?$/;
const SSM_VALUE = /^AWS::SSM::Parameter::Value<(.+)>$/;

export function isParameterType(t: string): boolean {
  const inner = SSM_VALUE.exec(t)?.[1];
  if (inner !== undefined)
    return inner === 'String' || inner === 'List<String>' || inner === 'CommaDelimitedList' || AWS_SPECIFIC.test(inner);
  return BASIC.has(t) || (AWS_SPECIFIC.test(t) && t.startsWith('List<') === t.endsWith('>'));
}

/** CloudFormation matches AllowedPattern against the whole value; undefined when the pattern is not a JS regex. */
function fullMatch(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return undefined;
  }
}

export const rule: Rule = {
  id: 'E2002',
  name: 'parameter-definition',
  title: 'Parameters are well-formed and their defaults satisfy their constraints',
  description:
    'Each parameter has a valid Type and only known keys; a Default is in AllowedValues, matches AllowedPattern (an optional input\'s "" too) and respects MinLength / MaxLength / MinValue / MaxValue, else the stack fails to create with the default.',
  docsUrl: `${CFN_DOCS}/parameters-section-structure.html`,
  tags: ['structure', 'parameters'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    template(t) {
      if (!isPlainObject(t) || !isPlainObject(t.Parameters)) return;
      for (const [name, p] of Object.entries(t.Parameters)) {
        const at = ['Parameters', name];
        if (!isPlainObject(p)) {
          ctx.report({
            path: at,
            message: `Parameter ${name} is not an object.`,
            fix: 'Declare it as {"Type": "String", ...}.',
          });
          continue;
        }
        for (const k of Object.keys(p))
          if (!KEYS.includes(k))
            ctx.report({
              path: [...at, k],
              message: `"${k}" is not a parameter property.${didYouMean(k, KEYS)}`,
              fix: `Use only ${KEYS.join(', ')}.`,
            });
        if (typeof p.Type !== 'string' || !isParameterType(p.Type)) {
          ctx.report({
            path: [...at, 'Type'],
            message: `Parameter ${name} has no valid Type (${JSON.stringify(p.Type)}).`,
            fix: 'Use String, Number, List<Number>, CommaDelimitedList, an AWS-specific type or AWS::SSM::Parameter::Value<...>.',
          });
          continue;
        }
        if (p.Default === undefined || (typeof p.Default !== 'string' && typeof p.Default !== 'number')) continue;
        const value = String(p.Default);
        const isNumber = p.Type === 'Number';
        if (isNumber && (value.trim() === '' || !Number.isFinite(Number(value)))) {
          ctx.report({
            path: [...at, 'Default'],
            message: `Default "${value}" of Number parameter ${name} is not a number.`,
            fix: 'Give a numeric default.',
          });
          continue;
        }
        if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(value)) {
          ctx.report({
            path: [...at, 'Default'],
            message: `Default "${value}" of ${name} is not among its AllowedValues.`,
            fix: `Use one of: ${p.AllowedValues.map(String).join(', ')}.`,
          });
        }
        if (
          typeof p.AllowedPattern === 'string' &&
          p.Type === 'String' &&
          fullMatch(p.AllowedPattern, value) === false
        ) {
          ctx.report({
            path: [...at, 'Default'],
            message: `Default "${value}" of ${name} does not match its AllowedPattern ${p.AllowedPattern}.`,
            fix:
              value === ''
                ? 'Let the pattern accept "" for an optional input, e.g. "^$|^arn:...".'
                : 'Change the default or the pattern.',
          });
        }
        if (p.Type === 'String') {
          if (typeof p.MinLength === 'number' && value.length < p.MinLength)
            ctx.report({
              path: [...at, 'Default'],
              message: `Default of ${name} is shorter than MinLength ${p.MinLength}.`,
              fix: 'Change the default or MinLength.',
            });
          if (typeof p.MaxLength === 'number' && value.length > p.MaxLength)
            ctx.report({
              path: [...at, 'Default'],
              message: `Default of ${name} is longer than MaxLength ${p.MaxLength}.`,
              fix: 'Change the default or MaxLength.',
            });
        }
        if (isNumber) {
          const n = Number(value);
          if (p.MinValue !== undefined && n < Number(p.MinValue))
            ctx.report({
              path: [...at, 'Default'],
              message: `Default ${n} of ${name} is below MinValue ${String(p.MinValue)}.`,
              fix: 'Change the default or MinValue.',
            });
          if (p.MaxValue !== undefined && n > Number(p.MaxValue))
            ctx.report({
              path: [...at, 'Default'],
              message: `Default ${n} of ${name} is above MaxValue ${String(p.MaxValue)}.`,
              fix: 'Change the default or MaxValue.',
            });
        }
      }
    },
  }),
};
