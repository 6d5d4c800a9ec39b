// E1018: intrinsic functions exist, take arguments of the right shape, and appear where CloudFormation allows them.
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { didYouMean, TEMPLATE_REF } from '../helpers.js';

const CONDITION_FUNCTIONS = new Set(['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not']);
const LANGUAGE_EXTENSIONS = new Set(['Fn::Length', 'Fn::ToJsonString', 'Fn::ForEach']);
/** Functions of the Rules section (parameter assertions), valid nowhere else. */
const RULE_FUNCTIONS = new Set([
  'Fn::Contains',
  'Fn::EachMemberEquals',
  'Fn::EachMemberIn',
  'Fn::RefAll',
  'Fn::ValueOf',
  'Fn::ValueOfAll',
]);
const KNOWN = [
  'Ref',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::Transform',
  'Fn::If',
  ...CONDITION_FUNCTIONS,
  ...LANGUAGE_EXTENSIONS,
  ...RULE_FUNCTIONS,
];

const isIntrinsic = (v: unknown): boolean => intrinsicName(v) !== undefined;
const stringLike = (v: unknown): boolean => typeof v === 'string' || isIntrinsic(v);
const listLike = (v: unknown): boolean => Array.isArray(v) || isIntrinsic(v);

/** Why the argument does not fit the function, or undefined. Fn::If, Fn::Sub, Fn::GetAtt and Fn::FindInMap have their own rules. */
function argumentProblem(fn: string, arg: unknown): string | undefined {
  const tuple = (n: number): boolean => Array.isArray(arg) && arg.length === n;
  switch (fn) {
    case 'Fn::Join':
      return tuple(2) && typeof (arg as unknown[])[0] === 'string' && listLike((arg as unknown[])[1])
        ? undefined
        : 'takes ["delimiter", [values]]';
    case 'Fn::Select':
      return tuple(2) &&
        (typeof (arg as unknown[])[0] === 'number' || stringLike((arg as unknown[])[0])) &&
        listLike((arg as unknown[])[1])
        ? undefined
        : 'takes [index, [values]]';
    case 'Fn::Split':
      return tuple(2) && typeof (arg as unknown[])[0] === 'string' && stringLike((arg as unknown[])[1])
        ? undefined
        : 'takes ["delimiter", "source string"]';
    case 'Fn::Cidr':
      return tuple(3) ? undefined : 'takes [ipBlock, count, cidrBits]';
    case 'Fn::GetAZs':
      return stringLike(arg) ? undefined : 'takes a region name, "" or {"Ref": "AWS::Region"}';
    case 'Fn::Base64':
    case 'Fn::ImportValue':
      return stringLike(arg) ? undefined : 'takes a string';
    case 'Fn::Equals':
      return tuple(2) ? undefined : 'takes [value1, value2]';
    case 'Fn::Not':
      return tuple(1) ? undefined : 'takes [condition]';
    case 'Fn::And':
    case 'Fn::Or':
      return Array.isArray(arg) && arg.length >= 2 && arg.length <= 10 ? undefined : 'takes 2 to 10 conditions';
    default:
      return undefined;
  }
}

function usesLanguageExtensions(transform: unknown): boolean {
  return (Array.isArray(transform) ? transform : [transform]).includes('AWS::LanguageExtensions');
}

export const rule: Rule = {
  id: 'E1018',
  name: 'intrinsic-function-valid',
  title: 'Intrinsic functions are valid',
  description:
    'Every Fn:: function exists, gets arguments of the right shape (Fn::Join, Fn::Select, Fn::Split, Fn::Cidr, Fn::GetAZs, Fn::Base64, condition functions), and condition functions (Fn::Equals, Fn::And, Fn::Or, Fn::Not) appear only in Conditions or Rules; language-extension functions need the AWS::LanguageExtensions transform.',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference.html`,
  tags: ['structure', 'intrinsic-functions'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => {
    const extensions = isPlainObject(ctx.template) && usesLanguageExtensions(ctx.template.Transform);
    return {
      intrinsic(node) {
        if (node.inMetadata || node.fn === 'Condition') return;
        const path = [...node.path, node.fn];
        if (!KNOWN.includes(node.fn)) {
          ctx.report({
            path,
            message: `${node.fn} is not an intrinsic function.${didYouMean(node.fn, KNOWN)}`,
            fix: 'Use a function from the intrinsic function reference.',
          });
          return;
        }
        if (LANGUAGE_EXTENSIONS.has(node.fn) && !extensions) {
          ctx.report({
            path,
            message: `${node.fn} needs the AWS::LanguageExtensions transform.`,
            fix: 'Add "Transform": "AWS::LanguageExtensions", or avoid the function.',
          });
        }
        if (CONDITION_FUNCTIONS.has(node.fn) && node.section !== 'Conditions' && node.section !== 'Rules') {
          ctx.report({
            path,
            message: `${node.fn} can only be used in Conditions (or Rules).`,
            fix: 'Declare a condition with it and use the condition through Fn::If or a Condition attribute.',
          });
        }
        if (RULE_FUNCTIONS.has(node.fn) && node.section !== 'Rules') {
          ctx.report({
            path,
            message: `${node.fn} can only be used in the Rules section.`,
            fix: 'Move the assertion into Rules, or use a condition function in Conditions.',
          });
        }
        const problem = argumentProblem(node.fn, node.arg);
        if (problem)
          ctx.report({
            path,
            message: `${node.fn} ${problem}.`,
            fix: `Write ${node.fn} as the intrinsic function reference shows.`,
          });
      },
    };
  },
};
