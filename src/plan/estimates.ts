// Rough creation times per resource type, used only to rank work: the deploy graph starts the slowest chains
// (RDS above all) first. Figures are typical CloudFormation create times, not promises.
import { activeResources } from '../templates/conditions.js';
import type { CfnTemplate } from '../templates/template-types.js';

const RESOURCE_SECONDS: Record<string, number> = {
  'AWS::RDS::DBInstance': 900,
  'AWS::RDS::DBCluster': 600,
  'AWS::DynamoDB::GlobalTable': 300,
  'AWS::CloudFront::Distribution': 600,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 180,
  'AWS::AutoScaling::AutoScalingGroup': 240,
  'AWS::EC2::NatGateway': 120,
  'AWS::EC2::VPCEndpoint': 90,
  'AWS::EC2::TransitGateway': 300,
  'AWS::KMS::Key': 30,
  'AWS::Lambda::Function': 20,
  'AWS::DynamoDB::Table': 30,
  'AWS::S3::Bucket': 20,
  'AWS::Route53::HealthCheck': 30,
  'AWS::Route53::RecordSet': 45,
  'AWS::IAM::Role': 20,
};
const DEFAULT_RESOURCE_SECONDS = 10;
/** CloudFormation's own overhead per stack operation (change set, validation, completion). */
export const STACK_OVERHEAD_SECONDS = 30;
export const BUILD_SECONDS = 5;
export const PUBLISH_SECONDS = 5;

export function resourceSeconds(type: string): number {
  return RESOURCE_SECONDS[type] ?? DEFAULT_RESOURCE_SECONDS;
}

/** Logical ids a value refers to through Ref, Fn::GetAtt or Fn::Sub. */
export function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : (String(v).split('.')[0] ?? ''));
      else if (k === 'Fn::Sub') {
        const text = typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : '';
        for (const m of text.matchAll(/\$\{([^}!.]+)[^}]*\}/g)) out.add(m[1] as string);
        if (Array.isArray(v)) referencedIds(v[1], out);
      } else referencedIds(v, out);
    }
  }
  return out;
}

function activeIds(template: CfnTemplate, params: Record<string, string>): string[] {
  try {
    return activeResources(template, params);
  } catch {
    // A condition we cannot evaluate offline: count every resource, erring towards "slow".
    return Object.keys(template.Resources ?? {});
  }
}

/**
 * Seconds to create the stack: the longest chain of dependent resources (DependsOn, Ref, GetAtt, Sub), since
 * CloudFormation creates independent resources in parallel. `params` decides which conditional resources exist.
 */
export function stackCreateSeconds(template: CfnTemplate, params: Record<string, string>): number {
  const resources = template.Resources ?? {};
  const active = new Set(activeIds(template, params));
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const chain = (id: string): number => {
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    const r = resources[id];
    if (!r || !active.has(id) || visiting.has(id)) return 0;
    visiting.add(id);
    const deps = referencedIds(r.Properties ?? {});
    for (const d of [r.DependsOn ?? []].flat()) deps.add(d);
    let longest = 0;
    for (const d of deps) if (d !== id && d in resources) longest = Math.max(longest, chain(d));
    visiting.delete(id);
    const total = longest + resourceSeconds(r.Type);
    memo.set(id, total);
    return total;
  };
  let max = 0;
  for (const id of active) max = Math.max(max, chain(id));
  return STACK_OVERHEAD_SECONDS + max;
}

/** Seconds for a second pass that only changes the resources using `changed` parameters. */
export function stackUpdateSeconds(template: CfnTemplate, changed: string[]): number {
  let max = 0;
  for (const r of Object.values(template.Resources ?? {})) {
    const refs = referencedIds(r.Properties ?? {});
    if (changed.some((p) => refs.has(p))) max = Math.max(max, Math.min(resourceSeconds(r.Type), 60));
  }
  return STACK_OVERHEAD_SECONDS + max;
}
