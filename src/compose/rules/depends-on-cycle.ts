import type { Rule } from './rule';

/** Services that (indirectly) depend on themselves: `docker compose up` refuses to start them. */
export const dependsOnCycle: Rule = {
  id: 'depends-on-cycle',
  defaultSeverity: 'error',
  description: '`depends_on` forms a cycle, so no service in it can start first.',
  check(ctx) {
    const graph = new Map<string, Set<string>>();
    for (const [name, decls] of ctx.project.services) {
      const edges = new Set<string>();
      for (const d of decls) for (const r of d.dependsOn) if (ctx.project.services.has(r.name)) edges.add(r.name);
      graph.set(name, edges);
    }
    const component = stronglyConnected(graph);
    for (const service of ctx.model.services) {
      for (const ref of service.dependsOn) {
        const from = service.name;
        const to = ref.name;
        if (!graph.has(to)) continue;
        if (from !== to && component.get(from) !== component.get(to)) continue;
        const cycle = from === to ? [from, from] : [from, ...pathWithin(graph, component, to, from)];
        ctx.report({
          start: ref.start, end: ref.end,
          message: `depends_on cycle: ${describeCycle(cycle)}; remove one of these dependencies.`,
        });
      }
    }
  },
};

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

/** A shortest path from `from` to `to` inside one component (breadth first), both ends included. */
function pathWithin(graph: Map<string, Set<string>>, component: Map<string, number>, from: string, to: string): string[] {
  const c = component.get(from);
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length) {
    const node = queue.shift()!;
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
