// In-memory S3 that behaves like the service where drctl and its tests depend on it: buckets per region,
// versioning (every put a new version, deletes leave delete markers), conditional puts (If-None-Match "*" → 412),
// paginated ListObjectVersions, DeleteObjects in batches, BucketNotEmpty on DeleteBucket.
import { createHash } from 'node:crypto';
import { awsError } from './aws-error.js';

export interface S3Version {
  key: string;
  versionId: string;
  body: Uint8Array;
  etag: string;
  isDeleteMarker: boolean;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface S3Bucket {
  name: string;
  region: string;
  versioning: 'Enabled' | 'Suspended' | undefined;
  encryption: unknown;
  publicAccessBlock: unknown;
  tags: { Key: string; Value: string }[];
  /** Per key, oldest first; the last one is the current version. */
  objects: Map<string, S3Version[]>;
}

type Input = Record<string, unknown>;

export class S3Double {
  readonly buckets = new Map<string, S3Bucket>();
  readonly calls: { op: string; input: Input }[] = [];
  private versionCounter = 0;
  constructor(private readonly now: () => number = Date.now) {}

  createBucket(name: string, region: string, versioning?: 'Enabled'): S3Bucket {
    const b: S3Bucket = {
      name,
      region,
      versioning,
      encryption: undefined,
      publicAccessBlock: undefined,
      tags: [],
      objects: new Map(),
    };
    this.buckets.set(name, b);
    return b;
  }

  /** Writes an object directly (test set-up), as a PutObject would. */
  put(bucket: string, key: string, body: string | Uint8Array): { ETag: string; VersionId?: string } {
    return this.PutObject({ Bucket: bucket, Key: key, Body: body });
  }

  versionCount(bucket: string): number {
    return [...(this.buckets.get(bucket)?.objects.values() ?? [])].reduce((n, v) => n + v.length, 0);
  }

  /** Dispatches one SDK command by name; `region` is the client's region. */
  async handle(op: string, input: Input, region: string): Promise<unknown> {
    this.calls.push({ op, input });
    const fn = (this as unknown as Record<string, (i: Input, r: string) => unknown>)[op];
    if (typeof fn !== 'function' || !/^[A-Z]/.test(op))
      throw new Error(`S3 double: ${op} is not supported by this double`);
    return fn.call(this, input, region);
  }

  private bucket(name: unknown): S3Bucket {
    const b = this.buckets.get(String(name));
    if (!b) throw awsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    return b;
  }

  private current(b: S3Bucket, key: string): S3Version | undefined {
    const vs = b.objects.get(key);
    return vs?.[vs.length - 1];
  }

  CreateBucket(i: Input, region: string) {
    const name = String(i.Bucket);
    const loc = (i.CreateBucketConfiguration as { LocationConstraint?: string } | undefined)?.LocationConstraint;
    const target = loc ?? 'us-east-1';
    if (target !== region)
      throw awsError(
        'IllegalLocationConstraintException',
        `The ${target} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        400,
      );
    if (region !== 'us-east-1' && !loc)
      throw awsError(
        'IllegalLocationConstraintException',
        'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
        400,
      );
    if (this.buckets.has(name))
      throw awsError(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
      );
    this.createBucket(name, target);
    return { Location: `/${name}` };
  }

  HeadBucket(i: Input) {
    const b = this.buckets.get(String(i.Bucket));
    if (!b) throw awsError('NotFound', 'Not Found', 404);
    return { BucketRegion: b.region };
  }

  PutBucketVersioning(i: Input) {
    this.bucket(i.Bucket).versioning = (i.VersioningConfiguration as { Status: 'Enabled' | 'Suspended' }).Status;
    return {};
  }

  GetBucketVersioning(i: Input) {
    return { Status: this.bucket(i.Bucket).versioning };
  }

  PutBucketEncryption(i: Input) {
    this.bucket(i.Bucket).encryption = i.ServerSideEncryptionConfiguration;
    return {};
  }

  PutPublicAccessBlock(i: Input) {
    this.bucket(i.Bucket).publicAccessBlock = i.PublicAccessBlockConfiguration;
    return {};
  }

  PutBucketTagging(i: Input) {
    this.bucket(i.Bucket).tags = (i.Tagging as { TagSet: { Key: string; Value: string }[] }).TagSet;
    return {};
  }

  PutObject(i: Input) {
    const b = this.bucket(i.Bucket);
    const key = String(i.Key);
    const cur = this.current(b, key);
    const exists = cur !== undefined && !cur.isDeleteMarker;
    if (i.IfNoneMatch !== undefined) {
      if (i.IfNoneMatch !== '*')
        throw awsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
      if (exists)
        throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
    }
    if (i.IfMatch !== undefined && (!exists || cur.etag !== i.IfMatch)) {
      if (!exists) throw awsError('NoSuchKey', 'The specified key does not exist.', 404);
      throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
    }
    const raw = i.Body;
    const body =
      typeof raw === 'string' ? new TextEncoder().encode(raw) : raw instanceof Uint8Array ? raw : new Uint8Array();
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const version: S3Version = {
      key,
      versionId: b.versioning === 'Enabled' ? `v${String(++this.versionCounter).padStart(6, '0')}` : 'null',
      body,
      etag,
      isDeleteMarker: false,
      lastModified: new Date(this.now()),
      metadata: (i.Metadata as Record<string, string>) ?? {},
    };
    this.store(b, version);
    return { ETag: etag, ...(b.versioning === 'Enabled' ? { VersionId: version.versionId } : {}) };
  }

  private store(b: S3Bucket, v: S3Version): void {
    const list = b.objects.get(v.key) ?? [];
    // Unversioned buckets keep only the "null" version.
    const kept = b.versioning === 'Enabled' ? list : list.filter((x) => x.versionId !== 'null');
    b.objects.set(v.key, [...kept, v]);
  }

  private find(b: S3Bucket, key: string, versionId: unknown): S3Version {
    const v =
      versionId === undefined ? this.current(b, key) : b.objects.get(key)?.find((x) => x.versionId === versionId);
    if (!v || (versionId === undefined && v.isDeleteMarker))
      throw awsError(versionId === undefined ? 'NoSuchKey' : 'NoSuchVersion', 'The specified key does not exist.', 404);
    return v;
  }

  GetObject(i: Input) {
    const v = this.find(this.bucket(i.Bucket), String(i.Key), i.VersionId);
    const body = v.body;
    return {
      ETag: v.etag,
      VersionId: v.versionId,
      LastModified: v.lastModified,
      ContentLength: body.length,
      Metadata: v.metadata,
      Body: { transformToString: async () => new TextDecoder().decode(body), transformToByteArray: async () => body },
    };
  }

  HeadObject(i: Input) {
    const b = this.bucket(i.Bucket);
    try {
      const v = this.find(b, String(i.Key), i.VersionId);
      return {
        ETag: v.etag,
        VersionId: v.versionId,
        LastModified: v.lastModified,
        ContentLength: v.body.length,
        Metadata: v.metadata,
      };
    } catch {
      // HEAD responses carry no body, so the SDK can only report the status: NotFound.
      throw awsError('NotFound', 'Not Found', 404);
    }
  }

  DeleteObject(i: Input) {
    const b = this.bucket(i.Bucket);
    const key = String(i.Key);
    if (i.VersionId !== undefined) {
      const list = b.objects.get(key) ?? [];
      const v = list.find((x) => x.versionId === i.VersionId);
      b.objects.set(
        key,
        list.filter((x) => x !== v),
      );
      if (!b.objects.get(key)?.length) b.objects.delete(key);
      return { VersionId: i.VersionId, DeleteMarker: v?.isDeleteMarker ?? false };
    }
    if (b.versioning === 'Enabled') {
      const marker: S3Version = {
        key,
        versionId: `v${String(++this.versionCounter).padStart(6, '0')}`,
        body: new Uint8Array(),
        etag: '',
        isDeleteMarker: true,
        lastModified: new Date(this.now()),
        metadata: {},
      };
      this.store(b, marker);
      return { DeleteMarker: true, VersionId: marker.versionId };
    }
    b.objects.delete(key);
    return {};
  }

  DeleteObjects(i: Input) {
    const objects = (i.Delete as { Objects: { Key: string; VersionId?: string }[] }).Objects;
    if (objects.length > 1000)
      throw awsError(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    const Deleted = objects.map((o) => {
      const r = this.DeleteObject({ Bucket: i.Bucket, Key: o.Key, VersionId: o.VersionId });
      return { Key: o.Key, VersionId: o.VersionId, DeleteMarker: r.DeleteMarker };
    });
    return { Deleted, Errors: [] };
  }

  ListObjectVersions(i: Input) {
    const b = this.bucket(i.Bucket);
    const max = Math.min(Number(i.MaxKeys ?? 1000), 1000);
    const prefix = String(i.Prefix ?? '');
    // Keys ascending; versions of one key newest first, as S3 lists them.
    const all = [...b.objects.keys()]
      .filter((k) => k.startsWith(prefix))
      .sort()
      .flatMap((k) => [...b.objects.get(k)!].reverse());
    let start = 0;
    if (i.KeyMarker !== undefined) {
      const at = all.findIndex(
        (v) => v.key === i.KeyMarker && (i.VersionIdMarker === undefined || v.versionId === i.VersionIdMarker),
      );
      start = i.VersionIdMarker === undefined ? all.findIndex((v) => v.key > String(i.KeyMarker)) : at + 1;
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + max);
    const truncated = start + max < all.length;
    const last = page[page.length - 1];
    const entry = (v: S3Version) => ({
      Key: v.key,
      VersionId: v.versionId,
      LastModified: v.lastModified,
      IsLatest: b.objects.get(v.key)!.at(-1) === v,
    });
    return {
      IsTruncated: truncated,
      Versions: page.filter((v) => !v.isDeleteMarker).map((v) => ({ ...entry(v), ETag: v.etag, Size: v.body.length })),
      DeleteMarkers: page.filter((v) => v.isDeleteMarker).map(entry),
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId } : {}),
    };
  }

  ListObjectsV2(i: Input) {
    const b = this.bucket(i.Bucket);
    const prefix = String(i.Prefix ?? '');
    const keys = [...b.objects.keys()]
      .filter((k) => k.startsWith(prefix) && !this.current(b, k)!.isDeleteMarker)
      .sort();
    return {
      KeyCount: keys.length,
      IsTruncated: false,
      Contents: keys.map((k) => ({ Key: k, Size: this.current(b, k)!.body.length, ETag: this.current(b, k)!.etag })),
    };
  }

  DeleteBucket(i: Input) {
    const b = this.bucket(i.Bucket);
    if (b.objects.size > 0)
      throw awsError(
        'BucketNotEmpty',
        'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
        409,
      );
    this.buckets.delete(b.name);
    return {};
  }
}
