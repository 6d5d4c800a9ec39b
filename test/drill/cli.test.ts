import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/run-cli.js';

// Concurrent: the second test mostly waits on the SDK's retries inside the drctl processes.
describe.concurrent('drctl drill / failover / failback on the command line', { timeout: 60_000 }, () => {
  it('rejects a bad drill mode or timeout as usage errors (exit 2) and documents the modes', async () => {
    const bad = await runCli(['drill', '--mode', 'pull-the-plug', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/health-flag, inverted-check/);
    const timeout = await runCli(['drill', '--timeout', '5', '--json']);
    expect(timeout.code).toBe(2);
    expect(JSON.parse(timeout.stdout).error.code).toBe('E_DRILL_TIMEOUT');
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/failover/);
    expect(help.stdout).toMatch(/failback/);
    expect(help.stdout).toMatch(/drill/);
  });

  it('failover and failback take --profile and --endpoint-url, and an unreachable AWS endpoint is exit 3 with a JSON error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-cli-'));
    try {
      const credentials = path.join(dir, 'credentials');
      await writeFile(credentials, '[drill-test]\naws_access_key_id = AKIDTEST\naws_secret_access_key = test\n');
      // The built bin, both commands at once: the real SDK credential chain reads the profile from the files the
      // environment names.
      const runs = await Promise.all(
        ['failover', 'failback'].map((command) =>
          runBin(
            [
              command,
              '--env',
              'dev',
              '--yes',
              '--json',
              '--profile',
              'drill-test',
              '--endpoint-url',
              'http://127.0.0.1:9',
            ],
            {
              env: {
                AWS_SHARED_CREDENTIALS_FILE: credentials,
                AWS_CONFIG_FILE: path.join(dir, 'config'),
                // Two attempts, not the default eight with backoff between them: the outcome is the same, sooner.
                AWS_MAX_ATTEMPTS: '2',
              },
            },
          ),
        ),
      );
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(3);
        const error = JSON.parse(r.stdout).error as { code: string; kind: string; message: string };
        // The first call (who are we, before the environment's lock) went to the given endpoint with the profile's
        // keys (no credential error), in the primary region and then the secondary.
        expect(error).toMatchObject({ code: 'E_AWS_STS', kind: 'aws' });
        expect(error.message).toMatch(/127\.0\.0\.1:9/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
