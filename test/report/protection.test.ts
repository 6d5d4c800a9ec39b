// What the protection layers add to the report: the logical-corruption recovery path (RPO = point-in-time
// granularity, RTO = a restore estimate with sources), the backup copies and canaries in the diagram, and their cost.
import { describe, expect, it } from 'vitest';
import { buildReport, loadReportInput } from '../../src/report/build-report.js';
import { computeLogicalCorruption, cronIntervalSeconds } from '../../src/report/logical-corruption.js';
import { renderHtml } from '../../src/report/html.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { fixtureInput, projectPrices } from './report-fixture.js';

const project = () => loadReportInput(PROJECT_ROOT, 'dev');

describe('logical-corruption recovery path', () => {
  it('restores every store to a point in time: RPO is the granularity, RTO the sum of its sourced terms', async () => {
    const p = computeLogicalCorruption(await project());
    expect(p.name).toBe('logical-corruption');
    expect(p.stores.map((s) => [s.data, s.mechanism, s.rpoSeconds])).toEqual([
      ['orders, executions, positions', 'DynamoDB point-in-time recovery', 1],
      ['reference / relational data', 'AWS Backup continuous backup (point in time)', 1],
      ['assets, reports, backups', 'object versions + AWS Backup continuous backup', 0],
    ]);
    expect(p.rpoSeconds).toBe(1);
    expect(p.rtoSeconds).toBe(p.terms.reduce((a, t) => a + t.seconds, 0));
    // The slowest restore counts once: the restores run in parallel.
    expect(p.terms.map((t) => t.seconds)).toEqual([900, 3600, 600]);
    for (const t of p.terms) expect(['documented', 'assumption', 'parameter']).toContain(t.source.kind);
    for (const s of p.stores) expect(s.copiedToOtherRegion).toBe(true);
    expect(p.backup).toEqual({
      vaultLockMode: 'governance',
      copiesToOtherRegion: true,
      restoreTesting: false,
      planRegions: ['primary'],
    });
  });

  it('falls back to the snapshot interval when continuous backup is off and the database keeps no automated backups', async () => {
    const input = await project();
    const config = structuredClone(input.config);
    config.parameters.common = {
      ...config.parameters.common,
      ContinuousBackup: false,
      BackupScheduleExpression: 'cron(0 */4 * * ? *)',
    };
    const p = computeLogicalCorruption({ ...input, config });
    const db = p.stores.find((s) => s.data.startsWith('reference'));
    // dev keeps one day of automated backups: still point in time.
    expect(db?.mechanism).toBe('automated backups (1 day(s) of point in time)');
    expect(db?.rpoSeconds).toBe(1);
  });

  it('reads the longest gap of a cron schedule', () => {
    expect(cronIntervalSeconds('cron(0 */6 * * ? *)')).toBe(6 * 3600);
    expect(cronIntervalSeconds('cron(0 * * * ? *)')).toBe(3600);
    expect(cronIntervalSeconds('cron(0 5 ? * * *)')).toBe(24 * 3600);
    expect(cronIntervalSeconds('cron(0 2,14 * * ? *)')).toBe(12 * 3600);
    expect(cronIntervalSeconds('cron(0 1,3 * * ? *)')).toBe(22 * 3600);
    expect(cronIntervalSeconds('rate(1 hour)')).toBeUndefined();
  });

  it('without a backup layer, rests on the stores’ own point-in-time features and copies nothing', async () => {
    const p = computeLogicalCorruption(await fixtureInput());
    expect(p.backup).toBeUndefined();
    for (const s of p.stores) expect(s.copiedToOtherRegion).toBe(false);
  });

  it('is in the report, the HTML and the diagram (backup copies between the vaults, a canary per region)', async () => {
    const report = buildReport(await project(), await projectPrices());
    expect(report.recovery.logicalCorruption.stores).toHaveLength(3);
    const html = renderHtml(report);
    expect(html).toContain('id="recovery-logical-corruption"');
    const edges = report.diagram.edges.map((e) => `${e.kind} ${e.from} → ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        'backup-copy primary:backup:BackupVault → secondary:backup:BackupVault',
        'probe primary:canaries:RegionalCanary → primary:compute:LoadBalancer',
        'probe secondary:canaries:RegionalCanary → secondary:compute:LoadBalancer',
      ]),
    );
    expect(html).toMatch(/<g class="edge backup-copy">/);
    expect(html).toMatch(/<g class="edge probe">/);
  });

  it('prices backups (copies as DR-only), WAF and canary runs', async () => {
    const report = buildReport(await project(), await projectPrices());
    const keys = (layer: string) => [
      ...new Set(report.cost.lines.filter((l) => l.layer === layer).map((l) => l.priceKey)),
    ];
    expect(keys('backup')).toEqual(
      expect.arrayContaining([
        'backup:dynamodb:gb-month',
        'backup:rds:gb-month',
        'backup:s3:gb-month',
        'transfer:inter-region:gb',
      ]),
    );
    expect(keys('waf')).toEqual(
      expect.arrayContaining(['waf:web-acl-month', 'waf:rule-month', 'waf:requests-million']),
    );
    expect(keys('canaries')).toContain('synthetics:run');
    const copies = report.cost.lines.filter((l) => l.layer === 'backup' && l.item.includes('copies'));
    expect(copies.length).toBe(3);
    for (const l of copies) expect(l.drOnly).toBe(true);
    // dev runs the canaries every 5 minutes: 730 h × 12 runs.
    expect(report.cost.lines.find((l) => l.priceKey === 'synthetics:run')?.quantity).toBe(8760);
    for (const t of ['AWS::WAFv2::WebACL', 'AWS::Synthetics::Canary', 'AWS::Backup::BackupVault'])
      expect(report.cost.unpricedTypes).not.toContain(t);
  });
});
