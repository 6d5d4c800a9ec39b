// A value checked against one template parameter's declaration, as CloudFormation checks it before it creates
// anything: Type (Number, lists, AWS-specific types by shape), AllowedValues, AllowedPattern, Min/MaxValue and
// Min/MaxLength. What fails says what is allowed and, where one exists, the nearest valid value.
import { nearestName } from '../suggest.js';
import type { CfnParameter } from '../templates/template-types.js';

export interface ConstraintViolation {
  /** What the value breaks, e.g. `AllowedValues`, `Type Number`, `MaxValue`. */
  constraint: string;
  /** The offending value (one element of a list). */
  value: string;
  /** What the template accepts, for people: `10, 30`, `a number from 1 to 100`. */
  allowed: string;
  /** The valid value nearest to the one given, when there is one. */
  nearest?: string;
}

/**
 * Shapes of AWS-specific parameter types. CloudFormation also checks that the resource exists in the account;
 * offline only the shape can be checked (ids are 8 or 17 hex digits).
 */
const AWS_TYPE_SHAPES: Record<string, { pattern: RegExp; allowed: string }> = {
  'AWS::EC2::AvailabilityZone::Name': {
    pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$|^[a-z]{2}(-gov)?-[a-z]+-\d-[a-z0-9-]+-\d[a-z]$/,
    allowed: 'an Availability Zone name such as us-east-1a',
  },
  'AWS::EC2::Image::Id': { pattern: /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, allowed: 'an AMI id (ami-…)' },
  'AWS::EC2::Instance::Id': { pattern: /^i-([0-9a-f]{8}|[0-9a-f]{17})$/, allowed: 'an instance id (i-…)' },
  'AWS::EC2::KeyPair::KeyName': {
    pattern: /^[\x20-\x7e]{1,255}$/,
    allowed: 'a key pair name (1-255 ASCII characters)',
  },
  'AWS::EC2::SecurityGroup::GroupName': {
    pattern: /^[\x20-\x7e]{1,255}$/,
    allowed: 'a security group name (1-255 ASCII characters)',
  },
  'AWS::EC2::SecurityGroup::Id': { pattern: /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, allowed: 'a security group id (sg-…)' },
  'AWS::EC2::Subnet::Id': { pattern: /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, allowed: 'a subnet id (subnet-…)' },
  'AWS::EC2::Volume::Id': { pattern: /^vol-([0-9a-f]{8}|[0-9a-f]{17})$/, allowed: 'a volume id (vol-…)' },
  'AWS::EC2::VPC::Id': { pattern: /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, allowed: 'a VPC id (vpc-…)' },
  'AWS::Route53::HostedZone::Id': { pattern: /^Z[A-Z0-9]{1,32}$/, allowed: 'a hosted zone id (Z…)' },
};
/** SSM parameter names (AWS::SSM::Parameter::Name and the name given for AWS::SSM::Parameter::Value<…>). */
const SSM_NAME = { pattern: /^[a-zA-Z0-9_.\-/]{1,2048}$/, allowed: 'an SSM parameter name (letters, digits, _.-/)' };

export interface ParameterKind {
  /** The value is a list: each element is checked. */
  list: boolean;
  /** Elements are numbers (Number, List<Number>). */
  numeric: boolean;
  /** Element shape for AWS-specific and SSM types. */
  shape?: { pattern: RegExp; allowed: string };
  /** The type as the template wrote it. */
  type: string;
}

export function parameterKind(type: string): ParameterKind {
  const t = type.trim();
  if (t.startsWith('AWS::SSM::Parameter::Value<') || t === 'AWS::SSM::Parameter::Name')
    // The value given is the name of an SSM parameter; CloudFormation reads it at deploy time.
    return { list: false, numeric: false, shape: SSM_NAME, type: t };
  const list = /^List<(.+)>$/.exec(t);
  const element = list ? list[1]!.trim() : t;
  return {
    list: Boolean(list) || t === 'CommaDelimitedList',
    numeric: element === 'Number',
    ...(AWS_TYPE_SHAPES[element] ? { shape: AWS_TYPE_SHAPES[element] } : {}),
    type: t,
  };
}

const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

function nearestNumber(n: number, options: number[]): number | undefined {
  let best: number | undefined;
  for (const o of options) if (best === undefined || Math.abs(o - n) < Math.abs(best - n)) best = o;
  return best;
}

function allowedValuesViolation(v: string, p: CfnParameter, numeric: boolean): ConstraintViolation | undefined {
  const allowed = (p.AllowedValues ?? []).map(String);
  if (!allowed.length) return undefined;
  const ok = numeric && isNumber(v) ? allowed.some((a) => Number(a) === Number(v)) : allowed.includes(v);
  if (ok) return undefined;
  let nearest: string | undefined;
  if (numeric && isNumber(v)) {
    const n = nearestNumber(Number(v), allowed.filter(isNumber).map(Number));
    nearest = n === undefined ? undefined : String(n);
  } else {
    nearest = allowed.find((a) => a.toLowerCase() === v.toLowerCase()) ?? nearestName(v, allowed);
  }
  return {
    constraint: 'AllowedValues',
    value: v,
    allowed: `one of ${allowed.join(', ')}`,
    ...(nearest ? { nearest } : {}),
  };
}

function rangeViolation(n: number, p: CfnParameter): ConstraintViolation | undefined {
  const min = p.MinValue === undefined ? undefined : Number(p.MinValue);
  const max = p.MaxValue === undefined ? undefined : Number(p.MaxValue);
  const allowed =
    min !== undefined && max !== undefined
      ? `a number from ${min} to ${max}`
      : min !== undefined
        ? `a number ≥ ${min}`
        : `a number ≤ ${max}`;
  if (min !== undefined && n < min) return { constraint: 'MinValue', value: String(n), allowed, nearest: String(min) };
  if (max !== undefined && n > max) return { constraint: 'MaxValue', value: String(n), allowed, nearest: String(max) };
  return undefined;
}

function lengthViolation(v: string, p: CfnParameter): ConstraintViolation | undefined {
  const min = p.MinLength === undefined ? undefined : Number(p.MinLength);
  const max = p.MaxLength === undefined ? undefined : Number(p.MaxLength);
  const allowed =
    min !== undefined && max !== undefined
      ? `a value of ${min} to ${max} characters`
      : min !== undefined
        ? `a value of at least ${min} characters`
        : `a value of at most ${max} characters`;
  if (min !== undefined && v.length < min) return { constraint: 'MinLength', value: v, allowed };
  if (max !== undefined && v.length > max) return { constraint: 'MaxLength', value: v, allowed };
  return undefined;
}

function patternViolation(v: string, p: CfnParameter): ConstraintViolation | undefined {
  if (p.AllowedPattern === undefined) return undefined;
  let re: RegExp;
  try {
    // CloudFormation matches the whole value (a Java regex; the common subset is the same in JavaScript).
    re = new RegExp(`^(?:${p.AllowedPattern})$`);
  } catch {
    return undefined; // a pattern JavaScript cannot read is the validator's finding (E2002), not the value's
  }
  if (re.test(v)) return undefined;
  return {
    constraint: 'AllowedPattern',
    value: v,
    allowed: p.ConstraintDescription
      ? `${p.ConstraintDescription} (pattern ${p.AllowedPattern})`
      : `a value matching ${p.AllowedPattern}`,
  };
}

/** Every constraint the value breaks (one per list element and constraint); empty when CloudFormation accepts it. */
export function checkParameterValue(value: string, p: CfnParameter): ConstraintViolation[] {
  const kind = parameterKind(p.Type ?? 'String');
  const elements = kind.list ? value.split(',').map((s) => s.trim()) : [value];
  const out: ConstraintViolation[] = [];
  for (const v of elements) {
    if (kind.numeric) {
      if (!isNumber(v)) {
        const nums = (p.AllowedValues ?? []).map(String);
        out.push({
          constraint: `Type ${kind.type}`,
          value: v,
          allowed: nums.length ? `a number, one of ${nums.join(', ')}` : 'a number',
        });
        continue;
      }
      const range = rangeViolation(Number(v), p);
      if (range) out.push(range);
    } else if (kind.shape && !(kind.list && v === '') && !kind.shape.pattern.test(v)) {
      out.push({ constraint: `Type ${kind.type}`, value: v, allowed: kind.shape.allowed });
      continue;
    }
    const values = allowedValuesViolation(v, p, kind.numeric);
    if (values) out.push(values);
    if (!kind.numeric) {
      const pattern = patternViolation(v, p);
      if (pattern) out.push(pattern);
    }
  }
  // Length counts the whole String value (CloudFormation applies Min/MaxLength to String types).
  if (!kind.numeric && !kind.list) {
    const length = lengthViolation(value, p);
    if (length) out.push(length);
  }
  return out;
}
