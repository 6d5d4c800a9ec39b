// Database probe for the health check: connect with the master secret of this region and ask PostgreSQL whether
// it is in recovery (a replica) or not (the writer). The secret is cached and kept when a refresh fails, so a
// Secrets Manager hiccup does not take the region out of DNS.
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withPgSession, type CredentialSource, type DbCredentials } from '../../postgres/session.js';

export type { CredentialSource, DbCredentials } from '../../postgres/session.js';

export interface DbProbeResult {
  inRecovery: boolean;
  endpoint: string;
}

export interface DbProbe {
  probe(): Promise<DbProbeResult>;
}

const SECRET_REFRESH_MS = 15 * 60_000;

/**
 * Reads the master secret (JSON with username and password) through `client`, a Secrets Manager client of the
 * secret's region — for the gateway its own region: the data layer replicates the primary's secret into the
 * secondary, so each region reads a local copy with the same credentials. `secretArn` may be a function (the
 * gateway asks Parameter Store, which names the region's secret). Cached for 15 minutes unless asked for `fresh`
 * credentials.
 */
export function secretsManagerCredentials(
  secretArn: string | (() => Promise<string>),
  client: Pick<SecretsManagerClient, 'send'>,
  now: () => number = Date.now,
): CredentialSource {
  let cached: { at: number; arn: string; value: DbCredentials } | undefined;
  return async (opts) => {
    if (cached && !opts?.fresh && now() - cached.at < SECRET_REFRESH_MS) return cached.value;
    try {
      const arn = typeof secretArn === 'string' ? secretArn : await secretArn();
      const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      const parsed = JSON.parse(out.SecretString ?? '{}') as Partial<DbCredentials>;
      if (!parsed.username || !parsed.password) throw new Error('secret has no username/password');
      cached = { at: now(), arn, value: { username: parsed.username, password: parsed.password } };
      return cached.value;
    } catch (err) {
      if (cached) return cached.value;
      throw err;
    }
  };
}

export interface PgProbeOptions {
  host: string;
  port: number;
  database?: string;
  credentials: CredentialSource;
  timeoutMs: number;
  /** PEM bundle to verify the server certificate; without it the connection is still encrypted. */
  caFile?: string;
  /** false only for local test servers without TLS. */
  tls?: boolean;
}

export function pgProbe(opts: PgProbeOptions): DbProbe {
  const ca = opts.caFile ? readFileSync(opts.caFile, 'utf8') : undefined;
  const { caFile: _file, ...session } = opts;
  return {
    probe: () =>
      withPgSession({ ...session, ...(ca ? { ca } : {}) }, async (client) => {
        const r = await client.query<{ in_recovery: boolean }>('select pg_is_in_recovery() as in_recovery');
        return { inRecovery: Boolean(r.rows[0]?.in_recovery), endpoint: `${opts.host}:${opts.port}` };
      }),
  };
}
