// A minimal DNS server over UDP on 127.0.0.1, for tests of the real resolver: A records from a table; every other
// name gets `otherwise` (NXDOMAIN: the name does not exist; SERVFAIL: the server cannot answer, as an unreachable
// upstream or a broken resolver does).
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

const RCODE = { NXDOMAIN: 3, SERVFAIL: 2 } as const;

export interface LocalDnsServer {
  /** `127.0.0.1:<port>`, usable as a name server address. */
  address: string;
  /** Every name asked, lowercased. */
  asked: string[];
  close(): Promise<void>;
}

function questionName(msg: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i]) {
    const len = msg[i] as number;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 5 }; // zero byte + QTYPE + QCLASS
}

export async function startDnsServer(
  records: Record<string, string[]>,
  otherwise: keyof typeof RCODE = 'NXDOMAIN',
): Promise<LocalDnsServer> {
  const server = dgram.createSocket('udp4');
  const asked: string[] = [];
  server.on('message', (msg, remote) => {
    const { name, end } = questionName(msg);
    asked.push(name);
    const ips = records[name] ?? [];
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(ips.length ? 0x8400 : 0x8400 | RCODE[otherwise], 2); // response, authoritative, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(ips.length, 6);
    const answers = ips.map((ip) =>
      Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from(ip.split('.').map(Number))]),
    );
    server.send(Buffer.concat([header, msg.subarray(12, end), ...answers]), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
