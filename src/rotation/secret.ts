// Reading and writing the master secret's JSON. A version without a usable user, password, host or port is refused
// before any database is touched: rotating on half a secret could lock the master user out.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { DbSecret, RotationDeps } from './protocol.js';

export function parseSecret(text: string | undefined, what: string): DbSecret {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  const o = (value ?? {}) as Record<string, unknown>;
  for (const field of ['username', 'password', 'host'] as const) {
    if (typeof o[field] !== 'string' || o[field] === '') throw new Error(`${what} has no ${field}`);
  }
  const port = Number(o.port ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} has an invalid port`);
  return { ...o, username: o.username as string, password: o.password as string, host: o.host as string, port };
}

/** One version of the secret by stage (and version id), or undefined when no version carries that stage. */
export async function readVersion(
  deps: Pick<RotationDeps, 'secrets'>,
  secretId: string,
  stage: string,
  versionId?: string,
): Promise<DbSecret | undefined> {
  try {
    const out = await deps.secrets.send(
      new GetSecretValueCommand({
        SecretId: secretId,
        VersionStage: stage,
        ...(versionId ? { VersionId: versionId } : {}),
      }),
    );
    return parseSecret(out.SecretString, `the ${stage} version`);
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
