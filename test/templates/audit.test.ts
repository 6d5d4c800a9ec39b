// templates/audit.json: everything off by default; the trail once (primary, multi-Region, validated, encrypted);
// GuardDuty and Security Hub (with the foundational best practices standard) per region when asked.
import { describe, expect, it } from 'vitest';
import {
  conventionProblems,
  inputProblems,
  loadLayerTemplate,
  propsIn,
  stackParams,
  viewStack,
} from '../helpers/templates.js';

const t = loadLayerTemplate('audit');
const inputs = { LogsBucketName: 'access-logs-dev-111122223333-us-east-1' };
const ids = (role: 'primary' | 'secondary', extra: Record<string, string> = {}) =>
  Object.keys(viewStack(t, stackParams(role, { ...inputs, ...extra })).resources);

describe('templates/audit.json', () => {
  it('follows the layer conventions', () => {
    expect(conventionProblems(t)).toEqual([]);
    expect(inputProblems(t, { foundation: loadLayerTemplate('foundation') })).toEqual([]);
  });

  it('creates nothing by default (organisations usually own these)', () => {
    expect(ids('primary')).toEqual([]);
    expect(ids('secondary')).toEqual([]);
  });

  it('creates the trail once, in the primary, multi-Region with log-file validation into its encrypted bucket', () => {
    expect(ids('secondary', { EnableCloudTrail: 'true' })).toEqual([]);
    const v = viewStack(t, stackParams('primary', { ...inputs, EnableCloudTrail: 'true' }));
    expect(Object.keys(v.resources)).toEqual(
      expect.arrayContaining(['AuditTrail', 'AuditTrailBucket', 'AuditTrailKey', 'AuditTrailBucketPolicy']),
    );
    expect(propsIn(v, 'AuditTrail')).toMatchObject({
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': ['AuditTrailKey', 'Arn'] },
    });
    const enc = propsIn(v, 'AuditTrailBucket').BucketEncryption as {
      ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
    };
    expect(enc.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(t.Resources.AuditTrailBucket?.DeletionPolicy).toBe('Delete');
  });

  it('enables GuardDuty and Security Hub with the foundational best practices standard per region when asked', () => {
    expect(ids('secondary', { EnableGuardDuty: 'true' })).toEqual(['GuardDutyDetector']);
    const v = viewStack(t, stackParams('secondary', { ...inputs, EnableSecurityHub: 'true' }));
    expect(Object.keys(v.resources)).toEqual(['SecurityHub', 'FoundationalBestPractices']);
    expect(v.resolve(propsIn(v, 'FoundationalBestPractices').StandardsArn)).toBe(
      'arn:aws:securityhub:us-west-2::standards/aws-foundational-security-best-practices/v/1.0.0',
    );
    expect(propsIn(v, 'SecurityHub').EnableDefaultStandards).toBe(false);
  });
});
