import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { buildProjectArtifact } from '../helpers/artifacts.js';

/** The single entry of a zip written by the packager. */
function firstEntry(zipped: Uint8Array): { name: string; data: Buffer } {
  const [entry] = Object.entries(unzipSync(zipped));
  if (!entry) throw new Error('empty zip');
  return { name: entry[0], data: Buffer.from(entry[1]) };
}

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('controller artifact', () => {
  it('builds with the packager into a Lambda zip whose index.mjs exports the handler', async () => {
    const art = await buildProjectArtifact('ControllerCodeKey', 'src/failover/controller/handler.ts', 'lambda');
    const entry = firstEntry(art.bytes);
    expect(entry.name).toBe('index.mjs');
    // The runtime provides the AWS SDK; import the bundle from inside the project so it resolves the same way.
    dir = await mkdtemp(path.join(PROJECT_ROOT, '.bundle-test-'));
    const file = path.join(dir, 'index.mjs');
    await writeFile(file, entry.data);
    const mod = (await import(pathToFileURL(file).href)) as { handler: (e: unknown) => Promise<unknown> };
    expect(typeof mod.handler).toBe('function');
    // Without its environment it fails with the configuration error, not a module or bundling error.
    const saved = { region: process.env.AWS_REGION, role: process.env.REGION_ROLE };
    process.env.AWS_REGION = 'us-west-2';
    delete process.env.REGION_ROLE;
    try {
      await expect(mod.handler({ trigger: 'schedule' })).rejects.toThrow(/REGION_ROLE is not set/);
    } finally {
      if (saved.region === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved.region;
      if (saved.role !== undefined) process.env.REGION_ROLE = saved.role;
    }
  });
});
