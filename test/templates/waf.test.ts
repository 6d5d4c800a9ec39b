// templates/waf.json: a regional web ACL on the region's load balancer, managed rule groups, a per-IP rate limit,
// encrypted logging to an aws-waf-logs- group, and the blocked-requests alarm; count mode for a dry run.
import { describe, expect, it } from 'vitest';
import {
  conventionProblems,
  inputProblems,
  loadLayerTemplate,
  propsIn,
  stackParams,
  viewStack,
} from '../helpers/templates.js';

const t = loadLayerTemplate('waf');
const inputs = {
  KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abc',
  AlertTopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts-dev',
  AlbArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/alb-dev/0123456789abcdef',
};
type WafRule = {
  Name: string;
  Action?: unknown;
  OverrideAction?: unknown;
  Statement: Record<string, { Limit?: unknown; Name?: string }>;
};
const rulesOf = (v: ReturnType<typeof viewStack>) => propsIn(v, 'WebAcl').Rules as WafRule[];

describe('templates/waf.json', () => {
  it('follows the layer conventions and protects the same region load balancer', () => {
    expect(conventionProblems(t)).toEqual([]);
    const layers = Object.fromEntries(['foundation', 'compute'].map((l) => [l, loadLayerTemplate(l)] as const));
    expect(inputProblems(t, layers)).toEqual([]);
    const v = viewStack(t, stackParams('secondary', inputs));
    expect(v.resolve(propsIn(v, 'WebAclAssociation').ResourceArn)).toBe(inputs.AlbArn);
    expect(propsIn(v, 'WebAcl').Scope).toBe('REGIONAL');
  });

  it('blocks by default: rate limit per client IP from the parameter, then IP reputation, known bad inputs, common', () => {
    const v = viewStack(t, stackParams('primary', { ...inputs, RateLimitPerIp: '500' }));
    const rules = rulesOf(v);
    expect(rules.map((r) => r.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ]);
    expect(rules[0]?.Action).toEqual({ Block: {} });
    expect(v.resolve(rules[0]?.Statement.RateBasedStatement?.Limit)).toBe('500');
    expect(rules[0]?.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP' });
    for (const r of rules.slice(1)) expect(r.OverrideAction).toEqual({ None: {} });
  });

  it('only counts in count mode (a dry run before blocking)', () => {
    const rules = rulesOf(viewStack(t, stackParams('primary', { ...inputs, WafRuleAction: 'count' })));
    expect(rules[0]?.Action).toEqual({ Count: {} });
    for (const r of rules.slice(1)) expect(r.OverrideAction).toEqual({ Count: {} });
  });

  it('logs to an encrypted log group whose name AWS WAF accepts, with retention, by the ARN without :*', () => {
    const v = viewStack(t, stackParams('primary', inputs));
    const group = propsIn(v, 'WafLogGroup');
    expect(String(v.resolve(group.LogGroupName))).toMatch(/^aws-waf-logs-/);
    expect(group).toMatchObject({ KmsKeyId: { Ref: 'KmsKeyArn' }, RetentionInDays: { Ref: 'WafLogRetentionDays' } });
    const dest = (propsIn(v, 'WafLogging').LogDestinationConfigs as unknown[])[0];
    expect(JSON.stringify(dest)).not.toContain('GetAtt');
    expect(JSON.stringify(dest)).toContain('log-group:${WafLogGroup}');
  });

  it('alarms on blocked requests of this web ACL in this region', () => {
    const v = viewStack(t, stackParams('secondary', inputs));
    const a = propsIn(v, 'BlockedRequestsAlarm');
    expect(a).toMatchObject({ Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests', Statistic: 'Sum' });
    const dims = (a.Dimensions as { Name: string; Value: unknown }[]).map(
      (d) => `${d.Name}=${String(v.resolve(d.Value))}`,
    );
    expect(dims).toEqual(['WebACL=waf-dev', 'Region=us-west-2', 'Rule=ALL']);
  });
});
