// Data-plane probes the controller runs from its own region: the deep health URL over HTTP(S), a TCP connect to
// the ALB, and DNS for the failover record. None of them touches any AWS control plane. HTTP and DNS are the
// operator home's one client and resolver; what is here is what an answer means to the controller.
import net from 'node:net';
import { failoverRecordTarget, type DnsResolver } from '../../operator/dns.js';
import { nodeHttpProbe } from '../../operator/http-probe.js';
import type { DnsSignal, Signal } from './model.js';

export interface ProbeResult {
  signal: Signal;
  latencyMs: number;
  status?: number;
  error?: string;
}

const get = (url: string, timeoutMs: number, tlsName?: string) =>
  nodeHttpProbe({ timeoutMs, ...(tlsName ? { tlsName } : {}), userAgent: 'failover-controller' }).request('GET', url);

/** GET a deep health URL; 2xx is healthy, any other answer, a timeout or a refused connection is unhealthy. */
export async function probeHealth(healthUrl: string, timeoutMs: number, tlsName?: string): Promise<ProbeResult> {
  const answer = await get(healthUrl, timeoutMs, tlsName);
  const latencyMs = answer.latencyMs ?? 0;
  if (answer.status === 0) return { signal: 'unhealthy', error: answer.error ?? 'no answer', latencyMs };
  return {
    signal: answer.status >= 200 && answer.status < 300 ? 'healthy' : 'unhealthy',
    status: answer.status,
    latencyMs,
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
    get(healthUrl, timeoutMs, tlsName),
    get(new URL('/region', healthUrl).href, timeoutMs, tlsName),
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
      done({ signal: 'unhealthy', error: `timeout after ${timeoutMs} ms`, latencyMs: elapsed() }),
    );
    socket.once('connect', () => done({ signal: 'healthy', latencyMs: elapsed() }));
    socket.once('error', (err) => done({ signal: 'unhealthy', error: err.message, latencyMs: elapsed() }));
  });
}

/**
 * Which ALB the failover record points to, asked of this region's resolver. No answer, an answer matching neither
 * or both, or a resolver that does not answer is `unknown`.
 */
export async function resolveDnsTarget(
  resolver: DnsResolver,
  recordName: string,
  selfAlb: string,
  peerAlb: string,
): Promise<{ target: DnsSignal; addresses: string[]; error?: string }> {
  try {
    const answer = await failoverRecordTarget(resolver, recordName, { self: selfAlb, peer: peerAlb });
    return { target: answer.target === 'none' ? 'unknown' : answer.target, addresses: answer.addresses };
  } catch (err) {
    return { target: 'unknown', addresses: [], error: (err as Error).message };
  }
}
