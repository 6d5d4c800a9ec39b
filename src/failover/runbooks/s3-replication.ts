// S3 replication toward a bucket: find the rule on the source bucket that targets it and make sure it is enabled.
// The rule (and its IAM role) is declared by the data stack; the runbook only switches it on, never invents one.
import { GetBucketReplicationCommand, PutBucketReplicationCommand, type S3Client } from '@aws-sdk/client-s3';
import { DrError } from '../../errors.js';
import { awsError } from './aws-ops.js';

export async function ensureReplicationRuleEnabled(
  s3: S3Client,
  sourceBucket: string,
  destinationBucket: string,
): Promise<{ ruleId: string; wasEnabled: boolean }> {
  const destArn = `arn:aws:s3:::${destinationBucket}`;
  let config;
  try {
    config = (await s3.send(new GetBucketReplicationCommand({ Bucket: sourceBucket }))).ReplicationConfiguration;
  } catch (err) {
    if ((err as { name?: string })?.name !== 'ReplicationConfigurationNotFoundError')
      throw awsError('E_AWS_S3', `GetBucketReplication ${sourceBucket}`, err);
  }
  const rule = config?.Rules?.find((r) => r.Destination?.Bucket === destArn);
  if (!config || !rule) {
    throw new DrError({
      code: 'E_S3_REVERSE_RULE_MISSING',
      kind: 'conflict',
      message: `bucket ${sourceBucket} has no replication rule toward ${destinationBucket}`,
      fix: 'Deploy the data stacks with two-way bucket replication (the second pass of drctl deploy adds the reverse rule), then re-run.',
    });
  }
  const wasEnabled = rule.Status === 'Enabled';
  if (!wasEnabled) {
    rule.Status = 'Enabled';
    try {
      await s3.send(new PutBucketReplicationCommand({ Bucket: sourceBucket, ReplicationConfiguration: config }));
    } catch (err) {
      throw awsError('E_AWS_S3', `PutBucketReplication ${sourceBucket}`, err);
    }
  }
  return { ruleId: rule.ID ?? '(unnamed)', wasEnabled };
}
