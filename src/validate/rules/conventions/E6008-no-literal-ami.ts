// E6008: no literal AMI ids; they differ per region and age. Resolve the latest from the SSM public parameter.
import type { Rule } from '../../types.js';
import { literalCheck } from '../helpers.js';

const AMI = /(?<![a-z0-9])ami-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![0-9a-z])/;

export const rule: Rule = {
  id: 'E6008',
  name: 'no-literal-ami',
  title: 'No literal AMI ids',
  description:
    'Strings in Resources, Outputs, Mappings and Conditions contain no AMI id; AMIs are region-specific, so take the image from an SSM public parameter (AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>).',
  docsUrl: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html',
  tags: ['conventions', 'portability'],
  severity: 'error',
  family: 'conventions',
  check: literalCheck([AMI], (m) => ({
    message: `Literal AMI id ${m}.`,
    fix: 'Declare a parameter of type AWS::SSM::Parameter::Value<AWS::EC2::Image::Id> defaulting to /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.',
  })),
};
