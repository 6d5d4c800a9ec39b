import { describe, expect, it } from 'vitest';
import { computeRto } from '../../src/report/rto.js';
import { allowedValue, withParameter } from '../../src/report/rto-fixes.js';
import type { ReportInput } from '../../src/report/report-input.js';
import type { RtoPath } from '../../src/report/report-types.js';
import { DrError } from '../../src/errors.js';
import { fixtureInput } from './report-fixture.js';

const path = (input: ReportInput, name: RtoPath['name']): RtoPath => {
  const p = computeRto(input).find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} path`);
  return p;
};
const sum = (p: RtoPath) => p.terms.reduce((s, t) => s + t.seconds, 0);

describe('RTO budget', () => {
  it('traffic: health-check interval 30 → 10 lowers the worst case by exactly 20 × failure threshold', async () => {
    const base = await fixtureInput();
    for (const threshold of [1, 3, 5]) {
      const at = (interval: number) =>
        path(
          withParameter(
            withParameter(base, 'primary', 'HealthCheckFailureThreshold', threshold),
            'primary',
            'HealthCheckIntervalSeconds',
            interval,
          ),
          'traffic',
        );
      const slow = at(30);
      const fast = at(10);
      expect(slow.worstCaseSeconds - fast.worstCaseSeconds).toBe(20 * threshold);
      expect(slow.worstCaseSeconds).toBe(sum(slow));
    }
  });

  it('traffic: every term names its source; the alias record TTL is the documented 60 s', async () => {
    const p = path(await fixtureInput(), 'traffic');
    expect(p.terms.map((t) => t.seconds)).toEqual([90, 6, 60, 60]);
    const detection = p.terms[0]!.source;
    expect(detection).toMatchObject({ kind: 'parameter', template: 'templates/global.json', role: 'primary' });
    expect(detection.kind === 'parameter' && detection.parameters.map((x) => `${x.name}=${x.value}`)).toEqual([
      'HealthCheckIntervalSeconds=30',
      'HealthCheckFailureThreshold=3',
    ]);
    expect(p.terms[1]!.source).toMatchObject({
      kind: 'documented',
      reference:
        'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html',
    });
    expect(p.terms[2]!.source).toMatchObject({
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html',
    });
    expect(p.terms[3]!.source).toMatchObject({ kind: 'documented', reference: 'https://aws.amazon.com/route53/faqs/' });
    expect(p).toMatchObject({ targetSeconds: 300, meets: true });
    expect(p.fixes).toBeUndefined();
  });

  it('traffic: a non-alias weighted record with a longer TTL becomes the TTL term, sourced from WeightedRecordTtlSeconds', async () => {
    const p = path(withParameter(await fixtureInput(), 'primary', 'WeightedRecordTtlSeconds', 300), 'traffic');
    const ttl = p.terms[3]!;
    expect(ttl.seconds).toBe(300);
    expect(ttl.source).toMatchObject({
      kind: 'parameter',
      parameters: [{ name: 'WeightedRecordTtlSeconds', value: '300' }],
    });
    expect(p.meets).toBe(false);
    // 90 + 6 + 60 + TTL ≤ 300.
    expect(p.fixes?.find((f) => f.parameter === 'WeightedRecordTtlSeconds')).toMatchObject({
      from: '300',
      to: '144',
      sufficient: true,
    });
  });

  it('a path that misses names the parameter and value that fix it', async () => {
    const p = path(withParameter(await fixtureInput(), 'primary', 'HealthCheckFailureThreshold', 10), 'traffic');
    expect(p.worstCaseSeconds).toBe(30 * 10 + 6 + 60 + 60);
    expect(p.meets).toBe(false);
    const interval = p.fixes?.find((f) => f.parameter === 'HealthCheckIntervalSeconds');
    expect(interval).toMatchObject({
      from: '30',
      to: '10',
      savesSeconds: 200,
      sufficient: true,
      template: 'templates/global.json',
    });
    expect(interval?.text).toBe('HealthCheckIntervalSeconds 30 → 10 saves 200 s');
    // The largest threshold that still fits: 30 × t + 126 ≤ 300.
    expect(p.fixes?.find((f) => f.parameter === 'HealthCheckFailureThreshold')).toMatchObject({
      from: '10',
      to: '5',
      savesSeconds: 150,
      sufficient: true,
    });
  });

  it('order writes (the DynamoDB global table) recover with traffic: nothing is promoted, so their RTO is the traffic RTO', async () => {
    const base = await fixtureInput();
    for (const interval of [10, 30]) {
      const input = withParameter(base, 'primary', 'HealthCheckIntervalSeconds', interval);
      const orders = path(input, 'order-writes');
      expect(orders.worstCaseSeconds).toBe(path(input, 'traffic').worstCaseSeconds);
      expect(orders.terms.at(-1)).toMatchObject({
        seconds: 0,
        source: {
          kind: 'template',
          path: 'Resources.OrdersTable.Properties.Replicas[*].Region',
          value: 'us-east-1, us-west-2',
        },
      });
    }
    expect(path(base, 'order-writes').description).toMatch(/DESIGN §4/);
  });

  it('order writes: a global table without a replica in the secondary is an error, not a silent 0 s', async () => {
    const base = await fixtureInput();
    const data = base.layers.get('data')!;
    const resources = structuredClone(data.template.Resources);
    (resources.OrdersTable!.Properties as { Replicas: unknown[] }).Replicas = [{ Region: { Ref: 'AWS::Region' } }];
    const broken: ReportInput = {
      ...base,
      layers: new Map(base.layers).set('data', { ...data, template: { ...data.template, Resources: resources } }),
    };
    expect(() => computeRto(broken)).toThrow(
      expect.objectContaining({ code: 'E_REPORT_NO_GLOBAL_TABLE', file: 'templates/data.json' }),
    );
  });

  it('reference-data writes: the controller waits for DNS to fail over, so health-check settings move this path too', async () => {
    const base = await fixtureInput();
    const at = (interval: number) =>
      path(withParameter(base, 'primary', 'HealthCheckIntervalSeconds', interval), 'reference-data-writes')
        .worstCaseSeconds;
    expect(at(30) - at(10)).toBe(60);
    const p = path(base, 'reference-data-writes');
    expect(p.terms.slice(0, 4).map((t) => t.name)).toEqual(
      path(base, 'traffic').terms.map((t) => `DNS signal: ${t.name}`),
    );
  });

  it('reference-data writes: FailoverWindowSeconds moves the budget, rounded up to whole controller runs', async () => {
    const base = await fixtureInput();
    const at = (w: number) =>
      path(withParameter(base, 'secondary', 'FailoverWindowSeconds', w), 'reference-data-writes').worstCaseSeconds;
    expect(at(240) - at(120)).toBe(120);
    expect(at(121)).toBe(at(180));
    const p = path(base, 'reference-data-writes');
    // DNS (90 + 6 + 60 + 60), next run, window, promotion, next run after the 30 s wait, endpoint re-read.
    expect(p.terms.map((t) => t.seconds)).toEqual([90, 6, 60, 60, 60, 120, 300, 30, 30]);
    expect(p.terms[6]!.source).toMatchObject({
      kind: 'assumption',
      reference: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html',
    });
  });

  it('reference-data writes: ControllerScheduleMinutes counts for the first run, the whole-run window and the run that sees the promotion', async () => {
    const base = await fixtureInput();
    const every5 = path(withParameter(base, 'secondary', 'ControllerScheduleMinutes', 5), 'reference-data-writes');
    expect(every5.terms.slice(4).map((t) => t.seconds)).toEqual([300, 300, 300, 300 - 30, 30]);
    expect(every5.fixes?.find((f) => f.parameter === 'ControllerScheduleMinutes')).toMatchObject({
      from: '5',
      to: '1',
      sufficient: false,
    });
  });

  it('reference-data writes: the controller’s wait budget comes from WAIT_BUDGET_MS on its function', async () => {
    const base = await fixtureInput();
    const failover = base.layers.get('failover')!;
    const resources = structuredClone(failover.template.Resources);
    (
      resources.ControllerFunction!.Properties as { Environment: { Variables: Record<string, unknown> } }
    ).Environment.Variables.WAIT_BUDGET_MS = '60000';
    const longWait: ReportInput = {
      ...base,
      layers: new Map(base.layers).set('failover', {
        ...failover,
        template: { ...failover.template, Resources: resources },
      }),
    };
    // A wait as long as the schedule sees the promotion within one 10 s poll.
    expect(path(longWait, 'reference-data-writes').terms[7]!.seconds).toBe(10);
    const wait = path(longWait, 'capacity').terms.find((t) => t.name.includes('raise-capacity'));
    expect(wait).toMatchObject({
      seconds: 60,
      source: {
        kind: 'template',
        path: 'Resources.ControllerFunction.Properties.Environment.Variables.WAIT_BUDGET_MS',
        value: '60000',
      },
    });
  });

  it('reference-data writes: the promotion floor is reported honestly when no parameter can close the gap', async () => {
    const p = path(await fixtureInput(), 'reference-data-writes');
    expect(p.meets).toBe(false);
    expect(p.worstCaseSeconds).toBe(756);
    expect(p.fixes?.every((f) => !f.sufficient)).toBe(true);
    expect(p.fixes?.map((f) => f.text)).toContain('FailoverWindowSeconds 120 → 30 saves 60 s (still 396 s over)');
    expect(p.note).toMatch(/No single parameter/);
  });

  it('reference-data writes: disabling automatic promotion adds the operator and proposes PromotionEnabled → true', async () => {
    const base = await fixtureInput();
    const off = path(withParameter(base, 'secondary', 'PromotionEnabled', 'false'), 'reference-data-writes');
    // The operator's 900 s, and drctl failover's wait for the primary gateways' write fence (5 s by default).
    expect(off.worstCaseSeconds - path(base, 'reference-data-writes').worstCaseSeconds).toBe(905);
    expect(off.terms.find((t) => /write fence/.test(t.name))?.seconds).toBe(5);
    expect(off.fixes?.find((f) => f.parameter === 'PromotionEnabled')).toMatchObject({
      from: 'false',
      to: 'true',
      savesSeconds: 905,
    });
  });

  it('reference-data writes meet a relaxed objective and then propose nothing', async () => {
    const base = await fixtureInput();
    const relaxed: ReportInput = {
      ...base,
      config: { ...base.config, objectives: { rtoSeconds: 800, rpoSeconds: 60 } },
    };
    const p = path(relaxed, 'reference-data-writes');
    expect(p).toMatchObject({ meets: true, targetSeconds: 800 });
    expect(p.fixes).toBeUndefined();
  });

  it('capacity: DNS, controller, launch and one ALB check; instance warm-up does not delay serving; full size costs nothing', async () => {
    const base = await fixtureInput();
    const p = path(base, 'capacity');
    expect(p.terms.map((t) => t.seconds)).toEqual([90, 6, 60, 60, 60, 120, 30, 120, 10]);
    expect(p.terms[8]!.source).toMatchObject({
      kind: 'parameter',
      template: 'templates/compute.json',
      role: 'secondary',
      parameters: [{ name: 'TargetHealthCheckIntervalSeconds', value: '10' }],
    });
    expect(p.fixes?.find((f) => f.parameter === 'DesiredCapacity')).toMatchObject({
      role: 'secondary',
      from: '1',
      to: '2',
      sufficient: true,
    });
    // DefaultInstanceWarmup only delays the instance's metrics for scaling, not its traffic.
    const warm = path(withParameter(base, 'secondary', 'InstanceWarmupSeconds', 300), 'capacity');
    expect(warm.worstCaseSeconds).toBe(p.worstCaseSeconds);
    expect(p.fixes?.some((f) => f.parameter === 'InstanceWarmupSeconds')).toBe(false);
    const slowAlb = path(withParameter(base, 'secondary', 'TargetHealthCheckIntervalSeconds', 30), 'capacity');
    expect(slowAlb.worstCaseSeconds - p.worstCaseSeconds).toBe(20);
    const hot = path(withParameter(base, 'secondary', 'DesiredCapacity', 2), 'capacity');
    expect(hot).toMatchObject({ worstCaseSeconds: 0, meets: true });
    const off = path(withParameter(base, 'secondary', 'PromotionEnabled', 'false'), 'capacity');
    expect(off.worstCaseSeconds - p.worstCaseSeconds).toBe(905);
  });

  it('capacity: a fix is only proposed when it can be deployed (DesiredCapacity above MaxSize cannot)', async () => {
    const base = await fixtureInput();
    const capped = withParameter(
      withParameter(base, 'secondary', 'MaxSize', 1),
      'secondary',
      'FailoverDesiredCapacity',
      2,
    );
    const p = path(capped, 'capacity');
    expect(p.meets).toBe(false);
    expect(p.fixes?.some((f) => f.parameter === 'DesiredCapacity')).toBe(false);
  });

  it('every proposed value satisfies the template’s AllowedValues / MinValue / MaxValue', async () => {
    const base = await fixtureInput();
    const slow = withParameter(
      withParameter(base, 'primary', 'HealthCheckFailureThreshold', 10),
      'secondary',
      'ControllerScheduleMinutes',
      10,
    );
    for (const p of computeRto(slow)) {
      for (const f of p.fixes ?? []) {
        const decl = slow.layers.get(f.template.replace(/^templates\/|\.json$/g, ''))?.template.Parameters?.[
          f.parameter
        ];
        expect(decl, f.parameter).toBeDefined();
        expect(allowedValue(decl!, f.to), `${p.name}: ${f.text}`).toBe(true);
      }
    }
    expect(allowedValue({ AllowedValues: [10, 30] }, '20')).toBe(false);
    expect(allowedValue({ MinValue: 120 }, '60')).toBe(false);
    expect(allowedValue({ MaxValue: 10 }, '11')).toBe(false);
    expect(allowedValue({ MinValue: 1, MaxValue: 10 }, '10')).toBe(true);
  });

  it('a parameter the budget needs but the template lacks is an error naming template and parameter', async () => {
    const base = await fixtureInput();
    const global = base.layers.get('global')!;
    const params = { ...global.template.Parameters };
    delete params.HealthCheckIntervalSeconds;
    const broken: ReportInput = {
      ...base,
      layers: new Map(base.layers).set('global', { ...global, template: { ...global.template, Parameters: params } }),
    };
    const err = (() => {
      try {
        computeRto(broken);
      } catch (e) {
        return e;
      }
    })() as DrError;
    expect(err).toBeInstanceOf(DrError);
    expect(err.code).toBe('E_REPORT_PARAM_MISSING');
    expect(err.file).toBe('templates/global.json');
    expect(err.field).toBe('Parameters.HealthCheckIntervalSeconds');
    expect(err.message).toContain('HealthCheckIntervalSeconds');
  });
});
