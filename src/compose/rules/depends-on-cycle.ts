import type { Rule } from './rule';

/** Services that (indirectly) depend on themselves: `docker compose up` refuses to start them. */
export const dependsOnCycle: Rule = {
  id: 'depends-on-cycle',
  defaultSeverity: 'error',
  description: '`depends_on` forms a cycle, so no service in it can start first.',
  check(ctx) {
    if (!hasCycle(ctx.project.services)) return;
    const graph = new Map<string, Set<string>>();
    for (const [name, decls] of ctx.project.services) {
      const edges = new Set<string>();
      for (const d of decls) for (const r of d.dependsOn) if (ctx.project.services.has(r.name)) edges.add(r.name);
      graph.set(name, edges);
    }
    const component = stronglyConnected(graph);
    const size = new Map<number, number>();
    for (const c of component.values()) size.set(c, (size.get(c) ?? 0) + 1);
    const routes = new Map<number, Routes>();
    for (const service of ctx.model.services) {
      for (const ref of service.dependsOn) {
        const from = service.name;
        const to = ref.name;
        if (!graph.has(to)) continue;
        const c = component.get(from)!;
        if (from !== to && c !== component.get(to)) continue;
        // Small cycles: the shortest one through this dependency. Big ones: a cycle through one hub of the
        // component, found from two searches per component, so that a cycle of thousands stays linear.
        let described: string;
        if (from === to) described = describeCycle([from, from]);
        else if ((size.get(c) ?? 0) <= 64) described = describeCycle([from, ...pathWithin(graph, component, to, from)]);
        else {
          let r = routes.get(c);
          if (!r) { r = routesThrough(graph, component, from); routes.set(c, r); }
          described = r.describe(from, to);
        }
        ctx.report({
          start: ref.start, end: ref.end,
          message: `depends_on cycle: ${described}; remove one of these dependencies.`,
        });
      }
    }
  },
};

/**
 * Whether any cycle exists, by peeling off services that nothing left depends on (Kahn's algorithm) over
 * numbered services in typed arrays: the answer for nearly every file is no, and this finds it without the
 * maps and sets the component search below needs (on 20,000 services, about a tenth of its time).
 */
function hasCycle(services: ReadonlyMap<string, ReadonlyArray<{ dependsOn: ReadonlyArray<{ name: string }> }>>): boolean {
  const index = new Map<string, number>();
  for (const name of services.keys()) index.set(name, index.size);
  const n = index.size;
  const targets: number[] = [];
  const firstEdge = new Int32Array(n + 1);
  let i = 0;
  for (const decls of services.values()) {
    firstEdge[i] = targets.length;
    for (const d of decls) for (const r of d.dependsOn) { const t = index.get(r.name); if (t !== undefined) targets.push(t); }
    i++;
  }
  firstEdge[n] = targets.length;
  // Edges point from a service to what it depends on; a service can go once nothing left points at it.
  const pointedAt = new Int32Array(n);
  for (const t of targets) pointedAt[t]++;
  const ready = new Int32Array(n);
  let readyCount = 0;
  for (let v = 0; v < n; v++) if (pointedAt[v] === 0) ready[readyCount++] = v;
  for (let head = 0; head < readyCount; head++) {
    const v = ready[head];
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) if (--pointedAt[targets[e]] === 0) ready[readyCount++] = targets[e];
  }
  return readyCount < n;
}

/** The cycle as a → b → a, shortened in the middle when it is long. */
function describeCycle(cycle: string[]): string {
  if (cycle.length <= 8) return cycle.join(' → ');
  return `${cycle.slice(0, 4).join(' → ')} → … → ${cycle.slice(-2).join(' → ')} (${cycle.length - 1} services)`;
}

/** Tarjan's algorithm, iterative (deep graphs must not overflow the stack): node → component id. */
function stronglyConnected(graph: Map<string, Set<string>>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let next = 0;
  let comp = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; edges: Iterator<string> }> = [];
    const visit = (node: string) => {
      index.set(node, next);
      low.set(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: (graph.get(node) ?? new Set<string>()).values() });
    };
    visit(root);
    while (work.length) {
      const top = work[work.length - 1];
      const step = top.edges.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        for (;;) {
          const w = stack.pop()!;
          onStack.delete(w);
          component.set(w, comp);
          if (w === top.node) break;
        }
        comp++;
      }
    }
  }
  return component;
}

interface Routes {
  /** The cycle from → to → … → hub → … → from, described as describeCycle does, without building it. */
  describe(from: string, to: string): string;
}

/**
 * Breadth-first trees of one component towards and away from a hub: any node reaches the hub and the hub
 * reaches any node, so the dependency from → to closes the cycle from → to → … → hub → … → from. Lengths come
 * from the trees' depths, and only the few names a message shows are walked, so a cycle of thousands of
 * services costs linear time, not quadratic.
 */
function routesThrough(graph: Map<string, Set<string>>, component: Map<string, number>, hub: string): Routes {
  const c = component.get(hub);
  const reverse = new Map<string, string[]>();
  for (const [n, edges] of graph) {
    if (component.get(n) !== c) continue;
    for (const w of edges) if (component.get(w) === c) { const list = reverse.get(w); if (list) list.push(n); else reverse.set(w, [n]); }
  }
  const tree = (next: (n: string) => Iterable<string>) => {
    const parent = new Map<string, string>([[hub, hub]]);
    const depth = new Map<string, number>([[hub, 0]]);
    const queue = [hub];
    for (let i = 0; i < queue.length; i++) {
      for (const w of next(queue[i])) {
        if (parent.has(w)) continue;
        parent.set(w, queue[i]);
        depth.set(w, depth.get(queue[i])! + 1);
        queue.push(w);
      }
    }
    return { parent, depth };
  };
  const toward = tree((n) => reverse.get(n) ?? []); // parent: the next step from n toward the hub
  const away = tree((n) => [...(graph.get(n) ?? [])].filter((w) => component.get(w) === c)); // parent: the step before n
  return {
    describe(from, to) {
      const down = toward.depth.get(to)!; // steps to → hub
      const up = away.depth.get(from)!; // steps hub → from
      const nodes = 2 + down + up; // from, to … hub … from
      const head = [from];
      for (let n = to; head.length < 8 && head.length < nodes; n = toward.parent.get(n)!) {
        head.push(n);
        if (n === hub) break;
      }
      if (nodes <= 8 || head.length < 4) {
        // Short, or the hub comes within the first names: the rest is hub → from, walked backwards.
        const tail: string[] = [];
        for (let n = from; n !== hub; n = away.parent.get(n)!) tail.push(n);
        return describeCycle([...head, ...tail.reverse()]);
      }
      let beforeLast = away.parent.get(from)!;
      if (from === hub) for (beforeLast = to; toward.parent.get(beforeLast) !== hub; beforeLast = toward.parent.get(beforeLast)!); // the hub's own edges: few
      return `${head.slice(0, 4).join(' → ')} → … → ${beforeLast} → ${from} (${nodes - 1} services)`;
    },
  };
}

/** A shortest path from `from` to `to` inside one component (breadth first), both ends included. */
function pathWithin(graph: Map<string, Set<string>>, component: Map<string, number>, from: string, to: string): string[] {
  const c = component.get(from);
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    if (node === to) break;
    for (const w of graph.get(node) ?? []) {
      if (component.get(w) !== c || previous.has(w)) continue;
      previous.set(w, node);
      queue.push(w);
    }
  }
  const path = [to];
  for (let n = to; n !== from; n = previous.get(n)!) path.unshift(previous.get(n)!);
  return path;
}
