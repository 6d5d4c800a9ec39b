// HTTP as a dependency: health probes and canary writes go through an HttpProbe so tests can stand in for the
// gateways. A network failure is status 0, never an exception.
import http from 'node:http';
import https from 'node:https';
export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Set when no HTTP answer arrived (DNS, TCP, TLS failure or timeout). */
  error?: string;
}

export interface HttpProbe {
  request(method: 'GET' | 'POST', url: string, body?: unknown): Promise<HttpAnswer>;
}

/**
 * The real probe (node:http/https). The compute layer's HealthCheckUrl names the ALB itself while its certificate
 * is issued for the public name: with `tlsName`, requests to any other host carry that name as TLS SNI and Host, so
 * the certificate validates (as the controller's probes do).
 */
export function nodeHttpProbe(opts: { timeoutMs?: number; tlsName?: string } = {}): HttpProbe {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return {
    request(method, url, body) {
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      const name = opts.tlsName ?? u.hostname;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<HttpAnswer>((resolve) => {
        const req = (secure ? https : http).request(
          {
            host: u.hostname,
            port: u.port || (secure ? 443 : 80),
            path: `${u.pathname}${u.search}`,
            method,
            timeout: timeoutMs,
            headers: {
              host: u.port ? `${name}:${u.port}` : name,
              'user-agent': 'drctl',
              ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            },
            ...(secure ? { servername: name } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text || undefined;
              try {
                parsed = text ? JSON.parse(text) : undefined;
              } catch {
                // Not JSON (e.g. an ALB error page): keep the text.
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on('error', (err) => resolve({ status: 0, body: undefined, error: err.message }));
        req.end(payload);
      });
    },
  };
}

export function isOk(a: HttpAnswer): boolean {
  return a.status >= 200 && a.status < 300;
}
