import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { AwsWorld } from '../doubles/aws-world.js';
import { pkTable, startLocalDynamo, type LocalDynamo } from '../doubles/dynamodb.js';
import { createHandler, sdkClientsFor } from '../../src/failover/controller/handler.js';
import type { Network } from '../../src/failover/controller/observe.js';
import type { ProbeResult } from '../../src/failover/controller/probes.js';

const WEST = 'us-west-2';
const EAST = 'us-east-1';
const MIN = 60_000;

/** The internet as the secondary sees it: the primary up or down, and where DNS points. */
class World implements Network {
  primaryUp = true;
  secondaryUp = true;
  dnsTo: 'primary' | 'secondary' = 'primary';
  peerWriterView?: Network['peerWriterView'];
  private ok(up: boolean): ProbeResult {
    return up
      ? { signal: 'healthy', status: 200, latencyMs: 12 }
      : { signal: 'unhealthy', error: 'connect ETIMEDOUT', latencyMs: 3000 };
  }
  probes: string[] = [];
  probeHealth = async (url: string, _t: number, tlsName?: string): Promise<ProbeResult> => {
    this.probes.push(`health ${url} as ${tlsName}`);
    return this.ok(url.includes('alb-primary') ? this.primaryUp : this.secondaryUp);
  };
  probeTcp = async (host: string, port: number): Promise<ProbeResult> => {
    this.probes.push(`tcp ${host}:${port}`);
    return this.ok(host.startsWith('alb-primary') ? this.primaryUp : this.secondaryUp);
  };
  resolver = {
    resolveA: async (name: string): Promise<string[]> => {
      if (name === 'trade.example.com') return this.dnsTo === 'primary' ? ['198.51.100.1'] : ['203.0.113.1'];
      if (name.startsWith('alb-primary')) return ['198.51.100.1', '198.51.100.2'];
      return ['203.0.113.1'];
    },
  };
}

const env = (table: string, overrides: Record<string, string> = {}) => ({
  AWS_REGION: WEST,
  REGION_ROLE: 'secondary',
  ENVIRONMENT_SUFFIX: 'test',
  STATE_TABLE: table,
  FAILOVER_RECORD_NAME: 'trade.example.com',
  PEER_HEALTH_URL: 'https://alb-primary-123.us-east-1.elb.amazonaws.com/health',
  PEER_ALB_DNS_NAME: 'alb-primary-123.us-east-1.elb.amazonaws.com',
  SELF_HEALTH_URL: 'https://alb-secondary-456.us-west-2.elb.amazonaws.com/health',
  SELF_ALB_DNS_NAME: 'alb-secondary-456.us-west-2.elb.amazonaws.com',
  DB_IDENTIFIER: 'trading-db-test',
  ASG_NAME: 'asg-test',
  FAILOVER_CAPACITY: '4',
  WRITER_ENDPOINT_PARAMETER: '/trading/test/db/writer-endpoint',
  MAINTENANCE_PARAMETER: '/trading/test/maintenance',
  WINDOW_SECONDS: '180',
  RPO_GUARD_SECONDS: '30',
  PROMOTION_ENABLED: 'true',
  WAIT_BUDGET_MS: '30000',
  ...overrides,
});

let ddb: LocalDynamo;
let tableSeq = 0;
beforeAll(async () => {
  ddb = await startLocalDynamo();
});
afterAll(() => ddb.close());

async function setup(envOverrides: Record<string, string> = {}, lagSeconds = 3) {
  const aws = new AwsWorld({
    start: Date.parse('2026-01-05T12:00:00Z'),
    rds: { promotionMs: 100_000 },
    launchMs: 120_000,
  });
  const clock = aws.clock;
  const sourceArn = aws.rds.addInstance(EAST, { id: 'trading-db-test' });
  aws.rds.addInstance(WEST, { id: 'trading-db-test', sourceArn });
  aws.autoscaling.addGroup(WEST, 'asg-test', { min: 1, max: 4, desired: 1 });
  aws.ssm.put(WEST, '/trading/test/maintenance', 'off');
  aws.ssm.put(WEST, '/trading/test/db/writer-endpoint', 'trading-db-test.abcdefgh.us-east-1.rds.amazonaws.com');
  const topic = aws.sns.addTopic(WEST, 'alerts-test');
  const table = `failover-state-t${++tableSeq}`;
  await ddb.createTable(pkTable(table));
  const factoryRegions: string[] = [];
  const world = new World();
  const lines: string[] = [];
  const handler = createHandler({
    env: env(table, { ALERT_TOPIC_ARN: topic, ...envOverrides }),
    clientsFor: (region) => {
      factoryRegions.push(region);
      return { ...aws.clientsFor(region), dynamodb: ddb.client(region) };
    },
    network: world,
    now: clock.now,
    sleep: async (ms) => clock.advance(ms),
    log: (l) => lines.push(l),
  });
  /** One tick a minute; lag datapoints keep arriving every minute while the primary is up. */
  const tick = async () => {
    if (world.primaryUp) aws.cloudwatch.putReplicaLag(WEST, 'trading-db-test', clock.now() - 30_000, lagSeconds);
    const r = await handler().catch((e: unknown) => e as Error);
    clock.advance(MIN);
    return r;
  };
  const fail = () => {
    world.primaryUp = false;
    world.dnsTo = 'secondary';
  };
  return { clock, aws, world, handler, tick, fail, factoryRegions, lines, table, topic };
}

async function auditEvents(table: string): Promise<string[]> {
  const items = (await ddb.client(WEST).send(new ScanCommand({ TableName: table }))).Items ?? [];
  return items
    .filter((i) => i.pk?.S?.startsWith('audit#'))
    .sort((a, b) => (a.pk!.S! < b.pk!.S! ? -1 : 1))
    .map((i) => i.event!.S!);
}

describe('failover controller against AWS doubles', () => {
  it('promotes exactly once after a sustained outage and completes every step', async () => {
    const t = await setup();
    for (let i = 0; i < 3; i++) await t.tick();
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
    t.fail();
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await t.tick());
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
    expect(results.map((r) => (r as { code: string }).code)).toEqual([
      'WINDOW_NOT_ELAPSED',
      'WINDOW_NOT_ELAPSED',
      'WINDOW_NOT_ELAPSED',
      'PROMOTE',
      'PROMOTION_IN_PROGRESS',
      'ALREADY_PROMOTED',
      'ALREADY_PROMOTED',
      'ALREADY_PROMOTED',
      'ALREADY_PROMOTED',
      'ALREADY_PROMOTED',
    ]);
    expect(t.aws.rds.instance(WEST, 'trading-db-test')).toMatchObject({ status: 'available', sourceArn: undefined });
    expect(t.aws.autoscaling.group(WEST, 'asg-test')).toMatchObject({ min: 4, desired: 4 });
    expect(t.aws.ssm.value(WEST, '/trading/test/db/writer-endpoint')).toBe(
      'trading-db-test.abcdefgh.us-west-2.rds.amazonaws.com',
    );
    expect(t.aws.sns.published.map((m) => m.subject)).toEqual([
      '[failover test us-west-2] promoting',
      '[failover test us-west-2] promoted',
    ]);
    expect(t.aws.log.ops('autoscaling', 'UpdateAutoScalingGroup')).toHaveLength(1);
    expect(await auditEvents(t.table)).toEqual([
      'promotion-started',
      'step',
      'step',
      'step',
      'step',
      'promotion-completed',
    ]);
    const decisionLine = JSON.parse(t.lines.find((l) => l.includes('"PROMOTE"'))!);
    expect(decisionLine).toMatchObject({ audit: 'failover', event: 'decision', region: WEST, code: 'PROMOTE' });
  });

  it('promotes once when invocations run concurrently', async () => {
    const t = await setup();
    await t.tick();
    t.fail();
    for (let i = 0; i < 3; i++) await t.tick();
    const results = await Promise.all([t.handler(), t.handler(), t.handler(), t.handler()]);
    expect(results.filter((r) => r.code === 'PROMOTE' && r.recorded)).toHaveLength(1);
    expect(results.filter((r) => !r.recorded).length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 5; i++) await Promise.all([t.tick(), t.tick()]);
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
    expect(t.aws.log.ops('autoscaling', 'UpdateAutoScalingGroup')).toHaveLength(1);
    expect(t.aws.rds.instance(WEST, 'trading-db-test')?.sourceArn).toBeUndefined();
  });

  it('never promotes while the RPO guard fails, and pages once with the reason', async () => {
    const t = await setup({}, 95);
    await t.tick();
    t.fail();
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await t.tick());
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
    expect(t.aws.autoscaling.group(WEST, 'asg-test')).toMatchObject({ desired: 1 });
    expect(new Set(results.slice(3).map((r) => (r as { code: string }).code))).toEqual(new Set(['LAG_TOO_HIGH']));
    expect(t.aws.sns.published).toHaveLength(1);
    expect(t.aws.sns.published[0]?.subject).toBe('[failover test us-west-2] LAG_TOO_HIGH');
    expect(t.aws.sns.published[0]?.message).toMatch(/95s, above the RPO guard of 30s/);
  });

  it('does not promote when disabled, however long the outage', async () => {
    const t = await setup({ PROMOTION_ENABLED: 'false' });
    await t.tick();
    t.fail();
    for (let i = 0; i < 8; i++) await t.tick();
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
    expect(t.aws.sns.published.map((m) => m.subject)).toEqual(['[failover test us-west-2] PROMOTION_DISABLED']);
  });

  it('resumes after a failed step and still promotes once', async () => {
    const t = await setup();
    await t.tick();
    t.fail();
    t.aws.autoscaling.failures.failNext('UpdateAutoScalingGroup', () =>
      Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
    );
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await t.tick());
    expect(results[3]).toBeInstanceOf(Error);
    expect((results[3] as Error).message).toMatch(
      /autoscaling:UpdateAutoScalingGroup asg-test in us-west-2 failed: Throttling/,
    );
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
    expect(t.aws.autoscaling.group(WEST, 'asg-test')).toMatchObject({ desired: 4 });
    expect(t.aws.sns.published.map((m) => m.subject)).toContain('[failover test us-west-2] promotion step failed');
    expect(await auditEvents(t.table)).toContain('promotion-completed');
  });

  it('in us-west-2 makes no us-east-1 API call and builds no us-east-1 client to reach its decision', async () => {
    const t = await setup();
    await t.tick();
    t.fail();
    for (let i = 0; i < 8; i++) await t.tick();
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
    expect(t.factoryRegions.length).toBeGreaterThan(0);
    expect(new Set(t.factoryRegions)).toEqual(new Set([WEST]));
    const calls = [...t.aws.log.calls, ...ddb.log.calls.filter((c) => c.region !== 'local-setup')];
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.filter((c) => c.region !== WEST)).toEqual([]);
    expect(new Set(t.world.probes)).toEqual(
      new Set([
        'health https://alb-primary-123.us-east-1.elb.amazonaws.com/health as trade.example.com',
        'health https://alb-secondary-456.us-west-2.elb.amazonaws.com/health as trade.example.com',
        'tcp alb-primary-123.us-east-1.elb.amazonaws.com:443',
      ]),
    );
    const clients = [...t.aws.log.clientRegions, ...ddb.log.clientRegions].filter((c) => c.region !== 'local-setup');
    expect(clients.some((c) => c.region === EAST)).toBe(false);
    // The services it used to decide: own-region CloudWatch, RDS, SSM and DynamoDB.
    expect(new Set(t.aws.log.calls.map((c) => `${c.service}:${c.operation}`))).toEqual(
      new Set([
        'cloudwatch:GetMetricData',
        'rds:DescribeDBInstances',
        'ssm:GetParameter',
        'rds:PromoteReadReplica',
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:UpdateAutoScalingGroup',
        'ssm:PutParameter',
        'sns:Publish',
      ]),
    );
  });

  it('treats its own maintenance flag as unhealthy and does not promote into it', async () => {
    const t = await setup();
    t.aws.ssm.put(WEST, '/trading/test/maintenance', 'on');
    await t.tick();
    t.fail();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await t.tick());
    expect((results.at(-1) as { code: string }).code).toBe('SELF_UNHEALTHY');
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
  });

  it('refuses an invocation that is not the schedule unless the Region switch plan is enabled', async () => {
    const t = await setup();
    await expect(t.handler({ planExecutionId: 'x' })).rejects.toThrow(/runs on its schedule only/);
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
  });

  it('promotes on a Region switch plan invocation, once, with the peer still healthy', async () => {
    const t = await setup({ EXECUTE_ON_INVOKE: 'true' });
    await t.tick();
    // The plan's step fails (and is retried by the plan) until the promotion has completed.
    await expect(t.handler({ planExecutionId: 'exec-1' })).rejects.toThrow(
      /promotion in progress \(PROMOTION_REQUESTED\)/,
    );
    // The plan retries a minute later; this invocation waits out the rest of the promotion and succeeds.
    t.clock.advance(60_000);
    expect(await t.handler({ planExecutionId: 'exec-1' })).toMatchObject({
      code: 'PROMOTION_IN_PROGRESS',
      promotion: 'completed',
    });
    for (let i = 0; i < 4; i++) await t.tick();
    const again = await t.handler({ planExecutionId: 'exec-1' });
    expect(again.code).toBe('ALREADY_PROMOTED');
    expect(t.aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(1);
    expect(t.aws.autoscaling.group(WEST, 'asg-test')).toMatchObject({ desired: 4 });
  });

  it('sends a page again on the next tick when SNS refused it', async () => {
    const t = await setup({}, 95);
    await t.tick();
    t.fail();
    for (let i = 0; i < 3; i++) await t.tick();
    t.aws.sns.failures.failNext('Publish', () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const failed = await t.tick();
    expect(failed).toBeInstanceOf(Error);
    expect(t.aws.sns.published).toHaveLength(0);
    await t.tick();
    await t.tick();
    expect(t.aws.sns.published.map((m) => m.subject)).toEqual(['[failover test us-west-2] LAG_TOO_HIGH']);
  });

  it('builds its real SDK clients for the one region it is given', async () => {
    const c = sdkClientsFor(WEST);
    const regions = await Promise.all(
      [c.rds, c.autoscaling, c.ssm, c.sns, c.cloudwatch, c.dynamodb].map((x) => x.config.region()),
    );
    expect(new Set(regions)).toEqual(new Set([WEST]));
  });

  it('in the primary, fences its own region once it finds the writer in the other region, and makes no us-west-2 call', async () => {
    const aws = new AwsWorld({ start: Date.parse('2026-01-05T12:00:00Z') });
    const clock = aws.clock;
    // The primary came back after an automatic failover: a stale standalone writer, its flag still off.
    aws.rds.addInstance(EAST, { id: 'trading-db-test' });
    aws.ssm.put(EAST, '/trading/test/maintenance', 'off');
    const topic = aws.sns.addTopic(EAST, 'alerts-test');
    const table = `failover-state-t${++tableSeq}`;
    await ddb.createTable(pkTable(table));
    const peer = {
      databaseRole: 'replica' as 'writer' | 'replica',
      writerEndpoint: 'trading-db-test.abcdefgh.us-east-1.rds.amazonaws.com',
    };
    const asked: string[] = [];
    const network: Network = {
      probeHealth: async () => ({ signal: 'healthy', status: 200, latencyMs: 5 }),
      probeTcp: async () => ({ signal: 'healthy', latencyMs: 5 }),
      peerWriterView: async (url, _t, tlsName) => (asked.push(`${url} as ${tlsName}`), { ...peer }),
      resolver: {
        resolveA: async (name: string) => (name.includes('alb-secondary') ? ['203.0.113.1'] : ['198.51.100.1']),
      },
    };
    const handler = createHandler({
      env: env(table, {
        AWS_REGION: EAST,
        REGION_ROLE: 'primary',
        PROMOTION_ENABLED: 'false',
        ALERT_TOPIC_ARN: topic,
        PEER_HEALTH_URL: 'https://alb-secondary-456.us-west-2.elb.amazonaws.com/health',
        PEER_ALB_DNS_NAME: 'alb-secondary-456.us-west-2.elb.amazonaws.com',
        SELF_HEALTH_URL: 'https://alb-primary-123.us-east-1.elb.amazonaws.com/health',
        SELF_ALB_DNS_NAME: 'alb-primary-123.us-east-1.elb.amazonaws.com',
      }),
      clientsFor: (region) => ({ ...aws.clientsFor(region), dynamodb: ddb.client(region) }),
      network,
      now: clock.now,
      sleep: async (ms) => clock.advance(ms),
      log: () => undefined,
    });
    const tick = async () => {
      const r = await handler({ trigger: 'schedule' });
      clock.advance(MIN);
      return r.code;
    };
    // Normal operation: the secondary is a replica naming this region's writer.
    expect(await tick()).toBe('LOCAL_WRITER');
    // The secondary was promoted while this region was away.
    peer.databaseRole = 'writer';
    peer.writerEndpoint = 'trading-db-test.abcdefgh.us-west-2.rds.amazonaws.com';
    expect([await tick(), await tick(), await tick()]).toEqual(['PEER_IS_WRITER', 'FENCED', 'FENCED']);
    expect(aws.ssm.value(EAST, '/trading/test/maintenance')).toBe('on');
    expect(aws.log.ops('ssm', 'PutParameter')).toHaveLength(1);
    expect(aws.sns.published.map((m) => m.subject)).toEqual(['[failover test us-east-1] PEER_IS_WRITER']);
    // Someone turns the flag off while the other region still holds the writer: fenced again.
    aws.ssm.put(EAST, '/trading/test/maintenance', 'off');
    expect(await tick()).toBe('PEER_IS_WRITER');
    expect(aws.ssm.value(EAST, '/trading/test/maintenance')).toBe('on');
    // Failback made this region the writer again: nothing to fence.
    peer.databaseRole = 'replica';
    peer.writerEndpoint = 'trading-db-test.abcdefgh.us-east-1.rds.amazonaws.com';
    aws.ssm.put(EAST, '/trading/test/maintenance', 'off');
    expect(await tick()).toBe('LOCAL_WRITER');
    expect(aws.ssm.value(EAST, '/trading/test/maintenance')).toBe('off');
    expect(new Set(asked)).toEqual(
      new Set(['https://alb-secondary-456.us-west-2.elb.amazonaws.com/health as trade.example.com']),
    );
    expect(aws.log.calls.filter((c) => c.region !== EAST)).toEqual([]);
    expect(aws.log.ops('rds', 'PromoteReadReplica')).toHaveLength(0);
  });

  it('in the secondary, never asks the peer for its writer (only the primary fences itself)', async () => {
    const t = await setup();
    let asked = 0;
    t.world.peerWriterView = async () => (asked++, { databaseRole: 'writer', writerEndpoint: 'elsewhere' });
    await t.tick();
    await t.tick();
    expect(asked).toBe(0);
    expect(t.aws.log.ops('ssm', 'PutParameter')).toHaveLength(0);
  });
});
