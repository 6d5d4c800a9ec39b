// Builds the templates' artifacts with esbuild and publishes them content-addressed, once per region:
// lambda → zip holding index.mjs (handler `index.handler`); service → one bundled .mjs file.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { build } from 'esbuild';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DrError } from '../errors.js';
import { errorName, throttlingRetry } from '../aws/retry.js';
import type { ArtifactBuildNode } from '../plan/graph.js';
import { zipSync } from 'fflate';

/** Zip entries carry this time (the DOS epoch), never the build time. */
const ZIP_EPOCH = new Date('1980-01-01T00:00:00');

export interface BuiltArtifact {
  name: string;
  kind: 'lambda' | 'service';
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
      external: node.artifactKind === 'lambda' ? ['@aws-sdk/*', 'pg-native'] : ['pg-native'],
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
  const bytes =
    node.artifactKind === 'lambda'
      ? Buffer.from(zipSync({ 'index.mjs': [code, { level: 9, mtime: ZIP_EPOCH }] }))
      : code;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ext = node.artifactKind === 'lambda' ? 'zip' : 'mjs';
  return {
    name: node.artifact,
    kind: node.artifactKind,
    bytes,
    sha256,
    key: `artifacts/${node.artifact}/${sha256}.${ext}`,
  };
}

/** Uploads unless the key is already there (HeadObject); returns whether it uploaded. */
export async function publishArtifact(
  s3: S3Client,
  bucket: string,
  art: BuiltArtifact,
  sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
  const retry = throttlingRetry(sleep);
  try {
    await retry(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: art.key })));
    return false;
  } catch (err) {
    if (errorName(err) !== 'NotFound' && errorName(err) !== 'NoSuchKey') throw publishError(bucket, art, err);
  }
  try {
    await retry(() =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: art.key,
          Body: art.bytes,
          ContentType: art.kind === 'lambda' ? 'application/zip' : 'text/javascript',
          Metadata: { sha256: art.sha256, 'built-by': 'drctl' },
        }),
      ),
    );
  } catch (err) {
    throw publishError(bucket, art, err);
  }
  return true;
}

function publishError(bucket: string, art: BuiltArtifact, err: unknown): DrError {
  return new DrError({
    code: 'E_ARTIFACT_PUBLISH',
    kind: 'aws',
    message: `cannot upload ${art.key} to ${bucket}: ${errorName(err)}: ${(err as Error).message}`,
    fix: 'Check that the artifact bucket exists (foundation stack) and that you may write to it (s3:PutObject).',
    cause: err,
  });
}
