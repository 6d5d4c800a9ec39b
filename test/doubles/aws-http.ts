// The in-memory account (AwsWorld) behind a local HTTP endpoint that speaks the real wire protocols: the query
// protocol for CloudFormation, STS and IAM (form-encoded request, XML response), REST-XML for S3 (path-style) and
// Route 53, REST-JSON for Lambda and JSON 1.1 for ACM (the calls deploy's pre-flight makes).
// A drctl process started with `--endpoint-url` (or AWS_ENDPOINT_URL) talks to it through unmodified SDK v3
// clients, as it would to an AWS emulator; the test process keeps the state and sees every signed request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsWorld } from './aws-world.js';

export interface WireRequest {
  service: string;
  region: string;
  accessKeyId: string;
  op: string;
  input: Record<string, unknown>;
}

type Input = Record<string, unknown>;

const QUERY_NAMESPACES: Record<string, string> = {
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};
const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** A double's fake client answers `send({ input, constructor: { name } })` like an SDK command. */
interface FakeSendable {
  send(command: unknown): Promise<unknown>;
}
const command = (op: string, input: Input) => ({ input, constructor: { name: `${op}Command` } });

/** Route 53's REST-XML request paths → operation and input. */
function route53Request(req: IncomingMessage): { op: string; input: Input } {
  const parts = new URL(req.url ?? '/', 'http://local').pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [, resource = '', a = '', b = ''] = parts;
  if (resource === 'hostedzone') return { op: 'GetHostedZone', input: { Id: a } };
  if (resource === 'accountlimit') return { op: 'GetAccountLimit', input: { Type: a } };
  if (resource === 'hostedzonelimit') return { op: 'GetHostedZoneLimit', input: { HostedZoneId: a, Type: b } };
  return { op: `${req.method ?? 'GET'} ${parts.join('/')}`, input: {} };
}

/** Route 53 XML: structures as elements; lists named by their member (NameServers → NameServer). */
function route53Xml(value: unknown, member = 'member'): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `<${member}>${route53Xml(v)}</${member}>`).join('');
  if (typeof value === 'object')
    return Object.entries(value as Input)
      .filter(([k, v]) => v !== undefined && k !== '$metadata')
      .map(([k, v]) => `<${k}>${route53Xml(v, k.replace(/s$/, ''))}</${k}>`)
      .join('');
  return escapeXml(String(value));
}

/** Lambda's REST-JSON request paths → operation and input. */
function lambdaRequest(req: IncomingMessage): { op: string; input: Input } {
  const parts = new URL(req.url ?? '/', 'http://local').pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[1] === 'account-settings') return { op: 'GetAccountSettings', input: {} };
  if (parts[1] === 'functions' && parts[3] === 'concurrency')
    return { op: 'GetFunctionConcurrency', input: { FunctionName: parts[2] } };
  return { op: `${req.method ?? 'GET'} ${parts.join('/')}`, input: {} };
}
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** `A.member.1.B=x` → `{ A: [{ B: 'x' }] }`: the query protocol's flattening of lists and structures, undone. */
export function decodeQuery(body: string): { action: string; input: Input } {
  const root: Input = {};
  const params = new URLSearchParams(body);
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version' || value === '') continue;
    const path = key.split('.');
    let node = root;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = value;
      else node = (node[seg] ??= {}) as Input;
    });
  }
  const listify = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    const o = v as Input;
    if (Object.keys(o).length === 1 && o.member && typeof o.member === 'object') {
      return Object.entries(o.member as Input)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, x]) => listify(x));
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, listify(x)]));
  };
  return { action: params.get('Action') ?? '', input: listify(root) as Input };
}

/** Query-protocol XML: structures as elements, lists as `<member>`, timestamps in ISO 8601. */
export function queryXml(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${queryXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Input)
      .filter(([k, v]) => v !== undefined && k !== '$metadata')
      .map(([k, v]) => `<${k}>${queryXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** Undoes the SDK's `aws-chunked` content encoding (streamed bodies with a trailing checksum). */
function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.subarray(at, eol).toString().split(';')[0]!, 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      resolve(/aws-chunked/.test(String(req.headers['content-encoding'] ?? '')) ? dechunk(raw) : raw);
    });
    req.on('error', reject);
  });
}

const tag = (xml: string, name: string) => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? unescapeXml(m[1]!) : undefined;
};

/** Maps a path-style S3 request to the double's operation and input. */
function s3Request(req: IncomingMessage, body: Buffer): { op: string; input: Input } {
  const url = new URL(req.url ?? '/', 'http://local');
  const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
  const Bucket = decodeURIComponent(bucketPart);
  // `/bucket/` (the SDK's form for bucket operations) has no key.
  const Key = keyParts.join('') ? keyParts.map(decodeURIComponent).join('/') : undefined;
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const text = body.toString();
  const versionId = q.get('versionId') ?? undefined;
  if (Key !== undefined) {
    const object = { Bucket, Key, ...(versionId ? { VersionId: versionId } : {}) };
    if (method === 'HEAD') return { op: 'HeadObject', input: object };
    if (method === 'GET') return { op: 'GetObject', input: object };
    if (method === 'DELETE') return { op: 'DeleteObject', input: object };
    const meta = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([h]) => h.startsWith('x-amz-meta-'))
        .map(([h, v]) => [h.slice('x-amz-meta-'.length), String(v)]),
    );
    const ifNoneMatch = req.headers['if-none-match'];
    const ifMatch = req.headers['if-match'];
    return {
      op: 'PutObject',
      input: {
        Bucket,
        Key,
        Body: new Uint8Array(body),
        Metadata: meta,
        ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}),
        ...(ifMatch ? { IfMatch: ifMatch } : {}),
      },
    };
  }
  if (method === 'HEAD') return { op: 'HeadBucket', input: { Bucket } };
  if (method === 'DELETE') return { op: 'DeleteBucket', input: { Bucket } };
  if (method === 'POST' && q.has('delete')) {
    const Objects = [...text.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((m) => ({
      Key: tag(m[1]!, 'Key')!,
      ...(tag(m[1]!, 'VersionId') ? { VersionId: tag(m[1]!, 'VersionId') } : {}),
    }));
    return { op: 'DeleteObjects', input: { Bucket, Delete: { Objects, Quiet: tag(text, 'Quiet') === 'true' } } };
  }
  if (method === 'GET' && q.has('versions')) {
    const opt = (name: string, param: string) => (q.has(param) ? { [name]: q.get(param) } : {});
    return {
      op: 'ListObjectVersions',
      input: {
        Bucket,
        ...opt('KeyMarker', 'key-marker'),
        ...opt('VersionIdMarker', 'version-id-marker'),
        ...opt('MaxKeys', 'max-keys'),
        ...opt('Prefix', 'prefix'),
      },
    };
  }
  if (method === 'GET' && q.has('versioning')) return { op: 'GetBucketVersioning', input: { Bucket } };
  if (method === 'PUT' && q.has('versioning'))
    return { op: 'PutBucketVersioning', input: { Bucket, VersioningConfiguration: { Status: tag(text, 'Status') } } };
  if (method === 'PUT' && q.has('encryption'))
    return { op: 'PutBucketEncryption', input: { Bucket, ServerSideEncryptionConfiguration: text } };
  if (method === 'PUT' && q.has('publicAccessBlock'))
    return { op: 'PutPublicAccessBlock', input: { Bucket, PublicAccessBlockConfiguration: text } };
  if (method === 'PUT') {
    const loc = tag(text, 'LocationConstraint');
    return {
      op: 'CreateBucket',
      input: { Bucket, ...(loc ? { CreateBucketConfiguration: { LocationConstraint: loc } } : {}) },
    };
  }
  return { op: `Unsupported ${method} ${url.pathname}${url.search}`, input: {} };
}

type S3Out = Record<string, unknown> & { Body?: { transformToByteArray(): Promise<Uint8Array> } };

async function s3Response(res: ServerResponse, op: string, out: S3Out): Promise<void> {
  const header = (name: string, v: unknown) => v !== undefined && res.setHeader(name, String(v));
  const objectHeaders = () => {
    header('ETag', out.ETag);
    header('x-amz-version-id', out.VersionId);
    header('Last-Modified', (out.LastModified as Date | undefined)?.toUTCString());
    for (const [k, v] of Object.entries((out.Metadata as Record<string, string> | undefined) ?? {}))
      header(`x-amz-meta-${k}`, v);
  };
  const xml = (doc: string) => {
    res.setHeader('content-type', 'application/xml');
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${doc}`);
  };
  const entry = (name: string, v: Input) =>
    `<${name}>${Object.entries(v)
      .map(([k, x]) => `<${k}>${x instanceof Date ? x.toISOString() : escapeXml(String(x))}</${k}>`)
      .join('')}</${name}>`;
  switch (op) {
    case 'HeadBucket':
      header('x-amz-bucket-region', out.BucketRegion);
      return void res.end();
    case 'CreateBucket':
      header('Location', out.Location);
      return void res.end();
    case 'PutObject':
      header('ETag', out.ETag);
      header('x-amz-version-id', out.VersionId);
      return void res.end();
    case 'HeadObject':
      objectHeaders();
      header('Content-Length', out.ContentLength);
      return void res.end();
    case 'GetObject': {
      objectHeaders();
      return void res.end(Buffer.from(await out.Body!.transformToByteArray()));
    }
    case 'DeleteObject':
      res.statusCode = 204;
      header('x-amz-version-id', out.VersionId);
      if (out.DeleteMarker) header('x-amz-delete-marker', 'true');
      return void res.end();
    case 'DeleteObjects': {
      const deleted = (out.Deleted as Input[])
        .map((d) => entry('Deleted', Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined))))
        .join('');
      return xml(`<DeleteResult xmlns="${S3_NS}">${deleted}</DeleteResult>`);
    }
    case 'ListObjectVersions': {
      const versions = (out.Versions as Input[]).map((v) => entry('Version', v)).join('');
      const markers = (out.DeleteMarkers as Input[]).map((v) => entry('DeleteMarker', v)).join('');
      const next = out.NextKeyMarker
        ? `<NextKeyMarker>${escapeXml(String(out.NextKeyMarker))}</NextKeyMarker><NextVersionIdMarker>${escapeXml(String(out.NextVersionIdMarker))}</NextVersionIdMarker>`
        : '';
      return xml(
        `<ListVersionsResult xmlns="${S3_NS}"><IsTruncated>${String(out.IsTruncated)}</IsTruncated>${next}${versions}${markers}</ListVersionsResult>`,
      );
    }
    case 'GetBucketVersioning':
      return xml(
        `<VersioningConfiguration xmlns="${S3_NS}">${out.Status ? `<Status>${String(out.Status)}</Status>` : ''}</VersioningConfiguration>`,
      );
    default:
      return void res.end();
  }
}

function errorParts(err: unknown): { name: string; message: string; status: number } {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const known = Boolean(e.$metadata);
  return {
    name: known ? (e.name ?? 'InternalFailure') : 'InternalFailure',
    message: e.message ?? String(err),
    status: known ? (e.$metadata?.httpStatusCode ?? 400) : 500,
  };
}

export class AwsHttpEndpoint {
  readonly requests: WireRequest[] = [];
  /** Called for every request after it is decoded and before the double handles it. */
  onRequest: ((r: WireRequest) => void) | undefined;
  /** Simulated time each CloudFormation request lets pass, so stack operations progress as the client polls. */
  cfnStepMs = 2000;
  /** Simulated milliseconds per real millisecond between CloudFormation requests (0: time moves only per request). */
  timeScale = 0;
  private lastRequestAt = Date.now();
  private server: Server | undefined;
  url = '';

  constructor(readonly world: AwsWorld) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    // SigV4's credential scope names the access key, region and service of every request.
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    const [accessKeyId = '', region = '', service = ''] = scope ? scope.slice(1) : [];
    if (service === 's3') return this.serveS3(req, res, body, { service, region, accessKeyId });
    if (service === 'route53' || service === 'lambda' || service === 'acm')
      return this.serveRestOrJson(req, res, body, { service, region, accessKeyId });
    const { action, input } = decodeQuery(body.toString());
    const call: WireRequest = { service, region, accessKeyId, op: action, input };
    this.requests.push(call);
    this.onRequest?.(call);
    const ns = QUERY_NAMESPACES[service] ?? QUERY_NAMESPACES.cloudformation!;
    res.setHeader('content-type', 'text/xml');
    try {
      let out: unknown;
      if (service === 'sts') out = await this.world.sts.handle(action);
      else if (service === 'iam')
        out = await (this.world.iam.client(region) as FakeSendable).send(command(action, input));
      else {
        const now = Date.now();
        this.world.clock.advance(this.cfnStepMs + (now - this.lastRequestAt) * this.timeScale);
        this.lastRequestAt = now;
        out = await this.world.cloudformation(region).handle(action, input);
      }
      res.end(
        `<${action}Response xmlns="${ns}"><${action}Result>${queryXml(out)}</${action}Result><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (err) {
      const e = errorParts(err);
      res.statusCode = e.status;
      res.end(
        `<ErrorResponse xmlns="${ns}"><Error><Type>${e.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(service === 'iam' ? e.name.replace(/Exception$/, '') : e.name)}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>req</RequestId></ErrorResponse>`,
      );
    }
  }

  /** Route 53 (REST-XML), Lambda (REST-JSON) and ACM (JSON 1.1): the read calls deploy's pre-flight makes. */
  private async serveRestOrJson(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    who: { service: string; region: string; accessKeyId: string },
  ): Promise<void> {
    const { op, input } =
      who.service === 'route53'
        ? route53Request(req)
        : who.service === 'lambda'
          ? lambdaRequest(req)
          : {
              op: String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '',
              input: JSON.parse(body.toString() || '{}') as Input,
            };
    const call: WireRequest = { ...who, op, input };
    this.requests.push(call);
    this.onRequest?.(call);
    const client = (
      who.service === 'route53'
        ? this.world.route53.client(who.region)
        : who.service === 'lambda'
          ? this.world.lambda.client(who.region)
          : this.world.acm.client(who.region)
    ) as FakeSendable;
    try {
      const out = (await client.send(command(op, input))) as Input;
      const { $metadata: _m, ...rest } = out;
      if (who.service === 'route53') {
        res.setHeader('content-type', 'text/xml');
        res.end(`<${op}Response xmlns="${ROUTE53_NS}">${route53Xml(rest)}</${op}Response>`);
      } else {
        res.setHeader('content-type', who.service === 'acm' ? 'application/x-amz-json-1.1' : 'application/json');
        res.end(JSON.stringify(rest));
      }
    } catch (err) {
      const e = errorParts(err);
      res.statusCode = e.status === 400 && /NotFound|NoSuch/.test(e.name) ? 404 : e.status;
      if (who.service === 'route53') {
        res.setHeader('content-type', 'text/xml');
        res.end(
          `<ErrorResponse xmlns="${ROUTE53_NS}"><Error><Type>Sender</Type><Code>${escapeXml(e.name)}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>req</RequestId></ErrorResponse>`,
        );
      } else {
        res.setHeader('x-amzn-errortype', e.name);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ __type: e.name, message: e.message }));
      }
    }
  }

  private async serveS3(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    who: { service: string; region: string; accessKeyId: string },
  ): Promise<void> {
    const { op, input } = s3Request(req, body);
    const call: WireRequest = { ...who, op, input };
    this.requests.push(call);
    this.onRequest?.(call);
    try {
      await s3Response(res, op, (await this.world.s3.handle(op, input, who.region)) as S3Out);
    } catch (err) {
      const e = errorParts(err);
      res.statusCode = e.status;
      // HEAD responses carry no body: the SDK only sees the status (NotFound, Forbidden).
      if (req.method === 'HEAD') return void res.end();
      res.setHeader('content-type', 'application/xml');
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(e.name)}</Code><Message>${escapeXml(e.message)}</Message><RequestId>req</RequestId></Error>`,
      );
    }
  }
}
