// E6011: encryption at rest is switched on for every resource type that supports it (a data table: type → how to tell).
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { canBeTrue } from '../helpers.js';

type Props = Record<string, unknown>;

interface EncryptionCheck {
  /** Property (path) people should set, for the message. */
  property: string;
  /** True when the resource is encrypted at rest (`params`: the template's Parameters, for flags given by Ref). */
  encrypted(p: Props, params: Props): boolean;
  /** Resources of this type the check does not apply to (e.g. replicas inherit encryption). */
  exempt?(p: Props): boolean;
}

const present = (v: unknown): boolean =>
  v !== undefined && !(intrinsicName(v) === 'Ref' && (v as { Ref: unknown }).Ref === 'AWS::NoValue');
const isTrue = (v: unknown): boolean => v === true || v === 'true';
/**
 * A flag that is true, can be true through Fn::If, or comes from a parameter that cannot turn encryption off
 * (default true and, when it lists AllowedValues, only true): a switch defaulting to or allowing false is no encryption.
 */
const flag = (name: string) => (p: Props, params: Props) => {
  const v = p[name];
  if (canBeTrue(v)) return true;
  if (!present(v) || intrinsicName(v) !== 'Ref') return false;
  const param = params[String((v as { Ref: unknown }).Ref)];
  if (!isPlainObject(param)) return true;
  return isTrue(param.Default) && (!Array.isArray(param.AllowedValues) || param.AllowedValues.every(isTrue));
};
const has = (name: string) => (p: Props) => present(p[name]);

/** Every EBS mapping is encrypted, and there is at least one (else the root volume follows the AMI, unencrypted). */
function ebsEncrypted(mappings: unknown): boolean {
  if (!Array.isArray(mappings) || mappings.length === 0) return false;
  return mappings.every((m) => !isPlainObject(m) || !isPlainObject(m.Ebs) || canBeTrue(m.Ebs.Encrypted));
}

export const ENCRYPTION: Record<string, EncryptionCheck> = {
  'AWS::S3::Bucket': { property: 'BucketEncryption', encrypted: has('BucketEncryption') },
  'AWS::RDS::DBInstance': {
    property: 'StorageEncrypted',
    // A read replica inherits the source's encryption; a cross-region one names its key with KmsKeyId.
    encrypted: (p, params) =>
      flag('StorageEncrypted')(p, params) || (present(p.SourceDBInstanceIdentifier) && present(p.KmsKeyId)),
    exempt: (p) => present(p.DBClusterIdentifier),
  },
  'AWS::RDS::DBCluster': { property: 'StorageEncrypted', encrypted: flag('StorageEncrypted') },
  'AWS::DynamoDB::Table': {
    property: 'SSESpecification.SSEEnabled',
    encrypted: (p) => isPlainObject(p.SSESpecification) && canBeTrue(p.SSESpecification.SSEEnabled),
  },
  'AWS::DynamoDB::GlobalTable': {
    property: 'SSESpecification.SSEEnabled',
    encrypted: (p) => isPlainObject(p.SSESpecification) && canBeTrue(p.SSESpecification.SSEEnabled),
  },
  'AWS::EC2::Volume': { property: 'Encrypted', encrypted: flag('Encrypted') },
  'AWS::EC2::LaunchTemplate': {
    property: 'LaunchTemplateData.BlockDeviceMappings[].Ebs.Encrypted',
    encrypted: (p) => isPlainObject(p.LaunchTemplateData) && ebsEncrypted(p.LaunchTemplateData.BlockDeviceMappings),
  },
  'AWS::EC2::Instance': {
    property: 'BlockDeviceMappings[].Ebs.Encrypted',
    encrypted: (p) => ebsEncrypted(p.BlockDeviceMappings),
  },
  'AWS::SNS::Topic': { property: 'KmsMasterKeyId', encrypted: has('KmsMasterKeyId') },
  'AWS::SQS::Queue': {
    property: 'KmsMasterKeyId (or SqsManagedSseEnabled)',
    encrypted: (p) =>
      present(p.KmsMasterKeyId) || p.SqsManagedSseEnabled === undefined || canBeTrue(p.SqsManagedSseEnabled),
  },
  'AWS::Logs::LogGroup': { property: 'KmsKeyId', encrypted: has('KmsKeyId') },
  'AWS::EFS::FileSystem': { property: 'Encrypted', encrypted: flag('Encrypted') },
  'AWS::Kinesis::Stream': { property: 'StreamEncryption', encrypted: has('StreamEncryption') },
  'AWS::ElastiCache::ReplicationGroup': {
    property: 'AtRestEncryptionEnabled',
    encrypted: flag('AtRestEncryptionEnabled'),
  },
  'AWS::CloudTrail::Trail': { property: 'KMSKeyId', encrypted: has('KMSKeyId') },
  'AWS::Redshift::Cluster': { property: 'Encrypted', encrypted: flag('Encrypted') },
  'AWS::OpenSearchService::Domain': {
    property: 'EncryptionAtRestOptions.Enabled',
    encrypted: (p) => isPlainObject(p.EncryptionAtRestOptions) && canBeTrue(p.EncryptionAtRestOptions.Enabled),
  },
};

export const rule: Rule = {
  id: 'E6011',
  name: 'encryption-at-rest',
  title: 'Encryption at rest is on wherever it exists',
  description:
    'Resources of types that can encrypt data at rest enable it: S3 BucketEncryption, RDS StorageEncrypted (a replica inherits it and names its KmsKeyId), DynamoDB SSESpecification, EBS Encrypted on volumes and launch-template block devices, SNS / SQS KmsMasterKeyId, log group KmsKeyId, EFS, Kinesis, ElastiCache, CloudTrail, Redshift, OpenSearch (DESIGN.md §6).',
  docsUrl:
    'https://docs.aws.amazon.com/whitepapers/latest/logical-separation/encrypting-data-at-rest-and--in-transit.html',
  tags: ['conventions', 'security', 'encryption'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => ({
    resource(node) {
      const check = ENCRYPTION[node.resource.Type];
      if (!check) return;
      const props = isPlainObject(node.resource.Properties) ? node.resource.Properties : {};
      const params = isPlainObject(ctx.template.Parameters) ? (ctx.template.Parameters as Props) : {};
      if (check.exempt?.(props) || check.encrypted(props, params)) return;
      ctx.report({
        path: isPlainObject(node.resource.Properties) ? [...node.path, 'Properties'] : node.path,
        message: `${node.resource.Type} ${node.id} is not encrypted at rest (${check.property}).`,
        fix: `Set ${check.property} (with the stack's customer-managed KMS key where the type takes one).`,
      });
    },
  }),
};
