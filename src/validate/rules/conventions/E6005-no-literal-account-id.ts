// E6005: no literal AWS account ids; use ${AWS::AccountId} or a parameter.
import type { Rule } from '../../types.js';
import { CFN_DOCS, literalCheck } from '../helpers.js';

const ACCOUNT_ID = /(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/;

export const rule: Rule = {
  id: 'E6005',
  name: 'no-literal-account-id',
  title: 'No literal account ids',
  description:
    'Strings in Resources, Outputs, Mappings and Conditions contain no 12-digit account id (ARNs are covered by E6009); the same template deploys to any account (DESIGN.md §6).',
  docsUrl: `${CFN_DOCS}/pseudo-parameter-reference.html`,
  tags: ['conventions', 'portability'],
  severity: 'error',
  family: 'conventions',
  check: literalCheck(
    [ACCOUNT_ID],
    (m) => ({
      message: `Literal account id ${m}.`,
      fix: 'Use {"Ref": "AWS::AccountId"} / ${AWS::AccountId}, or a parameter for another account.',
    }),
    (s) => s.includes('arn:'),
  ),
};
