// Issue "must show": drctl validate passes over every project template — structure against the CloudFormation
// specification, references, conventions and the Control Tower controls through cfn-guard — and every accepted
// finding is suppressed with a written reason.
import { describe, expect, it } from 'vitest';
import { guardPolicy } from '../../src/validate/guard/guard-runner.js';
import { validateTemplates } from '../../src/validate/validate.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

describe('the project templates', () => {
  it('validate with no error, with cfn-guard and the suppressions file, each suppression carrying its reason', async () => {
    const r = await validateTemplates({ root: PROJECT_ROOT, policy: guardPolicy() });
    expect(r.templates).toEqual(
      expect.arrayContaining([
        'templates/compute.json',
        'templates/data.json',
        'templates/foundation.json',
        'templates/global.json',
        'templates/monitoring.json',
        'templates/network.json',
      ]),
    );
    expect(r.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId} ${f.template} ${f.path}`)).toEqual([]);
    expect(r.summary.errors).toBe(0);
    for (const f of r.findings) expect(f.suppressed?.reason.trim().length, `${f.ruleId} ${f.path}`).toBeGreaterThan(20);
    // Only policy controls are accepted, plus the AWS-owned literals of the ALB log-delivery accounts: no structure or
    // reference rule of ours is suppressed, and no convention rule anywhere in Resources.
    const ours = r.findings.filter((f) => !f.ruleId.startsWith('CT.'));
    for (const f of ours) {
      expect(f.template).toBe('templates/foundation.json');
      expect(`${f.ruleId} ${f.path}`).toMatch(
        /^(E6005 Mappings\.ElbLogDeliveryAccounts\.|E6006 Conditions\.ElbLogAccountRegions\d\.)/,
      );
    }
  });
});
