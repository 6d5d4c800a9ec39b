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

/**
 * GET a deep health URL; 2xx is healthy, any other answer, a timeout or a refused connection is unhealthy.
 * The compute layer's HealthCheckUrl names the ALB itself, whose certificate is issued for the public name:
 * with `tlsName` the request carries that name as TLS SNI and Host, so the certificate still validates.
 */
export function probeHealth(healthUrl: string, timeoutMs: number, tlsName?: string): Promise<ProbeResult> {
  const url = new URL(healthUrl);
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
        headers: { host: url.port ? `${name}:${url.port}` : name, 'user-agent': 'failover-controller' },
        timeout: timeoutMs,
        ...(secure ? { servername: name } : {}),
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve({ signal: status >= 200 && status < 300 ? 'healthy' : 'unhealthy', status, latencyMs: elapsed() });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', (err) => resolve({ signal: 'unhealthy', error: err.message, latencyMs: elapsed() }));
    req.end();
  });
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
    socket.setTimeout(timeoutMs, () => done({ signal: 'unhealthy', error: `timeout after ${timeoutMs}ms`, latencyMs: elapsed() }));
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
export async function resolveDnsTarget(resolver: Resolver, recordName: string, selfAlb: string, peerAlb: string): Promise<{ target: DnsTarget; addresses: string[]; error?: string }> {
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
