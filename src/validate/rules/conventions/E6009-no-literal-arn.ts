// E6009: no ARNs with a literal account in them; build ARNs with ${AWS::Partition}, ${AWS::Region}, ${AWS::AccountId} or take them from parameters.
import type { Rule } from '../../types.js';
import { CFN_DOCS, literalCheck } from '../helpers.js';

const ACCOUNT_ARN = /arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{12}:/;

export const rule: Rule = {
  id: 'E6009',
  name: 'no-literal-arn',
  title: 'No account-bearing literal ARNs',
  description:
    'Strings in Resources, Outputs, Mappings and Conditions contain no ARN with a literal account id; such ARNs tie the template to one account (DESIGN.md §6).',
  docsUrl: `${CFN_DOCS}/pseudo-parameter-reference.html`,
  tags: ['conventions', 'portability'],
  severity: 'error',
  family: 'conventions',
  check: literalCheck([ACCOUNT_ARN], (m) => ({
    message: `Literal ARN with an account id (${m}…).`,
    fix: 'Build it with {"Fn::Sub": "arn:${AWS::Partition}:service:${AWS::Region}:${AWS::AccountId}:..."}, use Fn::GetAtt, or pass it as a parameter / drctl input.',
  })),
};
