import path from 'node:path';
import { child, isMapNode, isSeqNode, parseCompose, scalarText, type CNode } from '../parse';
import type { FileHost } from '../project';
import type { Rule } from './rule';

/** git, oci and http includes are fetched by docker compose; they are not checked here. */
export function isRemoteInclude(p: string): boolean {
  return /^(?:git|oci|https?|ssh):/i.test(p) || /^[\w.-]+@[\w.-]+:/.test(p) || /\.git(?:#|$)/.test(p);
}

interface IncludeRef {
  /** The path as written (interpolated). */
  text: string;
  node: CNode;
  /** The included file, absolute. */
  file: string;
}

/** The main file of each `include` entry (its first path; every path with `all`), resolved against `dir`. */
function includesOf(root: CNode | undefined, dir: string, resolve: (s: string) => string | undefined, all = false): IncludeRef[] {
  const list = child(root, 'include');
  if (!isSeqNode(list)) return [];
  const refs: IncludeRef[] = [];
  const nodes: CNode[] = [];
  for (const item of list.items) {
    const p = isMapNode(item) ? child(item, 'path') : item;
    if (isSeqNode(p)) nodes.push(...(all ? p.items : p.items.slice(0, 1)));
    else if (p) nodes.push(p);
  }
  for (const node of nodes) {
    const raw = scalarText(node);
    const text = raw === undefined ? undefined : resolve(raw);
    if (!node || !text || isRemoteInclude(text)) continue;
    // compose-go: a relative include path is read from the including file's project folder (project_directory
    // changes where the included file's own relative paths point, not where it is read from).
    refs.push({ text, node, file: path.resolve(dir, text) });
  }
  return refs;
}

/** include entries whose file does not exist: docker compose stops. */
export const includeMissing: Rule = {
  id: 'include-missing',
  defaultSeverity: 'error',
  description: 'An `include` names a local file that does not exist.',
  needsFiles: true,
  check(ctx) {
    if (!ctx.file) return;
    for (const ref of includesOf(ctx.model.parsed.root, path.dirname(ctx.file), ctx.resolve, true)) {
      if (ctx.host!.exists(ref.file)) continue;
      ctx.report({ start: ref.node.start, end: ref.node.end, message: `Included file ${ref.text} does not exist: create it or fix the path.` });
    }
  },
};

/**
 * include chains that come back to a file already being included: compose-go stops with "include cycle
 * detected". Followed through the files on disk (and unsaved editors, through the host), depth first.
 */
export const includeCycle: Rule = {
  id: 'include-cycle',
  defaultSeverity: 'error',
  description: '`include` files that include each other in a loop.',
  needsFiles: true,
  check(ctx) {
    if (!ctx.file) return;
    const graph = new IncludeGraph(ctx.host!, ctx.resolve);
    const self = path.resolve(ctx.file);
    graph.seed(self, ctx.model.parsed.root);
    for (const ref of includesOf(ctx.model.parsed.root, path.dirname(self), ctx.resolve)) {
      const cycle = graph.cycleFrom([self], ref.file);
      if (!cycle) continue;
      const names = cycle.map((f) => path.relative(path.dirname(self), f) || path.basename(f));
      const closes = cycle[cycle.length - 1] === self;
      ctx.report({
        start: ref.node.start, end: ref.node.end,
        message: `${closes ? 'include cycle' : 'This include leads into an include cycle'}: ${names.join(' → ')}; remove one of these includes.`,
      });
    }
  },
};

class IncludeGraph {
  private readonly edges = new Map<string, string[]>();
  /** Files known to lead to no cycle. */
  private readonly clean = new Set<string>();

  constructor(private readonly host: FileHost, private readonly resolve: (s: string) => string | undefined) {}

  seed(file: string, root: CNode | undefined): void {
    this.edges.set(file, includesOf(root, path.dirname(file), this.resolve).map((r) => r.file));
  }

  private next(file: string): string[] {
    let e = this.edges.get(file);
    if (!e) {
      const text = this.host.readFile(file);
      e = text === undefined ? [] : includesOf(parseCompose(text).root, path.dirname(file), this.resolve).map((r) => r.file);
      this.edges.set(file, e);
    }
    return e;
  }

  /** The first path from `chain` through `start` that reaches a file already on it (iterative DFS). */
  cycleFrom(chain: string[], start: string): string[] | undefined {
    const onPath = new Set(chain);
    const pathNow = [...chain];
    const stack: Array<{ file: string; children?: string[]; i: number }> = [{ file: start, i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (!top.children) {
        if (onPath.has(top.file)) return [...pathNow, top.file];
        if (this.clean.has(top.file)) { stack.pop(); continue; }
        top.children = this.next(top.file);
        onPath.add(top.file);
        pathNow.push(top.file);
      }
      if (top.i < top.children.length) {
        stack.push({ file: top.children[top.i++], i: 0 });
        continue;
      }
      this.clean.add(top.file);
      onPath.delete(top.file);
      pathNow.pop();
      stack.pop();
    }
    return undefined;
  }
}
