// The one set of CLI test helpers. `runCli` calls drctl's entry point in-process with its own working directory,
// streams, environment and signals (fast: nothing is spawned); `spawnBin` / `runBin` run the built bin as an operator
// does, for the few smoke tests that need a real process (real SDK credential chain, a real SIGINT, two processes).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ClientFactory } from '../../src/aws/clients.js';
import { main } from '../../src/cli/main.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(PROJECT_ROOT, 'bin/drctl.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** No credentials, profile or config from the machine running the tests. */
export const NO_AWS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: path.join(PROJECT_ROOT, 'test/fixtures/no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(PROJECT_ROOT, 'test/fixtures/no-such-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** The environment a test's drctl sees: this process's, without its AWS settings, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => !k.startsWith('AWS_') && v !== undefined),
  ) as Record<string, string>;
  return { ...base, NO_COLOR: '1', ...NO_AWS, ...extra };
}

export interface InProcessOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** AWS clients for commands that talk to AWS (the doubles); real SDK clients otherwise. */
  clients?: ClientFactory;
  /** Where Ctrl-C comes from: `signals.emit('SIGINT')` interrupts the run. */
  signals?: EventEmitter;
  /** Receives the hard exit of a second Ctrl-C. */
  onExit?: (code: number) => void;
  /** Answers typed at a prompt (read as a terminal). */
  stdin?: PassThrough & { isTTY?: boolean };
}

/** drctl's entry point in-process: exit code, stdout and stderr as a user would see them. */
export async function runCli(args: string[], opts: InProcessOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'drctl', ...args], {
    cwd: opts.cwd ?? PROJECT_ROOT,
    stdout,
    stderr,
    stdin: opts.stdin ?? new PassThrough(),
    env: cliEnv(opts.env),
    signals: opts.signals ?? new EventEmitter(),
    exit: opts.onExit ?? (() => undefined),
    ...(opts.clients ? { clients: opts.clients } : {}),
  });
  return { code, stdout: out, stderr: err };
}

export interface SpawnedCli {
  child: ChildProcess;
  done: Promise<CliRun>;
}

/**
 * The built bin (`node bin/drctl.js`, compiled by `npm run build`; test/setup/build.ts builds it when stale), in
 * `cwd`, with no AWS settings from the machine running the tests. Does not block: a test's own HTTP endpoint keeps
 * answering while drctl runs.
 */
export interface BinOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Node.js options before the bin (e.g. `--import` of a module that emits a warning). */
  nodeArgs?: string[];
}

export function spawnBin(args: string[], opts: BinOptions = {}): SpawnedCli {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
    cwd: opts.cwd ?? PROJECT_ROOT,
    env: cliEnv(opts.env),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })),
  );
  return { child, done };
}

export function runBin(args: string[], opts: BinOptions = {}): Promise<CliRun> {
  return spawnBin(args, opts).done;
}
