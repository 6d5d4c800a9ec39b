// Data-plane probes the controller runs from its own region: the deep health URL over HTTP(S), a TCP connect to
// the ALB, and DNS for the failover record. None of them touches any AWS control plane.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { promises as dns } from 'node:dns';
import type { DnsTarget, Signal } from './model.js';

export interface ProbeResult {
  signal: Signal;
  latencyMs: number;
  status?: number;
  error?: string;
}

interface HttpAnswer {
  status: number;
  body: unknown;
  latencyMs: number;
  error?: string;
}

/**
 * GET a URL of the other region's gateway. Its health URL names the ALB itself, whose certificate is issued for the
 * public name: with `tlsName` the request carries that name as TLS SNI and Host, so the certificate still validates.
 * Never throws: a timeout or a refused connection is status 0 with the error.
 */
function getJson(target: string, timeoutMs: number, tlsName?: string): Promise<HttpAnswer> {
  const url = new URL(target);
  const secure = url.protocol === 'https:';
  const name = tlsName || url.hostname;
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  return new Promise((resolve) => {
    const req = (secure ? https : http).request(
      {
        host: url.hostname,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: {
          host: url.port ? `${name}:${url.port}` : name,
          'user-agent': 'failover-controller',
          accept: 'application/json',
        },
        timeout: timeoutMs,
        ...(secure ? { servername: name } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // A gateway's answers are small; never buffer more than 64 KiB of whatever answers instead.
          size += c.length;
          if (size <= 65_536) chunks.push(c);
        });
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, latencyMs: elapsed() });
        });
        res.on('error', (err) => resolve({ status: 0, body: undefined, error: err.message, latencyMs: elapsed() }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', (err) => resolve({ status: 0, body: undefined, error: err.message, latencyMs: elapsed() }));
    req.end();
  });
}

/** GET a deep health URL; 2xx is healthy, any other answer, a timeout or a refused connection is unhealthy. */
export async function probeHealth(healthUrl: string, timeoutMs: number, tlsName?: string): Promise<ProbeResult> {
  const a = await getJson(healthUrl, timeoutMs, tlsName);
  if (a.status === 0) return { signal: 'unhealthy', error: a.error ?? 'no answer', latencyMs: a.latencyMs };
  return {
    signal: a.status >= 200 && a.status < 300 ? 'healthy' : 'unhealthy',
    status: a.status,
    latencyMs: a.latencyMs,
  };
}

/** What the other region's gateways say about its database: its role (deep /health) and the writer it names (/region). */
export interface PeerWriterView {
  databaseRole: 'writer' | 'replica' | undefined;
  writerEndpoint: string | undefined;
}

/**
 * Asks the other region's gateways, through its ALB, whether its database is a writer and which writer endpoint
 * it uses. Data plane only (the gateway's own answers); undefined fields when it does not say.
 */
export async function peerWriterView(healthUrl: string, timeoutMs: number, tlsName?: string): Promise<PeerWriterView> {
  const [health, region] = await Promise.all([
    getJson(healthUrl, timeoutMs, tlsName),
    getJson(new URL('/region', healthUrl).href, timeoutMs, tlsName),
  ]);
  const checks = (health.body as { checks?: { name?: string; detail?: { role?: unknown } }[] } | undefined)?.checks;
  const role = Array.isArray(checks) ? checks.find((c) => c?.name === 'database')?.detail?.role : undefined;
  const writer =
    region.status === 200 ? (region.body as { writerEndpoint?: unknown } | undefined)?.writerEndpoint : undefined;
  return {
    databaseRole: role === 'writer' || role === 'replica' ? role : undefined,
    writerEndpoint: typeof writer === 'string' && writer ? writer : undefined,
  };
}

/**
 * Can the ALB be reached at all (TCP connect to its listener)? Independent of the application: an ALB that
 * still accepts connections means the region is not gone, so its database may still be taking writes.
 */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ signal: 'unhealthy', error: `timeout after ${timeoutMs}ms`, latencyMs: elapsed() }),
    );
    socket.once('connect', () => done({ signal: 'healthy', latencyMs: elapsed() }));
    socket.once('error', (err) => done({ signal: 'unhealthy', error: err.message, latencyMs: elapsed() }));
  });
}

export interface Resolver {
  resolve4(name: string): Promise<string[]>;
}

export function systemResolver(timeoutMs: number): Resolver {
  return new dns.Resolver({ timeout: timeoutMs, tries: 2 });
}

/**
 * Which ALB the failover record points to. Alias records answer with the ALB's addresses, so compare the
 * record's addresses with each ALB's. No answer, or an answer matching neither, is `unknown`.
 */
export async function resolveDnsTarget(
  resolver: Resolver,
  recordName: string,
  selfAlb: string,
  peerAlb: string,
): Promise<{ target: DnsTarget; addresses: string[]; error?: string }> {
  const lookup = (n: string) => resolver.resolve4(n).catch(() => [] as string[]);
  try {
    const [record, self, peer] = await Promise.all([resolver.resolve4(recordName), lookup(selfAlb), lookup(peerAlb)]);
    const hits = (set: string[]) => record.some((a) => set.includes(a));
    const target: DnsTarget = hits(self) && !hits(peer) ? 'self' : hits(peer) && !hits(self) ? 'peer' : 'unknown';
    return { target, addresses: record };
  } catch (err) {
    return { target: 'unknown', addresses: [], error: (err as Error).message };
  }
}
