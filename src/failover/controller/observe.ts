// Gathers one Observation using only this region: probes and DNS (data plane) plus own-region CloudWatch,
// RDS and SSM. Each signal fails independently to `unknown`/`unhealthy`; observing never throws.
import type { ControllerClients } from '../../aws/lambda-clients.js';
import { replicaLagSeries } from '../../aws/services/cloudwatch.js';
import { describeDbInstance } from '../../aws/services/rds.js';
import { getParameter } from '../../aws/services/ssm.js';
import type { DnsResolver } from '../../operator/dns.js';
import type { Observation, Signal } from './model.js';
import type { PeerWriterView, ProbeResult } from './probes.js';
import { peerWriterView, probeHealth, probeTcp, resolveDnsTarget } from './probes.js';
import type { ControllerSettings } from './config.js';

export interface Network {
  probeHealth(healthUrl: string, timeoutMs: number, tlsName?: string): Promise<ProbeResult>;
  probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult>;
  /** The other region's database role and writer endpoint as its gateways report them (asked by the primary only). */
  peerWriterView?(healthUrl: string, timeoutMs: number, tlsName?: string): Promise<PeerWriterView>;
  resolver: DnsResolver;
}

export function realNetwork(resolver: DnsResolver): Network {
  return { probeHealth, probeTcp, peerWriterView, resolver };
}

/** The listener port a health URL implies (the ALB's). */
export function listenerPort(healthUrl: string): number {
  const url = new URL(healthUrl);
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

export interface ObserveDeps {
  settings: ControllerSettings;
  clients: Pick<ControllerClients, 'region' | 'rds' | 'cloudwatch' | 'ssm'>;
  network: Network;
  now: () => number;
}

/** Details kept for the audit log next to the observation itself. */
export interface ObservationDetail {
  peerHealth: ProbeResult;
  peerAlb: ProbeResult;
  selfHealth: ProbeResult;
  dnsAddresses: string[];
  maintenance: string | undefined;
  errors: string[];
}

const LAG_LOOKBACK_MS = 15 * 60_000;

export async function observe(deps: ObserveDeps): Promise<{ observation: Observation; detail: ObservationDetail }> {
  const { settings, network } = deps;
  const at = deps.now();
  const errors: string[] = [];
  // The service modules' errors already name the operation, the resource and the region.
  const note = (what: string) => (err: unknown) => {
    errors.push(err instanceof Error && err.message.startsWith(what) ? err.message : `${what}: ${String(err)}`);
    return undefined;
  };
  // The primary asks whether the other region now holds the writer (it was failed over to while this region was away).
  const askPeer =
    settings.decision.role === 'primary' && network.peerWriterView
      ? network.peerWriterView(settings.peerHealthUrl, settings.probeTimeoutMs, settings.failoverRecordName)
      : Promise.resolve(undefined);
  const [peerHealth, peerAlb, selfHealth, dnsAnswer, lag, database, maintenance, peerWriter] = await Promise.all([
    network.probeHealth(settings.peerHealthUrl, settings.probeTimeoutMs, settings.failoverRecordName),
    network.probeTcp(settings.peerAlbDnsName, listenerPort(settings.peerHealthUrl), settings.probeTimeoutMs),
    network.probeHealth(settings.selfHealthUrl, settings.probeTimeoutMs, settings.failoverRecordName),
    resolveDnsTarget(network.resolver, settings.failoverRecordName, settings.selfAlbDnsName, settings.peerAlbDnsName),
    replicaLagSeries(deps.clients, settings.dbIdentifier, at, LAG_LOOKBACK_MS).catch(note('cloudwatch:GetMetricData')),
    describeDbInstance(deps.clients, settings.dbIdentifier).catch(note('rds:DescribeDBInstances')),
    getParameter(deps.clients, settings.maintenanceParameter).catch(note('ssm:GetParameter')),
    askPeer,
  ]);
  if (dnsAnswer.error) errors.push(`dns: ${dnsAnswer.error}`);
  // Our own region under maintenance is not a region to fail over into.
  const self: Signal = maintenance === 'on' ? 'unhealthy' : selfHealth.signal;
  return {
    observation: {
      at,
      peerHealth: peerHealth.signal,
      peerAlb: peerAlb.signal,
      dns: dnsAnswer.target,
      selfHealth: self,
      replicaLag: lag ?? [],
      database: database && {
        isReplica: database.isReplica,
        status: database.status,
        ...(database.endpoint ? { endpoint: database.endpoint } : {}),
      },
      ...(maintenance === undefined ? {} : { maintenanceOn: maintenance === 'on' }),
      ...(peerWriter ? { peerWriter } : {}),
    },
    detail: { peerHealth, peerAlb, selfHealth, dnsAddresses: dnsAnswer.addresses, maintenance, errors },
  };
}
