// drctl plan / status / outputs / deploy as a user runs them: exit codes and --json documents through the entry point
// in-process (clients injected where AWS is needed), and a few runs of the built bin with real SDK clients honouring
// --endpoint-url and the standard AWS environment variables (the in-memory account served over HTTP plays the
// emulator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsHttpEndpoint } from '../doubles/aws-http.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { runBin, runCli } from '../helpers/run-cli.js';
import { FIXTURE_ROOT } from './helpers.js';

const world = new AwsWorld();
const server = new AwsHttpEndpoint(world);
const seen = server.requests;
let endpoint = '';

beforeAll(async () => {
  endpoint = await server.start();
});
afterAll(() => server.stop());

const ENV_KEYS = { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'secret' };

// Concurrent: most of the time is spent in the drctl processes, and the tests share no state they change.
// A minute each: drctl processes on a busy two-core machine.
describe.concurrent('drctl CLI (deploy family), built bin against an emulator endpoint', { timeout: 60_000 }, () => {
  it('status talks to --endpoint-url with credentials from the standard environment variables, in both regions; the SDK retries a throttled call itself', async () => {
    // One HTTP 400 Throttling answer: the SDK's retry middleware sends the call again (no drctl retry needed).
    world.cloudformation('us-east-1').throttle(1, 'DescribeStacks');
    const r = await runBin(['status', '--json', '--endpoint-url', endpoint], {
      cwd: FIXTURE_ROOT,
      env: ENV_KEYS,
      // Another warning in the same process: drctl silences only the AWS SDK's Node 22 notice.
      nodeArgs: ['--import', 'data:text/javascript,process.emitWarning("another warning", "TestWarning")'],
    });
    expect(r.stderr).not.toContain('error');
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|node >=22/);
    expect(r.stderr).toContain('TestWarning: another warning');
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
    // 13 stacks described, plus the throttled attempt retried.
    expect(seen.filter((s) => s.op === 'DescribeStacks')).toHaveLength(14);
  });

  it('without any credentials, every AWS command fails the same way: exit 3, E_AWS_CREDENTIALS, how to provide them', async () => {
    const runs = await Promise.all(
      // The deploy family's pre-flight and the runbooks' first read (the drill reads the same way, in-process tests
      // cover every command).
      [['status'], ['failover', '--yes']].map((args) => runBin([...args, '--json'], { cwd: FIXTURE_ROOT })),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(3);
      const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; fix: string } };
      expect(doc.error.code).toBe('E_AWS_CREDENTIALS');
      expect(doc.error.message).toMatch(/^no usable AWS credentials \(CredentialsProviderError: /);
      expect(doc.error.fix).toContain('--profile');
    }
    expect(new Set(runs.map((r) => (JSON.parse(r.stdout) as { error: { fix: string } }).error.fix)).size).toBe(1);
  });
});

describe('drctl CLI (deploy family), in-process', () => {
  it('outputs --json prints the flat map (empty when nothing is deployed)', async () => {
    const r = await runCli(['outputs', '--json'], { cwd: FIXTURE_ROOT, clients: world.factory() });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({});
  });

  it('plan stops with exit 1 when validation finds errors', async () => {
    const r = await runCli(['plan', '--json', '--no-guard'], { cwd: FIXTURE_ROOT });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('E_VALIDATION_FAILED');
  });

  it('rejects an unknown environment and a bad --concurrency with exit 2 before touching AWS', async () => {
    const clients = world.factory();
    const before = world.sts.calls;
    const env = await runCli(['plan', '--env', 'staging', '--json'], { cwd: FIXTURE_ROOT });
    expect(env.code).toBe(2);
    expect((JSON.parse(env.stdout) as { error: { code: string; fix: string } }).error).toMatchObject({
      code: 'E_ENV_UNKNOWN',
    });
    const conc = await runCli(['deploy', '--concurrency', '0', '--json'], { cwd: FIXTURE_ROOT, clients });
    expect(conc.code).toBe(2);
    expect((JSON.parse(conc.stdout) as { error: { code: string } }).error.code).toBe('E_BAD_CONCURRENCY');
    expect(world.sts.calls).toBe(before);
  });
});
