// E6007: no literal Availability Zone names or ids; subnets pick zones with Fn::GetAZs.
import type { Rule } from '../../types.js';
import { literalCheck, TEMPLATE_REF } from '../helpers.js';

const AZ_NAME =
  /(?<![a-z0-9-])(?:us-gov|us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:east|west|north|south|central|northeast|southeast|northwest|southwest)-\d+[a-z](?![a-z0-9])/;
const AZ_ID = /(?<![a-z0-9-])[a-z]{3,4}\d+-az\d+(?![a-z0-9])/;

export const rule: Rule = {
  id: 'E6007',
  name: 'no-literal-az',
  title: 'No literal Availability Zones',
  description:
    'Strings in Resources, Outputs, Mappings and Conditions name no Availability Zone (us-east-1a) or zone id (use1-az1); use {"Fn::Select": [i, {"Fn::GetAZs": ""}]} (DESIGN.md §2, §6).',
  docsUrl: `${TEMPLATE_REF}/intrinsic-function-reference-getavailabilityzones.html`,
  tags: ['conventions', 'portability'],
  severity: 'error',
  family: 'conventions',
  check: literalCheck([AZ_NAME, AZ_ID], (m) => ({
    message: `Literal Availability Zone ${m}.`,
    fix: 'Use {"Fn::Select": [0, {"Fn::GetAZs": ""}]} (index per subnet).',
  })),
};
