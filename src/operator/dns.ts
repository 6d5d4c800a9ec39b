// Where DNS sends clients right now. The runbooks and the drill ask the hosted zone's authoritative name servers
// (from GetHostedZone's DelegationSet) so recursive-resolver caching does not blur the measurement; the controller
// asks its region's resolver, as clients there do. One resolver, one answer type for both.
import { Resolver } from 'node:dns/promises';
import { DrError } from '../errors.js';

export interface DnsResolver {
  /**
   * IPv4 addresses for `name`; asks `nameServers` (host names or addresses) when given, else the system resolver.
   * Empty on NXDOMAIN/NODATA; a DrError (E_DNS_UNREACHABLE) when no server answers.
   */
  resolveA(name: string, nameServers?: string[]): Promise<string[]>;
}

const IPV4_SERVER = /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/;

function unreachable(what: string, detail: string): DrError {
  return new DrError({
    code: 'E_DNS_UNREACHABLE',
    kind: 'aws',
    message: `DNS lookup of ${what} failed: ${detail}`,
    fix: 'Check this machine’s DNS and its network path to the name servers (port 53, UDP and TCP); a VPN or firewall may block them. Re-run when they answer.',
  });
}

/**
 * The real resolver. `timeoutMs` per query; `servers` replaces the system's recursive resolvers (default: the
 * operating system's, as every client of the platform uses).
 */
export function systemDnsResolver(timeoutMs = 3_000, servers?: string[]): DnsResolver {
  const nameServerAddresses = new Map<string, string[]>();
  const system = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers?.length) system.setServers(servers);
  const lookup = async (resolver: Resolver, name: string, via: string): Promise<string[]> => {
    try {
      return await resolver.resolve4(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw unreachable(`${name} (${via})`, `${code ?? 'error'}: ${(err as Error).message}`);
    }
  };
  return {
    async resolveA(name, nameServers) {
      if (!nameServers?.length) return lookup(system, name, 'system resolver');
      const addresses: string[] = [];
      const failures: string[] = [];
      for (const server of nameServers) {
        // Name servers come as host names (the DelegationSet); an address (optionally with :port) is used as is.
        if (IPV4_SERVER.test(server)) {
          addresses.push(server);
          continue;
        }
        try {
          if (!nameServerAddresses.has(server))
            nameServerAddresses.set(server, await lookup(system, server, 'system resolver'));
          addresses.push(...(nameServerAddresses.get(server) ?? []));
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      if (addresses.length === 0)
        throw unreachable(
          `${name}`,
          `none of the name servers ${nameServers.join(', ')} resolves to an address${failures.length ? ` (${failures[0]})` : ''}`,
        );
      const direct = new Resolver({ timeout: timeoutMs, tries: 2 });
      direct.setServers(addresses);
      return lookup(direct, name, `name servers ${nameServers.join(', ')}`);
    },
  };
}

/** Which of the labelled load balancers a record answers now; `none`: no address; `unknown`: neither or both. */
export type DnsTarget<Label extends string> = Label | 'none' | 'unknown';

export interface DnsAnswer<Label extends string> {
  target: DnsTarget<Label>;
  addresses: string[];
}

/**
 * Which load balancer the failover record currently answers: the answer's addresses compared with each ALB's own
 * (ALB addresses change, but two regions' sets never overlap). Alias records answer with the ALB's addresses.
 */
export async function failoverRecordTarget<Label extends string>(
  resolver: DnsResolver,
  recordName: string,
  albs: Record<Label, string>,
  nameServers?: string[],
): Promise<DnsAnswer<Label>> {
  const addresses = await resolver.resolveA(recordName, nameServers);
  if (addresses.length === 0) return { target: 'none', addresses };
  const hits: Label[] = [];
  for (const [label, alb] of Object.entries(albs) as [Label, string][]) {
    const albAddresses = new Set(await resolver.resolveA(alb).catch(() => [] as string[]));
    if (addresses.some((a) => albAddresses.has(a))) hits.push(label);
  }
  return { target: hits.length === 1 ? (hits[0] as Label) : 'unknown', addresses };
}
