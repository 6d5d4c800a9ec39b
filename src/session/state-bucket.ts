// drctl's own state bucket per account and region, `drctl-state-<account>-<region>`: environment locks and
// templates too large to pass inline. It belongs to no stack (the foundation's artifact bucket does not exist before
// the first deploy): drctl creates it on first use, versioned, encrypted and private.
import type { ServiceClients } from '../aws/clients.js';
import type { AwsErrorOptions } from '../aws/errors.js';
import { bucketState, createPrivateBucket } from '../aws/services/s3.js';
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';

export function stateBucketName(account: string, region: string): string {
  return `drctl-state-${account}-${region}`;
}

const STATE_BUCKET_ERROR = {
  code: 'E_STATE_BUCKET',
  fix: 'Check s3:CreateBucket / s3:PutObject / s3:GetObject permissions on drctl-state-* buckets.',
} satisfies AwsErrorOptions;

/** Creates the state bucket in the client's region if it is missing; safe to call on every run. */
export async function ensureStateBucket(aws: ServiceClients<'s3'>, bucket: string, reporter: Reporter): Promise<void> {
  const state = await bucketState(aws, bucket, STATE_BUCKET_ERROR);
  if (state === 'exists') return;
  if (state === 'forbidden')
    throw new DrError({
      code: 'E_STATE_BUCKET',
      kind: 'aws',
      message: `state bucket ${bucket} exists but is not accessible`,
      fix: 'Grant s3:ListBucket/GetObject/PutObject on it, or check that the account is the one you meant.',
    });
  await createPrivateBucket(aws, bucket, STATE_BUCKET_ERROR);
  reporter.emit({
    code: 'STATE_BUCKET_CREATED',
    level: 'info',
    text: `created drctl state bucket ${bucket} (${aws.region}; versioned, encrypted, private)`,
    data: { bucket, region: aws.region },
  });
}
