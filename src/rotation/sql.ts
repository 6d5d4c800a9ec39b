// The one statement rotation runs that carries data. The user name and the password are quoted by pg's own
// escaping (identifier and literal), never interpolated raw: a generated password may hold any printable
// character Secrets Manager was not told to exclude.
import pg from 'pg';

export function alterPasswordSql(username: string, password: string): string {
  return `ALTER USER ${pg.escapeIdentifier(username)} WITH PASSWORD ${pg.escapeLiteral(password)}`;
}
