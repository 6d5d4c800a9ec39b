// E6016: a two-region template whose dashboard, role or bucket is named without the region fails in the second region
// ("already exists"); the validator says so before a deploy does.
import { describe, expect, it } from 'vitest';
import { idsAndPaths, validateText } from './validate-text.js';

const SUFFIX = {
  Type: 'String',
  Default: 'dev',
  AllowedPattern: '^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$',
  Description: 'Suffix appended to every resource name',
};
const ASSUME = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function template(regions: string[], name: (base: string) => unknown): string {
  return JSON.stringify({
    Metadata: { Drctl: { Layer: 'case', Regions: regions } },
    Parameters: { EnvironmentSuffix: SUFFIX },
    Resources: {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: { DashboardName: name('dashboard'), DashboardBody: '{"widgets":[]}' },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: name('app'), AssumeRolePolicyDocument: ASSUME } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: name('assets') } },
    },
  });
}

const e6016 = (text: string) =>
  idsAndPaths(validateText(text, { file: 'case.json' })).filter((f) => f.startsWith('E6016'));

describe('E6016 account-global names', () => {
  it('flags a dashboard, a role and a bucket named without the region in a two-region template', () => {
    const text = template(['primary', 'secondary'], (b) => ({
      'Fn::Sub': `${b}-\${EnvironmentSuffix}-\${AWS::AccountId}`,
    }));
    expect(e6016(text)).toEqual([
      'E6016 Resources.Dashboard.Properties.DashboardName',
      'E6016 Resources.Role.Properties.RoleName',
      'E6016 Resources.Bucket.Properties.BucketName',
    ]);
    const finding = validateText(text, { file: 'case.json' }).find((f) => f.ruleId === 'E6016')!;
    expect(finding.message).toContain('global to the account');
    expect(finding.fix).toContain('${AWS::Region}');
  });

  it('accepts the region, a name CloudFormation generates, and a single-region template', () => {
    const regional = (b: string) => ({ 'Fn::Sub': `${b}-\${EnvironmentSuffix}-\${AWS::AccountId}-\${AWS::Region}` });
    expect(e6016(template(['primary', 'secondary'], regional))).toEqual([]);
    expect(e6016(template(['primary', 'secondary'], () => ({ Ref: 'AWS::NoValue' })))).toEqual([]);
    expect(e6016(template(['primary'], (b) => ({ 'Fn::Sub': `${b}-\${EnvironmentSuffix}` })))).toEqual([]);
  });

  it("judges each Fn::If branch: one branch without the region is still the same name in both regions' stacks", () => {
    const text = template(['primary', 'secondary'], (b) => ({
      'Fn::If': ['Never', { 'Fn::Sub': `${b}-\${AWS::Region}` }, b],
    }));
    expect(e6016(text)).toHaveLength(3);
  });
});
