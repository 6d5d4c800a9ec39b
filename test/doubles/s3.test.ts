// The S3 double must behave like S3 where others rely on it.
import { describe, expect, it } from 'vitest';
import { S3Double } from './s3.js';

describe('S3 double', () => {
  it('rejects a conditional put over an existing object with 412, but not over a delete marker', async () => {
    const s3 = new S3Double();
    s3.createBucket('b', 'us-east-1', 'Enabled');
    await s3.handle('PutObject', { Bucket: 'b', Key: 'k', Body: 'one', IfNoneMatch: '*' }, 'us-east-1');
    const err = (await s3
      .handle('PutObject', { Bucket: 'b', Key: 'k', Body: 'two', IfNoneMatch: '*' }, 'us-east-1')
      .catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } };
    expect(err.name).toBe('PreconditionFailed');
    expect(err.$metadata.httpStatusCode).toBe(412);
    await s3.handle('DeleteObject', { Bucket: 'b', Key: 'k' }, 'us-east-1');
    await s3.handle('PutObject', { Bucket: 'b', Key: 'k', Body: 'three', IfNoneMatch: '*' }, 'us-east-1');
    expect(s3.versionCount('b')).toBe(3);
  });

  it('pages ListObjectVersions with key and version markers, newest version first per key', async () => {
    const s3 = new S3Double();
    s3.createBucket('b', 'us-west-2', 'Enabled');
    for (const k of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) s3.put('b', k, `${k}${i}`);
    const seen: string[] = [];
    let markers: Record<string, unknown> = {};
    for (;;) {
      const page = (await s3.handle('ListObjectVersions', { Bucket: 'b', MaxKeys: 4, ...markers }, 'us-west-2')) as {
        Versions: { Key: string; VersionId: string; IsLatest: boolean }[];
        IsTruncated: boolean;
        NextKeyMarker?: string;
        NextVersionIdMarker?: string;
      };
      seen.push(...page.Versions.map((v) => `${v.Key}:${v.IsLatest}`));
      if (!page.IsTruncated) break;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
    expect(seen).toEqual([
      'a:true',
      'a:false',
      'a:false',
      'b:true',
      'b:false',
      'b:false',
      'c:true',
      'c:false',
      'c:false',
    ]);
  });

  it('refuses to delete a bucket that still holds versions', async () => {
    const s3 = new S3Double();
    s3.createBucket('b', 'us-east-1', 'Enabled');
    s3.put('b', 'k', 'x');
    await s3.handle('DeleteObject', { Bucket: 'b', Key: 'k' }, 'us-east-1');
    const err = (await s3.handle('DeleteBucket', { Bucket: 'b' }, 'us-east-1').catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('BucketNotEmpty');
  });
});
