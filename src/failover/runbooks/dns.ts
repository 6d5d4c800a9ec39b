// Where DNS sends clients right now, asked of the hosted zone's authoritative name servers (from GetHostedZone's
// DelegationSet) so recursive-resolver caching does not blur the measurement.
import { Resolver } from 'node:dns/promises';
import { GetHostedZoneCommand, type Route53Client } from '@aws-sdk/client-route-53';
import type { RegionRole } from '../../templates/template-types.js';
import { awsError } from './aws-ops.js';

export interface DnsResolver {
  /** IPv4 addresses for `name`; asks `nameServers` (host names) when given, else the system resolver. Empty on NXDOMAIN/NODATA. */
  resolveA(name: string, nameServers?: string[]): Promise<string[]>;
}

const IPV4_SERVER = /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/;

export function systemDnsResolver(timeoutMs = 3_000): DnsResolver {
  const nsIps = new Map<string, string[]>();
  const plain = new Resolver({ timeout: timeoutMs, tries: 2 });
  const lookup = async (r: Resolver, name: string): Promise<string[]> => {
    try {
      return await r.resolve4(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw err;
    }
  };
  return {
    async resolveA(name, nameServers) {
      if (!nameServers?.length) return lookup(plain, name);
      const ips: string[] = [];
      for (const ns of nameServers) {
        // Name servers come as host names (the DelegationSet); an address (optionally with :port) is used as is.
        if (IPV4_SERVER.test(ns)) {
          ips.push(ns);
          continue;
        }
        if (!nsIps.has(ns)) nsIps.set(ns, await lookup(plain, ns));
        ips.push(...(nsIps.get(ns) ?? []));
      }
      if (ips.length === 0)
        throw new Error(`none of the name servers ${nameServers.join(', ')} resolves to an address`);
      const r = new Resolver({ timeout: timeoutMs, tries: 2 });
      r.setServers(ips);
      return lookup(r, name);
    },
  };
}

export async function authoritativeNameServers(r53: Route53Client, hostedZoneId: string): Promise<string[]> {
  try {
    const out = await r53.send(new GetHostedZoneCommand({ Id: hostedZoneId }));
    return out.DelegationSet?.NameServers ?? [];
  } catch (err) {
    throw awsError('E_AWS_ROUTE53', `GetHostedZone ${hostedZoneId}`, err);
  }
}

export interface DnsTarget {
  role: RegionRole | 'unknown' | 'none';
  addresses: string[];
}

/**
 * Which region the failover record currently answers: the answer is compared with each ALB's own addresses
 * (ALB addresses change, but the two regions' sets never overlap).
 */
export async function currentDnsTarget(
  resolver: DnsResolver,
  domainName: string,
  nameServers: string[],
  albs: Record<RegionRole, string>,
): Promise<DnsTarget> {
  const addresses = await resolver.resolveA(domainName, nameServers);
  if (addresses.length === 0) return { role: 'none', addresses };
  for (const role of ['primary', 'secondary'] as const) {
    const albIps = new Set(await resolver.resolveA(albs[role]));
    if (addresses.some((a) => albIps.has(a))) return { role, addresses };
  }
  return { role: 'unknown', addresses };
}
