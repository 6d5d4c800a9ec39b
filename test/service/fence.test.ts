// The write fence's number travels: from the compute template's parameters to the gateway's settings, to the wait the
// runbooks make after setting the maintenance flag (and print), and to the report's timing terms.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readGatewayConfig,
  GATEWAY_DEFAULTS,
  MAINTENANCE_MAX_AGE_RANGE,
  REQUEST_DEADLINE_RANGE,
} from '../../src/service/gateway/config.js';
import { FENCE_PARAMETERS, writeFenceForRegions, writeFenceFromParameters } from '../../src/service/gateway/fence.js';
import { computeRto } from '../../src/report/rto.js';
import { withParameter } from '../../src/report/rto-fixes.js';
import { loadReportInput } from '../../src/report/build-report.js';
import type { RunbookState } from '../../src/failover/runbooks/state-store.js';
import { DrError } from '../../src/errors.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { loadLayerTemplate } from '../helpers/templates.js';
import { fixtureInput } from '../report/report-fixture.js';
import { runRunbook } from '../failover-ops/helpers.js';
import { buildWorld, PRIMARY, SECONDARY, type World } from '../failover-ops/world.js';

const ENV = {
  AWS_REGION: 'us-west-2',
  REGION_ROLE: 'secondary',
  ENVIRONMENT_SUFFIX: 'dev',
  ORDERS_TABLE: 'orders-dev',
  DB_ENDPOINT: 'db.example',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-master-dev-AbCdEf',
  WRITER_ENDPOINT_PARAMETER: '/trading/dev/db/writer-endpoint',
  MAINTENANCE_PARAMETER: '/trading/dev/maintenance',
};

describe('gateway settings', () => {
  it('defaults to every IPv4 interface, a 2 s deadline and a 2 s flag age, as the compute template does', () => {
    expect(readGatewayConfig(ENV)).toMatchObject({
      listenAddress: '0.0.0.0',
      requestDeadlineMs: 2000,
      maintenanceMaxAgeMs: 2000,
    });
    const p = loadLayerTemplate('compute').Parameters ?? {};
    expect(p.GatewayListenAddress?.Default).toBe(GATEWAY_DEFAULTS.listenAddress);
    expect(p[FENCE_PARAMETERS.requestDeadlineMs]).toMatchObject({
      Default: GATEWAY_DEFAULTS.requestDeadlineMs,
      MinValue: REQUEST_DEADLINE_RANGE.min,
      MaxValue: REQUEST_DEADLINE_RANGE.max,
    });
    expect(p[FENCE_PARAMETERS.maintenanceMaxAgeMs]).toMatchObject({
      Default: GATEWAY_DEFAULTS.maintenanceMaxAgeMs,
      MinValue: MAINTENANCE_MAX_AGE_RANGE.min,
      MaxValue: MAINTENANCE_MAX_AGE_RANGE.max,
    });
    // Far below the ALB's idle timeout, whatever is configured.
    const idle = (
      loadLayerTemplate('compute').Resources?.LoadBalancer?.Properties?.LoadBalancerAttributes as {
        Key: string;
        Value: string;
      }[]
    ).find((a) => a.Key === 'idle_timeout.timeout_seconds');
    expect(REQUEST_DEADLINE_RANGE.max).toBeLessThanOrEqual((Number(idle?.Value) * 1000) / 3);
  });

  it('takes the listen address and the fence settings from the environment', () => {
    expect(
      readGatewayConfig({
        ...ENV,
        GATEWAY_LISTEN_ADDRESS: '10.0.1.25',
        GATEWAY_REQUEST_DEADLINE_MS: '750',
        MAINTENANCE_FLAG_MAX_AGE_MS: '500',
      }),
    ).toMatchObject({ listenAddress: '10.0.1.25', requestDeadlineMs: 750, maintenanceMaxAgeMs: 500 });
    expect(readGatewayConfig({ ...ENV, GATEWAY_LISTEN_ADDRESS: '::' }).listenAddress).toBe('::');
  });

  it.each([
    ['GATEWAY_LISTEN_ADDRESS', 'localhost', /is not an IP address/],
    ['GATEWAY_LISTEN_ADDRESS', '0.0.0.0:8080', /is not an IP address/],
    ['GATEWAY_REQUEST_DEADLINE_MS', '60000', /not an integer in 100\.\.20000/],
    ['GATEWAY_REQUEST_DEADLINE_MS', '2s', /not an integer/],
    ['MAINTENANCE_FLAG_MAX_AGE_MS', '0', /not an integer in 250\.\.10000/],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    let err: unknown;
    try {
      readGatewayConfig({ ...ENV, [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DrError);
    expect((err as DrError).message).toMatch(message);
    expect((err as DrError).toJSON()).toMatchObject({ code: 'E_GATEWAY_ENV', field: name });
  });
});

describe('the fence bound from parameters', () => {
  it('is max age + deadline + 1 s, from config blocks (a role overrides common), else the template defaults', () => {
    expect(writeFenceFromParameters({}).ms).toBe(5000);
    expect(writeFenceFromParameters({ GatewayRequestDeadlineMs: '750', MaintenanceFlagMaxAgeMs: 500 }).ms).toBe(2250);
    const blocks = { common: { GatewayRequestDeadlineMs: 3000 }, secondary: { MaintenanceFlagMaxAgeMs: 4000 } };
    expect(writeFenceForRegions(blocks, ['primary']).ms).toBe(2000 + 3000 + 1000);
    // Both regions fenced: the slower region's gateways set the wait.
    expect(writeFenceForRegions(blocks, ['primary', 'secondary']).ms).toBe(4000 + 3000 + 1000);
  });
});

describe('the runbooks wait out the fence before they treat writes as stopped', () => {
  let w: World;
  afterEach(async () => w?.close());

  const flagOnAt = (region: string) =>
    w.aws.log
      .ops('ssm', 'PutParameter')
      .filter((c) => c.region === region && (c.input as { Name: string; Value: string }).Value === 'on')
      .map((c) => c.at);

  const state = async (runbook: string) =>
    JSON.parse(await readFile(path.join(w.root, '.drctl/dev', `${runbook}.json`), 'utf8')) as RunbookState;

  it('drctl failover: the primary is fenced, the wait is printed, and the replica is promoted only after it', async () => {
    w = await buildWorld();
    const r = await runRunbook(w, 'failover', { yes: true, json: true });
    expect(r.code).toBe(0);
    const fenced = flagOnAt(PRIMARY);
    expect(fenced).toHaveLength(1);
    const promoted = w.aws.log.ops('rds', 'PromoteReadReplica').find((c) => c.region === SECONDARY)?.at ?? 0;
    expect(promoted - (fenced[0] as number)).toBeGreaterThanOrEqual(5000);
    const progress = r.reporter
      .byCode<{ step: string; writeFenceMs: number }>('FAILOVER_STEP_PROGRESS')
      .find((m) => m.data?.step === 'fence-primary');
    expect(progress?.text.trim()).toBe(
      "waiting 5 s for the gateways' write fence (MaintenanceFlagMaxAgeMs 2000 ms + GatewayRequestDeadlineMs 2000 ms + margin 1000 ms)",
    );
    const step = (await state('failover')).steps.find((s) => s.id === 'fence-primary');
    expect(step?.detail).toMatchObject({ writeFenceMs: 5000 });
    expect(step?.durationMs).toBeGreaterThanOrEqual(5000);
  });

  it('drctl failback: writesStoppedAt is the larger region’s bound after both flags are on (config/<env>.json values)', async () => {
    w = await buildWorld();
    expect((await runRunbook(w, 'failover', { yes: true })).code).toBe(0);
    // The secondary's gateways are configured slower: the failback must wait for them.
    const file = path.join(w.root, 'config/dev.json');
    const cfg = JSON.parse(await readFile(file, 'utf8')) as { parameters: Record<string, Record<string, unknown>> };
    cfg.parameters.secondary = { ...cfg.parameters.secondary, GatewayRequestDeadlineMs: 4000 };
    await writeFile(file, JSON.stringify(cfg));
    const r = await runRunbook(w, 'failback', { yes: true });
    expect(r.code).toBe(0);
    const s = await state('failback');
    const lastFlagOn = Math.max(...flagOnAt(PRIMARY), ...flagOnAt(SECONDARY));
    expect(Number(s.facts.writesStoppedAt) - lastFlagOn).toBeGreaterThanOrEqual(2000 + 4000 + 1000);
    expect(s.steps.find((x) => x.id === 'stop-writes')?.detail).toMatchObject({ writeFenceMs: 7000 });
  });
});

describe('the report’s timing terms', () => {
  const fenceTerm = (input: Awaited<ReturnType<typeof fixtureInput>>) =>
    computeRto(withParameter(input, 'secondary', 'PromotionEnabled', 'false'))
      .find((p) => p.name === 'reference-data-writes')
      ?.terms.find((t) => /write fence/.test(t.name));

  it('counts drctl failover’s fence wait when a person fails over, sourced from the compute parameters', async () => {
    const project = await loadReportInput(PROJECT_ROOT, 'dev');
    expect(fenceTerm(project)).toMatchObject({
      seconds: 5,
      source: {
        kind: 'parameter',
        template: 'templates/compute.json',
        role: 'primary',
        parameters: [
          { name: 'MaintenanceFlagMaxAgeMs', value: '2000' },
          { name: 'GatewayRequestDeadlineMs', value: '2000' },
        ],
      },
    });
    expect(fenceTerm(withParameter(project, 'primary', 'GatewayRequestDeadlineMs', 8000))?.seconds).toBe(11);
    // With automatic promotion nobody fences the primary first (it is down): no such term.
    const auto = computeRto(project).find((p) => p.name === 'reference-data-writes');
    expect(auto?.terms.some((t) => /write fence/.test(t.name))).toBe(false);
  });

  it('falls back on the gateway defaults, said so, for a compute template without the parameters', async () => {
    expect(fenceTerm(await fixtureInput())).toMatchObject({
      seconds: 5,
      source: {
        kind: 'assumption',
        says: expect.stringMatching(/gateway's defaults: MaintenanceFlagMaxAgeMs 2000 ms/),
      },
    });
  });
});
