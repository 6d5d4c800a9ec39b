// The logical-corruption recovery path: replication copies a bad delete or a corrupting bug to the other region
// within seconds, so the way back is a point in time, not the other region. RPO is the granularity of each store's
// point in time; RTO is finding the moment, the slowest restore (they run in parallel) and cutting over.
import { RESTORE_FIGURES } from './figures.js';
import {
  dig,
  isTrue,
  paramSource,
  resourcesOfType,
  stackView,
  type ReportInput,
  type StackView,
} from './report-input.js';
import type { LogicalCorruptionPath, RecoveryStore, RtoTerm } from './report-types.js';

const term = (name: string, f: { seconds: number; source: RtoTerm['source'] }): RtoTerm => ({
  name,
  seconds: f.seconds,
  source: f.source,
});

/** Longest gap between runs of a `cron(min hour dom month dow year)` schedule, in seconds (UTC, daily pattern). */
export function cronIntervalSeconds(expression: string): number | undefined {
  const m = /^cron\(\s*(\S+)\s+(\S+)\s+\S+\s+\S+\s+\S+(?:\s+\S+)?\s*\)$/.exec(expression.trim());
  if (!m) return undefined;
  const [minute, hour] = [m[1] as string, m[2] as string];
  if (!/^\d+$/.test(minute)) return minute === '*' ? 60 : undefined;
  if (hour === '*') return 3600;
  const step = /^\*\/(\d+)$/.exec(hour);
  if (step) return Number(step[1]) * 3600;
  const hours = hour.split(',').map(Number);
  if (hours.some((h) => !Number.isInteger(h) || h < 0 || h > 23)) return undefined;
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const gaps = sorted.map((h, i) => ((sorted[(i + 1) % sorted.length] as number) - h + 24) % 24 || 24);
  return Math.max(...gaps) * 3600;
}

interface BackupPlanView {
  view: StackView;
  runsHere: boolean;
  continuous: boolean;
  snapshotSeconds: number | undefined;
  copies: boolean;
}

function backupPlan(input: ReportInput): BackupPlanView | undefined {
  const view = stackView(input, 'backup', 'primary');
  if (!view) return undefined;
  const plan = resourcesOfType(view, 'AWS::Backup::BackupPlan')[0];
  const rules = (dig(plan?.props, 'BackupPlan', 'BackupPlanRule') as unknown[] | undefined) ?? [];
  const snapshot = rules.find((r) => !isTrue(dig(r, 'EnableContinuousBackup')));
  return {
    view,
    runsHere: plan !== undefined,
    continuous: rules.some((r) => isTrue(dig(r, 'EnableContinuousBackup'))),
    snapshotSeconds: cronIntervalSeconds(String(dig(snapshot, 'ScheduleExpression') ?? '')),
    // The copy target arrives in the second pass; a plan without it still copies once drctl has deployed both vaults.
    copies: plan !== undefined && view.template.Parameters?.PeerBackupVaultArn !== undefined,
  };
}

function orders(input: ReportInput, backup: BackupPlanView | undefined): RecoveryStore | undefined {
  const data = stackView(input, 'data', 'primary');
  const table = data ? resourcesOfType(data, 'AWS::DynamoDB::GlobalTable')[0] : undefined;
  if (!table) return undefined;
  const pitr = ((dig(table.props, 'Replicas') as unknown[] | undefined) ?? []).every((r) =>
    isTrue(dig(r, 'PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled')),
  );
  const snapshot = backup?.runsHere ? backup.snapshotSeconds : undefined;
  const rpo = pitr ? RESTORE_FIGURES.dynamoPointInTime.seconds : (snapshot ?? null);
  return {
    name: `DynamoDB global table ${table.id}`,
    data: 'orders, executions, positions',
    class: 'transactional',
    mechanism: pitr
      ? 'DynamoDB point-in-time recovery'
      : snapshot
        ? `AWS Backup snapshots every ${snapshot / 3600} h`
        : 'none',
    rpoSeconds: rpo,
    restoreSeconds: RESTORE_FIGURES.dynamoRestore.seconds,
    copiedToOtherRegion: backup?.copies ?? false,
    basis: pitr
      ? `Point-in-time recovery is on for every replica: restore to the second before the corruption (the latest restorable moment trails the clock by about ${RESTORE_FIGURES.dynamoLatestRestorable.seconds / 60} min). Restores go to a new table; the global table's replicas are added back after.`
      : snapshot
        ? `No point-in-time recovery: the newest AWS Backup snapshot before the corruption, at most ${snapshot / 3600} h old.`
        : 'No point-in-time recovery and no backup plan: nothing to restore to.',
    terms: [
      term('restore the orders table to the chosen second (new table)', RESTORE_FIGURES.dynamoRestore),
      ...(pitr ? [term('granularity of point-in-time recovery', RESTORE_FIGURES.dynamoPointInTime)] : []),
    ],
  };
}

function relational(input: ReportInput, backup: BackupPlanView | undefined): RecoveryStore | undefined {
  const data = stackView(input, 'data', 'primary');
  if (!data) return undefined;
  const db = [
    ...resourcesOfType(data, 'AWS::RDS::DBCluster'),
    ...resourcesOfType(data, 'AWS::RDS::DBInstance').filter((r) => dig(r.props, 'DBClusterIdentifier') === undefined),
  ][0];
  if (!db) return undefined;
  const retention = Number(dig(db.props, 'BackupRetentionPeriod') ?? 1);
  const continuous = backup?.runsHere && backup.continuous;
  const snapshot = backup?.runsHere ? backup.snapshotSeconds : undefined;
  const mechanism = continuous
    ? 'AWS Backup continuous backup (point in time)'
    : retention > 0
      ? `automated backups (${retention} day(s) of point in time)`
      : snapshot
        ? `AWS Backup snapshots every ${snapshot / 3600} h`
        : 'none';
  const granularity = continuous
    ? RESTORE_FIGURES.continuousBackup
    : retention > 0
      ? RESTORE_FIGURES.continuousBackup
      : snapshot
        ? {
            seconds: snapshot,
            source: paramSource(
              (backup as BackupPlanView).view,
              ['BackupScheduleExpression'],
              'longest gap between snapshot runs',
            ),
          }
        : undefined;
  return {
    name: `relational store ${db.id}`,
    data: 'reference / relational data',
    class: 'transactional',
    mechanism,
    rpoSeconds: granularity?.seconds ?? null,
    restoreSeconds: RESTORE_FIGURES.relationalRestore.seconds,
    copiedToOtherRegion: backup?.copies ?? false,
    basis:
      continuous || retention > 0
        ? `${mechanism}: restore to the second before the corruption as a new ${db.resource.Type === 'AWS::RDS::DBCluster' ? 'cluster' : 'instance'}; the transaction logs reach the backup about every ${RESTORE_FIGURES.rdsAutomatedBackup.seconds / 60} min, so a corruption in the last minutes waits for them.`
        : snapshot
          ? `Only snapshots: the newest before the corruption, at most ${snapshot / 3600} h old.`
          : 'No backups: nothing to restore to.',
    terms: [
      term('restore the database to the chosen second (new cluster or instance)', RESTORE_FIGURES.relationalRestore),
      ...(granularity ? [term('granularity of the point in time', granularity)] : []),
    ],
  };
}

function assets(input: ReportInput, backup: BackupPlanView | undefined): RecoveryStore | undefined {
  const data = stackView(input, 'data', 'primary');
  const bucket = data
    ? resourcesOfType(data, 'AWS::S3::Bucket').find(
        (b) => dig(b.props, 'VersioningConfiguration', 'Status') === 'Enabled',
      )
    : undefined;
  if (!bucket) return undefined;
  return {
    name: `S3 bucket ${bucket.id}`,
    data: 'assets, reports, backups',
    class: 'read-mostly',
    mechanism:
      backup?.runsHere && backup.continuous ? 'object versions + AWS Backup continuous backup' : 'object versions',
    rpoSeconds: 0,
    restoreSeconds: RESTORE_FIGURES.s3VersionRestore.seconds,
    copiedToOtherRegion: backup?.copies ?? false,
    basis:
      'Versioning keeps every version of every object (replication copies deletes as delete markers, not the loss of the old version): the last good version of each damaged object is copied back.',
    terms: [term('copy the last good version of each damaged object back', RESTORE_FIGURES.s3VersionRestore)],
  };
}

export function computeLogicalCorruption(input: ReportInput): LogicalCorruptionPath {
  const backup = backupPlan(input);
  const stores = [orders(input, backup), relational(input, backup), assets(input, backup)].filter(
    (s): s is RecoveryStore => s !== undefined,
  );
  const slowest = stores.reduce<RecoveryStore | undefined>(
    (a, s) => (a && a.restoreSeconds >= s.restoreSeconds ? a : s),
    undefined,
  );
  const terms = [
    term('find the last good moment and start the restores', RESTORE_FIGURES.findCorruptionPoint),
    ...(slowest
      ? [{ ...(slowest.terms[0] as RtoTerm), name: `slowest restore (in parallel): ${slowest.terms[0]?.name}` }]
      : []),
    term('cut over to the restored stores and reconcile', RESTORE_FIGURES.cutOverToRestored),
  ];
  const transactional = stores.filter((s) => s.class === 'transactional').map((s) => s.rpoSeconds);
  const secondaryBackup = stackView(input, 'backup', 'secondary');
  return {
    name: 'logical-corruption',
    description:
      'A bad delete or a corrupting bug reaches both regions through replication within seconds; failing over does not help. Restore each store to the moment before the corruption (the other region holds copies of every recovery point when the primary region itself is lost).',
    rpoSeconds: transactional.includes(null) ? null : Math.max(0, ...(transactional as number[])),
    rtoSeconds: terms.reduce((a, t) => a + t.seconds, 0),
    terms,
    stores,
    ...(backup
      ? {
          backup: {
            vaultLockMode: String(backup.view.params.VaultLockMode ?? 'none'),
            copiesToOtherRegion: backup.copies,
            restoreTesting:
              isTrue(backup.view.params.RestoreTestingEnabled) || isTrue(secondaryBackup?.params.RestoreTestingEnabled),
            planRegions: [
              ...(backup.runsHere ? (['primary'] as const) : []),
              ...(secondaryBackup && resourcesOfType(secondaryBackup, 'AWS::Backup::BackupPlan').length
                ? (['secondary'] as const)
                : []),
            ],
          },
        }
      : {}),
    note: 'Not held to the regional-failure objectives: this path trades time for correctness. The restore durations are planning figures; the backup layer restore tests measure the real ones.',
  };
}
