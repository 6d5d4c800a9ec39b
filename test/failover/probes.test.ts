import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { peerWriterView, probeHealth, probeTcp, resolveDnsTarget } from '../../src/failover/controller/probes.js';

let server: http.Server;
let port = 0;
const hosts: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(String(req.headers.host));
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
    if (req.url === '/writer/health')
      return void res.writeHead(503).end(
        JSON.stringify({
          status: 'fail',
          checks: [
            { name: 'dynamodb', status: 'ok' },
            { name: 'database', status: 'ok', detail: { role: 'writer' } },
          ],
        }),
      );
    if (req.url === '/region')
      return void res
        .writeHead(200)
        .end(JSON.stringify({ region: 'us-west-2', writerEndpoint: 'db.us-west-2.example' }));
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
    expect(await probeHealth(`http://127.0.0.1:${port}/health`, 1000)).toMatchObject({
      signal: 'healthy',
      status: 200,
    });
    expect(await probeHealth(`http://127.0.0.1:${port}/other`, 1000)).toMatchObject({
      signal: 'unhealthy',
      status: 503,
    });
    const slow = await probeHealth(`http://127.0.0.1:${port}/slow`, 150);
    expect(slow).toMatchObject({ signal: 'unhealthy', error: 'timeout after 150 ms' });
    expect(slow.latencyMs).toBeLessThan(1500);
    expect((await probeHealth('http://127.0.0.1:1/health', 500)).signal).toBe('unhealthy');
  });

  it('sends the public name as Host when asked, and probes the listener with a TCP connect', async () => {
    const r = await probeHealth(`http://127.0.0.1:${port}/health`, 1000, 'trade.example.com');
    expect(r).toMatchObject({ signal: 'healthy', status: 200 });
    expect(hosts.at(-1)).toBe(`trade.example.com:${port}`);
    expect(await probeTcp('127.0.0.1', port, 500)).toMatchObject({ signal: 'healthy' });
    expect(await probeTcp('127.0.0.1', 1, 500)).toMatchObject({ signal: 'unhealthy' });
  });

  it('maps the failover record to the ALB whose addresses it answers with', async () => {
    const table: Record<string, string[]> = { rec: ['10.0.0.1'], self: ['10.0.0.1', '10.0.0.2'], peer: ['10.1.0.1'] };
    const resolver = { resolveA: async (n: string) => table[n] ?? Promise.reject(new Error(`ENOTFOUND ${n}`)) };
    expect((await resolveDnsTarget(resolver, 'rec', 'self', 'peer')).target).toBe('self');
    table.rec = ['10.1.0.1'];
    expect((await resolveDnsTarget(resolver, 'rec', 'self', 'peer')).target).toBe('peer');
    table.rec = ['192.0.2.9'];
    expect((await resolveDnsTarget(resolver, 'rec', 'self', 'peer')).target).toBe('unknown');
    expect(await resolveDnsTarget(resolver, 'missing', 'self', 'peer')).toMatchObject({
      target: 'unknown',
      error: 'ENOTFOUND missing',
    });
  });

  it("reads the other region's database role from its /health body (whatever the status) and its writer from /region", async () => {
    expect(await peerWriterView(`http://127.0.0.1:${port}/writer/health`, 1000, 'trade.example.com')).toEqual({
      databaseRole: 'writer',
      writerEndpoint: 'db.us-west-2.example',
    });
    expect(hosts.slice(-2)).toEqual([`trade.example.com:${port}`, `trade.example.com:${port}`]);
    // Bodies that are not the gateway's say nothing; an unreachable peer says nothing either.
    expect(await peerWriterView(`http://127.0.0.1:${port}/health`, 1000)).toEqual({
      databaseRole: undefined,
      writerEndpoint: 'db.us-west-2.example',
    });
    expect(await peerWriterView('http://127.0.0.1:1/health', 500)).toEqual({
      databaseRole: undefined,
      writerEndpoint: undefined,
    });
  });
});
