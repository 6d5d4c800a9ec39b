// Spawns drctl from source as an operator runs it, with no AWS settings from the machine running the tests, and
// without blocking: a test's own HTTP endpoint must keep answering while drctl runs.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { FIXTURE_ROOT } from './helpers.js';

const ENTRY = path.join(PROJECT_ROOT, 'test/helpers/cli-entry.ts');

/** No credentials, profile or config from the environment the tests run in. */
export const NO_AWS = {
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: path.join(FIXTURE_ROOT, 'no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(FIXTURE_ROOT, 'no-such-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

export interface SpawnedCli {
  child: ChildProcess;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}, cwd = FIXTURE_ROOT): SpawnedCli {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))) as Record<
    string,
    string
  >;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd,
    env: { ...base, NO_COLOR: '1', ...NO_AWS, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })),
  );
  return { child, done };
}

export function drctl(
  args: string[],
  env: Record<string, string> = {},
  cwd = FIXTURE_ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return spawnCli(args, env, cwd).done;
}
