// E6014: every bucket has a bucket policy in the same template that denies requests not made over TLS.
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { getAttTarget } from '../helpers.js';

/** The bucket a policy's Bucket property points at (Ref, or a GetAtt of it), if it is a resource of the template. */
function bucketOf(v: unknown): string | undefined {
  const fn = intrinsicName(v);
  if (fn === 'Ref') return String((v as { Ref: unknown }).Ref);
  if (fn === 'Fn::GetAtt') return getAttTarget((v as Record<string, unknown>)[fn])?.resource;
  return undefined;
}

/** A Deny statement conditioned on aws:SecureTransport being false. */
function deniesPlainHttp(statement: unknown): boolean {
  if (!isPlainObject(statement) || statement.Effect !== 'Deny' || !isPlainObject(statement.Condition)) return false;
  const bool = statement.Condition.Bool;
  if (!isPlainObject(bool)) return false;
  const v = bool['aws:SecureTransport'];
  return v === false || v === 'false' || (Array.isArray(v) && v.some((x) => x === false || x === 'false'));
}

export const rule: Rule = {
  id: 'E6014',
  name: 'bucket-tls-only',
  title: 'Buckets refuse plain HTTP',
  description:
    'Each AWS::S3::Bucket has an AWS::S3::BucketPolicy in the same template with a Deny statement on {"Bool": {"aws:SecureTransport": "false"}} (DESIGN.md §6: TLS-only bucket policies).',
  docsUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
  tags: ['conventions', 'security', 's3'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => {
    const buckets = new Map<string, (string | number)[]>();
    const protectedBuckets = new Set<string>();
    return {
      resource(node) {
        const props = node.resource.Properties;
        if (node.resource.Type === 'AWS::S3::Bucket') buckets.set(node.id, node.path);
        if (
          node.resource.Type !== 'AWS::S3::BucketPolicy' ||
          !isPlainObject(props) ||
          !isPlainObject(props.PolicyDocument)
        )
          return;
        const bucket = bucketOf(props.Bucket);
        const statements = props.PolicyDocument.Statement;
        if (bucket && (Array.isArray(statements) ? statements : [statements]).some(deniesPlainHttp))
          protectedBuckets.add(bucket);
      },
      end() {
        for (const [id, path] of buckets) {
          if (protectedBuckets.has(id)) continue;
          ctx.report({
            path,
            message: `Bucket ${id} has no bucket policy denying requests without TLS.`,
            fix: `Add an AWS::S3::BucketPolicy with "Bucket": {"Ref": "${id}"} and a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, bucket ARN/*], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.`,
          });
        }
      },
    };
  },
};
