// Route 53 double: hosted zones with their delegation set, endpoint health checks and failover records.
// A health check's status follows what its checkers see (the endpoint's health, flipped when `Inverted`) only
// after the new value has held for FailureThreshold × RequestInterval, as Route 53 does; the failover record
// answers the primary while its check is healthy, else the secondary; with both unhealthy Route 53 fails open
// and answers the primary. Checkers are sampled lazily, whenever the double is asked (code under test polls), so a
// change counts from the first query that sees it.
import {
  HealthCheckVersionMismatch,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

export interface HealthCheckSeed {
  id: string;
  /** What the checkers observe right now (the deep /health answering 200). */
  endpointHealthy: () => boolean;
  fqdn?: string;
  inverted?: boolean;
  intervalSeconds?: 10 | 30;
  failureThreshold?: number;
  checkers?: number;
}

interface HealthCheck {
  id: string;
  endpointHealthy: () => boolean;
  fqdn: string;
  inverted: boolean;
  intervalSeconds: number;
  failureThreshold: number;
  checkers: number;
  version: number;
  /** The status Route 53 acts on. */
  status: boolean;
  /** A different observed value and when it was first seen. */
  pending: { value: boolean; since: number } | undefined;
}

export interface FailoverRecord {
  name: string;
  primary: { alb: string; healthCheckId: string };
  secondary: { alb: string; healthCheckId?: string };
}

const CHECKER_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
];

export class Route53Double {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  private readonly zones = new Map<
    string,
    {
      id: string;
      name: string;
      nameServers: string[];
      records: FailoverRecord[];
      recordSets: number;
      privateZone: boolean;
    }
  >();
  /** Account quota of health checks (Route 53's default is 200) and the hosted zone record-set quota (10,000). */
  healthCheckLimit = 200;
  recordSetLimit = 10_000;
  private readonly checks = new Map<string, HealthCheck>();
  private readonly now: () => number;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  addHostedZone(
    id: string,
    name: string,
    nameServers: string[],
    opts: { recordSets?: number; privateZone?: boolean } = {},
  ): void {
    this.zones.set(id, {
      id,
      name: name.replace(/\.$/, ''),
      nameServers,
      records: [],
      // A new zone holds its SOA and NS records.
      recordSets: opts.recordSets ?? 2,
      privateZone: opts.privateZone ?? false,
    });
  }

  addHealthCheck(seed: HealthCheckSeed): void {
    this.checks.set(seed.id, {
      id: seed.id,
      endpointHealthy: seed.endpointHealthy,
      fqdn: seed.fqdn ?? `${seed.id}.example.com`,
      inverted: seed.inverted ?? false,
      intervalSeconds: seed.intervalSeconds ?? 10,
      failureThreshold: seed.failureThreshold ?? 3,
      checkers: seed.checkers ?? CHECKER_REGIONS.length,
      version: 1,
      status: seed.endpointHealthy() !== (seed.inverted ?? false),
      pending: undefined,
    });
  }

  addFailoverRecord(zoneId: string, record: FailoverRecord): void {
    const z = this.zones.get(zoneId);
    if (!z) throw new Error(`route53 double: no zone ${zoneId}`);
    z.records.push({ ...record, name: record.name.replace(/\.$/, '') });
  }

  /** Name servers of the zone that holds `name`, if any. */
  nameServersFor(name: string): string[] | undefined {
    const n = name.replace(/\.$/, '');
    return [...this.zones.values()].find((z) => n === z.name || n.endsWith(`.${z.name}`))?.nameServers;
  }

  /** The status Route 53 acts on for this check, after sampling what its checkers see now. */
  healthy(id: string): boolean {
    const hc = this.checks.get(id);
    if (!hc) throw new Error(`route53 double: no health check ${id}`);
    this.sample(hc);
    return hc.status;
  }

  inverted(id: string): boolean {
    return Boolean(this.checks.get(id)?.inverted);
  }

  /** The ALB the failover record `name` answers with now; undefined when no record exists. */
  failoverAnswer(name: string): string | undefined {
    const n = name.replace(/\.$/, '');
    for (const z of this.zones.values()) {
      const r = z.records.find((x) => x.name === n);
      if (!r) continue;
      if (this.healthy(r.primary.healthCheckId)) return r.primary.alb;
      const secondaryHealthy = r.secondary.healthCheckId ? this.healthy(r.secondary.healthCheckId) : true;
      return secondaryHealthy ? r.secondary.alb : r.primary.alb;
    }
    return undefined;
  }

  client(region: string): Route53Client {
    return fakeClient<Route53Client>('route53', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input),
    );
  }

  private sample(hc: HealthCheck): void {
    const observed = hc.endpointHealthy() !== hc.inverted;
    const t = this.now();
    if (observed === hc.status) {
      hc.pending = undefined;
      return;
    }
    if (!hc.pending || hc.pending.value !== observed) hc.pending = { value: observed, since: t };
    if (t - hc.pending.since >= hc.failureThreshold * hc.intervalSeconds * 1000) {
      hc.status = observed;
      hc.pending = undefined;
    }
  }

  private check(id: unknown): HealthCheck {
    const hc = this.checks.get(String(id));
    if (!hc) throw sdkError(NoSuchHealthCheck, `No health check exists with the specified ID ${String(id)}`);
    this.sample(hc);
    return hc;
  }

  private view(hc: HealthCheck): Record<string, unknown> {
    return {
      Id: hc.id,
      CallerReference: `ref-${hc.id}`,
      HealthCheckVersion: hc.version,
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: hc.fqdn,
        ResourcePath: '/health',
        Port: 443,
        RequestInterval: hc.intervalSeconds,
        FailureThreshold: hc.failureThreshold,
        Inverted: hc.inverted,
        Disabled: false,
      },
    };
  }

  private handle(op: string, input: Record<string, unknown>): unknown {
    switch (op) {
      case 'GetHostedZone': {
        const id = String(input.Id).replace(/^\/hostedzone\//, '');
        const z = this.zones.get(id);
        if (!z) throw sdkError(NoSuchHostedZone, `No hosted zone found with ID: ${id}`);
        return {
          HostedZone: {
            Id: `/hostedzone/${z.id}`,
            Name: `${z.name}.`,
            CallerReference: `ref-${z.id}`,
            Config: { PrivateZone: z.privateZone },
            ResourceRecordSetCount: z.recordSets,
          },
          DelegationSet: { NameServers: [...z.nameServers] },
        };
      }
      case 'GetAccountLimit': {
        if (input.Type !== 'MAX_HEALTH_CHECKS_BY_OWNER')
          throw unsupported('route53', `GetAccountLimit ${String(input.Type)}`);
        return { Limit: { Type: input.Type, Value: this.healthCheckLimit }, Count: this.checks.size };
      }
      case 'GetHostedZoneLimit': {
        const id = String(input.HostedZoneId).replace(/^\/hostedzone\//, '');
        const z = this.zones.get(id);
        if (!z) throw sdkError(NoSuchHostedZone, `No hosted zone found with ID: ${id}`);
        if (input.Type !== 'MAX_RRSETS_BY_ZONE')
          throw unsupported('route53', `GetHostedZoneLimit ${String(input.Type)}`);
        return { Limit: { Type: input.Type, Value: this.recordSetLimit }, Count: z.recordSets };
      }
      case 'GetHealthCheck':
        return { HealthCheck: this.view(this.check(input.HealthCheckId)) };
      case 'GetHealthCheckStatus': {
        const hc = this.check(input.HealthCheckId);
        // Checkers report what they see at the endpoint; inversion applies to the check's status, not to these.
        const ok = hc.endpointHealthy();
        const at = new Date(this.now());
        return {
          HealthCheckObservations: CHECKER_REGIONS.slice(0, hc.checkers).map((region, k) => ({
            Region: region,
            IPAddress: `15.177.${k}.1`,
            StatusReport: {
              Status: ok
                ? 'Success: HTTP Status Code 200, OK'
                : 'Failure: HTTP Status Code 503, Service Unavailable. Resolved IP: 192.0.2.1',
              CheckedTime: at,
            },
          })),
        };
      }
      case 'UpdateHealthCheck': {
        const hc = this.check(input.HealthCheckId);
        if (input.HealthCheckVersion !== undefined && Number(input.HealthCheckVersion) !== hc.version) {
          throw sdkError(
            HealthCheckVersionMismatch,
            "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.",
          );
        }
        if (input.Inverted !== undefined) hc.inverted = Boolean(input.Inverted);
        if (input.FailureThreshold !== undefined) hc.failureThreshold = Number(input.FailureThreshold);
        hc.version += 1;
        return { HealthCheck: this.view(hc) };
      }
      default:
        throw unsupported('route53', op);
    }
  }
}
