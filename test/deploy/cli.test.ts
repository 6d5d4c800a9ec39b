// drctl plan / status / deploy as a user runs them: exit codes, --json documents, and real SDK clients honouring
// --endpoint-url and the standard AWS environment variables (a local HTTP server plays the emulator).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drctl } from './spawn-cli.js';

const seen: { region: string; accessKey: string; action: string }[] = [];
let throttleNext = 0;
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(auth);
    const action = new URLSearchParams(body).get('Action') ?? '';
    seen.push({ accessKey: scope?.[1] ?? '', region: scope?.[2] ?? '', action });
    res.setHeader('content-type', 'text/xml');
    if (action === 'GetCallerIdentity') {
      res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      return;
    }
    const stack = new URLSearchParams(body).get('StackName');
    if (action === 'DescribeStacks' && throttleNext > 0) {
      throttleNext--;
      res.statusCode = 400;
      res.end(`<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r3</RequestId></ErrorResponse>`);
      return;
    }
    res.statusCode = 400;
    res.end(`<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stack} does not exist</Message></Error><RequestId>r2</RequestId></ErrorResponse>`);
  });
});
let endpoint = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('drctl CLI (deploy family)', () => {
  it('status talks to --endpoint-url with credentials from the standard environment variables, in both regions', async () => {
    const r = await drctl(['status', '--json', '--endpoint-url', endpoint], { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { environment: string; stacks: { id: string; status: string; region: string }[] };
    expect(doc.environment).toBe('dev');
    expect(doc.stacks).toHaveLength(13);
    expect(doc.stacks.every((s) => s.status === 'NOT_DEPLOYED')).toBe(true);
    expect(new Set(seen.filter((s) => s.action === 'DescribeStacks').map((s) => s.region))).toEqual(new Set(['us-east-1', 'us-west-2']));
    expect(seen.every((s) => s.accessKey === 'AKIDFROMENV')).toBe(true);
  });

  it("real SDK clients retry HTTP 400 Throttling responses themselves (the SDK's retry middleware)", async () => {
    seen.length = 0;
    throttleNext = 1;
    const r = await drctl(['status', '--json', '--endpoint-url', endpoint], { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(r.code).toBe(0);
    expect(throttleNext).toBe(0);
    // 13 stacks described, plus the throttled attempt retried.
    expect(seen.filter((s) => s.action === 'DescribeStacks')).toHaveLength(14);
  });

  it('outputs --json prints the flat map (empty when nothing is deployed)', async () => {
    const r = await drctl(['outputs', '--json', '--endpoint-url', endpoint], { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({});
  });

  it('without any credentials, fails with exit 3 and says how to provide them', async () => {
    const r = await drctl(['status', '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as { error: { code: string; fix: string } };
    expect(doc.error.code).toBe('E_AWS_CREDENTIALS');
    expect(doc.error.fix).toContain('--profile');
  });

  it('plan stops with exit 1 when validation finds errors', async () => {
    const r = await drctl(['plan', '--json', '--no-guard']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('E_VALIDATION_FAILED');
  });

  it('rejects an unknown environment and a bad --concurrency with exit 2 before touching AWS', async () => {
    const env = await drctl(['plan', '--env', 'staging', '--json']);
    expect(env.code).toBe(2);
    expect((JSON.parse(env.stdout) as { error: { code: string; fix: string } }).error).toMatchObject({ code: 'E_ENV_UNKNOWN' });
    const conc = await drctl(['deploy', '--concurrency', '0', '--json']);
    expect(conc.code).toBe(2);
    expect((JSON.parse(conc.stdout) as { error: { code: string } }).error.code).toBe('E_BAD_CONCURRENCY');
  });
});
