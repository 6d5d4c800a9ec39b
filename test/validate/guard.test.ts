// cfn-guard with the Control Tower rules (the bundled binary, offline) and the suppressions file around it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { guardPolicy, pointerToPath, type GuardExec } from '../../src/validate/guard/guard-runner.js';
import { loadGuardRules } from '../../src/validate/guard/guard-rules.js';
import { validateTemplates } from '../../src/validate/validate.js';
import { DrError } from '../../src/errors.js';

const SUFFIX = { Type: 'String', Default: 'dev', AllowedPattern: '^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$' };
const db = (multiAz: boolean) => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { EnvironmentSuffix: SUFFIX },
  Resources: {
    Db: {
      Type: 'AWS::RDS::DBInstance',
      DeletionPolicy: 'Delete',
      Properties: {
        DBInstanceIdentifier: { 'Fn::Sub': 'db-${EnvironmentSuffix}' },
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: '20',
        MasterUsername: 'u',
        ManageMasterUserPassword: true,
        StorageEncrypted: true,
        MultiAZ: multiAz,
      },
    },
  },
});

function project(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-guard-'));
  for (const [name, value] of Object.entries(files))
    writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return dir;
}

const suppress = (entries: unknown[]) => ({ suppressions: entries });

describe('cfn-guard policy checks', () => {
  it('indexes the Control Tower rules by control id and resource type', () => {
    const rules = loadGuardRules();
    expect(rules.length).toBeGreaterThan(200);
    const rds1 = rules.find((r) => r.id === 'CT.RDS.PR.1');
    expect(rds1?.types).toContain('AWS::RDS::DBInstance');
    expect(rds1?.names).toContain('rds_instance_multi_az_support_check');
  });

  it('maps a failed control to the resource and property path, with a line', async () => {
    const root = project({ 'single.json': db(false), 'multi.json': db(true) });
    const r = await validateTemplates({ root, files: ['single.json', 'multi.json'], policy: guardPolicy() });
    const multiAz = r.findings.filter((f) => f.ruleId === 'CT.RDS.PR.1');
    expect(multiAz.map((f) => `${f.template} ${f.path}`)).toEqual(['single.json Resources.Db.Properties.MultiAZ']);
    expect(multiAz[0]?.line).toBeGreaterThan(0);
    expect(r.policyRules.map((p) => p.id)).toContain('CT.RDS.PR.1');
    // Only controls for the declared resource types were loaded.
    expect(r.policyRules.every((p) => p.id.startsWith('CT.RDS.'))).toBe(true);
  });

  it('applies controls whose header spells the resource type with different case', async () => {
    const asg = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Group: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '1', MaxSize: '2', LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '1' } },
        },
      },
    };
    const root = project({ 'asg.json': asg });
    const r = await validateTemplates({ root, files: ['asg.json'], policy: guardPolicy() });
    expect(r.policyRules.map((p) => p.id)).toContain('CT.AUTOSCALING.PR.6');
    expect(r.findings.map((f) => `${f.ruleId} ${f.path}`)).toContain(
      'CT.AUTOSCALING.PR.6 Resources.Group.Properties.MixedInstancesPolicy',
    );
  });

  it('turns an unreadable guard report into an internal error', async () => {
    const root = project({ 't.json': db(true) });
    const policy = guardPolicy({
      binary: 'cfn-guard',
      cache: false,
      exec: async () => ({ stdout: 'panic', stderr: 'boom', code: 101 }),
    });
    await expect(validateTemplates({ root, files: ['t.json'], policy })).rejects.toSatisfy(
      (e) => e instanceof DrError && e.code === 'E_GUARD_FAILED',
    );
  });

  it('reuses the report of an unchanged template and reruns guard when the template changes', async () => {
    const store = new Map<string, string>();
    const cache = { get: (k: string) => store.get(k), set: (k: string, v: string) => void store.set(k, v) };
    let runs = 0;
    const exec: GuardExec = async (binary, args) => {
      runs++;
      return new Promise((resolve) =>
        execFile(binary, args, (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? 19 : 0 })),
      );
    };
    const root = project({ 't.json': db(false) });
    const first = await validateTemplates({ root, files: ['t.json'], policy: guardPolicy({ exec, cache }) });
    const second = await validateTemplates({ root, files: ['t.json'], policy: guardPolicy({ exec, cache }) });
    expect(runs).toBe(1);
    expect(second.findings).toEqual(first.findings);
    writeFileSync(path.join(root, 't.json'), JSON.stringify(db(true)));
    const third = await validateTemplates({ root, files: ['t.json'], policy: guardPolicy({ exec, cache }) });
    expect(runs).toBe(2);
    expect(third.findings.map((f) => f.ruleId)).not.toContain('CT.RDS.PR.1');
  });

  it('reads JSON pointers with array indexes and escapes', () => {
    expect(pointerToPath('/Resources/A~1B/Properties/Tags/0/Key')).toEqual([
      'Resources',
      'A/B',
      'Properties',
      'Tags',
      0,
      'Key',
    ]);
  });
});

describe('suppressions', () => {
  const entry = {
    rule: 'CT.RDS.PR.1',
    template: 'single.json',
    resource: 'Db',
    reason: 'Single-AZ is intended for this fixture.',
  };

  it('marks matching findings suppressed, keeps them listed, and does not count them as errors', async () => {
    const root = project({ 'single.json': db(false), 'validation-suppressions.json': suppress([entry]) });
    const r = await validateTemplates({ root, files: ['single.json'], policy: guardPolicy() });
    const f = r.findings.find((x) => x.ruleId === 'CT.RDS.PR.1');
    expect(f?.suppressed).toEqual({ reason: entry.reason });
    expect(r.findings.filter((x) => x.ruleId.startsWith('E0'))).toEqual([]);
    expect(r.summary.suppressed).toBe(1);
    expect(r.summary.errors).toBe(r.findings.filter((x) => !x.suppressed).length);
  });

  it('reports an entry without a reason (E0001) and one that matches nothing (E0002)', async () => {
    const root = project({
      'multi.json': db(true),
      'validation-suppressions.json': suppress([
        { ...entry, template: 'multi.json', reason: '' },
        { ...entry, template: 'multi.json', resource: 'Gone' },
        { ...entry, template: 'not-validated.json' },
      ]),
    });
    const r = await validateTemplates({ root, files: ['multi.json'], policy: guardPolicy() });
    const meta = r.findings.filter((x) => x.ruleId.startsWith('E0')).map((x) => `${x.ruleId} ${x.template} ${x.path}`);
    expect(meta).toEqual([
      'E0001 validation-suppressions.json suppressions[0].reason',
      'E0002 validation-suppressions.json suppressions[1]',
    ]);
    expect(r.summary.errors).toBeGreaterThanOrEqual(2);
  });

  it('matches an entry naming a Mapping or a Condition by its section, and nothing else', async () => {
    const literal = {
      AWSTemplateFormatVersion: '2010-09-09',
      Mappings: { Accounts: { 'eu-west-1': { Id: '156460612806' } } },
      Resources: {
        Topic: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            KmsMasterKeyId: 'alias/aws/sns',
            DisplayName: { 'Fn::FindInMap': ['Accounts', { Ref: 'AWS::Region' }, 'Id'] },
          },
        },
      },
    };
    const reason = 'AWS-owned account ids published per region.';
    const root = project({
      't.json': JSON.stringify(literal),
      'validation-suppressions.json': suppress([
        { rule: 'E6005', template: 't.json', resource: 'Mappings.Accounts', reason },
      ]),
    });
    const r = await validateTemplates({ root, files: ['t.json'] });
    const e6005 = r.findings.filter((x) => x.ruleId === 'E6005');
    expect(e6005.map((x) => [x.path, x.suppressed?.reason])).toEqual([['Mappings.Accounts.eu-west-1.Id', reason]]);
    expect(r.findings.filter((x) => x.ruleId.startsWith('E0'))).toEqual([]);
  });

  it('does not judge policy suppressions stale when cfn-guard did not run', async () => {
    const root = project({
      'multi.json': db(true),
      'validation-suppressions.json': suppress([{ ...entry, template: 'multi.json' }]),
    });
    const r = await validateTemplates({ root, files: ['multi.json'] });
    expect(r.findings.filter((x) => x.ruleId.startsWith('E0'))).toEqual([]);
  });

  it('rejects a suppressions file that is not {"suppressions": [...]} as a usage error', async () => {
    const root = project({ 'multi.json': db(true), 'validation-suppressions.json': '[]' });
    await expect(validateTemplates({ root, files: ['multi.json'] })).rejects.toSatisfy(
      (e) => e instanceof DrError && e.kind === 'usage' && e.code === 'E_SUPPRESSIONS_INVALID',
    );
  });
});
