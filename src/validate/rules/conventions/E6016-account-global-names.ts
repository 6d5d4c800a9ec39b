// E6016: in a template deployed to more than one region, an explicit name in an account-global namespace carries the
// region (or is left for CloudFormation to generate), or the second region's stack fails with "already exists".
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { subParts } from '../helpers.js';

/**
 * Resource types whose names are global to the account (or to every account), with the naming property and the
 * documentation that says so. CloudWatch dashboards: "All dashboards in your account are global, not
 * region-specific" (AWS::CloudWatch::Dashboard). IAM: "IAM user, group, role, and policy names must be unique within
 * the account" (IAM CreateRole / CreatePolicy / CreateUser / CreateGroup), instance profiles likewise (IAM
 * CreateInstanceProfile: EntityAlreadyExists); IAM is a global service. S3 general purpose buckets: "each bucket name
 * must be unique across all AWS accounts in all the AWS Regions within a partition" (S3 bucket namespaces).
 * Sources:
 * - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html
 * - https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (likewise CreatePolicy, CreateUser,
 *   CreateGroup, CreateInstanceProfile)
 * - https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html
 */
export const ACCOUNT_GLOBAL_NAMES: Record<string, { property: string; why: string }> = {
  'AWS::CloudWatch::Dashboard': { property: 'DashboardName', why: 'CloudWatch dashboards are global to the account' },
  'AWS::IAM::Role': { property: 'RoleName', why: 'IAM role names are unique within the account, in every region' },
  'AWS::IAM::ManagedPolicy': {
    property: 'ManagedPolicyName',
    why: 'IAM policy names are unique within the account, in every region',
  },
  'AWS::IAM::InstanceProfile': {
    property: 'InstanceProfileName',
    why: 'IAM instance profile names are unique within the account, in every region',
  },
  'AWS::IAM::User': { property: 'UserName', why: 'IAM user names are unique within the account, in every region' },
  'AWS::IAM::Group': { property: 'GroupName', why: 'IAM group names are unique within the account, in every region' },
  'AWS::S3::Bucket': {
    property: 'BucketName',
    why: 'S3 bucket names are unique across every account and region of the partition',
  },
};

/**
 * Values that differ between the regions of one deployment: the region itself, and the parameter drctl sets per
 * region (`RegionRole`: primary | secondary).
 */
const PER_REGION = new Set(['AWS::Region', 'RegionRole']);

/**
 * Whether every way `v` can render (each Fn::If branch separately) contains a per-region value. AWS::NoValue (no
 * name: CloudFormation generates one) is fine.
 */
export function differsPerRegion(v: unknown): boolean {
  const fn = intrinsicName(v);
  if (!fn) return false;
  const arg = (v as Record<string, unknown>)[fn];
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' && (PER_REGION.has(arg) || arg === 'AWS::NoValue');
    case 'Fn::If':
      return Array.isArray(arg) && differsPerRegion(arg[1]) && differsPerRegion(arg[2]);
    case 'Fn::Sub': {
      const parts = subParts(arg);
      if (!parts) return false;
      for (const m of parts.text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = (m[1] as string).trim();
        if (name in parts.vars ? differsPerRegion(parts.vars[name]) : PER_REGION.has(name)) return true;
      }
      return false;
    }
    case 'Fn::Join':
      return Array.isArray(arg) && Array.isArray(arg[1]) && (arg[1] as unknown[]).some((p) => differsPerRegion(p));
    default:
      return false;
  }
}

/** The regions a template declares (drctl metadata), else the values its RegionRole parameter allows. */
export function declaredRegionCount(template: Record<string, unknown>): number {
  const meta = isPlainObject(template.Metadata) ? template.Metadata.Drctl : undefined;
  if (isPlainObject(meta) && Array.isArray(meta.Regions)) return new Set(meta.Regions).size;
  const params = isPlainObject(template.Parameters) ? template.Parameters : {};
  const role = params.RegionRole;
  if (isPlainObject(role) && Array.isArray(role.AllowedValues)) return new Set(role.AllowedValues).size;
  return 1;
}

export const rule: Rule = {
  id: 'E6016',
  name: 'account-global-names',
  title: 'Account-global names differ per region in multi-region templates',
  description:
    'In a template deployed to more than one region (Metadata.Drctl.Regions, or a RegionRole parameter allowing several roles), an explicit name in an account-global namespace — CloudWatch dashboards, IAM roles, managed policies, instance profiles, users and groups, S3 buckets — contains ${AWS::Region} (or ${RegionRole}, which drctl sets per region), or is left out so CloudFormation generates a unique one. Otherwise the second region\'s stack fails with "already exists".',
  docsUrl:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html',
  tags: ['conventions', 'naming', 'multi-region'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => {
    const multiRegion = isPlainObject(ctx.template) && declaredRegionCount(ctx.template) > 1;
    return {
      resource(node) {
        if (!multiRegion) return;
        const entry = ACCOUNT_GLOBAL_NAMES[node.resource.Type];
        const props = node.resource.Properties;
        if (!entry || !isPlainObject(props) || !(entry.property in props)) return;
        if (differsPerRegion(props[entry.property])) return;
        ctx.report({
          path: [...node.path, 'Properties', entry.property],
          message: `${node.id}.${entry.property} is the same in every region this template is deployed to, but ${entry.why}: the second region's stack fails with "already exists".`,
          fix: `Add \${AWS::Region} to the name (e.g. {"Fn::Sub": "<name>-\${EnvironmentSuffix}-\${AWS::Region}"}), or remove ${entry.property} and let CloudFormation generate a unique name.`,
        });
      },
    };
  },
};
