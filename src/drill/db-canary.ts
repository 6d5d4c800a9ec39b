// The RDS canary: a row written on the writer and looked for on the cross-region replica. The drill talks to the
// database only through DbCanary; `pgDbCanary` is the PostgreSQL implementation (the master secret, TLS).
import type pg from 'pg';
import type { ServiceClients } from '../aws/clients.js';
import { getSecretString } from '../aws/services/secrets-manager.js';
import { withPgSession, type CredentialSource } from '../postgres/session.js';

export interface DbCanary {
  /** Says what the RDS RPO figure rests on, for the report. */
  readonly basis: string;
  /** Inserts the canary row on the writer (creating the canary table once). */
  write(id: string, at: Date): Promise<void>;
  /** True once the row is readable on the replica in the secondary region. */
  presentOnReplica(id: string): Promise<boolean>;
}

export interface PgEndpoint {
  host: string;
  port: number;
}

export interface PgCanaryOptions {
  writer: PgEndpoint;
  replica: PgEndpoint;
  credentials: CredentialSource;
  database?: string;
  timeoutMs?: number;
  /** PEM bundle to verify the server certificate; without it the connection is encrypted but not verified. */
  ca?: string;
  /** false only for local test servers without TLS. */
  tls?: boolean;
}

const TABLE = 'drctl_drill_canary';

export function pgDbCanary(opts: PgCanaryOptions): DbCanary {
  const withClient = <T>(ep: PgEndpoint, fn: (c: pg.Client) => Promise<T>): Promise<T> =>
    withPgSession(
      {
        ...ep,
        credentials: opts.credentials,
        timeoutMs: opts.timeoutMs ?? 5_000,
        ...(opts.database ? { database: opts.database } : {}),
        ...(opts.ca ? { ca: opts.ca } : {}),
        ...(opts.tls === undefined ? {} : { tls: opts.tls }),
      },
      fn,
    );
  return {
    basis: `canary row in ${TABLE} written on the writer and read on the cross-region replica (PostgreSQL physical replication)`,
    async write(id, at) {
      await withClient(opts.writer, async (c) => {
        await c.query(`create table if not exists ${TABLE} (id text primary key, written_at timestamptz not null)`);
        await c.query(`insert into ${TABLE} (id, written_at) values ($1, $2) on conflict (id) do nothing`, [
          id,
          at.toISOString(),
        ]);
      });
    },
    async presentOnReplica(id) {
      try {
        return await withClient(
          opts.replica,
          async (c) => (await c.query(`select 1 from ${TABLE} where id = $1`, [id])).rowCount === 1,
        );
      } catch (err) {
        // Until the table's creation has replicated the replica answers "relation does not exist": not there yet.
        if ((err as { code?: string }).code === '42P01') return false;
        throw err;
      }
    },
  };
}

/** The master secret's user and password (JSON `{username, password}`), read from Secrets Manager for each session. */
export function secretCredentials(aws: ServiceClients<'secretsmanager'>, secretArn: string): CredentialSource {
  return async () => {
    const parsed = JSON.parse((await getSecretString(aws, secretArn)) || '{}') as {
      username?: string;
      password?: string;
    };
    if (!parsed.username || !parsed.password) throw new Error(`secret ${secretArn} has no username and password`);
    return { username: parsed.username, password: parsed.password };
  };
}
