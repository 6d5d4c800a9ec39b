// E3004: resources do not depend on each other in a circle (through Ref, Fn::GetAtt, Fn::Sub or DependsOn), nor
// conditions on each other (through {"Condition": name}).
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, referencedNames } from '../helpers.js';

/** Strongly connected components with more than one node, or a node with an edge to itself (Tarjan). */
export function findCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges.get(v)?.has(v)) cycles.push(scc.reverse());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

export const rule: Rule = {
  id: 'E3004',
  name: 'no-dependency-cycles',
  title: 'No circular dependencies between resources or between conditions',
  description:
    'The dependency graph formed by Ref, Fn::GetAtt, Fn::Sub and DependsOn between resources has no cycle, and no condition refers back to itself through {"Condition": name}; CloudFormation rejects such templates.',
  docsUrl: `${CFN_DOCS}/aws-attribute-dependson.html`,
  tags: ['references', 'resources'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const resources = new Set(isPlainObject(ctx.template.Resources) ? Object.keys(ctx.template.Resources) : []);
    const edges = new Map<string, Set<string>>();
    // Conditions naming conditions form a second graph: CloudFormation rejects a circle there too.
    const conditionEdges = new Map<string, Set<string>>();
    const add = (from: string, to: string): void => {
      if (!resources.has(to)) return;
      let set = edges.get(from);
      if (!set) edges.set(from, (set = new Set()));
      set.add(to);
    };
    return {
      resource(node) {
        if (!edges.has(node.id)) edges.set(node.id, new Set());
        const dep = node.resource.DependsOn;
        for (const d of typeof dep === 'string' ? [dep] : Array.isArray(dep) ? dep : [])
          if (typeof d === 'string' && d !== node.id) add(node.id, d);
      },
      intrinsic(node) {
        if (
          node.section === 'Conditions' &&
          node.fn === 'Condition' &&
          typeof node.arg === 'string' &&
          typeof node.path[1] === 'string'
        ) {
          let set = conditionEdges.get(node.path[1]);
          if (!set) conditionEdges.set(node.path[1], (set = new Set()));
          set.add(node.arg);
          return;
        }
        // References from a resource's Metadata do not order creation.
        if (node.section !== 'Resources' || !node.resourceId || node.inMetadata) return;
        for (const name of referencedNames(node.fn, node.arg)) add(node.resourceId, name);
      },
      end() {
        for (const cycle of findCycles(conditionEdges)) {
          const first = cycle[0] as string;
          ctx.report({
            path: ['Conditions', first],
            message: `Circular condition: ${[...cycle, first].join(' → ')}.`,
            fix: 'Base one of these conditions on parameters directly instead of on the other condition.',
          });
        }
        for (const cycle of findCycles(edges)) {
          const first = cycle[0] as string;
          ctx.report({
            path: ['Resources', first],
            message: `Circular dependency: ${[...cycle, first].join(' → ')}.`,
            fix: 'Break the circle: move the shared setting into a separate resource (e.g. an AWS::EC2::SecurityGroupIngress), or drop a DependsOn.',
          });
        }
      },
    };
  },
};
