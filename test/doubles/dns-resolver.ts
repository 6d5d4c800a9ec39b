// DNS double for code that takes a DnsResolver: ALB names answer fixed addresses; names in a Route 53 double's
// zone answer what the zone says now when the zone's own name servers are asked, and what a recursive resolver
// cached (for `ttlSeconds`) otherwise — so code that forgets to ask the authoritative servers measures late.
import type { DnsResolver } from '../../src/operator/dns.js';
import type { Route53Double } from './route53.js';

export interface DnsQuery {
  name: string;
  nameServers: string[] | undefined;
  authoritative: boolean;
  at: number;
}

export class FakeDnsResolver implements DnsResolver {
  readonly queries: DnsQuery[] = [];
  private readonly cache = new Map<string, { addresses: string[]; expires: number }>();

  constructor(
    private readonly opts: {
      now: () => number;
      route53: Route53Double;
      albAddresses: Record<string, string[]>;
      ttlSeconds?: number;
    },
  ) {}

  async resolveA(name: string, nameServers?: string[]): Promise<string[]> {
    const n = name.replace(/\.$/, '');
    const zoneNs = this.opts.route53.nameServersFor(n);
    const authoritative = Boolean(zoneNs && nameServers?.some((ns) => zoneNs.includes(ns)));
    this.queries.push({ name: n, nameServers, authoritative, at: this.opts.now() });
    const fixed = this.opts.albAddresses[n];
    if (fixed) return [...fixed];
    if (!zoneNs) return [];
    if (nameServers?.length && !authoritative) return []; // asked servers that do not serve the zone: REFUSED
    const live = () => {
      const alb = this.opts.route53.failoverAnswer(n);
      return alb ? [...(this.opts.albAddresses[alb] ?? [])] : [];
    };
    if (authoritative) return live();
    const hit = this.cache.get(n);
    if (hit && hit.expires > this.opts.now()) return [...hit.addresses];
    const addresses = live();
    this.cache.set(n, { addresses, expires: this.opts.now() + (this.opts.ttlSeconds ?? 60) * 1000 });
    return addresses;
  }
}
