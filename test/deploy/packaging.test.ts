import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildArtifact, publishArtifact } from '../../src/deploy/packaging.js';
import type { ArtifactBuildNode } from '../../src/plan/graph.js';
import type { DrError } from '../../src/errors.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { FIXTURE_ROOT } from './helpers.js';

const node = (entry: string, artifactKind: 'lambda' | 'service'): ArtifactBuildNode => ({
  id: `build:x`,
  kind: 'artifact-build',
  artifact: 'x',
  entry,
  artifactKind,
  dependencies: [],
  priority: 0,
  estimateSeconds: 5,
  state: 'pending',
});

/** Reads the entries of a zip (fflate, independent of how the packager writes it). */
function unzip(buf: Buffer): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(buf)).map(([name, data]) => [name, strFromU8(data)]));
}

describe('packaging', () => {
  it('bundles a lambda into a deterministic zip holding index.mjs, keyed by its sha256', async () => {
    const a = await buildArtifact(FIXTURE_ROOT, node('src/fixture/controller.ts', 'lambda'));
    const b = await buildArtifact(FIXTURE_ROOT, node('src/fixture/controller.ts', 'lambda'));
    expect(a.sha256).toBe(b.sha256);
    expect(a.key).toBe(`artifacts/x/${a.sha256}.zip`);
    const files = unzip(Buffer.from(a.bytes));
    expect(Object.keys(files)).toEqual(['index.mjs']);
    expect(files['index.mjs']).toContain('export {');
    expect(files['index.mjs']).toContain('handler');
  });

  it('bundles a service into one .mjs file', async () => {
    const s = await buildArtifact(FIXTURE_ROOT, node('src/fixture/gateway.ts', 'service'));
    expect(s.key).toMatch(/^artifacts\/x\/[0-9a-f]{64}\.mjs$/);
    expect(Buffer.from(s.bytes).toString()).toContain('createServer');
  });

  it('names the entry when the build fails', async () => {
    const err = (await buildArtifact(FIXTURE_ROOT, node('src/fixture/missing.ts', 'service')).catch(
      (e: unknown) => e,
    )) as DrError;
    expect(err.code).toBe('E_ARTIFACT_BUILD');
    expect(err.file).toBe('src/fixture/missing.ts');
  });

  it('uploads once: an existing key is left alone', async () => {
    const world = new AwsWorld();
    world.s3.createBucket('artifacts-dev', 'us-east-1', 'Enabled');
    const art = await buildArtifact(FIXTURE_ROOT, node('src/fixture/controller.ts', 'lambda'));
    const aws = world.factory()('us-east-1');
    expect(await publishArtifact(aws, 'artifacts-dev', art)).toBe(true);
    expect(await publishArtifact(aws, 'artifacts-dev', art)).toBe(false);
    expect(world.s3.versionCount('artifacts-dev')).toBe(1);
  });
});
