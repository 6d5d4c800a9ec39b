// Pure graph algorithms over dependency maps: strongly connected components, topological order,
// waves, priorities (longest remaining time) and the critical path.

export type Deps = Map<string, string[]>;

/** Tarjan's algorithm; components in reverse topological order, members sorted. */
export function stronglyConnected(deps: Deps): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v) ?? []) {
      if (!deps.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp.sort());
    }
  };
  for (const v of [...deps.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** Components that are cycles: more than one member, or a node depending on itself. */
export function cycles(deps: Deps): string[][] {
  return stronglyConnected(deps).filter((c) => c.length > 1 || (deps.get(c[0]!) ?? []).includes(c[0]!));
}

/** Longest remaining time from each node's start to the end of everything that depends on it. */
export function priorities(deps: Deps, seconds: Map<string, number>): Map<string, number> {
  const dependants = new Map<string, string[]>();
  for (const [id, ds] of deps) for (const d of ds) dependants.set(d, [...(dependants.get(d) ?? []), id]);
  const memo = new Map<string, number>();
  const bottom = (id: string): number => {
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    let longest = 0;
    for (const s of dependants.get(id) ?? []) longest = Math.max(longest, bottom(s));
    const v = (seconds.get(id) ?? 0) + longest;
    memo.set(id, v);
    return v;
  };
  for (const id of deps.keys()) bottom(id);
  return memo;
}

/** Kahn's algorithm; among ready nodes the highest priority comes first, then the id. Throws on a cycle. */
export function topologicalOrder(deps: Deps, priority: Map<string, number>): string[] {
  const remaining = new Map([...deps].map(([id, ds]) => [id, new Set(ds.filter((d) => deps.has(d)))]));
  const order: string[] = [];
  const cmp = (a: string, b: string) => (priority.get(b) ?? 0) - (priority.get(a) ?? 0) || a.localeCompare(b);
  while (remaining.size) {
    const ready = [...remaining]
      .filter(([, ds]) => ds.size === 0)
      .map(([id]) => id)
      .sort(cmp);
    if (!ready.length) throw new Error(`dependency cycle among ${[...remaining.keys()].join(', ')}`);
    const next = ready[0]!;
    order.push(next);
    remaining.delete(next);
    for (const ds of remaining.values()) ds.delete(next);
  }
  return order;
}

/** Wave n holds the nodes whose longest dependency chain has n-1 nodes. */
export function waves(deps: Deps, order: string[]): string[][] {
  const level = new Map<string, number>();
  const out: string[][] = [];
  for (const id of order) {
    const l = Math.max(-1, ...(deps.get(id) ?? []).map((d) => level.get(d) ?? -1)) + 1;
    level.set(id, l);
    (out[l] ??= []).push(id);
  }
  return out;
}

/** The chain of nodes whose durations add up to the longest path: start with the highest priority root. */
export function criticalPath(deps: Deps, prio: Map<string, number>, seconds: Map<string, number>): string[] {
  const dependants = new Map<string, string[]>();
  for (const [id, ds] of deps) for (const d of ds) dependants.set(d, [...(dependants.get(d) ?? []), id]);
  const best = (ids: string[]) =>
    [...ids].sort((a, b) => (prio.get(b) ?? 0) - (prio.get(a) ?? 0) || a.localeCompare(b))[0];
  const roots = [...deps].filter(([, ds]) => ds.length === 0).map(([id]) => id);
  const path: string[] = [];
  let cur = best(roots);
  while (cur !== undefined) {
    path.push(cur);
    const remaining = (prio.get(cur) ?? 0) - (seconds.get(cur) ?? 0);
    const next = (dependants.get(cur) ?? []).filter((s) => (prio.get(s) ?? 0) === remaining);
    cur = best(next);
  }
  return path;
}
