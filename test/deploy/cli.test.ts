// drctl plan / status / deploy as a user runs them: exit codes, --json documents, and real SDK clients honouring
// --endpoint-url and the standard AWS environment variables (the in-memory account served over HTTP plays the
// emulator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsHttpEndpoint } from '../doubles/aws-http.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { drctl } from './spawn-cli.js';

const world = new AwsWorld();
const server = new AwsHttpEndpoint(world);
const seen = server.requests;
let endpoint = '';

beforeAll(async () => {
  endpoint = await server.start();
});
afterAll(() => server.stop());

describe('drctl CLI (deploy family)', () => {
  it('status talks to --endpoint-url with credentials from the standard environment variables, in both regions', async () => {
    const r = await drctl(['status', '--json', '--endpoint-url', endpoint], {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      environment: string;
      stacks: { id: string; status: string; region: string }[];
    };
    expect(doc.environment).toBe('dev');
    expect(doc.stacks).toHaveLength(13);
    expect(doc.stacks.every((s) => s.status === 'NOT_DEPLOYED')).toBe(true);
    expect(new Set(seen.filter((s) => s.op === 'DescribeStacks').map((s) => s.region))).toEqual(
      new Set(['us-east-1', 'us-west-2']),
    );
    expect(seen.every((s) => s.accessKeyId === 'AKIDFROMENV')).toBe(true);
  });

  it("real SDK clients retry HTTP 400 Throttling responses themselves (the SDK's retry middleware)", async () => {
    seen.length = 0;
    world.cloudformation('us-east-1').throttle(1, 'DescribeStacks');
    const r = await drctl(['status', '--json', '--endpoint-url', endpoint], {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(r.code).toBe(0);
    // 13 stacks described, plus the throttled attempt retried.
    expect(seen.filter((s) => s.op === 'DescribeStacks')).toHaveLength(14);
  });

  it('outputs --json prints the flat map (empty when nothing is deployed)', async () => {
    const r = await drctl(['outputs', '--json', '--endpoint-url', endpoint], {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
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
    expect((JSON.parse(env.stdout) as { error: { code: string; fix: string } }).error).toMatchObject({
      code: 'E_ENV_UNKNOWN',
    });
    const conc = await drctl(['deploy', '--concurrency', '0', '--json']);
    expect(conc.code).toBe(2);
    expect((JSON.parse(conc.stdout) as { error: { code: string } }).error.code).toBe('E_BAD_CONCURRENCY');
  });
});
