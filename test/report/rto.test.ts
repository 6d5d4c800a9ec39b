import { describe, expect, it } from 'vitest';
import { computeRto } from '../../src/report/rto.js';
import { withParameter } from '../../src/report/rto-fixes.js';
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
      const at = (interval: number) => path(withParameter(withParameter(base, 'primary', 'HealthCheckFailureThreshold', threshold), 'primary', 'HealthCheckIntervalSeconds', interval), 'traffic');
      const slow = at(30);
      const fast = at(10);
      expect(slow.worstCaseSeconds - fast.worstCaseSeconds).toBe(20 * threshold);
      expect(slow.worstCaseSeconds).toBe(sum(slow));
    }
  });

  it('traffic: every term names its source; the alias record TTL is the documented 60 s', async () => {
    const p = path(await fixtureInput(), 'traffic');
    expect(p.terms.map((t) => t.seconds)).toEqual([90, 60, 60]);
    const detection = p.terms[0]!.source;
    expect(detection).toMatchObject({ kind: 'parameter', template: 'templates/global.json', role: 'primary' });
    expect(detection.kind === 'parameter' && detection.parameters.map((x) => `${x.name}=${x.value}`)).toEqual(['HealthCheckIntervalSeconds=30', 'HealthCheckFailureThreshold=3']);
    expect(p.terms[1]!.source).toMatchObject({ kind: 'documented', reference: 'https://aws.amazon.com/route53/faqs/' });
    expect(p.terms[2]!.source.kind).toBe('documented');
    expect(p).toMatchObject({ targetSeconds: 300, meets: true });
    expect(p.fixes).toBeUndefined();
  });

  it('traffic: a non-alias weighted record with a longer TTL becomes the TTL term, sourced from WeightedRecordTtlSeconds', async () => {
    const p = path(withParameter(await fixtureInput(), 'primary', 'WeightedRecordTtlSeconds', 300), 'traffic');
    const ttl = p.terms[2]!;
    expect(ttl.seconds).toBe(300);
    expect(ttl.source).toMatchObject({ kind: 'parameter', parameters: [{ name: 'WeightedRecordTtlSeconds', value: '300' }] });
    expect(p.meets).toBe(false);
    expect(p.fixes?.find((f) => f.parameter === 'WeightedRecordTtlSeconds')).toMatchObject({ from: '300', to: '150', sufficient: true });
  });

  it('a path that misses names the parameter and value that fix it', async () => {
    const p = path(withParameter(await fixtureInput(), 'primary', 'HealthCheckFailureThreshold', 10), 'traffic');
    expect(p.worstCaseSeconds).toBe(30 * 10 + 60 + 60);
    expect(p.meets).toBe(false);
    const interval = p.fixes?.find((f) => f.parameter === 'HealthCheckIntervalSeconds');
    expect(interval).toMatchObject({ from: '30', to: '10', savesSeconds: 200, sufficient: true, template: 'templates/global.json' });
    expect(interval?.text).toBe('HealthCheckIntervalSeconds 30 → 10 saves 200 s');
    // The largest threshold that still fits: 30 × t + 120 ≤ 300.
    expect(p.fixes?.find((f) => f.parameter === 'HealthCheckFailureThreshold')).toMatchObject({ from: '10', to: '6', savesSeconds: 120, sufficient: true });
  });

  it('database writes: FailoverWindowSeconds moves the budget, rounded up to whole controller runs', async () => {
    const base = await fixtureInput();
    const at = (w: number) => path(withParameter(base, 'secondary', 'FailoverWindowSeconds', w), 'database-writes').worstCaseSeconds;
    expect(at(240) - at(120)).toBe(120);
    expect(at(121)).toBe(at(180));
    const p = path(base, 'database-writes');
    expect(p.terms.map((t) => t.seconds)).toEqual([60, 120, 300, 60, 30]);
    expect(p.terms[2]!.source).toMatchObject({ kind: 'assumption', reference: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html' });
  });

  it('database writes: ControllerScheduleMinutes counts for the first run, the whole-run window and the run that sees the promotion', async () => {
    const base = await fixtureInput();
    const every5 = path(withParameter(base, 'secondary', 'ControllerScheduleMinutes', 5), 'database-writes');
    expect(every5.terms.map((t) => t.seconds)).toEqual([300, 300, 300, 300, 30]);
    expect(every5.fixes?.find((f) => f.parameter === 'ControllerScheduleMinutes')).toMatchObject({ from: '5', to: '1', sufficient: false });
  });

  it('database writes: the promotion floor is reported honestly when no parameter can close the gap', async () => {
    const p = path(await fixtureInput(), 'database-writes');
    expect(p.meets).toBe(false);
    expect(p.fixes?.every((f) => !f.sufficient)).toBe(true);
    expect(p.fixes?.map((f) => f.text)).toContain('FailoverWindowSeconds 120 → 30 saves 60 s (still 210 s over)');
    expect(p.note).toMatch(/No single parameter/);
  });

  it('database writes: disabling automatic promotion adds the operator and proposes PromotionEnabled → true', async () => {
    const base = await fixtureInput();
    const off = path(withParameter(base, 'secondary', 'PromotionEnabled', 'false'), 'database-writes');
    expect(off.worstCaseSeconds - path(base, 'database-writes').worstCaseSeconds).toBe(900);
    expect(off.fixes?.find((f) => f.parameter === 'PromotionEnabled')).toMatchObject({ from: 'false', to: 'true', savesSeconds: 900 });
  });

  it('database writes meets a relaxed objective and then proposes nothing', async () => {
    const base = await fixtureInput();
    const relaxed: ReportInput = { ...base, config: { ...base.config, objectives: { rtoSeconds: 600, rpoSeconds: 60 } } };
    const p = path(relaxed, 'database-writes');
    expect(p).toMatchObject({ meets: true, targetSeconds: 600 });
    expect(p.fixes).toBeUndefined();
  });

  it('capacity: scaling the warm standby costs launch + warm-up + ALB health; running it at full size costs nothing', async () => {
    const base = await fixtureInput();
    const p = path(base, 'capacity');
    expect(p.terms.map((t) => t.seconds)).toEqual([60, 120, 30, 120, 60, 2 * 10]);
    expect(p.terms[5]!.source).toMatchObject({ kind: 'template', value: '2 × 10' });
    expect(p.fixes?.find((f) => f.parameter === 'DesiredCapacity')).toMatchObject({ role: 'secondary', from: '1', to: '2', sufficient: true });
    const warm = path(withParameter(base, 'secondary', 'InstanceWarmupSeconds', 300), 'capacity');
    expect(warm.worstCaseSeconds - p.worstCaseSeconds).toBe(240);
    const hot = path(withParameter(base, 'secondary', 'DesiredCapacity', 2), 'capacity');
    expect(hot).toMatchObject({ worstCaseSeconds: 0, meets: true });
  });

  it('a parameter the budget needs but the template lacks is an error naming template and parameter', async () => {
    const base = await fixtureInput();
    const global = base.layers.get('global')!;
    const params = { ...global.template.Parameters };
    delete params.HealthCheckIntervalSeconds;
    const broken: ReportInput = { ...base, layers: new Map(base.layers).set('global', { ...global, template: { ...global.template, Parameters: params } }) };
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
