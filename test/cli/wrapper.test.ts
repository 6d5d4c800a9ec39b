// The one command wrapper, through drctl's entry point in-process: usage errors as JSON documents, the environment
// variables and AWS profile checked before anything runs, credential failures the same in every command, Ctrl-C
// (first: the command winds down and exits 130; second: exit 130 at once).
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/aws/clients.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { withoutCredentials } from '../doubles/no-credentials.js';
import { FIXTURE_ROOT } from '../deploy/helpers.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

interface ErrorDoc {
  error: { code: string; kind: string; message: string; fix: string; field?: string };
}
const errorOf = (stdout: string) => (JSON.parse(stdout) as ErrorDoc).error;

const AWS_COMMANDS = [
  ['status'],
  ['outputs'],
  ['deploy', '--yes'],
  ['destroy', '--yes'],
  ['failover', '--yes'],
  ['failback', '--yes'],
  ['drill', '--yes'],
];
const ALL_COMMANDS = ['validate', 'plan', 'report', ...AWS_COMMANDS.map((c) => c[0]!)];

async function awsFiles(profiles: string[]): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-aws-'));
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  await writeFile(config, profiles.map((p) => `[profile ${p}]\nregion = us-east-1\n`).join('\n'));
  await writeFile(credentials, '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n');
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}

describe('usage errors', () => {
  it.each(ALL_COMMANDS)(
    '%s: an unknown option with --json prints a JSON error document and exits 2',
    async (command) => {
      const r = await runCli([command, '--frobnicate', '--json'], { cwd: FIXTURE_ROOT });
      expect(r.code).toBe(2);
      expect(errorOf(r.stdout)).toEqual({
        code: 'E_UNKNOWN_OPTION',
        kind: 'usage',
        message: "unknown option '--frobnicate'",
        field: '--frobnicate',
        fix: `Run drctl ${command} --help for the options.`,
      });
      expect(r.stderr).toMatch(/^error: unknown option '--frobnicate'/);
    },
  );

  it('a bad choice, a missing option value and an unknown command are JSON documents too; without --json only stderr', async () => {
    const choice = await runCli(['drill', '--mode', 'pull-the-plug', '--json']);
    expect(choice.code).toBe(2);
    expect(errorOf(choice.stdout)).toMatchObject({ code: 'E_INVALID_ARGUMENT', field: '--mode' });
    expect(errorOf(choice.stdout).message).toContain('health-flag, inverted-check');
    const missing = await runCli(['report', '--json', '--html']);
    expect(missing.code).toBe(2);
    expect(errorOf(missing.stdout)).toMatchObject({ code: 'E_MISSING_ARGUMENT', field: '--html' });
    const unknown = await runCli(['plna', '--json']);
    expect(unknown.code).toBe(2);
    expect(errorOf(unknown.stdout).code).toBe('E_UNKNOWN_COMMAND');
    expect(errorOf(unknown.stdout).message).toContain('plan');
    const people = await runCli(['plan', '--frobnicate']);
    expect(people.code).toBe(2);
    expect(people.stdout).toBe('');
    expect(people.stderr).toContain("error: unknown option '--frobnicate'");
  });

  it('help and version exit 0', async () => {
    expect((await runCli(['--version'])).stdout.trim()).toBe('0.1.0');
    const help = await runCli(['plan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--verbose');
  });

  it('a malformed environment variable drctl reads is a usage error naming it, before the command runs', async () => {
    const r = await runCli(['status', '--json'], {
      cwd: FIXTURE_ROOT,
      env: { AWS_ENDPOINT_URL: 'localhost:4566' },
      clients: new AwsWorld().factory(),
    });
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ code: 'E_ENV_VAR_INVALID', field: 'AWS_ENDPOINT_URL' });
    expect(errorOf(r.stdout).message).toContain('environment variable AWS_ENDPOINT_URL: is not an http(s) URL');
    expect(errorOf(r.stdout).fix).toContain('http://localhost:4566');
    const flag = await runCli(['plan', '--json'], { env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'sometimes' } });
    expect(errorOf(flag.stdout)).toMatchObject({
      code: 'E_ENV_VAR_INVALID',
      field: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    });
  });
});

describe('AWS credentials, the same in every command', () => {
  it.each(AWS_COMMANDS)('%s: no credentials is exit 3 with E_AWS_CREDENTIALS and the same fix', async (...args) => {
    const r = await runCli([...args, '--json'], { cwd: PROJECT_ROOT, clients: withoutCredentials() });
    expect(r.code, r.stderr).toBe(3);
    expect(errorOf(r.stdout)).toEqual({
      code: 'E_AWS_CREDENTIALS',
      kind: 'aws',
      message: 'no usable AWS credentials (CredentialsProviderError: Could not load credentials from any providers)',
      fix: 'Pass --profile <name> (or set AWS_PROFILE), or export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; for SSO run `aws sso login --profile <name>` first.',
    });
  });

  it.each(AWS_COMMANDS)(
    '%s --profile nosuchprofile names the profile and how to create it (exit 2)',
    async (...args) => {
      const files = await awsFiles(['ops', 'trading-dev']);
      const r = await runCli([...args, '--json', '--profile', 'nosuchprofile'], {
        cwd: FIXTURE_ROOT,
        env: files,
        clients: new AwsWorld().factory(),
      });
      expect(r.code).toBe(2);
      const error = errorOf(r.stdout);
      expect(error).toMatchObject({ code: 'E_AWS_PROFILE_UNKNOWN', field: '--profile' });
      expect(error.message).toContain('no profile "nosuchprofile"');
      expect(error.message).toContain('(profiles: default, ops, trading-dev)');
      expect(error.fix).toContain('aws configure --profile nosuchprofile');
    },
  );

  it('AWS_PROFILE is checked the same way, and a known profile whose credentials fail is named in the error', async () => {
    const files = await awsFiles(['ops']);
    const env = await runCli(['status', '--json'], { cwd: FIXTURE_ROOT, env: { ...files, AWS_PROFILE: 'opps' } });
    expect(errorOf(env.stdout)).toMatchObject({ code: 'E_AWS_PROFILE_UNKNOWN', field: 'AWS_PROFILE' });
    const known = await runCli(['failover', '--yes', '--json', '--profile', 'ops'], {
      cwd: FIXTURE_ROOT,
      env: files,
      clients: withoutCredentials(),
    });
    expect(known.code).toBe(3);
    expect(errorOf(known.stdout).message).toMatch(/^no usable AWS credentials from profile "ops"/);
    expect(errorOf(known.stdout).fix).toContain('aws sso login --profile ops');
  });
});

/** Resolves once the command has installed its Ctrl-C handler. */
async function listening(signals: EventEmitter): Promise<void> {
  while (signals.listenerCount('SIGINT') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Ctrl-C', () => {
  it('first: deploy stops waiting, releases the lock and exits 130 with the interrupted report; second: exit 130 at once', async () => {
    const world = new AwsWorld();
    const signals = new EventEmitter();
    const exits: number[] = [];
    const clients = world.factory();
    // Interrupt once a change set is being computed: drctl is then waiting on CloudFormation (whose simulated time
    // stands still here, so only Ctrl-C ends the wait).
    const interrupted = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (world.cfnCalls().some((c) => c.op === 'CreateChangeSet')) {
          clearInterval(timer);
          signals.emit('SIGINT');
          resolve();
        }
      }, 20);
    });
    const run = runCli(['deploy', '--only', 'foundation', '--yes', '--json'], {
      cwd: PROJECT_ROOT,
      clients,
      signals,
      onExit: (code) => exits.push(code),
    });
    await interrupted;
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupt: no new stacks will start');
    const report = JSON.parse(r.stdout) as { status: string; error: { code: string; kind: string } };
    expect(report.status).toBe('interrupted');
    expect(report.error).toMatchObject({ code: 'E_INTERRUPTED', kind: 'interrupted' });
    expect(exits).toEqual([]);
    expect(world.s3.buckets.get('drctl-state-111111111111-us-east-1')!.objects.has('locks/dev.json')).toBe(false);
    // The wrapper stopped listening when the command ended.
    expect(signals.listenerCount('SIGINT')).toBe(0);

    const twice = new EventEmitter();
    const hard: number[] = [];
    const again = runCli(['deploy', '--only', 'foundation', '--yes', '--json'], {
      cwd: PROJECT_ROOT,
      clients: new AwsWorld().factory(),
      signals: twice,
      onExit: (code) => hard.push(code),
    });
    await listening(twice);
    twice.emit('SIGINT');
    twice.emit('SIGINT');
    expect(hard).toEqual([130]);
    await again;
  });

  it('a command with nothing to wind down (status) exits 130 at the first Ctrl-C', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    // AWS never answers: only Ctrl-C ends this run (the process would end there; here the run is left behind).
    const hanging = { send: () => new Promise(() => undefined) };
    const clients = ((region: string) =>
      new Proxy({ region }, { get: (t, p) => (p === 'region' ? t.region : hanging) })) as unknown as ClientFactory;
    void runCli(['status', '--json'], { cwd: FIXTURE_ROOT, clients, signals, onExit: (c) => exits.push(c) });
    await listening(signals);
    signals.emit('SIGINT');
    expect(exits).toEqual([130]);
  });
});
