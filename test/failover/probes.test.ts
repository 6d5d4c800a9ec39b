import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeAlb, probeUrl, resolveDnsTarget } from '../../src/failover/controller/probes.js';

let server: http.Server;
let port = 0;
const hosts: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(String(req.headers.host));
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
    res.statusCode = req.url === '/health' ? 200 : 503;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('controller probes', () => {
  it('GET: 2xx healthy, 503 unhealthy, timeout and refused unhealthy', async () => {
    expect(await probeUrl(`http://127.0.0.1:${port}/health`, 1000)).toMatchObject({ signal: 'healthy', status: 200 });
    expect(await probeUrl(`http://127.0.0.1:${port}/other`, 1000)).toMatchObject({ signal: 'unhealthy', status: 503 });
    const slow = await probeUrl(`http://127.0.0.1:${port}/slow`, 150);
    expect(slow).toMatchObject({ signal: 'unhealthy', error: 'timeout after 150ms' });
    expect(slow.latencyMs).toBeLessThan(1500);
    expect((await probeUrl('http://127.0.0.1:1/health', 500)).signal).toBe('unhealthy');
  });

  it('probes the ALB address with the public host name in the Host header', async () => {
    const r = await probeAlb(`http://trade.example.com:${port}/health`, '127.0.0.1', 1000);
    expect(r).toMatchObject({ signal: 'healthy', status: 200 });
    expect(hosts.at(-1)).toBe(`trade.example.com:${port}`);
    expect(await probeAlb(`http://trade.example.com:${port}/slow`, '127.0.0.1', 150)).toMatchObject({ signal: 'unhealthy' });
  });

  it('maps the failover record to the ALB whose addresses it answers with', async () => {
    const table: Record<string, string[]> = { rec: ['10.0.0.1'], self: ['10.0.0.1', '10.0.0.2'], peer: ['10.1.0.1'] };
    const resolver = { resolve4: async (n: string) => table[n] ?? Promise.reject(new Error(`ENOTFOUND ${n}`)) };
    expect((await resolveDnsTarget(resolver, 'rec', 'self', 'peer')).target).toBe('self');
    table.rec = ['10.1.0.1'];
    expect((await resolveDnsTarget(resolver, 'rec', 'self', 'peer')).target).toBe('peer');
    table.rec = ['192.0.2.9'];
    expect((await resolveDnsTarget(resolver, 'rec', 'self', 'peer')).target).toBe('unknown');
    expect(await resolveDnsTarget(resolver, 'missing', 'self', 'peer')).toMatchObject({ target: 'unknown', error: 'ENOTFOUND missing' });
  });
});
