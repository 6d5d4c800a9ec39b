// A real PostgreSQL primary and streaming standby on local ports, for testing the RDS canary's SQL end to end.
// Needs the PostgreSQL server binaries (Debian's `postgresql` package, which .ci/run installs); as root they run as
// the `postgres` user (initdb refuses root).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian keeps the server binaries under /usr/lib/postgresql/<version>/bin, off PATH; take the newest. */
const DEBIAN_PG = '/usr/lib/postgresql';
const serverBin = (() => {
  if (!existsSync(DEBIAN_PG)) return undefined;
  const versions = readdirSync(DEBIAN_PG).filter((v) => existsSync(path.join(DEBIAN_PG, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(DEBIAN_PG, versions[0], 'bin');
})();
const bin = (name: string): string =>
  serverBin && existsSync(path.join(serverBin, name)) ? path.join(serverBin, name) : name;

export function postgresAvailable(): boolean {
  const binaries =
    spawnSync(bin('initdb'), ['--version']).status === 0 && spawnSync(bin('pg_basebackup'), ['--version']).status === 0;
  const user = process.getuid?.() !== 0 || spawnSync('id', ['postgres']).status === 0;
  return binaries && user;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function run(name: string, args: string[]): void {
  const cmd = bin(name);
  const asPostgres = process.getuid?.() === 0;
  execFileSync(asPostgres ? 'runuser' : cmd, asPostgres ? ['-u', 'postgres', '--', cmd, ...args] : args, {
    stdio: 'pipe',
    timeout: 60_000,
  });
}

export interface LocalPostgres {
  primary: { host: string; port: number };
  standby: { host: string; port: number };
  stop(): void;
}

export async function startPrimaryAndStandby(): Promise<LocalPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-pg-'));
  chmodSync(dir, 0o777);
  const [p1, p2] = [await freePort(), await freePort()];
  const pri = path.join(dir, 'primary');
  const sby = path.join(dir, 'standby');
  run('initdb', ['-D', pri, '-U', 'test', '-A', 'trust', '--no-sync']);
  appendFileSync(
    path.join(pri, 'postgresql.conf'),
    `\nport = ${p1}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nfsync = off\n`,
  );
  appendFileSync(path.join(pri, 'pg_hba.conf'), '\nhost replication test 127.0.0.1/32 trust\n');
  run('pg_ctl', ['-D', pri, '-w', '-l', path.join(dir, 'primary.log'), 'start']);
  run('pg_basebackup', ['-D', sby, '-h', '127.0.0.1', '-p', String(p1), '-U', 'test', '-R', '-X', 'stream']);
  writeFileSync(path.join(sby, 'postgresql.auto.conf'), `primary_conninfo = 'host=127.0.0.1 port=${p1} user=test'\n`);
  appendFileSync(path.join(sby, 'postgresql.conf'), `\nport = ${p2}\n`);
  run('pg_ctl', ['-D', sby, '-w', '-l', path.join(dir, 'standby.log'), 'start']);
  return {
    primary: { host: '127.0.0.1', port: p1 },
    standby: { host: '127.0.0.1', port: p2 },
    stop() {
      for (const d of [sby, pri])
        spawnSync(
          process.getuid?.() === 0 ? 'runuser' : bin('pg_ctl'),
          process.getuid?.() === 0
            ? ['-u', 'postgres', '--', bin('pg_ctl'), '-D', d, '-m', 'immediate', 'stop']
            : ['-D', d, '-m', 'immediate', 'stop'],
        );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** server.key / server.crt in the data directory, readable only by the server's user. */
function selfSignedCertificate(data: string): void {
  const key = path.join(data, 'server.key');
  const crt = path.join(data, 'server.crt');
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
      key,
      '-out',
      crt,
    ],
    { stdio: 'pipe' },
  );
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', key, crt]);
  chmodSync(key, 0o600);
}

export interface LocalServer {
  host: string;
  port: number;
  /** Superuser (local socket, trust) for setting up roles; TCP logins need a password. */
  admin: { username: string; password: string };
  stop(): void;
}

/**
 * One PostgreSQL server whose TCP logins check passwords (scram-sha-256), for code that changes a password and
 * must see the old one refused (the primary/standby pair above trusts every login), and for the gateway load bench.
 * `tls`: TLS on with a self-signed certificate, as RDS presents itself (needs openssl).
 */
export async function startPasswordServer(opts: { tls?: boolean } = {}): Promise<LocalServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-pgpw-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const data = path.join(dir, 'data');
  const admin = { username: 'test', password: 'admin-password' };
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${admin.password}\n`, { mode: 0o644 });
  run('initdb', [
    '-D',
    data,
    '-U',
    admin.username,
    `--pwfile=${pwfile}`,
    '--auth-host=scram-sha-256',
    '--auth-local=trust',
    '--no-sync',
  ]);
  if (opts.tls) selfSignedCertificate(data);
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nfsync = off\npassword_encryption = 'scram-sha-256'\n${opts.tls ? 'ssl = on\n' : ''}`,
  );
  run('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'server.log'), 'start']);
  return {
    host: '127.0.0.1',
    port,
    admin,
    stop() {
      spawnSync(
        process.getuid?.() === 0 ? 'runuser' : bin('pg_ctl'),
        process.getuid?.() === 0
          ? ['-u', 'postgres', '--', bin('pg_ctl'), '-D', data, '-m', 'immediate', 'stop']
          : ['-D', data, '-m', 'immediate', 'stop'],
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
