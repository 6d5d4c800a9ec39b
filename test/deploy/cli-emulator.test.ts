// drctl as an operator runs it against an AWS emulator: the built bin, with unmodified SDK v3 clients, talks over
// HTTP to the in-memory account (CloudFormation and STS over the query protocol, S3 over REST-XML, path-style).
// The project's own templates and config/dev.json; a real SIGINT; credentials from --profile and the environment.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { loadProject } from '../../src/plan/project.js';
import { AwsHttpEndpoint } from '../doubles/aws-http.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { PROJECT_ROOT, runBin, spawnBin } from '../helpers/run-cli.js';
import { ALL, runtime } from './helpers.js';

const ACCOUNT = '123456789012';
const STATE_BUCKET = `drctl-state-${ACCOUNT}-us-east-1`;

interface RunReport {
  status: string;
  error?: { code: string; kind: string };
  nodes: { id: string; state: string; outcome?: string; error?: { code: string; kind: string } }[];
}

/** A shared credentials file with one profile, and a config file naming it, in a fresh directory. */
async function profileFiles(profile: string, accessKeyId: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-aws-'));
  await writeFile(
    path.join(dir, 'credentials'),
    `[${profile}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = secret\n`,
  );
  await writeFile(path.join(dir, 'config'), `[profile ${profile}]\nregion = us-east-1\n`);
  return { AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AWS_CONFIG_FILE: path.join(dir, 'config') };
}

/** A fresh account behind its own HTTP endpoint, stopped when the test ends (tests run concurrently). */
async function emulator(): Promise<{ world: AwsWorld; endpoint: AwsHttpEndpoint; url: string }> {
  // The account holds a hosted zone with the id config/dev.json names, so deploy's pre-flight passes.
  const world = new AwsWorld({ account: ACCOUNT, hostedZones: { Z0000000000000000000: 'dev.trading.example.com' } });
  const endpoint = new AwsHttpEndpoint(world);
  const url = await endpoint.start();
  onTestFinished(() => endpoint.stop());
  return { world, endpoint, url };
}

// Concurrent: each test has its own account and endpoint, and most of the time is spent in the drctl processes.
// Each runs several drctl processes on a shared machine: the timeout leaves room for a loaded one.
describe.concurrent('drctl against an AWS endpoint (an emulator) over HTTP', () => {
  it('Ctrl-C during deploy: exit 130, the JSON report says interrupted, the lock is released and no change set is left; the next run resumes', async () => {
    const { world, endpoint, url } = await emulator();
    const files = await profileFiles('ops', 'AKIDPROFILE');
    // The environment's keys are there too: an explicit --profile wins over them, as with the AWS CLI.
    const run = spawnBin(['deploy', '--json', '--profile', 'ops', '--endpoint-url', url], {
      cwd: PROJECT_ROOT,
      env: { ...files, AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret' },
    });
    let executed = false;
    let interrupted = false;
    endpoint.onRequest = (r) => {
      if (r.op === 'ExecuteChangeSet') executed = true;
      // The first poll after a stack operation started: drctl is now waiting on CloudFormation.
      if (executed && !interrupted && r.op === 'DescribeStacks') {
        interrupted = true;
        run.child.kill('SIGINT');
      }
    };
    const r = await run.done;
    expect(interrupted).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupt: no new stacks will start');
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.status).toBe('interrupted');
    expect(report.error).toMatchObject({ code: 'E_INTERRUPTED', kind: 'interrupted' });
    // A stopped wait is an interrupt, not a failure; what never started is pending, not a cascade of skips.
    expect(report.nodes.filter((n) => n.state === 'failed').every((n) => n.error?.kind === 'interrupted')).toBe(true);
    expect(report.nodes.filter((n) => n.state === 'skipped')).toEqual([]);
    expect(report.nodes.find((n) => n.id === 'data@secondary')!.state).toBe('pending');
    expect(r.stderr).not.toMatch(/^error: \S+ failed/m);

    // CloudFormation carries on with what was started; nothing is half-written on drctl's side.
    const stacks = ['us-east-1', 'us-west-2'].flatMap((region) => [...world.cloudformation(region).stacks.values()]);
    expect(stacks.map((s) => s.status)).toContain('CREATE_IN_PROGRESS');
    for (const s of stacks)
      expect([...s.changeSets.values()].filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
    expect(world.s3.buckets.get(STATE_BUCKET)!.objects.has('locks/dev.json')).toBe(false);
    expect(new Set(endpoint.requests.map((q) => q.accessKeyId))).toEqual(new Set(['AKIDPROFILE']));
    expect(new Set(endpoint.requests.map((q) => q.region))).toEqual(new Set(['us-east-1', 'us-west-2']));

    // The next run picks up what the interrupted one left: it waits for a create still running, then carries on.
    // Its parallel nodes share simulated time, so a create may finish while another node waits: that one is then
    // found complete (no changes), with no wait and nothing created again.
    const inProgress = report.nodes.filter((n) => n.error?.kind === 'interrupted').map((n) => n.id);
    expect(inProgress.length).toBeGreaterThan(0);
    const roleOf = { 'us-east-1': 'primary', 'us-west-2': 'secondary' } as const;
    const stillRunning = (['us-east-1', 'us-west-2'] as const).flatMap((region) =>
      [...world.cloudformation(region).stacks.values()]
        // REVIEW_IN_PROGRESS is a change set not yet executed: nothing runs, the next run creates the stack.
        .filter((stack) => stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS')
        .map((stack) => `${stack.name.split('-')[1]}@${roleOf[region]}`),
    );
    expect(stillRunning.length).toBeGreaterThan(0);
    const rt = runtime(world);
    const resumed = await runDeploy(await loadProject(PROJECT_ROOT, 'dev'), { ...ALL, only: ['foundation'] }, rt);
    expect(resumed.report.status).toBe('succeeded');
    const waited = rt.reporter.byCode<{ node: string }>('DEPLOY_RESUME_WAIT').map((m) => m.data!.node);
    expect(waited.length).toBeGreaterThan(0);
    for (const id of stillRunning)
      if (!waited.includes(id)) expect(resumed.report.nodes.find((n) => n.id === id)?.outcome, id).toBe('no-changes');
    for (const id of waited) expect(stillRunning).toContain(id);
    for (const n of resumed.report.nodes) expect(['created', 'no-changes']).toContain(n.outcome);
  }, 120_000);

  it('a second operator deploying the same environment gets exit 4 naming who holds the lock, and since when', async () => {
    const { world, endpoint, url } = await emulator();
    const env = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret' };
    const first = spawnBin(['deploy', '--json', '--endpoint-url', url], { env, cwd: PROJECT_ROOT });
    // Once a stack operation runs, the first run holds the lock (taken before anything changed).
    await new Promise<void>((resolve) => (endpoint.onRequest = (r) => r.op === 'ExecuteChangeSet' && resolve()));
    const second = await runBin(['deploy', '--json', '--endpoint-url', url], { env, cwd: PROJECT_ROOT });
    first.child.kill('SIGINT');
    expect(second.code).toBe(4);
    const error = (JSON.parse(second.stdout) as { error: { code: string; kind: string; message: string; fix: string } })
      .error;
    expect(error).toMatchObject({ code: 'E_LOCKED', kind: 'conflict' });
    expect(error.message).toContain(
      `alice on ${os.hostname()} (pid ${first.child.pid}, arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/alice) running deploy since`,
    );
    expect(error.message).toMatch(/\(\d+s ago\)$/);
    expect(error.fix).toContain('--force-unlock');
    expect((await first.done).code).toBe(130);
    expect(world.s3.buckets.get(STATE_BUCKET)!.objects.has('locks/dev.json')).toBe(false);
  }, 120_000);

  it('status, outputs and destroy reach the endpoint through AWS_ENDPOINT_URL alone, S3 path-style on a host name', async () => {
    const { world, endpoint, url } = await emulator();
    const project = await loadProject(PROJECT_ROOT, 'dev');
    expect((await runDeploy(project, { ...ALL, only: ['foundation'] }, runtime(world))).report.status).toBe(
      'succeeded',
    );
    const env = {
      AWS_ENDPOINT_URL: url.replace('127.0.0.1', 'localhost'),
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };

    // Both read-only: run at once.
    const [status, outputsRun] = await Promise.all([
      runBin(['status', '--json'], { env, cwd: PROJECT_ROOT }),
      runBin(['outputs', '--json'], { env, cwd: PROJECT_ROOT }),
    ]);
    expect(status.code).toBe(0);
    const rows = (JSON.parse(status.stdout) as { stacks: { id: string; status: string }[] }).stacks;
    expect(
      rows
        .filter((s) => s.status === 'CREATE_COMPLETE')
        .map((s) => s.id)
        .sort(),
    ).toEqual(['foundation@primary', 'foundation@secondary']);

    expect(outputsRun.code).toBe(0);
    const outputs = JSON.parse(outputsRun.stdout) as Record<string, string>;
    const artifacts = outputs['foundation@secondary.ArtifactBucketName']!;
    expect(world.s3.buckets.get(artifacts)?.region).toBe('us-west-2');
    for (let i = 0; i < 3; i++) world.s3.put(artifacts, 'artifacts/x.zip', `build ${i}`);

    endpoint.timeScale = 500;
    const destroy = await runBin(['destroy', '--yes', '--json'], { env, cwd: PROJECT_ROOT });
    expect(destroy.code).toBe(0);
    const report = JSON.parse(destroy.stdout) as {
      status: string;
      stacks: { id: string; outcome: string; buckets?: { bucket: string; versions: number }[] }[];
    };
    expect(report.status).toBe('succeeded');
    expect(report.stacks.find((s) => s.id === 'foundation@secondary')!.buckets).toContainEqual(
      expect.objectContaining({ bucket: artifacts, versions: 3 }),
    );
    expect(world.cloudformation('us-east-1').stacks.size + world.cloudformation('us-west-2').stacks.size).toBe(0);
    // Every S3 call named its bucket in the path: none was sent to <bucket>.localhost.
    expect(endpoint.requests.filter((q) => q.service === 's3' && !q.input.Bucket)).toEqual([]);
    expect(endpoint.requests.filter((q) => q.service === 's3').map((q) => q.op)).toEqual(
      expect.arrayContaining(['PutObject', 'ListObjectVersions', 'DeleteObjects', 'DeleteObject']),
    );
  }, 120_000);
});
