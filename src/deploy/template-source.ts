// How a template reaches CloudFormation: inline (minified) up to the 51,200-byte TemplateBody limit, else uploaded
// to drctl's state bucket in the stack's own region (CloudFormation reads TemplateURL only from the same region)
// under a content-addressed key, and passed as TemplateURL.
import { createHash } from 'node:crypto';
import type { ServiceClients } from '../aws/clients.js';
import type { TemplateSource } from '../aws/services/cloudformation.js';
import { objectExists, putObject } from '../aws/services/s3.js';
import type { AwsErrorOptions } from '../aws/errors.js';

export type { TemplateSource } from '../aws/services/cloudformation.js';

export const TEMPLATE_BODY_LIMIT = 51_200;

export interface TemplateStore {
  /** Makes sure the region's state bucket exists and returns its name. */
  bucket(region: string): Promise<string>;
  s3(region: string): ServiceClients<'s3'>;
}

const UPLOAD_ERROR = {
  code: 'E_TEMPLATE_UPLOAD',
  fix: 'Check s3:PutObject / s3:GetObject on drctl-state-* buckets.',
} satisfies AwsErrorOptions;

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
  if (!(await objectExists(s3, bucket, key, UPLOAD_ERROR)))
    await putObject(s3, { bucket, key, body, contentType: 'application/json' }, UPLOAD_ERROR);
  return { TemplateURL: `https://${bucket}.s3.${region}.amazonaws.com/${key}` };
}
