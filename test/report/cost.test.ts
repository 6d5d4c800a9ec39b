import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/report/cost.js';
import { withParameter } from '../../src/report/rto-fixes.js';
import type { ReportInput } from '../../src/report/report-input.js';
import { DrError } from '../../src/errors.js';
import { loadReportInput } from '../../src/report/build-report.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { fixtureInput, projectPrices } from './report-fixture.js';

const both = (input: ReportInput, name: string, value: string | number) =>
  withParameter(withParameter(input, 'primary', name, value), 'secondary', name, value);

describe('cost', () => {
  it('sums lines per region and layer and states the standby premium over a single region', async () => {
    const c = computeCost(await fixtureInput(), await projectPrices());
    const m = c.monthlyUsd;
    const sumOf = (region: string) =>
      Math.round(c.lines.filter((l) => l.region === region).reduce((s, l) => s + l.monthlyUsd, 0) * 100) / 100;
    expect(m['us-east-1']).toBeCloseTo(sumOf('us-east-1'), 2);
    expect(m['us-west-2']).toBeCloseTo(sumOf('us-west-2'), 2);
    expect(m.total).toBeCloseTo(m['us-east-1']! + m['us-west-2']!, 2);
    // A single region without DR: the primary minus what it carries only for DR (the failover layer, the secondary's
    // health check, replication transfer); the premium is everything else.
    const drOnly = c.lines.filter((l) => l.drOnly && l.region === 'us-east-1');
    expect(drOnly.map((l) => l.layer)).toEqual(expect.arrayContaining(['failover', 'global']));
    expect(drOnly.some((l) => l.resource === 'PrimaryHealthCheck')).toBe(false);
    expect(m.singleRegion).toBeCloseTo(m['us-east-1']! - drOnly.reduce((s, l) => s + l.monthlyUsd, 0), 2);
    expect(m.premiumUsd).toBeCloseTo(m.total! - m.singleRegion!, 2);
    expect(m.premiumPercent).toBeCloseTo((m.premiumUsd! / m.singleRegion!) * 100, 0);
    expect(Object.keys(c.byLayer).sort()).toEqual([
      'compute',
      'data',
      'failover',
      'foundation',
      'global',
      'monitoring',
      'network',
    ]);
    expect(c.byLayer.global).toEqual({ 'us-east-1': expect.any(Number) });
    expect(c.priceTable.file).toMatch(/^data\/prices\/\d{4}-\d{2}-\d{2}\.json$/);
  });

  it("bills the database master and application secrets in the primary and their replicas in the secondary (for DR only), on the project's templates", async () => {
    const c = computeCost(await loadReportInput(PROJECT_ROOT, 'dev'), await projectPrices());
    const secret = c.lines.filter((l) => l.type === 'AWS::SecretsManager::Secret');
    expect(secret.map((l) => [l.region, l.resource, l.item, l.quantity, Boolean(l.drOnly)])).toEqual([
      ['us-east-1', 'DatabaseMasterSecret', 'secret', 1, false],
      ['us-west-2', 'DatabaseMasterSecret', 'replica of the secret', 1, true],
      // The gateway's own user (decision 0016), replicated like the master secret.
      ['us-east-1', 'DatabaseAppSecret', 'secret', 1, false],
      ['us-west-2', 'DatabaseAppSecret', 'replica of the secret', 1, true],
    ]);
    expect(c.lines.filter((l) => l.item === 'RDS-managed master secret')).toEqual([]);
  });

  it('moves with the instance type: exactly instances × hours × the hourly price difference', async () => {
    const base = await fixtureInput();
    const prices = await projectPrices();
    const small = computeCost(base, prices);
    const large = computeCost(both(base, 'InstanceType', 'm6i.large'), prices);
    const delta = (p: string) =>
      prices.regions[p]!['ec2:instance:m6i.large']!.usd - prices.regions[p]!['ec2:instance:t3.small']!.usd;
    const computeOf = (c: typeof small, r: string) => c.byLayer.compute![r]!;
    // 2 instances in the primary, 1 in the warm standby.
    expect(computeOf(large, 'us-east-1') - computeOf(small, 'us-east-1')).toBeCloseTo(2 * 730 * delta('us-east-1'), 1);
    expect(computeOf(large, 'us-west-2') - computeOf(small, 'us-west-2')).toBeCloseTo(1 * 730 * delta('us-west-2'), 1);
  });

  it('moves with the NAT mode: per-az runs one gateway per AZ, single runs one', async () => {
    const base = await fixtureInput();
    const prices = await projectPrices();
    const nat = (c: ReturnType<typeof computeCost>) =>
      c.lines.filter((l) => l.type === 'AWS::EC2::NatGateway' && l.region === 'us-east-1');
    const perAz = computeCost(base, prices);
    const single = computeCost(both(base, 'NatGatewayMode', 'single'), prices);
    const threeAz = computeCost(both(base, 'AzCount', 3), prices);
    expect(new Set(nat(perAz).map((l) => l.resource)).size).toBe(2);
    expect(new Set(nat(single).map((l) => l.resource)).size).toBe(1);
    expect(new Set(nat(threeAz).map((l) => l.resource)).size).toBe(3);
    const gateway =
      730 * prices.regions['us-east-1']!['nat:hour']!.usd + 50 * prices.regions['us-east-1']!['nat:gb']!.usd;
    expect(perAz.byLayer.network!['us-east-1']! - single.byLayer.network!['us-east-1']!).toBeCloseTo(gateway, 1);
  });

  it('prices an interface endpoint in each AZ its subnets cover under the AzCount in force', async () => {
    const base = await fixtureInput();
    const prices = await projectPrices();
    const endpoint = (c: ReturnType<typeof computeCost>) =>
      c.lines.find(
        (l) => l.resource === 'SsmEndpoint' && l.priceKey === 'vpce:interface:az-hour' && l.region === 'us-west-2',
      );
    expect(endpoint(computeCost(base, prices))?.quantity).toBe(2 * 730);
    expect(endpoint(computeCost(both(base, 'AzCount', 3), prices))?.quantity).toBe(3 * 730);
  });

  it('moves with the health-check interval: the fast interval is an optional feature of each health check', async () => {
    const base = await fixtureInput();
    const prices = await projectPrices();
    const slow = computeCost(base, prices).byLayer.global!['us-east-1']!;
    const fast = computeCost(withParameter(base, 'primary', 'HealthCheckIntervalSeconds', 10), prices).byLayer.global![
      'us-east-1'
    ]!;
    expect(fast - slow).toBeCloseTo(2 * prices.regions['us-east-1']!['route53:health-check-option-month']!.usd, 2);
  });

  it('prices replication across regions: the RDS replica and the global table ship their changes, charged where they leave', async () => {
    const base = await fixtureInput();
    const prices = await projectPrices();
    const c = computeCost(base, prices);
    const transfer = c.lines.filter((l) => l.priceKey === 'transfer:inter-region:gb');
    expect(transfer.map((l) => `${l.region} ${l.type}`).sort()).toEqual([
      'us-east-1 AWS::DynamoDB::GlobalTable',
      'us-east-1 AWS::RDS::DBInstance',
    ]);
    expect(transfer.every((l) => l.drOnly)).toBe(true);
    const rds = transfer.find((l) => l.type === 'AWS::RDS::DBInstance')!;
    expect(rds.monthlyUsd).toBeCloseTo(
      prices.usage.rdsReplicationGbPerMonth!.value * prices.regions['us-east-1']!['transfer:inter-region:gb']!.usd,
      2,
    );
  });

  it('an instance type missing from the price table is an error naming the file and key', async () => {
    const base = await fixtureInput();
    const prices = await projectPrices();
    let caught: unknown;
    try {
      computeCost(both(base, 'InstanceType', 'x9.mega'), prices);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DrError);
    expect((caught as DrError).code).toBe('E_REPORT_PRICE_MISSING');
    expect((caught as DrError).field).toBe('regions.us-east-1.ec2:instance:x9.mega');
  });

  it('every price entry carries a source and a retrieved date, in both regions', async () => {
    const prices = await projectPrices();
    expect(Object.keys(prices.regions).sort()).toEqual(['us-east-1', 'us-west-2']);
    for (const entries of Object.values(prices.regions)) {
      for (const [key, e] of Object.entries(entries)) {
        expect(e.source, key).toMatch(/^https:\/\/aws\.amazon\.com\//);
        expect(e.retrieved, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(e.usd, key).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('bills the master secret rotation function for its four steps every SecretRotationDays, in the primary only, and the schedule as free', async () => {
    const input = await loadReportInput(PROJECT_ROOT, 'dev');
    const c = computeCost(input, await projectPrices());
    const rotation = c.lines.filter((l) => l.resource === 'SecretRotationFunction');
    expect(new Set(rotation.map((l) => l.region))).toEqual(new Set(['us-east-1']));
    // 30-day default: about one rotation (4 invocations) in a 730-hour month; weekly, 4.35 rotations on average.
    expect(rotation.find((l) => l.item.endsWith('invocations'))?.item).toBe('4 invocations');
    expect(c.unpricedTypes).not.toContain('AWS::SecretsManager::RotationSchedule');
    const weekly = computeCost(withParameter(input, 'primary', 'SecretRotationDays', 7), await projectPrices());
    expect(
      weekly.lines.find((l) => l.resource === 'SecretRotationFunction' && l.item.endsWith('invocations'))?.item,
    ).toBe('17 invocations');
  });
});
