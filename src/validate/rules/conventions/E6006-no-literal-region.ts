// E6006: no literal region names; the same template serves both regions.
import type { Rule } from '../../types.js';
import { CFN_DOCS, literalCheck } from '../helpers.js';

/** A region name not followed by an AZ letter (AZ names are E6007's). */
export const REGION =
  /(?<![a-z0-9-])(?:us-gov|us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:east|west|north|south|central|northeast|southeast|northwest|southwest)-\d+(?![a-z0-9])/;

export const rule: Rule = {
  id: 'E6006',
  name: 'no-literal-region',
  title: 'No literal region names',
  description:
    'Strings in Resources, Outputs, Mappings and Conditions name no region literally (use ${AWS::Region} or the PrimaryRegion / SecondaryRegion parameters); parameter defaults may. One template serves both regions (DESIGN.md §6).',
  docsUrl: `${CFN_DOCS}/pseudo-parameter-reference.html`,
  tags: ['conventions', 'portability'],
  severity: 'error',
  family: 'conventions',
  check: literalCheck([REGION], (m) => ({
    message: `Literal region ${m}.`,
    fix: 'Use ${AWS::Region}, or the PrimaryRegion / SecondaryRegion parameters drctl passes.',
  })),
};
