// Contracts between the templates and the code that runs under them, checked on the real files so that a rename
// on either side breaks a test: the gateway's environment (compute user data), the controller's environment and
// permissions (failover layer), the gateway's permissions (compute instance role), the SSM parameter names the
// foundation and data layers create, the Lambda packaging, and the stack outputs the runbooks and drills read.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AddressInfo } from 'node:net';
import { readSettings } from '../../src/failover/controller/config.js';
import { createHandler } from '../../src/failover/controller/handler.js';
import type { Network } from '../../src/failover/controller/observe.js';
import type { ProbeResult } from '../../src/failover/controller/probes.js';
import { readGatewayConfig } from '../../src/service/gateway/config.js';
import { secretsManagerCredentials, type DbProbe } from '../../src/service/gateway/db-probe.js';
import { HealthChecker } from '../../src/service/gateway/health.js';
import { MaintenanceFlag } from '../../src/service/gateway/maintenance.js';
import { OrderStore } from '../../src/service/gateway/orders.js';
import { createGatewayServer } from '../../src/service/gateway/server.js';
import { resolveTopology, type RegionTopology } from '../../src/operator/topology.js';
import type { ClientFactory } from '../../src/aws/clients.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import { loadConfig } from '../../src/config/load-config.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { CallLog } from '../doubles/call-log.js';
import { VirtualClock } from '../doubles/virtual-clock.js';
import { pkTable, startLocalDynamo, type LocalDynamo } from '../doubles/dynamodb.js';
import { SsmDouble } from '../doubles/ssm.js';
import type { RecordedCall } from '../doubles/call-log.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { buildProjectArtifact } from '../helpers/artifacts.js';
import {
  ACCOUNT,
  allows,
  deployed,
  heredocVariables,
  iamRequest,
  loadTemplate,
  recordingEnv,
  roleStatements,
} from './contract-helpers.js';

const WEST = 'us-west-2';
const EAST = 'us-east-1';
const SUFFIX = 'dev';

const foundation = loadTemplate('foundation');
const data = loadTemplate('data');
const compute = loadTemplate('compute');
const failover = loadTemplate('failover');

/** The names the foundation and data layers really create in the secondary (dev). */
function secondaryNames() {
  const base = { EnvironmentSuffix: SUFFIX, RegionRole: 'secondary' };
  const f = deployed(foundation, WEST, base);
  const d = deployed(data, WEST, base);
  const c = deployed(compute, WEST, base);
  const names = {
    maintenanceParameter: String(f.property('MaintenanceFlagParameter', 'Name')),
    alertTopicArn: `arn:aws:sns:${WEST}:${ACCOUNT}:${String(f.property('AlertTopic', 'TopicName'))}`,
    writerEndpointParameter: String(d.property('WriterEndpointParameter', 'Name')),
    secretArnParameter: String(d.property('DatabaseSecretArnParameter', 'Name')),
    dbIdentifier: String(d.property('Database', 'DBInstanceIdentifier')),
    ordersTable: String(d.resolve(data.Outputs?.OrdersTableName?.Value)),
    asgName: String(c.property('AutoScalingGroup', 'AutoScalingGroupName')),
  };
  for (const [k, v] of Object.entries(names)) expect(v, k).not.toMatch(/undefined|\$\{/);
  return names;
}

describe('gateway environment: compute user data ↔ src/service/gateway/config.ts', () => {
  const names = () => secondaryNames();
  const userDataEnv = () => {
    const n = names();
    const given = {
      EnvironmentSuffix: SUFFIX,
      RegionRole: 'secondary',
      ArtifactBucketName: `artifacts-dev-${ACCOUNT}-${WEST}`,
      GatewayBundleKey: 'artifacts/GatewayBundleKey/0123abcd.mjs',
      ApplicationLogGroupName: '/trading/dev/application',
      OrdersTableName: n.ordersTable,
      DatabaseEndpoint: `${n.dbIdentifier}.abcdefgh.${WEST}.rds.amazonaws.com`,
      DatabasePort: '5432',
      DatabaseSecretArn: `arn:aws:secretsmanager:${WEST}:${ACCOUNT}:secret:db-master-dev-AbCdEf`,
      WriterEndpointParameterName: n.writerEndpointParameter,
      MaintenanceFlagParameterName: n.maintenanceParameter,
      DatabaseSecretArnParameterName: n.secretArnParameter,
    };
    const lt = compute.Resources.LaunchTemplate?.Properties?.LaunchTemplateData as {
      UserData: { 'Fn::Base64': unknown };
    };
    const script = deployed(compute, WEST, given).resolve(lt.UserData['Fn::Base64']);
    expect(typeof script, 'user data resolves with the inputs drctl passes').toBe('string');
    const vars = heredocVariables(String(script), 'GATEWAYENV');
    // DB_CA_FILE is appended after the heredoc, once the CA bundle download succeeded (or left empty).
    expect(String(script)).toContain('echo "DB_CA_FILE=$DB_CA_FILE" >> /etc/trading-gateway/gateway.env');
    return { vars: { ...vars, DB_CA_FILE: '/etc/trading-gateway/rds-ca.pem' }, n };
  };

  it('sets every variable the gateway reads, and nothing it ignores', () => {
    const { vars, n } = userDataEnv();
    const { env, read } = recordingEnv(vars);
    const cfg = readGatewayConfig(env);
    expect(cfg).toMatchObject({
      port: 8080,
      region: WEST,
      role: 'secondary',
      environmentSuffix: SUFFIX,
      ordersTable: n.ordersTable,
      dbPort: 5432,
      writerEndpointParameter: n.writerEndpointParameter,
      maintenanceParameter: n.maintenanceParameter,
      dbSecretArnParameter: n.secretArnParameter,
    });
    // Tuning knobs with defaults are the only variables the unit may leave out.
    const optionalTuning = ['HEALTH_CACHE_MS', 'HEALTH_CHECK_TIMEOUT_MS'];
    expect([...read].filter((k) => !(k in vars)).sort()).toEqual(optionalTuning);
    expect(Object.keys(vars).filter((k) => !read.has(k))).toEqual([]);
  });

  it('names each required variable when it is missing', () => {
    const { vars } = userDataEnv();
    const required = Object.keys(vars).filter((k) => {
      try {
        readGatewayConfig({ ...vars, [k]: '' });
        return false;
      } catch (err) {
        expect((err as { field?: string }).field).toBe(k);
        return true;
      }
    });
    expect(required.sort()).toEqual([
      'AWS_REGION',
      'DB_ENDPOINT',
      'DB_SECRET_ARN',
      'ENVIRONMENT_SUFFIX',
      'MAINTENANCE_PARAMETER',
      'ORDERS_TABLE',
      'REGION_ROLE',
      'WRITER_ENDPOINT_PARAMETER',
    ]);
  });

  it('is the variable table docs/architecture.md publishes', () => {
    const { vars } = userDataEnv();
    const doc = readFileSync(path.join(PROJECT_ROOT, 'docs/architecture.md'), 'utf8');
    const section = doc.split('## Gateway service contract')[1]?.split('Endpoints:')[0] ?? '';
    const documented = [...section.matchAll(/^\| (.+?) \|/gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((x) => x[1]),
    );
    expect(new Set(documented)).toEqual(new Set([...Object.keys(vars), 'HEALTH_CHECK_TIMEOUT_MS', 'HEALTH_CACHE_MS']));
  });
});

describe('controller environment: failover template ↔ src/failover/controller/config.ts', () => {
  it('sets exactly the variables the controller reads (no silent fallback to a default after a rename)', () => {
    const vars = (
      failover.Resources.ControllerFunction?.Properties?.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    const values = Object.fromEntries(
      Object.keys(vars).map((k) => [
        k,
        k === 'REGION_ROLE'
          ? 'secondary'
          : /SECONDS$/.test(k)
            ? '180'
            : /MINUTES$|CAPACITY$/.test(k)
              ? '1'
              : /_MS$/.test(k)
                ? '3000'
                : 'x',
      ]),
    );
    const { env, read } = recordingEnv(values);
    readSettings(env);
    // NODE_OPTIONS is for the runtime; REPAGE_SECONDS is an optional tuning knob with a default.
    expect(Object.keys(vars).filter((k) => !read.has(k))).toEqual(['NODE_OPTIONS']);
    expect([...read].filter((k) => !(k in vars))).toEqual(['REPAGE_SECONDS']);
  });
});

/** The secondary as the controller sees it over the network: the primary gone, DNS failed over to us. */
class OutageNetwork implements Network {
  probeHealth = async (url: string): Promise<ProbeResult> =>
    url.includes(EAST)
      ? { signal: 'unhealthy', error: 'timeout', latencyMs: 3000 }
      : { signal: 'healthy', status: 200, latencyMs: 10 };
  probeTcp = async (): Promise<ProbeResult> => ({ signal: 'unhealthy', error: 'timeout', latencyMs: 3000 });
  resolver = { resolveA: async (name: string) => (name.includes(EAST) ? ['198.51.100.1'] : ['203.0.113.1']) };
}

describe('permissions: every call the code makes is allowed by its role in the templates', () => {
  let ddb: LocalDynamo;
  beforeAll(async () => {
    ddb = await startLocalDynamo();
  });
  afterAll(() => ddb.close());

  it('the controller (failover layer role) through a whole promotion, leaving the secret parameter on the local secret', async () => {
    const n = secondaryNames();
    const aws = new AwsWorld({
      start: Date.parse('2026-01-05T12:00:00Z'),
      rds: { promotionMs: 60_000 },
      launchMs: 60_000,
    });
    const clock = aws.clock;
    const source = aws.rds.addInstance(EAST, { id: n.dbIdentifier });
    aws.rds.addInstance(WEST, { id: n.dbIdentifier, sourceArn: source });
    // The secondary's replica of the master secret: the promoted instance keeps its user and password.
    const localSecret = `arn:aws:secretsmanager:${WEST}:${ACCOUNT}:secret:db-master-dev-AbCdEf`;
    aws.autoscaling.addGroup(WEST, n.asgName, { min: 1, max: 2, desired: 1 });
    aws.ssm.put(WEST, n.maintenanceParameter, 'off');
    aws.ssm.put(WEST, n.writerEndpointParameter, `${n.dbIdentifier}.abcdefgh.${EAST}.rds.amazonaws.com`);
    aws.ssm.put(WEST, n.secretArnParameter, localSecret);
    expect(aws.sns.addTopic(WEST, n.alertTopicArn.split(':').at(-1) as string)).toBe(n.alertTopicArn);

    const given = {
      EnvironmentSuffix: SUFFIX,
      RegionRole: 'secondary',
      KmsKeyArn: `arn:aws:kms:${WEST}:${ACCOUNT}:key/0000-key`,
      AlertTopicArn: n.alertTopicArn,
      ArtifactBucketName: `artifacts-dev-${ACCOUNT}-${WEST}`,
      MaintenanceFlagParameterName: n.maintenanceParameter,
      DatabaseIdentifier: n.dbIdentifier,
      DatabaseArn: `arn:aws:rds:${WEST}:${ACCOUNT}:db:${n.dbIdentifier}`,
      WriterEndpointParameterName: n.writerEndpointParameter,
      AutoScalingGroupName: n.asgName,
      SelfAlbDnsName: `alb-dev-2.${WEST}.elb.amazonaws.com`,
      SelfHealthCheckUrl: `https://alb-dev-2.${WEST}.elb.amazonaws.com/health`,
      PeerAlbDnsName: `alb-dev-1.${EAST}.elb.amazonaws.com`,
      PeerHealthCheckUrl: `https://alb-dev-1.${EAST}.elb.amazonaws.com/health`,
    };
    const stateTable = String(deployed(failover, WEST, given).property('ControllerStateTable', 'TableName'));
    const physical = {
      ControllerStateTable: stateTable,
      'ControllerStateTable.Arn': `arn:aws:dynamodb:${WEST}:${ACCOUNT}:table/${stateTable}`,
      'ControllerLogGroup.Arn': `arn:aws:logs:${WEST}:${ACCOUNT}:log-group:/aws/lambda/failover-controller-dev:*`,
      'ControllerDeadLetterQueue.Arn': `arn:aws:sqs:${WEST}:${ACCOUNT}:failover-controller-dlq-dev`,
    };
    const t = deployed(failover, WEST, given, physical);
    const vars = t.resolve(
      (failover.Resources.ControllerFunction?.Properties?.Environment as { Variables: unknown }).Variables,
    ) as Record<string, string>;
    await ddb.createTable(pkTable(stateTable));

    const handler = createHandler({
      env: { ...vars, AWS_REGION: WEST },
      clientsFor: (region) => ({ ...aws.clientsFor(region), dynamodb: ddb.client(region) }),
      network: new OutageNetwork(),
      now: clock.now,
      sleep: async (ms) => clock.advance(ms),
      log: () => undefined,
    });
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) {
      aws.cloudwatch.putReplicaLag(WEST, n.dbIdentifier, clock.now() - 5 * 60_000, 2);
      codes.push(
        await handler({ trigger: 'schedule' }).then(
          (r) => r.code,
          (e: Error) => e.message,
        ),
      );
      clock.advance(60_000);
    }
    expect(codes).toContain('PROMOTE');
    expect(aws.ssm.value(WEST, n.secretArnParameter)).toBe(localSecret);
    expect(
      aws.log.calls.filter((c) => c.operation === 'PutParameter').map((c) => (c.input as { Name: string }).Name),
    ).not.toContain(n.secretArnParameter);
    expect(
      aws.log.calls
        .filter((c) => c.service === 'rds')
        .map((c) => c.operation)
        .sort(),
    ).not.toContain('ModifyDBInstance');

    const statements = roleStatements(failover, 'ControllerRole', t.resolve);
    const calls: RecordedCall[] = [...aws.log.calls, ...ddb.log.calls.filter((c) => c.region !== 'local-setup')];
    const requests = [...new Set(calls.map((c) => JSON.stringify(iamRequest(c))))].map(
      (s) => JSON.parse(s) as { action: string; arn: string },
    );
    expect(new Set(requests.map((r) => r.action))).toEqual(
      new Set([
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:UpdateAutoScalingGroup',
        'cloudwatch:GetMetricData',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'rds:DescribeDBInstances',
        'rds:PromoteReadReplica',
        'sns:Publish',
        'ssm:GetParameter',
        'ssm:PutParameter',
      ]),
    );
    expect(requests.filter((r) => !allows(statements, r.action, r.arn))).toEqual([]);
    // And the role is not wider than the calls: the replica of the other region may not be promoted with it,
    // and the secret parameter, which the controller no longer writes, is not in reach.
    expect(
      allows(statements, 'ssm:PutParameter', `arn:aws:ssm:${WEST}:${ACCOUNT}:parameter${n.secretArnParameter}`),
    ).toBe(false);
    expect(allows(statements, 'rds:PromoteReadReplica', `arn:aws:rds:${EAST}:${ACCOUNT}:db:${n.dbIdentifier}`)).toBe(
      false,
    );
    // Its own flag it may set (the primary fences itself); the other region's it may not.
    expect(
      allows(statements, 'ssm:PutParameter', `arn:aws:ssm:${WEST}:${ACCOUNT}:parameter${n.maintenanceParameter}`),
    ).toBe(true);
    expect(
      allows(statements, 'ssm:PutParameter', `arn:aws:ssm:${EAST}:${ACCOUNT}:parameter${n.maintenanceParameter}`),
    ).toBe(false);
  });

  it("the gateway (compute instance role): health, orders, region, and only its own region's database secret", async () => {
    const n = secondaryNames();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const log = new CallLog();
    const ddbCallsBefore = ddb.log.calls.length;
    const ssm = new SsmDouble({ now: clock.now, log });
    // What the data layer publishes: the primary's secret, and its replica in the secondary (same name, this region).
    // The gateway's secret is the application user's (decision 0016), replicated like the master's.
    const primarySecret = `arn:aws:secretsmanager:${EAST}:${ACCOUNT}:secret:db-app-dev-AbCdEf`;
    const dataSecondary = deployed(data, WEST, {
      EnvironmentSuffix: SUFFIX,
      RegionRole: 'secondary',
      PrimaryDatabaseSecretArn: `arn:aws:secretsmanager:${EAST}:${ACCOUNT}:secret:db-master-dev-GhIjKl`,
      PrimaryGatewayDatabaseSecretArn: primarySecret,
    });
    const localSecret = String(dataSecondary.resolve(data.Outputs?.GatewayDatabaseSecretArn?.Value));
    expect(localSecret).toBe(`arn:aws:secretsmanager:${WEST}:${ACCOUNT}:secret:db-app-dev-AbCdEf`);
    expect(dataSecondary.resolve(data.Resources.DatabaseSecretArnParameter?.Properties?.Value)).toBe(localSecret);
    ssm.put(WEST, n.maintenanceParameter, 'off');
    ssm.put(WEST, n.writerEndpointParameter, `${n.dbIdentifier}.abcdefgh.${EAST}.rds.amazonaws.com`);
    ssm.put(WEST, n.secretArnParameter, localSecret);
    await ddb.createTable({
      TableName: n.ordersTable,
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    // Secrets Manager as the gateway's own-region client sees it: only the local copy exists in this region.
    const secretsClient = {
      send: async (cmd: GetSecretValueCommand) => {
        log.record({
          service: 'secretsmanager',
          region: WEST,
          operation: 'GetSecretValue',
          input: cmd.input,
          at: clock.now(),
        });
        if (cmd.input.SecretId !== localSecret)
          throw Object.assign(
            new Error(`Secrets Manager can't find the specified secret ${String(cmd.input.SecretId)} in ${WEST}`),
            { name: 'ResourceNotFoundException' },
          );
        return { SecretString: JSON.stringify({ username: 'trader', password: 'pw' }) };
      },
    } as unknown as SecretsManagerClient;
    const ssmClient = ssm.client(WEST);
    const secretArn = () =>
      ssmClient
        .send(new GetParameterCommand({ Name: n.secretArnParameter }))
        .then((r) => r.Parameter?.Value ?? localSecret);
    const credentials = secretsManagerCredentials(secretArn, secretsClient, clock.now);
    const db: DbProbe = { probe: async () => (await credentials(), { inRecovery: true, endpoint: 'db:5432' }) };
    const dynamodb = ddb.client(WEST);
    const health = new HealthChecker({
      region: WEST,
      role: 'secondary',
      ordersTable: n.ordersTable,
      maintenanceParameter: n.maintenanceParameter,
      dynamodb,
      ssm: ssmClient,
      db,
      timeoutMs: 2000,
      cacheMs: 0,
      now: clock.now,
      instanceId: 'i-1',
    });
    const server = createGatewayServer({
      region: WEST,
      role: 'secondary',
      environmentSuffix: SUFFIX,
      health,
      orders: new OrderStore(dynamodb, n.ordersTable, WEST, clock.now),
      ssm: ssmClient,
      writerEndpointParameter: n.writerEndpointParameter,
      maintenance: new MaintenanceFlag(ssmClient, n.maintenanceParameter, 0, clock.now),
      reporter: new MemoryReporter(),
      now: clock.now,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const post = () =>
        fetch(`${base}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            clientOrderId: 'c-1',
            symbol: 'AAPL',
            side: 'buy',
            type: 'limit',
            quantity: 1,
            price: 1,
          }),
        });
      expect((await post()).status).toBe(201);
      expect((await post()).status).toBe(200);
      expect((await fetch(`${base}/region`)).status).toBe(200);
      // After the cache window (a promotion changes nothing here) the same local secret is read again.
      clock.advance(16 * 60_000);
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      server.close();
    }
    const given = {
      EnvironmentSuffix: SUFFIX,
      RegionRole: 'secondary',
      ArtifactBucketName: `artifacts-dev-${ACCOUNT}-${WEST}`,
      OrdersTableName: n.ordersTable,
      DatabaseSecretArn: localSecret,
      KmsKeyArn: `arn:aws:kms:${WEST}:${ACCOUNT}:key/0000-key`,
      ApplicationLogGroupName: '/trading/dev/application',
    };
    const statements = roleStatements(compute, 'InstanceRole', deployed(compute, WEST, given).resolve);
    const calls = [...log.calls, ...ddb.log.calls.slice(ddbCallsBefore).filter((c) => c.region !== 'local-setup')];
    const requests = [...new Set(calls.map((c) => JSON.stringify(iamRequest(c))))].map(
      (s) => JSON.parse(s) as { action: string; arn: string },
    );
    expect(new Set(requests.map((r) => r.action))).toEqual(
      new Set(['dynamodb:PutItem', 'dynamodb:GetItem', 'ssm:GetParameter', 'secretsmanager:GetSecretValue']),
    );
    expect(requests.filter((r) => r.action === 'secretsmanager:GetSecretValue').map((r) => r.arn)).toEqual([
      localSecret,
    ]);
    expect(log.calls.filter((c) => c.service === 'secretsmanager').length).toBe(2);
    expect(new Set(calls.map((c) => c.region))).toEqual(new Set([WEST]));
    expect(requests.filter((r) => !allows(statements, r.action, r.arn))).toEqual([]);
    // The role reads the local secret only: not the primary's, not an RDS-managed one.
    expect(allows(statements, 'secretsmanager:GetSecretValue', primarySecret)).toBe(false);
    expect(
      allows(
        statements,
        'secretsmanager:GetSecretValue',
        `arn:aws:secretsmanager:${WEST}:${ACCOUNT}:secret:rds!db-4567-GhIjKl`,
      ),
    ).toBe(false);
    expect(allows(statements, 'kms:Decrypt', `arn:aws:kms:${EAST}:${ACCOUNT}:key/1111-key`)).toBe(false);
  });
});

describe('Lambda packaging: failover template ↔ src/deploy/packaging.ts', () => {
  it('the handler the function names is the export the packager puts in the zip, on a runtime the bundle targets', async () => {
    const f = failover.Resources.ControllerFunction?.Properties ?? {};
    const [file, exported] = String(f.Handler).split('.');
    const packaging = readFileSync(path.join(PROJECT_ROOT, 'src/deploy/packaging.ts'), 'utf8');
    // The zip's only entry is the handler's file (the bundle test proves it exports `handler`).
    const built = await buildProjectArtifact('ControllerCodeKey', 'src/failover/controller/handler.ts', 'lambda');
    expect(Object.keys(unzipSync(built.bytes))).toEqual([`${file}.mjs`]);
    expect(exported).toBe('handler');
    // The bundle's syntax target runs on the function's runtime (same or newer Node.js major).
    const target = Number(/target: 'node(\d+)'/.exec(packaging)?.[1]);
    const runtime = Number(/^nodejs(\d+)\.x$/.exec(String(f.Runtime))?.[1]);
    expect(target).toBeGreaterThanOrEqual(20);
    expect(runtime).toBeGreaterThanOrEqual(target);
    // The key drctl uploads to (content-addressed .zip) passes the parameter's constraint.
    expect(
      new RegExp(String(failover.Parameters?.ControllerCodeKey?.AllowedPattern)).test(
        'artifacts/ControllerCodeKey/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0.zip',
      ),
    ).toBe(true);
  });
});

describe('stack outputs the runbooks and drills read ↔ the outputs the templates declare', () => {
  it('resolves the whole topology from stacks that export exactly what the templates declare', async () => {
    const { config } = await loadConfig(PROJECT_ROOT, 'dev');
    const numeric: Record<string, string> = {
      DatabasePort: '5432',
      FailoverDesiredCapacity: '4',
      DesiredCapacity: '1',
      RpoGuardSeconds: '60',
      TrafficEntry: 'route53',
    };
    const stackFor = (name: string) => {
      const layer = ['foundation', 'network', 'data', 'compute', 'monitoring', 'failover', 'global'].find((l) =>
        name.includes(`-${l}-`),
      ) as string;
      const t = loadTemplate(layer);
      const value = (k: string) =>
        numeric[k] ?? (k === 'HealthCheckUrl' ? `https://${layer}-alb.example.com/health` : `${layer}-${k}`);
      return {
        StackName: name,
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.keys(t.Outputs ?? {}).map((k) => ({ OutputKey: k, OutputValue: value(k) })),
        Parameters: Object.keys(t.Parameters ?? {}).map((k) => ({ ParameterKey: k, ParameterValue: value(k) })),
      };
    };
    const factory = ((region: string) => ({
      region,
      cloudformation: {
        send: async (cmd: { input: { StackName: string } }) => ({ Stacks: [stackFor(cmd.input.StackName)] }),
      },
      route53: { send: async () => ({ DelegationSet: { NameServers: ['ns-1.awsdns-01.org'] } }) },
    })) as unknown as ClientFactory;
    const t = await resolveTopology(config, factory);
    for (const role of ['primary', 'secondary'] as const) {
      const r: RegionTopology = t[role];
      const missing = Object.entries(r)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k);
      expect(missing, `${role}: fields without an output`).toEqual([]);
    }
    expect(Object.values(t.global).every((v) => v !== undefined && v !== '')).toBe(true);
    expect(t.stacks.map((s) => s.layer).sort()).toEqual([
      'compute',
      'compute',
      'data',
      'data',
      'failover',
      'failover',
      'foundation',
      'foundation',
      'global',
    ]);
  });

  it('each layer declares the outputs docs/architecture.md lists for it', () => {
    const doc = readFileSync(path.join(PROJECT_ROOT, 'docs/architecture.md'), 'utf8');
    const table = doc.split('## Layers, outputs and key parameters')[1]?.split('## Messages')[0] ?? '';
    const rows = [...table.matchAll(/^\| (\w+) \| [^|]+ \| ([^|]+) \|/gm)].filter((m) => m[1] !== 'layer');
    expect(rows.length).toBe(11);
    for (const [, layer, outputs] of rows) {
      const declared = Object.keys(loadTemplate(String(layer)).Outputs ?? {});
      const listed = [...String(outputs).matchAll(/`(\w+)`/g)].map((m) => m[1]);
      expect(
        listed.filter((o) => !declared.includes(String(o))),
        String(layer),
      ).toEqual([]);
    }
  });
});
