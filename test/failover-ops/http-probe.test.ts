import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpProbe } from '../../src/operator/http-probe.js';

let server: http.Server;
let base: string;
const seen: { method: string; host: string | undefined; body: string; type: string | undefined }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', host: req.headers.host, body, type: req.headers['content-type'] });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/html')
        return res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
      res
        .writeHead(req.method === 'POST' ? 201 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'maintenance', echo: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('nodeHttpProbe', () => {
  it('returns status and parsed JSON, sends JSON bodies, and names the public host', async () => {
    const probe = nodeHttpProbe({ tlsName: 'trade.example.com', timeoutMs: 2_000 });
    expect(await probe.request('GET', `${base}/health`)).toMatchObject({
      status: 503,
      body: { status: 'maintenance', echo: null },
    });
    const post = await probe.request('POST', `${base}/orders`, { clientOrderId: 'c-1' });
    expect(post).toMatchObject({ status: 201, body: { status: 'maintenance', echo: { clientOrderId: 'c-1' } } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', type: 'application/json' });
    expect(seen.at(-1)?.host).toMatch(/^trade\.example\.com:\d+$/);
  });

  it('keeps non-JSON bodies as text and turns network failures and timeouts into status 0', async () => {
    const probe = nodeHttpProbe({ timeoutMs: 300 });
    expect(await probe.request('GET', `${base}/html`)).toMatchObject({ status: 502, body: '<h1>502 Bad Gateway</h1>' });
    const slow = await probe.request('GET', `${base}/slow`);
    expect(slow).toMatchObject({ status: 0, error: 'timeout after 300 ms' });
    const refused = await probe.request('GET', 'http://127.0.0.1:1/health');
    expect(refused.status).toBe(0);
    expect(refused.error).toMatch(/ECONNREFUSED/);
  });
});
