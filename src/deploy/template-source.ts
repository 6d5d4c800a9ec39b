// How a template reaches CloudFormation: inline (minified) up to the 51,200-byte TemplateBody limit, else uploaded
// to drctl's state bucket in the stack's own region (CloudFormation reads TemplateURL only from the same region)
// under a content-addressed key, and passed as TemplateURL.
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DrError } from '../errors.js';
import { errorName, throttlingRetry } from '../aws/retry.js';
import type { Clock } from '../clock.js';

export const TEMPLATE_BODY_LIMIT = 51_200;

export type TemplateSource = { TemplateBody: string } | { TemplateURL: string };

export interface TemplateStore {
  /** Makes sure the region's state bucket exists and returns its name. */
  bucket(region: string): Promise<string>;
  s3(region: string): S3Client;
  clock: Clock;
}

export async function templateSource(
  body: string,
  layer: string,
  region: string,
  store: TemplateStore,
): Promise<TemplateSource> {
  if (Buffer.byteLength(body) <= TEMPLATE_BODY_LIMIT) return { TemplateBody: body };
  const bucket = await store.bucket(region);
  const key = `templates/${layer}/${createHash('sha256').update(body).digest('hex')}.json`;
  const s3 = store.s3(region);
  const retry = throttlingRetry((ms) => store.clock.sleep(ms));
  try {
    await retry(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
  } catch (err) {
    if (errorName(err) !== 'NotFound') throw uploadError(bucket, key, err);
    try {
      await retry(() =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' })),
      );
    } catch (e) {
      throw uploadError(bucket, key, e);
    }
  }
  return { TemplateURL: `https://${bucket}.s3.${region}.amazonaws.com/${key}` };
}

function uploadError(bucket: string, key: string, err: unknown): DrError {
  return new DrError({
    code: 'E_TEMPLATE_UPLOAD',
    kind: 'aws',
    message: `cannot upload the template to s3://${bucket}/${key}: ${errorName(err)}: ${(err as Error).message}`,
    fix: 'Check s3:PutObject / s3:GetObject on drctl-state-* buckets.',
    cause: err,
  });
}
