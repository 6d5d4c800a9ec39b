// Facts that span templates: which security groups belong to a load balancer. The ALB (compute layer) names its group
// through a parameter fed by the network layer's output, so the answer needs the drctl metadata of both templates.
import type { LoadedTemplate } from '../templates/catalog.js';
import { intrinsicName, isPlainObject } from './template-values.js';
import { getAttTarget } from './rules/helpers.js';

export interface ProjectContext {
  /** file → logical ids of security groups that a load balancer uses. */
  loadBalancerGroups: Map<string, Set<string>>;
}

const LB_TYPES = new Set(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancing::LoadBalancer']);

/** What a value points at: a resource of the same template, or a parameter (possibly through Fn::If branches). */
function targets(v: unknown): { resource?: string; parameter?: string }[] {
  const fn = intrinsicName(v);
  if (!fn) return [];
  const arg = (v as Record<string, unknown>)[fn];
  if (fn === 'Ref' && typeof arg === 'string') return [{ resource: arg, parameter: arg }];
  if (fn === 'Fn::GetAtt') {
    const t = getAttTarget(arg);
    return t ? [{ resource: t.resource }] : [];
  }
  if (fn === 'Fn::If' && Array.isArray(arg)) return [...targets(arg[1]), ...targets(arg[2])];
  return [];
}

export function buildProjectContext(templates: readonly LoadedTemplate[]): ProjectContext {
  const groups = new Map<string, Set<string>>();
  const add = (file: string, id: string): void => {
    let set = groups.get(file);
    if (!set) groups.set(file, (set = new Set()));
    set.add(id);
  };
  const byLayer = new Map<string, LoadedTemplate>();
  for (const t of templates) if (t.drctl && typeof t.drctl.Layer === 'string') byLayer.set(t.drctl.Layer, t);

  for (const t of templates) {
    const resources = isPlainObject(t.template) && isPlainObject(t.template.Resources) ? t.template.Resources : {};
    const params = isPlainObject(t.template) && isPlainObject(t.template.Parameters) ? t.template.Parameters : {};
    for (const res of Object.values(resources)) {
      if (!isPlainObject(res) || !LB_TYPES.has(res.Type) || !isPlainObject(res.Properties)) continue;
      const sgs = res.Properties.SecurityGroups;
      for (const entry of Array.isArray(sgs) ? sgs : [sgs]) {
        for (const target of targets(entry)) {
          if (target.resource && target.resource in resources) add(t.file, target.resource);
          else if (target.parameter && target.parameter in params) {
            // Follow the drctl input to the producing template's output.
            const input = t.drctl?.Inputs?.[target.parameter];
            const producer = input ? byLayer.get(input.Stack) : undefined;
            const outputs = producer && isPlainObject(producer.template.Outputs) ? producer.template.Outputs : {};
            const out = input ? outputs[input.Output] : undefined;
            if (!producer || !isPlainObject(out)) continue;
            for (const o of targets(out.Value)) if (o.resource) add(producer.file, o.resource);
          }
        }
      }
    }
  }
  return { loadBalancerGroups: groups };
}
