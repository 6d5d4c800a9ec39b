// Data-plane probes the controller runs from its own region: HTTP(S) to a health URL, the same path straight
// at an ALB, and DNS for the failover record. None of them touches any AWS control plane.
import http from 'node:http';
import https from 'node:https';
import { promises as dns } from 'node:dns';
import type { DnsTarget, Signal } from './model.js';

export interface ProbeResult {
  signal: Signal;
  latencyMs: number;
  status?: number;
  error?: string;
}

/** GET `url`; 2xx is healthy, any other answer, a timeout or a refused connection is unhealthy. */
export async function probeUrl(url: string, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', headers: { 'user-agent': 'failover-controller' } });
    await res.body?.cancel();
    return { signal: res.ok ? 'healthy' : 'unhealthy', status: res.status, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return { signal: 'unhealthy', error: (err as Error).name === 'TimeoutError' ? `timeout after ${timeoutMs}ms` : String((err as Error).cause ?? (err as Error).message), latencyMs: Math.round(performance.now() - start) };
  }
}

/**
 * GET the health URL's path from the ALB directly (bypassing DNS). The request carries the URL's host name as
 * Host and TLS SNI, so the listener's certificate for the public name validates against the ALB address.
 */
export function probeAlb(healthUrl: string, albDnsName: string, timeoutMs: number): Promise<ProbeResult> {
  const url = new URL(healthUrl);
  const secure = url.protocol === 'https:';
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  return new Promise((resolve) => {
    const req = (secure ? https : http).request(
      {
        host: albDnsName,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, 'user-agent': 'failover-controller' },
        timeout: timeoutMs,
        ...(secure ? { servername: url.hostname } : {}),
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
