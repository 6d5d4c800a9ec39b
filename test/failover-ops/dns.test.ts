import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDnsResolver } from '../../src/operator/dns.js';

// A minimal authoritative DNS server over UDP: A records from a table, NXDOMAIN otherwise.
const RECORDS: Record<string, string[]> = { 'trade.example.com': ['192.0.2.10', '192.0.2.11'] };
let server: dgram.Socket;
let address: string;
const asked: string[] = [];

function qname(msg: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i]) {
    const len = msg[i] as number;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 5 }; // zero byte + QTYPE + QCLASS
}

beforeAll(async () => {
  server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const { name, end } = qname(msg);
    asked.push(name);
    const ips = RECORDS[name] ?? [];
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(ips.length ? 0x8400 : 0x8403, 2); // response, authoritative; rcode 3 = NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(ips.length, 6);
    const answers = ips.map((ip) =>
      Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from(ip.split('.').map(Number))]),
    );
    server.send(Buffer.concat([header, msg.subarray(12, end), ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('systemDnsResolver', () => {
  it('asks the given name servers directly', async () => {
    const dns = systemDnsResolver(1_000);
    expect((await dns.resolveA('trade.example.com', [address])).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(asked).toContain('trade.example.com');
  });

  it('answers an empty list for a name that does not exist', async () => {
    expect(await systemDnsResolver(1_000).resolveA('nothing.example.com', [address])).toEqual([]);
  });
});
