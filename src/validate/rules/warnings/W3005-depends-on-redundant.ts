// W3005: a DependsOn entry that a Ref / Fn::GetAtt / Fn::Sub of the same resource already implies is noise that hides
// the dependencies that matter (legal, so a warning).
import type { Rule } from '../../types.js';
import { CFN_DOCS, referencedNames } from '../helpers.js';

export const rule: Rule = {
  id: 'W3005',
  name: 'depends-on-redundant',
  title: 'DependsOn does not repeat what references already imply',
  description:
    'A resource lists in DependsOn a resource it already references with Ref, Fn::GetAtt or Fn::Sub in its Properties; CloudFormation infers that dependency, so the entry is redundant and makes the real ordering constraints harder to see.',
  docsUrl: `${CFN_DOCS}/aws-attribute-dependson.html`,
  tags: ['references', 'resources', 'warning'],
  severity: 'warning',
  family: 'references',
  check: (ctx) => {
    const referenced = new Map<string, Set<string>>();
    return {
      intrinsic(node) {
        if (!node.resourceId || node.inMetadata || node.path[2] !== 'Properties') return;
        let set = referenced.get(node.resourceId);
        if (!set) referenced.set(node.resourceId, (set = new Set()));
        for (const n of referencedNames(node.fn, node.arg)) set.add(n);
      },
      end() {
        const resources = ctx.template.Resources;
        if (!resources || typeof resources !== 'object') return;
        for (const [id, r] of Object.entries(resources as Record<string, { DependsOn?: unknown }>)) {
          const dep = r && typeof r === 'object' ? r.DependsOn : undefined;
          const list = typeof dep === 'string' ? [dep] : Array.isArray(dep) ? dep : [];
          list.forEach((d, i) => {
            if (typeof d !== 'string' || !referenced.get(id)?.has(d)) return;
            ctx.report({
              path: typeof dep === 'string' ? ['Resources', id, 'DependsOn'] : ['Resources', id, 'DependsOn', i],
              message: `${id} depends on ${d} through a reference already; the DependsOn entry is redundant.`,
              fix: `Remove ${d} from DependsOn.`,
            });
          });
        }
      },
    };
  },
};
