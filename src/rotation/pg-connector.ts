// Database sessions for rotation: TLS to RDS with the server certificate verified (the Lambda runtime's RDS CA bundle,
// loaded through NODE_EXTRA_CA_CERTS in the function's environment), short timeouts so a step fails well inside the
// function's own timeout instead of hanging until Lambda kills it.
import pg from 'pg';
import type { DbConnector } from './protocol.js';

export interface PgConnectorOptions {
  timeoutMs: number;
  /** false only for local test servers without TLS. */
  tls?: boolean;
}

export function pgConnector(o: PgConnectorOptions): DbConnector {
  return async (secret) => {
    const client = new pg.Client({
      host: secret.host,
      port: secret.port,
      // The master user can always reach the maintenance database; the secret names the application's only if set.
      database: typeof secret.dbname === 'string' && secret.dbname ? secret.dbname : 'postgres',
      user: secret.username,
      password: secret.password,
      connectionTimeoutMillis: o.timeoutMs,
      statement_timeout: o.timeoutMs,
      query_timeout: o.timeoutMs,
      ssl: o.tls === false ? false : { rejectUnauthorized: true },
    });
    // A failed connection still emits 'error' later; the awaited connect reports it.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return {
      query: async (sql) => client.query(sql),
      close: async () => {
        await client.end().catch(() => undefined);
      },
    };
  };
}
