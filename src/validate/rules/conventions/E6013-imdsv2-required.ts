// E6013: instances launched from our launch templates require IMDSv2 (session tokens), which blunts SSRF credential theft.
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { literalLeaves } from '../helpers.js';

export const rule: Rule = {
  id: 'E6013',
  name: 'imdsv2-required',
  title: 'Launch templates require IMDSv2',
  description:
    'Every AWS::EC2::LaunchTemplate sets LaunchTemplateData.MetadataOptions.HttpTokens to "required", so the instance metadata service only answers token-bearing (IMDSv2) requests (DESIGN.md §6).',
  docsUrl: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html',
  tags: ['conventions', 'security', 'compute'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => ({
    resource(node) {
      if (node.resource.Type !== 'AWS::EC2::LaunchTemplate') return;
      const data = isPlainObject(node.resource.Properties) ? node.resource.Properties.LaunchTemplateData : undefined;
      const options = isPlainObject(data) ? data.MetadataOptions : undefined;
      const tokens = isPlainObject(options) ? options.HttpTokens : undefined;
      const leaves = literalLeaves(tokens);
      if (leaves.length > 0 && leaves.every((v) => v === 'required')) return;
      const path = isPlainObject(options)
        ? [...node.path, 'Properties', 'LaunchTemplateData', 'MetadataOptions']
        : [...node.path, 'Properties'];
      ctx.report({
        path,
        message: `${node.id} does not require IMDSv2 (MetadataOptions.HttpTokens is ${tokens === undefined ? 'unset' : JSON.stringify(tokens)}).`,
        fix: 'Set LaunchTemplateData.MetadataOptions to {"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"}.',
      });
    },
  }),
};
