// Valid templates nobody here wrote, in the shapes that used to draw false errors: each must pass every rule.
import { describe, expect, it } from 'vitest';
import { idsAndPaths, validateText } from './validate-text.js';

const topic = { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } };

describe('valid templates draw no findings', () => {
  it.each([
    [
      'a parameter and a condition used only in AWS::CloudFormation::Init metadata',
      {
        Parameters: { Greeting: { Type: 'String', Default: 'hello' }, Mode: { Type: 'String', Default: 'a' } },
        Conditions: { IsA: { 'Fn::Equals': [{ Ref: 'Mode' }, 'a'] } },
        Resources: {
          Topic: {
            ...topic,
            Metadata: {
              'AWS::CloudFormation::Init': {
                config: {
                  files: {
                    '/etc/motd': {
                      content: { 'Fn::If': ['IsA', { 'Fn::Sub': '${Greeting} a' }, { Ref: 'Greeting' }] },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
    [
      'condition names with & (AWS Quick Start style)',
      {
        Parameters: { A: { Type: 'String', Default: 'x' }, B: { Type: 'String', Default: 'y' } },
        Conditions: {
          HasA: { 'Fn::Equals': [{ Ref: 'A' }, 'x'] },
          HasB: { 'Fn::Equals': [{ Ref: 'B' }, 'y'] },
          'HasA&B': { 'Fn::And': [{ Condition: 'HasA' }, { Condition: 'HasB' }] },
        },
        Resources: { Topic: { ...topic, Condition: 'HasA&B' } },
      },
    ],
    [
      'AWS::CDK::Metadata',
      {
        Resources: {
          Topic: topic,
          CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:H4sIAAAAAAAA' } },
        },
      },
    ],
    [
      'a registry module and references to the resources it generates',
      {
        Resources: {
          Site: { Type: 'AwsCommunity::S3::Bucket::MODULE', Properties: { Name: 'site' } },
          Topic: { ...topic, DependsOn: 'SiteBucket' },
        },
        Outputs: { Bucket: { Value: { Ref: 'SiteBucket' } }, Arn: { Value: { 'Fn::GetAtt': ['SiteBucket', 'Arn'] } } },
      },
    ],
    [
      'Version on a custom resource',
      {
        Resources: {
          Topic: topic,
          Lookup: {
            Type: 'Custom::Lookup',
            Version: '1.0',
            Properties: { ServiceToken: { 'Fn::GetAtt': ['Topic', 'TopicArn'] } },
          },
        },
      },
    ],
  ])('%s', (_name, body) => {
    expect(idsAndPaths(validateText({ AWSTemplateFormatVersion: '2010-09-09', ...body }))).toEqual([]);
  });

  it('still rejects Version on a resource that is not custom, and a condition name with a control character', () => {
    expect(
      idsAndPaths(
        validateText({
          Conditions: { 'Bad\u0001': { 'Fn::Equals': ['a', 'a'] } },
          Resources: { Topic: { ...topic, Version: '1.0', Condition: 'Bad\u0001' } },
        }),
      ),
    ).toEqual(['E1001 Conditions.Bad\u0001', 'E3001 Resources.Topic.Version']);
  });
});
