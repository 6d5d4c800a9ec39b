// templates/backup.json: a vault per region on that region's key, a plan in the primary (and, when asked, the
// secondary) that copies into the other region's vault once its ARN is known, the vault lock modes, restore testing.
import { describe, expect, it } from 'vitest';
import {
  conventionProblems,
  inputProblems,
  loadLayerTemplate,
  propsIn,
  stackParams,
  viewStack,
} from '../helpers/templates.js';

const t = loadLayerTemplate('backup');
const inputs = {
  KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abc',
  AlertTopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts-dev',
  DatabaseArn: 'arn:aws:rds:us-east-1:111122223333:cluster:trading-db-dev',
  OrdersTableArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders-dev',
  AssetsBucketArn: 'arn:aws:s3:::assets-dev-111122223333-us-east-1',
};
const PEER = 'arn:aws:backup:us-west-2:111122223333:backup-vault:backup-vault-dev';
const view = (role: 'primary' | 'secondary', extra: Record<string, string> = {}) =>
  viewStack(t, stackParams(role, { ...inputs, ...extra }));

type Rule = {
  RuleName: string;
  CopyActions?: { DestinationBackupVaultArn: unknown }[];
  EnableContinuousBackup?: boolean;
};
const rules = (v: ReturnType<typeof view>) =>
  (propsIn(v, 'BackupPlan').BackupPlan as { BackupPlanRule: Rule[] }).BackupPlanRule;

describe('templates/backup.json', () => {
  it('follows the layer conventions and takes its inputs from stacks that declare them', () => {
    expect(conventionProblems(t)).toEqual([]);
    const layers = Object.fromEntries(['foundation', 'data', 'backup'].map((l) => [l, loadLayerTemplate(l)] as const));
    expect(inputProblems(t, layers)).toEqual([]);
    // The copy target is the only optional input: drctl sets it in the second pass.
    expect(t.Metadata?.Drctl?.Inputs?.PeerBackupVaultArn).toEqual({
      Stack: 'backup',
      Region: 'peer',
      Output: 'BackupVaultArn',
    });
    expect(t.Parameters?.PeerBackupVaultArn?.Default).toBe('');
  });

  it('encrypts each region vault with that region key and never retains it', () => {
    const v = view('secondary', { KmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/def' });
    expect(v.resolve(propsIn(v, 'BackupVault').EncryptionKeyArn)).toBe('arn:aws:kms:us-west-2:111122223333:key/def');
    expect(v.resolve(propsIn(v, 'BackupVault').BackupVaultName)).toBe('backup-vault-dev');
    expect(t.Resources.BackupVault?.DeletionPolicy).toBe('Delete');
  });

  it('runs the plan in the primary over the database, the orders table and the bucket; the secondary only holds copies', () => {
    const primary = view('primary');
    expect(Object.keys(primary.resources)).toEqual(expect.arrayContaining(['BackupPlan', 'BackupSelection']));
    const selection = propsIn(primary, 'BackupSelection').BackupSelection as { Resources: unknown[] };
    expect(selection.Resources.map((r) => primary.resolve(r))).toEqual(
      Object.values(inputs).filter((a) => !a.includes(':kms:') && !a.includes(':sns:')),
    );
    const secondary = view('secondary');
    expect(Object.keys(secondary.resources)).not.toContain('BackupPlan');
    expect(Object.keys(secondary.resources)).toContain('BackupVault');
    expect(Object.keys(view('secondary', { SecondaryBackups: 'true' }).resources)).toContain('BackupSelection');
  });

  it('copies into the other region vault only once its ARN is known (second pass)', () => {
    expect(rules(view('primary')).find((r) => r.RuleName === 'snapshots')?.CopyActions).toBeUndefined();
    const withPeer = view('primary', { PeerBackupVaultArn: PEER });
    const copy = rules(withPeer).find((r) => r.RuleName === 'snapshots')?.CopyActions?.[0];
    expect(withPeer.resolve(copy?.DestinationBackupVaultArn)).toBe(PEER);
  });

  it('keeps continuous backups (point in time) unless turned off', () => {
    expect(rules(view('primary')).map((r) => r.RuleName)).toEqual(['snapshots', 'continuous']);
    expect(rules(view('primary')).find((r) => r.RuleName === 'continuous')?.EnableContinuousBackup).toBe(true);
    expect(rules(view('primary', { ContinuousBackup: 'false' })).map((r) => r.RuleName)).toEqual(['snapshots']);
  });

  it('locks the vault in governance mode by default; compliance adds the cooling-off period; none removes the lock', () => {
    const lock = (mode?: string) =>
      propsIn(view('primary', mode ? { VaultLockMode: mode } : {}), 'BackupVault').LockConfiguration as
        Record<string, unknown> | undefined;
    expect(lock()).toEqual({
      MinRetentionDays: { Ref: 'VaultLockMinRetentionDays' },
      MaxRetentionDays: { Ref: 'VaultLockMaxRetentionDays' },
    });
    expect(lock('compliance')).toHaveProperty('ChangeableForDays', { Ref: 'VaultLockChangeableForDays' });
    expect(lock('none')).toBeUndefined();
    // The parameter says plainly what compliance mode means.
    expect(t.Parameters?.VaultLockMode?.Description).toMatch(/CANNOT BE UNDONE/);
  });

  it('tests restores per store type only when enabled, with the engine the data layer runs', () => {
    expect(Object.keys(view('primary').resources)).not.toContain('RestoreTestingPlan');
    const on = view('secondary', { RestoreTestingEnabled: 'true' });
    expect(Object.keys(on.resources)).toEqual(
      expect.arrayContaining(['RestoreTestingPlan', 'DatabaseRestoreTest', 'OrdersRestoreTest', 'AssetsRestoreTest']),
    );
    expect(propsIn(on, 'DatabaseRestoreTest').ProtectedResourceType).toBe('Aurora');
    expect(
      propsIn(view('primary', { RestoreTestingEnabled: 'true', DatabaseEngine: 'rds-replica' }), 'DatabaseRestoreTest')
        .ProtectedResourceType,
    ).toBe('RDS');
    // Restore testing plan names allow letters, digits and underscores only: the suffix's hyphens are replaced.
    const named = viewStack(
      t,
      stackParams('primary', { ...inputs, EnvironmentSuffix: 'prod-1', RestoreTestingEnabled: 'true' }),
    );
    expect(named.resolve(propsIn(named, 'RestoreTestingPlan').RestoreTestingPlanName)).toBe('restore_test_prod_1');
  });

  it('pages on failed backup, copy and restore jobs of its vault', () => {
    const v = view('primary');
    for (const id of ['BackupJobsFailedAlarm', 'CopyJobsFailedAlarm', 'RestoreJobsFailedAlarm']) {
      expect(propsIn(v, id)).toMatchObject({ Namespace: 'AWS/Backup', AlarmActions: [{ Ref: 'AlertTopicArn' }] });
    }
  });
});
