// Operator commands fail soft: with parts of the outside world unreachable or answering nonsense, every pre-check is
// still run and reported (pass / fail / unknown, evidence, fix), the command refuses with exit 4, and nothing ends as
// an internal error (exit 70).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { sdkClientFactory, type ClientFactory } from '../../src/aws/clients.js';
import { awsCallError } from '../../src/aws/errors.js';
import type { CommandContext } from '../../src/cli/context.js';
import { runDrillCommand } from '../../src/drill/command.js';
import { systemDnsResolver } from '../../src/operator/dns.js';
import type { PrecheckResult } from '../../src/operator/prechecks.js';
import { MemoryReporter } from '../../src/io/reporters.js';
import type { Message } from '../../src/io/messages.js';
import { startDnsServer, type LocalDnsServer } from '../doubles/dns-server.js';
import { environmentChanges, runRunbook } from '../failover-ops/helpers.js';
import { buildWorld, SECONDARY, type World } from '../failover-ops/world.js';

const HTML_500 =
  '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>upstream connect error</p></body></html>';

let htmlServer: http.Server;
let htmlEndpoint: string;
let brokenDns: LocalDnsServer;
const savedEnv = { ...process.env };
beforeAll(async () => {
  htmlServer = http.createServer((_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(HTML_500));
  await new Promise<void>((resolve) => htmlServer.listen(0, '127.0.0.1', resolve));
  htmlEndpoint = `http://127.0.0.1:${(htmlServer.address() as AddressInfo).port}`;
  // A recursive resolver that cannot answer anything: the zone's name servers resolve to no address.
  brokenDns = await startDnsServer({}, 'SERVFAIL');
  // The real client factory reads credentials from the standard chain.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});
afterAll(async () => {
  process.env = savedEnv;
  htmlServer.closeAllConnections();
  await new Promise<void>((resolve) => htmlServer.close(() => resolve()));
  await brokenDns.close();
});

let w: World;
afterEach(async () => w?.close());

/** The region's CloudWatch is the real SDK client (through drctl's own factory) talking to a server answering HTML 500. */
function cloudWatchAnsweringHtml(world: World, region: string): ClientFactory {
  const real = sdkClientFactory({ endpointUrl: htmlEndpoint, maxAttempts: 1 });
  const base = world.clients;
  return (r) => (r === region ? { ...base(r), cloudwatch: real(r).cloudwatch } : base(r));
}

const checks = (reporter: MemoryReporter, code: Message['code']) =>
  reporter.byCode<PrecheckResult>(code).map((m) => m.data as PrecheckResult);

describe('fail soft: every pre-check reported, refusal exit 4, never 70', () => {
  it('drill: name servers that do not resolve make dns-answers-primary "could not check", not an internal error', async () => {
    w = await buildWorld();
    const reporter = new MemoryReporter();
    const ctx: CommandContext = { root: w.root, reporter, options: { json: true } };
    const code = await runDrillCommand(
      ctx,
      { env: 'dev', yes: true, json: true, mode: 'health-flag', timeout: 30 },
      { clients: w.clients, clock: w.clock, http: w.http, dns: systemDnsResolver(500, [brokenDns.address]), db: null },
    );
    expect(code).toBe(4);
    const all = checks(reporter, 'DRILL_PRECHECK');
    // Every check ran and was reported, whatever the others found.
    expect(all.map((c) => c.check)).toEqual([
      'stacks-complete',
      'primary-health-endpoint',
      'primary-route53-health-check',
      'secondary-health-endpoint',
      'secondary-route53-health-check',
      'primary-not-in-maintenance',
      'dns-answers-primary',
      'secondary-is-replica',
      'replica-lag-within-rpo-guard',
    ]);
    const dns = all.find((c) => c.check === 'dns-answers-primary');
    expect(dns).toMatchObject({ status: 'unknown', ok: false });
    expect(dns?.evidence).toMatch(
      /could not check: DNS lookup of trade\.example\.com failed: none of the name servers/,
    );
    expect(dns?.fix).toMatch(/port 53/);
    expect(all.filter((c) => c.check !== 'dns-answers-primary').every((c) => c.status === 'pass')).toBe(true);
    // The refusal names the unknown check and the explicit override; the JSON document carries every check.
    const refusal = reporter.byCode('E_DRILL_PRECHECK')[0];
    expect(refusal?.text).toMatch(/1 could not be checked: dns-answers-primary/);
    expect(refusal?.text).toMatch(/--accept-unchecked/);
    expect(reporter.results[0]).toMatchObject({
      status: 'refused',
      error: { code: 'E_DRILL_PRECHECK', kind: 'conflict' },
    });
    expect((reporter.results[0] as { prechecks: PrecheckResult[] }).prechecks).toHaveLength(9);
    expect(reporter.codes()).not.toContain('E_INTERNAL');
    expect(environmentChanges(w)).toEqual([]);
  });

  it('failover: CloudWatch answering HTML with status 500 is "could not check" naming operation, resource, region, status and body', async () => {
    w = await buildWorld();
    w.clients = cloudWatchAnsweringHtml(w, SECONDARY);
    const r = await runRunbook(w, 'failover', { yes: true, json: true });
    expect(r.code).toBe(4);
    const all = checks(r.reporter, 'FAILOVER_PRECHECK');
    expect(all).toHaveLength(6);
    const lag = all.find((c) => c.check === 'replica-lag-within-rpo-guard');
    expect(lag?.status).toBe('unknown');
    expect(lag?.evidence).toMatch(
      /cloudwatch:GetMetricData AWS\/RDS ReplicaLag db-dev in us-west-2 failed: unparseable response \(HTTP 500\): "<html><head><title>500 Internal Server Error/,
    );
    expect(lag?.fix).toMatch(/--endpoint-url/);
    expect(r.result).toMatchObject({ runbook: 'failover', status: 'refused', error: { code: 'E_FAILOVER_PRECHECK' } });
    expect(environmentChanges(w)).toEqual([]);

    // --force overrides a failed guard, never an unchecked one; --accept-unchecked does, and the run says so.
    expect((await runRunbook(w, 'failover', { yes: true, force: true })).code).toBe(4);
    const accepted = await runRunbook(w, 'failover', { yes: true, acceptUnchecked: true });
    expect(accepted.code).toBe(0);
    expect(accepted.reporter.byCode('FAILOVER_PRECHECK_OVERRIDDEN')[0]?.text).toMatch(
      /replica-lag-within-rpo-guard is unchecked \(--accept-unchecked\)/,
    );
  });

  it('failover: two (here three) failing pre-checks are all shown at once, and refused with exit 4', async () => {
    w = await buildWorld({ replicaLagSeconds: 300 });
    w.http.down.secondary = true;
    for (let k = 0; k < 4; k++) await w.clock.sleep(10_000); // Route 53's checkers notice the secondary is down
    const r = await runRunbook(w, 'failover', { yes: true, force: true, json: true });
    expect(r.code).toBe(4);
    const all = checks(r.reporter, 'FAILOVER_PRECHECK');
    expect(all.filter((c) => c.status === 'fail').map((c) => c.check)).toEqual([
      'secondary-health-endpoint',
      'secondary-route53-health-check',
      'replica-lag-within-rpo-guard',
    ]);
    expect(all.filter((c) => c.status === 'pass').map((c) => c.check)).toEqual([
      'replica-exists',
      'replica-not-promoted',
      'replica-available',
    ]);
    // Each failed check carries its evidence and its fix, in the text and in the JSON document.
    const text = r.reporter.byCode('FAILOVER_PRECHECK').map((m) => m.text);
    expect(text.filter((t) => t.startsWith('FAIL')).every((t) => /\n\s+fix: /.test(t))).toBe(true);
    const doc = r.result as { prechecks: PrecheckResult[]; error: { message: string } };
    expect(doc.prechecks.map((c) => c.status)).toEqual(['fail', 'fail', 'pass', 'pass', 'pass', 'fail']);
    // --force accepted the lag (overridable) but not the unhealthy secondary.
    expect(doc.error.message).toMatch(/2 failed: secondary-health-endpoint .*; secondary-route53-health-check/);
    expect(environmentChanges(w)).toEqual([]);
  });
});

describe('AWS errors name the operation, the resource and the region, also for unparseable responses', () => {
  it('an XML-protocol service (RDS) answering HTML 500 through the real SDK client', async () => {
    const rds = sdkClientFactory({ endpointUrl: htmlEndpoint, maxAttempts: 1 })('us-west-2').rds;
    const err = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'db-dev' })).catch((e) => e);
    const mapped = awsCallError({ operation: 'rds:DescribeDBInstances', resource: 'db-dev', region: 'us-west-2' }, err);
    expect(mapped).toMatchObject({ code: 'E_AWS_RDS', kind: 'aws' });
    expect(mapped.message).toBe(
      'rds:DescribeDBInstances db-dev in us-west-2 failed: unparseable response (HTTP 500): "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>upstream connect error…"',
    );
  });

  it('an ordinary service error keeps its name and message; an unreachable endpoint says so', async () => {
    const denied = Object.assign(new Error('User is not authorized'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(
      awsCallError({ operation: 'ssm:GetParameter', resource: '/trading/dev/maintenance', region: 'us-east-1' }, denied)
        .message,
    ).toBe('ssm:GetParameter /trading/dev/maintenance in us-east-1 failed: AccessDenied: User is not authorized');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const mapped = awsCallError(
      { operation: 'sts:GetCallerIdentity', resource: 'caller', region: 'us-west-2' },
      refused,
    );
    expect(mapped.message).toMatch(/^sts:GetCallerIdentity caller in us-west-2 failed: no answer \(.*ECONNREFUSED/);
    expect(mapped.fix).toMatch(/network path to sts in us-west-2/);
  });
});
