// How every command that talks to AWS treats credentials, in one place: a named profile (--profile or AWS_PROFILE)
// must exist in the shared config files before anything runs, and any failure that comes down to credentials —
// whichever command, whichever call — becomes the same E_AWS_CREDENTIALS error, naming the profile and the fix.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DrError, usageError } from '../errors.js';

/** Error names the SDK and the services use when the caller's identity, not its permissions, is the problem. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'E_AWS_CREDENTIALS',
]);

const FIX =
  'Pass --profile <name> (or set AWS_PROFILE), or export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; for SSO run `aws sso login --profile <name>` first.';

/** The first error in the cause chain that is about credentials, if any. */
function credentialCause(err: unknown): Error | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const name = (e as { name?: string }).name ?? '';
    const code = (e as { code?: string }).code ?? '';
    if (CREDENTIAL_ERRORS.has(name) || CREDENTIAL_ERRORS.has(code)) {
      // drctl's own E_AWS_CREDENTIALS: the SDK's error is its cause.
      return code === 'E_AWS_CREDENTIALS' ? (((e as Error).cause as Error | undefined) ?? (e as Error)) : (e as Error);
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Any error that comes down to credentials becomes E_AWS_CREDENTIALS (exit 3) with the same message and fix in every
 * command; other errors are returned as they are.
 */
export function normalizeCredentialsError<E>(err: E, profile: string | undefined): E | DrError {
  const cause = credentialCause(err);
  if (!cause) return err;
  const why = `${cause.name}: ${cause.message}`;
  return new DrError({
    code: 'E_AWS_CREDENTIALS',
    kind: 'aws',
    message: profile
      ? `no usable AWS credentials from profile "${profile}" (${why})`
      : `no usable AWS credentials (${why})`,
    fix: profile
      ? `Check profile "${profile}" in ~/.aws/config and ~/.aws/credentials (for SSO run \`aws sso login --profile ${profile}\`), or use another --profile.`
      : FIX,
    cause: err,
  });
}

/** Profile names in the shared config file (`[default]`, `[profile name]`) and credentials file (`[name]`). */
export async function knownProfiles(env: NodeJS.ProcessEnv): Promise<{ names: string[]; files: string[] }> {
  const home = env.HOME ?? os.homedir();
  const configFile = env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
  const sections = async (file: string): Promise<string[]> => {
    try {
      // Section headers only: `[default]`, `[profile name]` (config), `[name]` (credentials).
      return [...(await readFile(file, 'utf8')).matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)].map((m) => m[1]!);
    } catch {
      return []; // a missing file holds no profile
    }
  };
  const fromConfig = (await sections(configFile))
    .filter((s) => s === 'default' || s.startsWith('profile '))
    .map((s) => s.replace(/^profile\s+/, ''));
  const names = [...new Set([...fromConfig, ...(await sections(credentialsFile))])].sort();
  return { names, files: [configFile, credentialsFile] };
}

/** A profile named by --profile or AWS_PROFILE must exist before any AWS call: name it, and say how to create it. */
export async function checkProfile(
  profile: string | undefined,
  from: '--profile' | 'AWS_PROFILE',
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (!profile) return;
  const { names, files } = await knownProfiles(env);
  if (names.includes(profile)) return;
  throw usageError(
    'E_AWS_PROFILE_UNKNOWN',
    `${from} ${profile}: no profile "${profile}" in ${files.join(' or ')}${names.length ? ` (profiles: ${names.join(', ')})` : ' (no profiles there)'}`,
    `Use one of the profiles there, or create it: \`aws configure --profile ${profile}\` (keys) or \`aws configure sso --profile ${profile}\` (IAM Identity Center).`,
    { field: from },
  );
}
