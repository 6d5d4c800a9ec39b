// A real PostgreSQL for the load bench, set up as RDS presents itself to the gateway: TLS on (a self-signed
// certificate; the gateway verifies nothing without DB_CA_FILE) and a password user (SCRAM). Debian keeps the server
// binaries under /usr/lib/postgresql/<version>/bin; as root they run as the `postgres` user (initdb refuses root).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const DEBIAN_PG = '/usr/lib/postgresql';

function serverBin(): string | undefined {
  if (!existsSync(DEBIAN_PG)) return undefined;
  const versions = readdirSync(DEBIAN_PG)
    .filter((v) => existsSync(path.join(DEBIAN_PG, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(DEBIAN_PG, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

function run(cmd: string, args: string[]): void {
  execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, {
    stdio: 'pipe',
    timeout: 60_000,
  });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface BenchPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): void;
}

/** Undefined when the PostgreSQL server or openssl is not installed (the bench then runs without a database). */
export async function startPostgres(): Promise<BenchPostgres | undefined> {
  const bin = serverBin();
  if (!bin || spawnSync('openssl', ['version']).status !== 0) return undefined;
  if (asRoot && spawnSync('id', ['postgres']).status !== 0) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-bench-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const user = 'trader';
  const password = 'bench-password';
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, password, { mode: 0o644 });
  run(path.join(bin, 'initdb'), ['-D', data, '-U', user, '--pwfile', pwfile, '-A', 'scram-sha-256', '--no-sync']);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      path.join(data, 'server.key'),
      '-out',
      path.join(data, 'server.crt'),
    ],
    { stdio: 'pipe' },
  );
  if (asRoot) execFileSync('chown', ['postgres', path.join(data, 'server.key'), path.join(data, 'server.crt')]);
  chmodSync(path.join(data, 'server.key'), 0o600);
  const port = await freePort();
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nssl = on\nfsync = off\n`,
  );
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', path.join(dir, 'server.log'), 'start']);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    stop() {
      spawnSync(
        asRoot ? 'runuser' : path.join(bin, 'pg_ctl'),
        asRoot
          ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']
          : ['-D', data, '-m', 'immediate', 'stop'],
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
