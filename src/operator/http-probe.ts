// The one HTTP client of the operator code (controller, runbooks, drill): health probes, the gateways' /region and
// canary writes. A network failure is status 0 with the error, never an exception, so every caller decides what an
// unanswered probe means.
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or the text when the answer is not JSON (e.g. an ALB error page), or undefined when empty. */
  body: unknown;
  /** Set when no HTTP answer arrived (DNS, TCP, TLS failure or timeout). */
  error?: string;
  latencyMs?: number;
}

export interface HttpProbe {
  request(method: 'GET' | 'POST', url: string, body?: unknown): Promise<HttpAnswer>;
}

export interface HttpProbeOptions {
  timeoutMs?: number;
  /**
   * The public name the gateways' certificate is issued for. Health URLs name the ALB itself: with `tlsName`, requests
   * carry that name as TLS SNI and Host, so the certificate validates.
   */
  tlsName?: string;
  userAgent?: string;
}

/** A gateway's answers are small; never buffer more than this of whatever answers instead. */
const MAX_BODY_BYTES = 65_536;

export function nodeHttpProbe(opts: HttpProbeOptions = {}): HttpProbe {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return {
    request(method, url, body) {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const name = opts.tlsName || target.hostname;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const start = performance.now();
      const elapsed = () => Math.round(performance.now() - start);
      return new Promise<HttpAnswer>((resolve) => {
        const failed = (err: Error) =>
          resolve({ status: 0, body: undefined, error: err.message, latencyMs: elapsed() });
        const req = (secure ? https : http).request(
          {
            host: target.hostname,
            port: target.port || (secure ? 443 : 80),
            path: `${target.pathname}${target.search}`,
            method,
            timeout: timeoutMs,
            headers: {
              host: target.port ? `${name}:${target.port}` : name,
              'user-agent': opts.userAgent ?? 'drctl',
              accept: 'application/json',
              ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            },
            ...(secure ? { servername: name } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size <= MAX_BODY_BYTES) chunks.push(chunk);
            });
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text || undefined;
              try {
                parsed = text ? JSON.parse(text) : undefined;
              } catch {
                // Not JSON (e.g. an ALB error page): keep the text.
              }
              resolve({ status: res.statusCode ?? 0, body: parsed, latencyMs: elapsed() });
            });
            res.on('error', failed);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on('error', failed);
        req.end(payload);
      });
    },
  };
}

export function isOk(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}
