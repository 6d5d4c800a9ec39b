// One short PostgreSQL session with the master credentials, shared by the gateway's health probe
// and the drill's RDS canary. When the secret's password is changed (a rotation, or an operator setting a new one on
// the database and in the secret), a refused password re-reads the credentials once instead of failing until a cache
// expires — otherwise every gateway in both regions would fail its deep /health right after each change.
import pg from 'pg';

export interface DbCredentials {
  username: string;
  password: string;
}

/** Current credentials; `fresh` bypasses any cache (after the server refused the cached password). */
export type CredentialSource = (opts?: { fresh?: boolean }) => Promise<DbCredentials>;

export interface PgSessionOptions {
  host: string;
  port: number;
  database?: string;
  credentials: CredentialSource;
  timeoutMs: number;
  /** PEM bundle to verify the server certificate; without it the connection is still encrypted. */
  ca?: string;
  /** false only for local test servers without TLS. */
  tls?: boolean;
}

/** SQLSTATE invalid_password: the server refused these credentials. */
const INVALID_PASSWORD = '28P01';

async function session<T>(o: PgSessionOptions, creds: DbCredentials, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    host: o.host,
    port: o.port,
    database: o.database ?? 'postgres',
    user: creds.username,
    password: creds.password,
    connectionTimeoutMillis: o.timeoutMs,
    statement_timeout: o.timeoutMs,
    query_timeout: o.timeoutMs,
    ssl: o.tls === false ? false : o.ca ? { ca: o.ca, rejectUnauthorized: true } : { rejectUnauthorized: false },
  });
  // A failed connection still emits 'error' later; swallow it here, the awaited call reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connects, runs `fn`, disconnects; retries once with freshly read credentials when the password is refused. */
export async function withPgSession<T>(o: PgSessionOptions, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  try {
    return await session(o, await o.credentials(), fn);
  } catch (err) {
    if ((err as { code?: string }).code !== INVALID_PASSWORD) throw err;
    return session(o, await o.credentials({ fresh: true }), fn);
  }
}
