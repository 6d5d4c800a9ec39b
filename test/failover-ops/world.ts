// A deployed two-region environment in the one simulated account (AwsWorld), for driving failover, failback and
// drills end to end: RDS primary + cross-region replica, ASGs, SSM flags, SNS topics, CloudWatch ReplicaLag, S3
// buckets with replication, the DynamoDB tables (dynalite), Route 53 health checks and failover record, DNS, the two
// gateways' HTTP endpoints, and the stacks (seeded in the CloudFormation double with the outputs
// docs/architecture.md lists).
import { mkdtemp, mkdir, copyFile, cp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AwsClients, ClientFactory } from '../../src/aws/clients.js';
import type { EnvironmentConfig } from '../../src/config/config-types.js';
import type { HttpAnswer, HttpProbe } from '../../src/operator/http-probe.js';
import { awsError } from '../doubles/aws-error.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { FakeDnsResolver } from '../doubles/dns-resolver.js';
import { pkTable, type LocalDynamo } from '../doubles/dynamodb.js';
import type { Route53Double } from '../doubles/route53.js';
import { S3Double } from '../doubles/s3.js';
import type { VirtualClock } from '../doubles/virtual-clock.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { deployed, loadTemplate } from '../failover/contract-helpers.js';

export const PRIMARY = 'us-east-1';
export const SECONDARY = 'us-west-2';
export type Role = 'primary' | 'secondary';
export const REGION: Record<Role, string> = { primary: PRIMARY, secondary: SECONDARY };

type Input = Record<string, unknown>;
interface ReplicationRule {
  ID?: string;
  Status: string;
  Destination: { Bucket: string };
}

/** The deploy engineer's S3 double plus bucket replication: enabled rules copy new objects after `replicationMs`. */
export class ReplicatingS3 extends S3Double {
  private readonly replication = new Map<string, { Role: string; Rules: ReplicationRule[] }>();
  private pending: { at: number; bucket: string; key: string; body: Uint8Array }[] = [];
  replicationMs = 8_000;
  constructor(private readonly clockNow: () => number) {
    super(clockNow);
  }
  setReplication(bucket: string, config: { Role: string; Rules: ReplicationRule[] }): void {
    this.replication.set(bucket, structuredClone(config));
  }
  replicationRule(bucket: string, dest: string): ReplicationRule | undefined {
    return this.replication.get(bucket)?.Rules.find((r) => r.Destination.Bucket === `arn:aws:s3:::${dest}`);
  }
  private settle(): void {
    const due = this.pending.filter((p) => p.at <= this.clockNow());
    this.pending = this.pending.filter((p) => p.at > this.clockNow());
    // Replicas are not replicated again (S3 does not chain replication back to the source).
    for (const p of due) super.PutObject({ Bucket: p.bucket, Key: p.key, Body: p.body });
  }
  override PutObject(i: Input) {
    this.settle();
    const out = super.PutObject(i);
    const body = typeof i.Body === 'string' ? new TextEncoder().encode(i.Body) : (i.Body as Uint8Array);
    for (const r of this.replication.get(String(i.Bucket))?.Rules ?? []) {
      if (r.Status === 'Enabled')
        this.pending.push({
          at: this.clockNow() + this.replicationMs,
          bucket: r.Destination.Bucket.replace('arn:aws:s3:::', ''),
          key: String(i.Key),
          body,
        });
    }
    return out;
  }
  override HeadObject(i: Input) {
    this.settle();
    return super.HeadObject(i);
  }
  GetBucketReplication(i: Input) {
    const c = this.replication.get(String(i.Bucket));
    if (!c) throw awsError('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', 404);
    return { ReplicationConfiguration: structuredClone(c) };
  }
  PutBucketReplication(i: Input) {
    this.setReplication(String(i.Bucket), i.ReplicationConfiguration as { Role: string; Rules: ReplicationRule[] });
    return {};
  }
}

export interface World {
  root: string;
  config: EnvironmentConfig;
  clock: VirtualClock;
  aws: AwsWorld;
  s3: ReplicatingS3;
  route53: Route53Double;
  dns: FakeDnsResolver;
  dynamo: LocalDynamo;
  http: FakeGateways;
  clients: ClientFactory;
  names: ReturnType<typeof namesFor>;
  /** Sets a deployed stack's status, keyed `${region}/${name}` (tests make one incomplete). */
  stackStatus: { set(key: string, status: string): void };
  /** The data layer's master secret in the primary and Secrets Manager's replica of it in the secondary. */
  secrets: Record<Role, string>;
  /** Regions whose AWS APIs time out (tests add the primary to simulate its outage). */
  downRegions: Set<string>;
  /** ReplicaLag the original replica reports at a given time (default: the constant `replicaLagSeconds`). */
  originalReplicaLag?: (now: number) => number;
  /** Runs whenever simulated time moves (e.g. a controller acting at a given time). */
  onTick(fn: () => void): void;
  close(): Promise<void>;
}

/** A name a layer template gives one of its resources in `dev` (the world uses the templates' real names). */
function templateName(layer: string, resource: string, property: string): string {
  return String(deployed(loadTemplate(layer), PRIMARY, { EnvironmentSuffix: 'dev' }).property(resource, property));
}

export function namesFor(account = '111122223333') {
  const parameters = {
    maintenance: templateName('foundation', 'MaintenanceFlagParameter', 'Name'),
    writerEndpoint: templateName('data', 'WriterEndpointParameter', 'Name'),
    secretArn: templateName('data', 'DatabaseSecretArnParameter', 'Name'),
  };
  const regional = (role: Role) => {
    const r = REGION[role];
    return {
      kmsKeyArn: `arn:aws:kms:${r}:${account}:key/${role}-key`,
      topicName: 'alerts-dev',
      maintenanceParameter: parameters.maintenance,
      dbIdentifier: 'db-dev',
      writerEndpointParameter: parameters.writerEndpoint,
      secretArnParameter: parameters.secretArn,
      ordersTable: 'orders-dev',
      assetsBucket: `assets-dev-${account}-${r}`,
      albDnsName: `alb-dev-${role}.${r}.elb.amazonaws.com`,
      asgName: 'asg-dev',
      stateTable: 'failover-state-dev',
    };
  };
  return {
    primary: regional('primary'),
    secondary: regional('secondary'),
    hostedZoneId: 'Z0123456789ABC',
    domainName: 'trade.example.com',
    nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'],
    primaryHealthCheckId: 'hc-primary',
    secondaryHealthCheckId: 'hc-secondary',
  };
}

/** The two gateways as seen over HTTP: /health is 503 when the region's maintenance flag is `on` or the region is down. */
export class FakeGateways implements HttpProbe {
  readonly down: Record<Role, boolean> = { primary: false, secondary: false };
  /** A gateway that ignores its maintenance flag (a bug a drill must catch). */
  readonly ignoreMaintenance: Record<Role, boolean> = { primary: false, secondary: false };
  readonly requests: { method: string; url: string; role: Role | undefined; status: number; at: number }[] = [];
  private orderSeq = 0;
  constructor(private readonly w: () => Pick<World, 'aws' | 'names' | 'dns' | 'clock'>) {}

  healthy(role: Role): boolean {
    const w = this.w();
    // As the real gateway's region check: the primary fails while its database is a replica of the other region.
    const primaryIsReplica =
      role === 'primary' && Boolean(w.aws.rds.instance(PRIMARY, w.names.primary.dbIdentifier)?.sourceArn);
    return (
      !this.down[role] &&
      !primaryIsReplica &&
      (this.ignoreMaintenance[role] || w.aws.ssm.value(REGION[role], w.names[role].maintenanceParameter) !== 'on')
    );
  }

  private roleForHost(host: string): Role | undefined {
    const w = this.w();
    for (const role of ['primary', 'secondary'] as const) if (host === w.names[role].albDnsName) return role;
    return undefined;
  }

  async request(method: 'GET' | 'POST', url: string, body?: unknown): Promise<HttpAnswer> {
    const w = this.w();
    const u = new URL(url);
    let role = this.roleForHost(u.hostname);
    if (!role && u.hostname === w.names.domainName) {
      // Clients resolve the domain through their recursive resolver (cached for the record's TTL).
      const addrs = await w.dns.resolveA(u.hostname);
      role = (['primary', 'secondary'] as const).find((r) =>
        ALB_ADDRESSES[w.names[r].albDnsName]?.some((a) => addrs.includes(a)),
      );
    }
    const answer = (status: number, b: unknown): HttpAnswer => {
      this.requests.push({ method, url, role, status, at: w.clock.now() });
      return { status, body: b };
    };
    if (!role || this.down[role]) {
      this.requests.push({ method, url, role, status: 0, at: w.clock.now() });
      return { status: 0, body: undefined, error: 'connect ETIMEDOUT' };
    }
    const region = REGION[role];
    const maintenance =
      !this.ignoreMaintenance[role] && w.aws.ssm.value(region, w.names[role].maintenanceParameter) === 'on';
    if (method === 'GET' && u.pathname === '/health')
      return answer(maintenance ? 503 : 200, { status: maintenance ? 'maintenance' : 'ok', region, role });
    if (method === 'POST' && u.pathname === '/orders') {
      if (maintenance) return answer(503, { error: 'maintenance', region });
      const id = (body as { clientOrderId?: string })?.clientOrderId ?? `o-${++this.orderSeq}`;
      return answer(201, { orderId: id, clientOrderId: id, region, status: 'accepted' });
    }
    return answer(404, { error: 'not found' });
  }
}

export const ALB_ADDRESSES: Record<string, string[]> = {
  'alb-dev-primary.us-east-1.elb.amazonaws.com': ['3.80.0.10', '3.80.0.11'],
  'alb-dev-secondary.us-west-2.elb.amazonaws.com': ['44.230.0.20', '44.230.0.21'],
};

export async function buildWorld(
  opts: {
    withFailoverStack?: boolean;
    replicaLagSeconds?: number;
    promotionMs?: number;
    replicaCreateMs?: number;
  } = {},
): Promise<World> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'drctl-dr-'));
  await mkdir(path.join(root, 'config'), { recursive: true });
  await copyFile(path.join(PROJECT_ROOT, 'config/dev.json'), path.join(root, 'config/dev.json'));
  // The commands resolve the config against the templates (the one parameter resolution), as in a real project.
  await cp(path.join(PROJECT_ROOT, 'templates'), path.join(root, 'templates'), { recursive: true });
  const { loadConfig } = await import('../../src/config/load-config.js');
  const { config } = await loadConfig(root, 'dev');
  const aws = new AwsWorld({
    account: '111122223333',
    start: Date.parse('2026-01-05T12:00:00Z'),
    rds: {
      promotionMs: opts.promotionMs ?? 90_000,
      createMs: opts.replicaCreateMs ?? 20 * 60_000,
      deleteMs: 6 * 60_000,
    },
    launchMs: 120_000,
    s3: (now) => new ReplicatingS3(now),
  });
  const clock = aws.clock;
  const ticks: (() => void)[] = [];
  // Whenever time moves, the environment moves too (RDS publishing ReplicaLag each minute, test hooks).
  clock.onAdvance(() => ticks.forEach((tick) => tick()));
  const s3 = aws.s3 as ReplicatingS3;
  const route53 = aws.route53;
  const dynamo = await aws.startDynamo();
  const names = namesFor();
  const dns = new FakeDnsResolver({ now: clock.now, route53, albAddresses: ALB_ADDRESSES, ttlSeconds: 60 });
  const http = new FakeGateways(() => ({ aws, names, dns, clock }));
  // Data: the primary writer, the replica in the secondary region, lag datapoints, the flags, the tables.
  const primaryArn = aws.rds.addInstance(PRIMARY, { id: names.primary.dbIdentifier });
  // The master secret is the data stack's, not RDS's (an RDS-managed one would forbid the replica); Secrets Manager
  // keeps a replica of it in the secondary under the same name. Each region's data stack publishes its own copy.
  const secrets: Record<Role, string> = {
    primary: `arn:aws:secretsmanager:${PRIMARY}:111122223333:secret:db-master-dev-AbCdEf`,
    secondary: `arn:aws:secretsmanager:${SECONDARY}:111122223333:secret:db-master-dev-AbCdEf`,
  };
  const secondaryArn = aws.rds.addInstance(SECONDARY, { id: names.secondary.dbIdentifier, sourceArn: primaryArn });
  const lag = opts.replicaLagSeconds ?? 2;
  for (let k = 10; k >= 1; k--)
    aws.cloudwatch.putReplicaLag(SECONDARY, names.secondary.dbIdentifier, clock.now() - k * 60_000, lag);
  // RDS publishes ReplicaLag once a minute for every available replica: the original replica holds `lag`; a new
  // replica starts 180 s behind and catches up linearly.
  // Filled in below; the tick reads the test's lag override through it.
  const world = {} as World;
  const replicaSince = new Map<string, number>([
    [`${SECONDARY}/${names.secondary.dbIdentifier}`, Number.NEGATIVE_INFINITY],
  ]);
  const lastPublished = new Map<string, number>();
  ticks.push(() => {
    for (const region of [PRIMARY, SECONDARY]) {
      const id = names.primary.dbIdentifier;
      const key = `${region}/${id}`;
      const i = aws.rds.instance(region, id);
      if (!i?.sourceArn || i.status !== 'available') {
        if (replicaSince.get(key) !== Number.NEGATIVE_INFINITY || !i?.sourceArn) replicaSince.delete(key);
        continue;
      }
      const since = replicaSince.get(key) ?? clock.now();
      replicaSince.set(key, since);
      if (clock.now() - (lastPublished.get(key) ?? 0) < 60_000) continue;
      lastPublished.set(key, clock.now());
      const value =
        since === Number.NEGATIVE_INFINITY
          ? (world.originalReplicaLag?.(clock.now()) ?? lag)
          : Math.max(0, 180 - Math.floor((clock.now() - since) / 1000));
      aws.cloudwatch.putReplicaLag(region, id, clock.now(), value);
    }
  });
  const topics: Record<Role, string> = {
    primary: aws.sns.addTopic(PRIMARY, names.primary.topicName),
    secondary: aws.sns.addTopic(SECONDARY, names.secondary.topicName),
  };
  for (const role of ['primary', 'secondary'] as const) {
    aws.ssm.put(REGION[role], names[role].maintenanceParameter, 'off');
    aws.ssm.put(
      REGION[role],
      names[role].writerEndpointParameter,
      `${names.primary.dbIdentifier}.abcdefgh.${PRIMARY}.rds.amazonaws.com`,
    );
    aws.ssm.put(REGION[role], names[role].secretArnParameter, secrets[role]);
    aws.autoscaling.addGroup(
      REGION[role],
      names[role].asgName,
      role === 'primary' ? { min: 2, max: 6, desired: 4 } : { min: 1, max: 2, desired: 1 },
    );
    s3.createBucket(names[role].assetsBucket, REGION[role], 'Enabled');
  }
  await dynamo.createTable(pkTable(names.primary.ordersTable));
  await dynamo.createTable(pkTable(names.primary.stateTable));
  s3.setReplication(names.primary.assetsBucket, {
    Role: 'arn:aws:iam::111122223333:role/replication-dev',
    Rules: [
      {
        ID: 'to-secondary',
        Status: 'Enabled',
        Destination: { Bucket: `arn:aws:s3:::${names.secondary.assetsBucket}` },
      },
    ],
  });
  // The reverse rule exists (second deploy pass) but stays disabled until a failback needs it.
  s3.setReplication(names.secondary.assetsBucket, {
    Role: 'arn:aws:iam::111122223333:role/replication-dev',
    Rules: [
      { ID: 'to-primary', Status: 'Disabled', Destination: { Bucket: `arn:aws:s3:::${names.primary.assetsBucket}` } },
    ],
  });

  // Traffic: zone, health checks on each region's /health, the failover record.
  route53.addHostedZone(names.hostedZoneId, names.domainName, names.nameServers);
  route53.addHealthCheck({
    id: names.primaryHealthCheckId,
    endpointHealthy: () => http.healthy('primary'),
    fqdn: names.primary.albDnsName,
  });
  route53.addHealthCheck({
    id: names.secondaryHealthCheckId,
    endpointHealthy: () => http.healthy('secondary'),
    fqdn: names.secondary.albDnsName,
  });
  route53.addFailoverRecord(names.hostedZoneId, {
    name: names.domainName,
    primary: { alb: names.primary.albDnsName, healthCheckId: names.primaryHealthCheckId },
    secondary: { alb: names.secondary.albDnsName, healthCheckId: names.secondaryHealthCheckId },
  });

  const stacks = (
    region: string,
  ): Record<string, { outputs: Record<string, string | number>; parameters: Record<string, string> }> => {
    const role: Role = region === PRIMARY ? 'primary' : 'secondary';
    const n = names[role];
    const s: Record<string, { outputs: Record<string, string | number>; parameters: Record<string, string> }> = {
      'trading-foundation-dev': {
        outputs: {
          KmsKeyArn: n.kmsKeyArn,
          AlertTopicArn: topics[role],
          MaintenanceFlagParameterName: n.maintenanceParameter,
        },
        parameters: {},
      },
      'trading-data-dev': {
        outputs: {
          DatabaseIdentifier: n.dbIdentifier,
          DatabaseArn: role === 'primary' ? primaryArn : secondaryArn,
          DatabaseEndpoint: `${n.dbIdentifier}.abcdefgh.${region}.rds.amazonaws.com`,
          DatabasePort: 5432,
          DatabaseSecretArn: secrets[role],
          DatabaseSecretArnParameterName: n.secretArnParameter,
          WriterEndpointParameterName: n.writerEndpointParameter,
          OrdersTableName: n.ordersTable,
          AssetsBucketName: n.assetsBucket,
        },
        parameters: {},
      },
      'trading-compute-dev': {
        outputs: {
          AlbDnsName: n.albDnsName,
          HealthCheckUrl: `https://${n.albDnsName}/health`,
          AutoScalingGroupName: n.asgName,
          FailoverDesiredCapacity: 4,
        },
        parameters: { DesiredCapacity: role === 'primary' ? '4' : '1', FailoverDesiredCapacity: '4' },
      },
    };
    if (opts.withFailoverStack !== false)
      s['trading-failover-dev'] = {
        outputs: { ControllerStateTableName: n.stateTable },
        parameters: { RpoGuardSeconds: '60' },
      };
    if (role === 'primary')
      s['trading-global-dev'] = {
        outputs: {
          HostedZoneId: names.hostedZoneId,
          DomainName: names.domainName,
          PrimaryHealthCheckId: names.primaryHealthCheckId,
          SecondaryHealthCheckId: names.secondaryHealthCheckId,
        },
        parameters: {},
      };
    // The fixture may only export what the layer templates declare, so it cannot drift from them.
    for (const [name, stack] of Object.entries(s)) {
      const layer = name.split('-')[1] as string;
      const t = loadTemplate(layer);
      const unknown = [
        ...Object.keys(stack.outputs).filter((k) => !(k in (t.Outputs ?? {}))),
        ...Object.keys(stack.parameters).filter((k) => !(k in (t.Parameters ?? {}))),
      ];
      if (unknown.length)
        throw new Error(
          `world fixture: ${name} exports ${unknown.join(', ')}, which templates/${layer}.json does not declare`,
        );
    }
    return s;
  };
  for (const region of [PRIMARY, SECONDARY])
    for (const [name, stack] of Object.entries(stacks(region)))
      aws.cloudformation(region).seedStack(name, {
        status: 'UPDATE_COMPLETE',
        outputs: Object.fromEntries(Object.entries(stack.outputs).map(([k, v]) => [k, String(v)])),
        parameters: stack.parameters,
      });
  const stackStatus = {
    set(key: string, status: string) {
      const [region = '', name = ''] = key.split('/');
      const stack = aws.cloudformation(region).stack(name);
      if (!stack) throw new Error(`world: no stack ${key}`);
      stack.status = status;
    },
  };
  const downRegions = new Set<string>();
  // A region whose APIs do not answer: every call through its clients fails as a network timeout would.
  const reachable = <T extends object>(region: string, client: T): T =>
    new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'send' && downRegions.has(region)) {
          return async () => {
            throw Object.assign(new Error(`connect ETIMEDOUT (${region} is down)`), {
              name: 'TimeoutError',
              $metadata: {},
            });
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  const factory = aws.factory();
  const clients: ClientFactory = (region) => {
    const c = factory(region) as unknown as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(c).map(([k, v]) => [k, v && typeof v === 'object' ? reachable(region, v) : v]),
    ) as unknown as AwsClients;
  };

  return Object.assign(world, {
    root,
    config,
    clock,
    aws,
    s3,
    route53,
    dns,
    dynamo,
    http,
    clients,
    names,
    stackStatus,
    onTick: (fn) => ticks.push(fn),
    secrets,
    downRegions,
    async close() {
      await aws.close();
      await rm(root, { recursive: true, force: true });
    },
  } satisfies Omit<World, 'originalReplicaLag'>);
}
