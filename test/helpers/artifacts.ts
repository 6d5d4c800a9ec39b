// The project's bundles built as drctl deploy builds them (src/deploy/packaging.ts). A bundle is built once per test
// worker and shared: several test files check the same artifact (its exports, the template's Handler, the key).
import { buildArtifact, type BuiltArtifact } from '../../src/deploy/packaging.js';
import type { ArtifactBuildNode } from '../../src/plan/graph.js';
import type { ArtifactKind } from '../../src/templates/template-types.js';
import { PROJECT_ROOT } from './run-cli.js';

/** The graph node for building `entry` (what the deploy graph holds for a template's artifact parameter). */
export function artifactNode(artifact: string, entry: string, artifactKind: ArtifactKind): ArtifactBuildNode {
  return {
    id: `build:${artifact}`,
    kind: 'artifact-build',
    artifact,
    entry,
    artifactKind,
    dependencies: [],
    priority: 0,
    estimateSeconds: 1,
    state: 'pending',
  };
}

const built = new Map<string, Promise<BuiltArtifact>>();

export function buildProjectArtifact(
  artifact: string,
  entry: string,
  artifactKind: ArtifactKind,
): Promise<BuiltArtifact> {
  const key = `${entry}:${artifactKind}`;
  let art = built.get(key);
  if (!art) {
    art = buildArtifact(PROJECT_ROOT, artifactNode(artifact, entry, artifactKind));
    built.set(key, art);
  }
  return art;
}
