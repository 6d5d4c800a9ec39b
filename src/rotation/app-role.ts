// The gateway's own database role: only what the gateway does — connect, read whether the database is a writer
// (pg_is_in_recovery(), which needs no grant) and upsert its heartbeat row — and nothing else: no DDL, no roles, no
// other table. Run with the master credentials (bootstrap and rotation only; decision 0016). Every statement is
// idempotent, so running it again (a retried bootstrap, a rotation) converges; names and passwords are quoted by pg's
// own escaping.
import pg from 'pg';

/** The table the gateway's heartbeat writer upserts (one row per region). */
export const HEARTBEAT_TABLE = 'drctl_heartbeat';

/** The second user of the alternating-users rotation: same grants, the other one's password changes. */
export function alternateUsername(username: string): string {
  return username.endsWith('_clone') ? username.slice(0, -'_clone'.length) : `${username}_clone`;
}

export interface AppRole {
  username: string;
  password: string;
  /** The database the gateway connects to. */
  database: string;
}

/** The statements that create (or bring back to) exactly the application role's privileges. */
export function appRoleStatements(role: AppRole): string[] {
  const user = pg.escapeIdentifier(role.username);
  const db = pg.escapeIdentifier(role.database);
  const table = `public.${pg.escapeIdentifier(HEARTBEAT_TABLE)}`;
  return [
    // Owned by the master user: the application may write rows, never change the table.
    `CREATE TABLE IF NOT EXISTS ${table} (region text PRIMARY KEY, beat_at timestamptz NOT NULL)`,
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${pg.escapeLiteral(role.username)}) THEN CREATE ROLE ${user}; END IF; END $$`,
    `ALTER ROLE ${user} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD ${pg.escapeLiteral(role.password)}`,
    `GRANT CONNECT ON DATABASE ${db} TO ${user}`,
    `GRANT USAGE ON SCHEMA public TO ${user}`,
    // PostgreSQL before 15 lets every role create objects in public: not this one.
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
    `REVOKE ALL ON ${table} FROM ${user}`,
    `GRANT SELECT, INSERT, UPDATE ON ${table} TO ${user}`,
  ];
}

interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** Creates or updates the application role in one transaction, connected as the master user. */
export async function ensureAppRole(master: Queryable, role: AppRole): Promise<void> {
  await master.query('BEGIN');
  try {
    for (const sql of appRoleStatements(role)) await master.query(sql);
    await master.query('COMMIT');
  } catch (err) {
    await master.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
