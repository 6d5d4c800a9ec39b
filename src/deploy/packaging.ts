// Builds the templates' artifacts with esbuild and publishes them content-addressed, once per region:
// lambda → zip holding index.mjs (handler `index.handler`); service → one bundled .mjs file; canary → a Synthetics zip
// (index.mjs at the root for the Playwright runtimes and under nodejs/node_modules/ for the Puppeteer ones).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { build } from 'esbuild';
import type { ServiceClients } from '../aws/clients.js';
import type { AwsErrorOptions } from '../aws/errors.js';
import { objectExists, putObject } from '../aws/services/s3.js';
import { DrError } from '../errors.js';
import type { ArtifactBuildNode } from '../plan/graph.js';
import type { ArtifactKind } from '../templates/template-types.js';
import { zipSync } from 'fflate';

/** Zip entries carry this time (the DOS epoch), never the build time. */
const ZIP_EPOCH = new Date('1980-01-01T00:00:00');

export interface BuiltArtifact {
  name: string;
  kind: ArtifactKind;
  bytes: Uint8Array;
  sha256: string;
  /** `artifacts/<name>/<sha256>.zip|.mjs`: the same content always lands on the same key. */
  key: string;
}

// ES module bundles of CommonJS dependencies still call require(); give them one.
const REQUIRE_SHIM =
  "import { createRequire as __drctlCreateRequire } from 'node:module'; const require = __drctlCreateRequire(import.meta.url);";

export async function buildArtifact(root: string, node: ArtifactBuildNode): Promise<BuiltArtifact> {
  let code: Uint8Array;
  try {
    const out = await build({
      entryPoints: [path.resolve(root, node.entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: REQUIRE_SHIM },
      // The Lambda Node.js 20 runtime ships the AWS SDK v3; optional native drivers are never installed.
      external: node.artifactKind === 'service' ? ['pg-native'] : ['@aws-sdk/*', 'pg-native'],
    });
    code = out.outputFiles[0]!.contents;
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    throw new DrError({
      code: 'E_ARTIFACT_BUILD',
      kind: 'usage',
      message: `cannot build artifact ${node.artifact} from ${node.entry}: ${first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : String(err)}`,
      fix: 'Fix the entry point (Metadata.Drctl.Artifacts.*.Entry) or the code it imports.',
      file: node.entry,
    });
  }
  // A fixed timestamp keeps the zip byte-identical for identical code: the key is content-addressed and an
  // unchanged Lambda must not look changed to CloudFormation.
  const entry = (): [Uint8Array, { level: 9; mtime: Date }] => [code, { level: 9, mtime: ZIP_EPOCH }];
  const bytes =
    node.artifactKind === 'service'
      ? code
      : Buffer.from(
          zipSync(
            node.artifactKind === 'canary'
              ? { 'index.mjs': entry(), 'nodejs/node_modules/index.mjs': entry() }
              : { 'index.mjs': entry() },
          ),
        );
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ext = node.artifactKind === 'service' ? 'mjs' : 'zip';
  return {
    name: node.artifact,
    kind: node.artifactKind,
    bytes,
    sha256,
    key: `artifacts/${node.artifact}/${sha256}.${ext}`,
  };
}

/** Uploads unless the key is already there (HeadObject); returns whether it uploaded. */
export async function publishArtifact(aws: ServiceClients<'s3'>, bucket: string, art: BuiltArtifact): Promise<boolean> {
  const error = {
    code: 'E_ARTIFACT_PUBLISH',
    fix: 'Check that the artifact bucket exists (foundation stack) and that you may write to it (s3:PutObject).',
  } satisfies AwsErrorOptions;
  if (await objectExists(aws, bucket, art.key, error)) return false;
  await putObject(
    aws,
    {
      bucket,
      key: art.key,
      body: art.bytes,
      contentType: art.kind === 'service' ? 'text/javascript' : 'application/zip',
      metadata: { sha256: art.sha256, 'built-by': 'drctl' },
    },
    error,
  );
  return true;
}
