import path from 'node:path';
import { child, isMapNode, isSeqNode, parseCompose, scalarText, toJS, type CNode } from '../parse';
import { includePaths as includesOf, isRemoteInclude, type FileHost } from '../project';
import type { Rule } from './rule';

/** include entries whose file does not exist: docker compose stops. */
export const includeMissing: Rule = {
  id: 'include-missing',
  defaultSeverity: 'error',
  perFile: true,
  description: 'An `include` names a local file that does not exist.',
  needsFiles: true,
  check(ctx) {
    if (!ctx.file) return;
    for (const ref of includesOf(ctx.model.root, path.dirname(ctx.file), ctx.resolve, true)) {
      if (ctx.host!.exists(ref.file)) continue;
      ctx.report({ start: ref.node.start, end: ref.node.end, message: `Included file ${ref.text} does not exist: create it or fix the path.` });
    }
  },
};

/**
 * include entries docker compose fetches (git, OCI, http): this analysis reads no network, so what they declare
 * is unknown to every other check. Said once per entry, so a clean Problems panel does not claim they were checked.
 */
export const includeRemote: Rule = {
  id: 'include-remote',
  defaultSeverity: 'info',
  perFile: true,
  description: 'An `include` that docker compose fetches (git, OCI, http): not checked here.',
  check(ctx) {
    const list = child(ctx.model.root, 'include');
    if (!isSeqNode(list)) return;
    for (const item of list.items) {
      const paths = isMapNode(item) ? child(item, 'path') : item;
      for (const node of isSeqNode(paths) ? paths.items : paths ? [paths] : []) {
        const raw = scalarText(node);
        const text = raw === undefined ? undefined : ctx.resolve(raw);
        if (!text || !isRemoteInclude(text)) continue;
        ctx.report({ start: node.start, end: node.end, message: `${text} is fetched by docker compose and not checked here: what it declares is unknown to the other checks.` });
      }
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
  perFile: true,
  description: '`include` files that include each other in a loop.',
  needsFiles: true,
  check(ctx) {
    if (!ctx.file) return;
    const graph = new IncludeGraph(ctx.host!, ctx.resolve);
    const self = path.resolve(ctx.file);
    graph.seed(self, ctx.model.root);
    for (const ref of includesOf(ctx.model.root, path.dirname(self), ctx.resolve)) {
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

const SECTIONS = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

/** Files an include brings in at most, through its own includes (a bound against huge include trees). */
const MAX_BROUGHT_FILES = 64;

interface Definition {
  value: string;
  /** The file that has it. */
  file: string;
}

/**
 * What including `file` brings into a project: the services, volumes, networks, secrets and configs it defines and,
 * as compose-go loads an included file as a project of its own first, those of the files it includes in turn (any
 * depth; each file once). The first definition of a name wins: a conflict inside the included files is theirs.
 */
function broughtBy(file: string, host: FileHost, resolve: (s: string) => string | undefined): Map<string, Definition> {
  const out = new Map<string, Definition>();
  const seen = new Set<string>();
  const queue = [file];
  while (queue.length && seen.size < MAX_BROUGHT_FILES) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const text = host.readFile(next);
    if (text === undefined) continue;
    const root = parseCompose(text).root;
    for (const section of SECTIONS) {
      const s = child(root, section);
      if (!isMapNode(s)) continue;
      for (const e of s.entries) {
        const name = `${section}.${e.key}`;
        if (!out.has(name)) out.set(name, { value: JSON.stringify(toJS(e.value)), file: next });
      }
    }
    for (const ref of includesOf(root, path.dirname(next), resolve)) queue.push(ref.file);
  }
  return out;
}

/**
 * A name that an included file (or a file it includes, at any depth) defines and this file (or an earlier include)
 * defines differently: compose-go refuses it ("services.db conflicts with imported resource", loader/include.go
 * importResources). Identical definitions are fine.
 */
export const includeConflict: Rule = {
  id: 'include-conflict',
  // compose-go (loader/include.go importResource) merges such definitions now; older releases refused them.
  defaultSeverity: 'warning',
  perFile: true,
  description: 'A service, volume, network, secret or config that an included file (or one it includes) also defines, differently.',
  needsFiles: true,
  check(ctx) {
    if (!ctx.file) return;
    const root = ctx.model.root;
    const dir = path.dirname(ctx.file);
    const own = new Map<string, { value: string; keyStart: number; keyEnd: number }>();
    for (const section of SECTIONS) {
      const s = child(root, section);
      if (isMapNode(s)) for (const e of s.entries) own.set(`${section}.${e.key}`, { value: JSON.stringify(toJS(e.value)), keyStart: e.keyStart, keyEnd: e.keyEnd });
    }
    const imported = new Map<string, { value: string; from: string }>();
    for (const ref of includesOf(root, dir, ctx.resolve)) {
      for (const [name, { value, file }] of broughtBy(ref.file, ctx.host!, ctx.resolve)) {
        // Where the definition is: the included file itself, or a file it includes.
        const where = path.resolve(file) === path.resolve(ref.file) ? ref.text : `${path.relative(dir, file)} (included by ${ref.text})`;
        const fixIn = path.resolve(file) === path.resolve(ref.file) ? ref.text : path.relative(dir, file);
        const mine = own.get(name);
        if (mine && mine.value !== value) {
          ctx.report({
            start: mine.keyStart, end: mine.keyEnd,
            message: `${name} is also defined, differently, in the included ${where}: Compose merges the two, this file's settings over the included ones (older Compose releases refuse it); rename one if they are different things, or change it in ${fixIn}.`,
          });
        }
        const earlier = imported.get(name);
        if (earlier && earlier.value !== value) {
          ctx.report({
            start: ref.node.start, end: ref.node.end,
            message: `${where} defines ${name} differently from ${earlier.from}, included before it: Compose merges the two, the earlier one's settings winning (older Compose releases refuse it); rename one if they are different things.`,
          });
        }
        if (!earlier) imported.set(name, { value, from: where });
      }
    }
  },
};
