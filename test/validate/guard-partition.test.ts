// cfn-guard cut into per-control documents (guard-plan.ts) gives exactly the findings of whole templates, on the
// project's templates and on a synthetic template merging all of them; and the documents hold what the controls need.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticTemplate } from '../../bench/validate-synthetic.js';
import { listTemplateFiles, readTemplateFile, type LoadedTemplate } from '../../src/templates/catalog.js';
import { guardPolicy } from '../../src/validate/guard/guard-runner.js';
import { loadGuardRules } from '../../src/validate/guard/guard-rules.js';
import { packJobs, unitsOf } from '../../src/validate/guard/guard-plan.js';
import type { Finding } from '../../src/validate/types.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { loadedFromText } from './validate-text.js';

const key = (f: Finding): string => `${f.template} ${f.ruleId} ${f.path} ${f.line}`;

async function both(templates: LoadedTemplate[]): Promise<[string[], string[]]> {
  const [cut, whole] = await Promise.all([
    guardPolicy({ cache: false }).run(templates),
    guardPolicy({ cache: false, strategy: 'whole-template' }).run(templates),
  ]);
  return [cut.findings.map(key).sort(), whole.findings.map(key).sort()];
}

describe('cfn-guard per-control documents', () => {
  it('find exactly what whole templates find: the project templates, and all of them merged into one', async () => {
    const files = await listTemplateFiles(PROJECT_ROOT);
    const project = await Promise.all(
      files.map(async (f) => ({ ...(await readTemplateFile(path.join(PROJECT_ROOT, f))), file: f })),
    );
    const [cut, whole] = await both(project);
    expect(whole.length).toBeGreaterThan(20);
    expect(cut).toEqual(whole);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-synthetic-'));
    const file = path.join(dir, 'merged.json');
    writeFileSync(file, JSON.stringify(syntheticTemplate(PROJECT_ROOT, files, 1), null, 2));
    const [cutMerged, wholeMerged] = await both([{ ...(await readTemplateFile(file)), file: 'merged.json' }]);
    expect(wholeMerged.length).toBeGreaterThan(20);
    expect(cutMerged).toEqual(wholeMerged);
  }, 120_000);

  it('give a control the resources of the types it names, and what they reference as a bare type', () => {
    const t = loadedFromText(
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
          Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
          Permission: {
            Type: 'AWS::Lambda::Permission',
            Properties: { FunctionName: { Ref: 'Fn' }, SourceArn: { 'Fn::GetAtt': ['Schedule', 'Arn'] } },
          },
          Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)' } },
          Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
        },
      }),
    );
    const units = unitsOf(t, loadGuardRules());
    const permission = units.find((u) => u.rules.some((r) => r.id === 'CT.LAMBDA.PR.2'));
    const doc = JSON.parse(permission?.doc ?? '{}') as { Resources: Record<string, Record<string, unknown>> };
    expect(doc.Resources.Permission?.Properties).toBeDefined();
    // Referenced, not of a type the control names: present for lookups by logical id, without its properties.
    expect(doc.Resources.Schedule).toEqual({ Type: 'AWS::Events::Rule' });
    expect(doc.Resources.Topic).toBeUndefined();
    // Every applicable control is in exactly one document, and packing keeps every document.
    const ids = units.flatMap((u) => u.rules.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(packJobs(units).flatMap((j) => j.units)).toHaveLength(units.length);
  });
});
