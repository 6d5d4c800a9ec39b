// S3: buckets drctl owns (state: locks and large templates; artifacts), objects (canaries, bundles), emptying
// versioned buckets before a stack goes, and switching a replication rule on.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import type { ServiceClients } from '../clients.js';
import { DrError } from '../../errors.js';
import { awsCallError, errorName, httpStatusOf, type AwsCall, type AwsErrorOptions } from '../errors.js';

type S3 = ServiceClients<'s3'>;

const objectUri = (bucket: string, key: string) => `s3://${bucket}/${key}`;
const isMissing = (err: unknown) => ['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(errorName(err));

/** `missing`: no such bucket; `forbidden`: it exists (somewhere) but this caller may not use it. */
export async function bucketState(
  aws: S3,
  bucket: string,
  error?: AwsErrorOptions,
): Promise<'exists' | 'missing' | 'forbidden'> {
  try {
    await aws.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return 'exists';
  } catch (err) {
    if (errorName(err) === 'Forbidden' || httpStatusOf(err) === 403) return 'forbidden';
    if (errorName(err) === 'NotFound' || errorName(err) === 'NoSuchBucket') return 'missing';
    throw awsCallError({ operation: 's3:HeadBucket', resource: bucket, region: aws.region }, err, error);
  }
}

/**
 * Creates a private bucket drctl owns in this client's region: versioned, encrypted (SSE-S3), public access blocked.
 * A concurrent first run creating it at the same moment is fine.
 */
export async function createPrivateBucket(aws: S3, bucket: string, error?: AwsErrorOptions): Promise<void> {
  const call = async (operation: AwsCall['operation'], send: () => Promise<unknown>) => {
    try {
      await send();
    } catch (err) {
      if (operation === 's3:CreateBucket' && errorName(err) === 'BucketAlreadyOwnedByYou') return;
      throw awsCallError({ operation, resource: bucket, region: aws.region }, err, error);
    }
  };
  await call('s3:CreateBucket', () =>
    aws.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(aws.region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: aws.region as never } }),
      }),
    ),
  );
  await call('s3:PutBucketVersioning', () =>
    aws.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })),
  );
  await call('s3:PutBucketEncryption', () =>
    aws.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }],
        },
      }),
    ),
  );
  await call('s3:PutPublicAccessBlock', () =>
    aws.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    ),
  );
}

export async function objectExists(aws: S3, bucket: string, key: string, error?: AwsErrorOptions): Promise<boolean> {
  try {
    await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    if (isMissing(err) || httpStatusOf(err) === 404) return false;
    throw awsCallError(
      { operation: 's3:HeadObject', resource: objectUri(bucket, key), region: aws.region },
      err,
      error,
    );
  }
}

export interface PutObjectInput {
  bucket: string;
  key: string;
  body: string | Uint8Array;
  contentType?: string;
  metadata?: Record<string, string>;
  /** Write only if no object exists under the key (If-None-Match: *). */
  onlyIfAbsent?: boolean;
}

/** Writes the object; `{ written: false }` only with `onlyIfAbsent` when the key already exists. */
export async function putObject(
  aws: S3,
  input: PutObjectInput,
  error?: AwsErrorOptions,
): Promise<{ written: boolean; versionId?: string }> {
  try {
    const out = await aws.s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: input.body,
        ...(input.contentType ? { ContentType: input.contentType } : {}),
        ...(input.metadata ? { Metadata: input.metadata } : {}),
        ...(input.onlyIfAbsent ? { IfNoneMatch: '*' } : {}),
      }),
    );
    return { written: true, ...(out.VersionId ? { versionId: out.VersionId } : {}) };
  } catch (err) {
    const name = errorName(err);
    if (input.onlyIfAbsent && (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict'))
      return { written: false };
    throw awsCallError(
      { operation: 's3:PutObject', resource: objectUri(input.bucket, input.key), region: aws.region },
      err,
      error,
    );
  }
}

/** The object's body as text, or undefined when it does not exist. */
export async function getObjectText(
  aws: S3,
  bucket: string,
  key: string,
  error?: AwsErrorOptions,
): Promise<string | undefined> {
  try {
    const out = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString()) ?? '';
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw awsCallError({ operation: 's3:GetObject', resource: objectUri(bucket, key), region: aws.region }, err, error);
  }
}

/** Deletes the object, or one version of it (a versioned delete leaves no delete marker). */
export async function deleteObject(
  aws: S3,
  bucket: string,
  key: string,
  versionId?: string,
  error?: AwsErrorOptions,
): Promise<void> {
  try {
    await aws.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    );
  } catch (err) {
    throw awsCallError(
      { operation: 's3:DeleteObject', resource: objectUri(bucket, key), region: aws.region },
      err,
      error,
    );
  }
}

export interface BucketEmptyResult {
  bucket: string;
  versions: number;
  deleteMarkers: number;
}

/** Deletes every object version and delete marker, a page (≤1000) at a time, until the bucket is empty. */
export async function emptyBucket(aws: S3, bucket: string): Promise<BucketEmptyResult> {
  const result = { bucket, versions: 0, deleteMarkers: 0 };
  const error = {
    code: 'E_EMPTY_BUCKET',
    fix: 'Grant s3:ListBucketVersions and s3:DeleteObjectVersion (and check Object Lock settings), then destroy again.',
  } satisfies AwsErrorOptions;
  for (;;) {
    let page;
    try {
      page = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    } catch (err) {
      if (errorName(err) === 'NoSuchBucket') return result;
      throw awsCallError({ operation: 's3:ListObjectVersions', resource: bucket, region: aws.region }, err, error);
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key ?? '',
      VersionId: v.VersionId,
    }));
    if (!objects.length) return result;
    let out;
    try {
      out = await aws.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    } catch (err) {
      throw awsCallError({ operation: 's3:DeleteObjects', resource: bucket, region: aws.region }, err, error);
    }
    const failed = out.Errors?.[0];
    if (failed)
      throw new DrError({
        code: error.code,
        kind: 'aws',
        message: `s3:DeleteObjects ${bucket} in ${aws.region} failed: cannot delete ${failed.Key} (${failed.VersionId}): ${failed.Code}: ${failed.Message}`,
        fix: error.fix,
      });
    result.versions += page.Versions?.length ?? 0;
    result.deleteMarkers += page.DeleteMarkers?.length ?? 0;
  }
}

/**
 * Makes sure the source bucket's replication rule toward `destinationBucket` is enabled. The rule (and its IAM role)
 * is declared by the data stack; this only switches it on, never invents one.
 */
export async function enableReplicationRule(
  aws: S3,
  sourceBucket: string,
  destinationBucket: string,
): Promise<{ ruleId: string; wasEnabled: boolean }> {
  const destinationArn = `arn:aws:s3:::${destinationBucket}`;
  let config;
  try {
    config = (await aws.s3.send(new GetBucketReplicationCommand({ Bucket: sourceBucket }))).ReplicationConfiguration;
  } catch (err) {
    if (errorName(err) !== 'ReplicationConfigurationNotFoundError')
      throw awsCallError({ operation: 's3:GetBucketReplication', resource: sourceBucket, region: aws.region }, err);
  }
  const rule = config?.Rules?.find((r) => r.Destination?.Bucket === destinationArn);
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
      await aws.s3.send(new PutBucketReplicationCommand({ Bucket: sourceBucket, ReplicationConfiguration: config }));
    } catch (err) {
      throw awsCallError({ operation: 's3:PutBucketReplication', resource: sourceBucket, region: aws.region }, err);
    }
  }
  return { ruleId: rule.ID ?? '(unnamed)', wasEnabled };
}
