import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { readSettings } from '../../src/rotation/config.js';
import { loadTemplate, recordingEnv } from '../failover/contract-helpers.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { buildProjectArtifact } from '../helpers/artifacts.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('rotation function artifact', () => {
  it('builds with the packager into a Lambda zip whose index.mjs exports the handler', async () => {
    const art = await buildProjectArtifact('RotationCodeKey', 'src/rotation/handler.ts', 'lambda');
    const entries = Object.entries(unzipSync(art.bytes));
    expect(entries.map(([name]) => name)).toEqual(['index.mjs']);
    // The runtime provides the AWS SDK; import the bundle from inside the project so it resolves the same way.
    dir = await mkdtemp(path.join(PROJECT_ROOT, '.bundle-test-'));
    const file = path.join(dir, 'index.mjs');
    await writeFile(file, Buffer.from(entries[0]![1]));
    const mod = (await import(pathToFileURL(file).href)) as { handler: (e: unknown) => Promise<unknown> };
    expect(typeof mod.handler).toBe('function');
    // Without its environment it stops at the configuration, before any AWS or database call.
    const saved = process.env.PASSWORD_LENGTH;
    delete process.env.PASSWORD_LENGTH;
    try {
      await expect(mod.handler({ SecretId: 'x', ClientRequestToken: 'y', Step: 'createSecret' })).rejects.toThrow(
        /PASSWORD_LENGTH is not set/,
      );
    } finally {
      if (saved !== undefined) process.env.PASSWORD_LENGTH = saved;
    }
  });

  it('reads exactly the variables the data template sets (no silent default after a rename)', () => {
    const fn = loadTemplate('data').Resources.SecretRotationFunction?.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    const vars = fn.Environment.Variables;
    const { env, read } = recordingEnv(vars);
    expect(readSettings(env)).toEqual({
      passwordLength: 32,
      excludeCharacters: '"@/\\\'',
      timeoutMs: 10_000,
      maintenanceParameter: { 'Fn::Sub': '/trading/${EnvironmentSuffix}/maintenance' },
    });
    // NODE_EXTRA_CA_CERTS is read by Node.js itself when the process starts.
    expect(Object.keys(vars).filter((k) => !read.has(k))).toEqual(['NODE_EXTRA_CA_CERTS']);
    for (const k of read) expect(vars, k).toHaveProperty(k);
    expect(() => readSettings({ ...vars, PASSWORD_LENGTH: '8' })).toThrow(/PASSWORD_LENGTH must be/);
  });
});
