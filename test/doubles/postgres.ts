// A PostgreSQL wire-protocol double (protocol 3.0, no TLS): password authentication and the one query the
// gateway's probe sends. Answers `pg_is_in_recovery()` like a replica or a writer; refuses a wrong password
// with the server's real error (28P01). Enough to run the real `pg` client end to end.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface PostgresDoubleOptions {
  user: string;
  password: string;
}

function msg(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const cstr = (s: string) => Buffer.from(`${s}\0`, 'utf8');

export class PostgresDouble {
  /** true: answers as a read replica (in recovery); false: as the writer. */
  inRecovery = true;
  readonly queries: string[] = [];
  connections = 0;
  private server: net.Server | undefined;

  constructor(private readonly opts: PostgresDoubleOptions) {}

  /** Changes the user's password, as a rotation of the RDS-managed master secret does. */
  setPassword(password: string): void {
    this.opts.password = password;
  }

  async start(): Promise<number> {
    this.server = net.createServer((socket) => this.serve(socket));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private serve(socket: net.Socket): void {
    this.connections++;
    let buf = Buffer.alloc(0);
    let started = false;
    let user = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          if (buf.length < 4) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const params = buf.subarray(8, len).toString('utf8').split('\0');
          user = params[params.indexOf('user') + 1] ?? '';
          buf = buf.subarray(len);
          started = true;
          socket.write(msg('R', int32(3))); // AuthenticationCleartextPassword
          continue;
        }
        if (buf.length < 5) return;
        const type = String.fromCharCode(buf[0] as number);
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) return;
        const body = buf.subarray(5, len + 1);
        buf = buf.subarray(len + 1);
        if (type === 'p') {
          const password = body.toString('utf8').replace(/\0$/, '');
          if (user !== this.opts.user || password !== this.opts.password) {
            socket.end(
              msg(
                'E',
                Buffer.concat([
                  cstr('SFATAL'),
                  cstr('C28P01'),
                  cstr(`Mpassword authentication failed for user "${user}"`),
                  Buffer.from([0]),
                ]),
              ),
            );
            return;
          }
          socket.write(
            Buffer.concat([
              msg('R', int32(0)),
              msg('S', Buffer.concat([cstr('server_version'), cstr('16.4')])),
              msg('Z', Buffer.from('I')),
            ]),
          );
        } else if (type === 'Q') {
          const sql = body.toString('utf8').replace(/\0$/, '');
          this.queries.push(sql);
          const m = /^select pg_is_in_recovery\(\) as (\w+)$/i.exec(sql.trim());
          if (!m) {
            socket.write(
              Buffer.concat([
                msg(
                  'E',
                  Buffer.concat([
                    cstr('SERROR'),
                    cstr('C42601'),
                    cstr('Mthe postgres double answers only the health probe'),
                    Buffer.from([0]),
                  ]),
                ),
                msg('Z', Buffer.from('I')),
              ]),
            );
            continue;
          }
          const field = Buffer.concat([
            cstr(m[1] as string),
            int32(0),
            int16(0),
            int32(16),
            int16(1),
            int32(-1),
            int16(0),
          ]);
          socket.write(
            Buffer.concat([
              msg('T', Buffer.concat([int16(1), field])),
              msg('D', Buffer.concat([int16(1), int32(1), Buffer.from(this.inRecovery ? 't' : 'f')])),
              msg('C', cstr('SELECT 1')),
              msg('Z', Buffer.from('I')),
            ]),
          );
        } else if (type === 'X') {
          socket.end();
          return;
        }
      }
    });
  }
}
