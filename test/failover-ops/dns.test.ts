import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDnsResolver } from '../../src/operator/dns.js';
import { startDnsServer, type LocalDnsServer } from '../doubles/dns-server.js';

let server: LocalDnsServer;
let address: string;
beforeAll(async () => {
  server = await startDnsServer({ 'trade.example.com': ['192.0.2.10', '192.0.2.11'] });
  address = server.address;
});
afterAll(() => server.close());

describe('systemDnsResolver', () => {
  it('asks the given name servers directly', async () => {
    const dns = systemDnsResolver(1_000);
    expect((await dns.resolveA('trade.example.com', [address])).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(server.asked).toContain('trade.example.com');
  });

  it('answers an empty list for a name that does not exist', async () => {
    expect(await systemDnsResolver(1_000).resolveA('nothing.example.com', [address])).toEqual([]);
  });
});

describe('systemDnsResolver when DNS does not answer', () => {
  it('turns name servers that resolve to nothing into a typed error with the fix, not a plain Error', async () => {
    const broken = await startDnsServer({}, 'SERVFAIL');
    try {
      const dns = systemDnsResolver(1_000, [broken.address]);
      const err = await dns.resolveA('trade.example.com', ['ns-2048.awsdns-64.com']).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_DNS_UNREACHABLE', kind: 'aws' });
      expect((err as Error).message).toMatch(/none of the name servers ns-2048\.awsdns-64\.com resolves to an address/);
      expect((err as { fix: string }).fix).toMatch(/port 53/);
      // Asked without name servers, the failing recursive resolver is a typed error too.
      await expect(dns.resolveA('trade.example.com')).rejects.toMatchObject({ code: 'E_DNS_UNREACHABLE' });
    } finally {
      await broken.close();
    }
  });
});
