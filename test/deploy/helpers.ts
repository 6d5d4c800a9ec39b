// Shared set-up for deploy tests: the fixture project, a simulated AWS account and an injected runtime.
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryReporter } from '../../src/io/reporters.js';
import { loadProject, type Project } from '../../src/plan/project.js';
import { reportThrottling, type Runtime } from '../../src/deploy/runtime.js';
import type { AwsWorld } from '../doubles/aws-world.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

export const FIXTURE_ROOT = path.join(PROJECT_ROOT, 'test/fixtures/deploy/project');

/** A private copy of the fixture project, for tests that edit templates or config. */
export async function copyFixture(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-deploy-'));
  await cp(FIXTURE_ROOT, dir, { recursive: true });
  return dir;
}

export function fixtureProject(env = 'dev', root = FIXTURE_ROOT): Promise<Project> {
  return loadProject(root, env);
}

export function runtime(
  world: AwsWorld,
  opts: { answers?: boolean | boolean[]; signal?: AbortSignal; pid?: number; host?: string } = {},
): Runtime & { reporter: MemoryReporter } {
  const reporter = new MemoryReporter(opts.answers ?? false);
  return {
    factory: world.factory({ onThrottled: reportThrottling(reporter) }),
    clock: world.clock,
    reporter,
    pollMs: 5000,
    signal: opts.signal,
    host: { hostname: opts.host ?? 'ops-1', pid: opts.pid ?? 4242 },
  };
}

export const ALL = { only: [], concurrency: 4, yes: false, forceUnlock: false };
