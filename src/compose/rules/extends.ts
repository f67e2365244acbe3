import path from 'node:path';
import { child, isMapNode, parseCompose, type CMap, type CNode } from '../parse';
import { extendsReference } from '../project';
import type { Rule, RuleContext } from './rule';

/**
 * `extends` as compose-go's loader follows it (loader/extends.go): `extends: name` and `extends: {service}` look
 * in the same file, `extends: {service, file}` in that file (relative to the extending file); a chain that
 * comes back to a service already on it is a "Circular reference".
 */

interface Target {
  /** Absolute file, or '' for a file without a path (untitled). */
  file: string;
  service: string;
}

interface Step {
  target?: Target;
  /** Why the step cannot be taken. */
  problem?: string;
  /** The node to report at. */
  node: CNode;
}

type Services = Map<string, CMap | undefined>;

class ExtendsWalker {
  private readonly files = new Map<string, Services | null>();

  constructor(private readonly ctx: RuleContext, self: string, services: Services) {
    this.files.set(self, services);
  }

  services(file: string): Services | null {
    let s = this.files.get(file);
    if (s === undefined) {
      const text = this.ctx.host?.readFile(file);
      s = text === undefined ? null : servicesOf(parseCompose(text).root);
      this.files.set(file, s);
    }
    return s;
  }

  /** The service `service` of `file` extends, or why it cannot; undefined when it extends nothing. */
  step(file: string, service: string): Step | undefined {
    const node = this.services(file)?.get(service);
    const ext = child(node, 'extends');
    if (!ext) return undefined;
    // Nothing named, a bad shape (the schema reports it), or a variable not known before docker compose runs.
    const named = extendsReference(node, this.ctx.resolve);
    if (!named) return undefined;
    const ref = named.service;
    const other = named.file;
    const at = isMapNode(ext) ? child(ext, 'service') ?? ext : ext;
    if (other === undefined) {
      if (!this.services(file)?.has(ref)) {
        return { node: at, problem: `Service "${service}" extends "${ref}", which is not defined in ${file ? path.basename(file) : 'this file'}: define it here, or add file: to name the file that has it.` };
      }
      return { node: at, target: { file, service: ref } };
    }
    const fileNode = isMapNode(ext) ? child(ext, 'file') ?? at : at;
    if (!file || !this.ctx.host) return undefined;
    const target = path.resolve(path.dirname(file), other);
    const services = this.services(target);
    if (services === null) return { node: fileNode, problem: `The file ${other} that service "${service}" extends from does not exist: fix the path.` };
    if (!services.has(ref)) return { node: at, problem: `Service "${ref}" is not defined in ${other}, which service "${service}" extends from: fix the name or the file.` };
    return { node: at, target: { file: target, service: ref } };
  }
}

function servicesOf(root: CNode | undefined): Services {
  const out: Services = new Map();
  const services = child(root, 'services');
  if (isMapNode(services)) for (const e of services.entries) out.set(e.key, isMapNode(e.value) ? e.value : undefined);
  return out;
}

/** Whether a service of the file extends anything: most files have none, and then no walker (nor its map of every service) is made. */
function extendsAny(ctx: RuleContext): boolean {
  return ctx.model.services.some((s) => s.extendsNode !== undefined);
}

function walker(ctx: RuleContext): { walker: ExtendsWalker; self: string } {
  const self = ctx.file ? path.resolve(ctx.file) : '';
  return { walker: new ExtendsWalker(ctx, self, servicesOf(ctx.model.root)), self };
}

/** extends of a service or file that does not exist. */
export const extendsMissing: Rule = {
  id: 'extends-missing',
  defaultSeverity: 'error',
  perFile: true,
  description: '`extends` names a service that is not defined (in this file, or in the file given), or a file that does not exist.',
  check(ctx) {
    if (!extendsAny(ctx)) return;
    const { walker: w, self } = walker(ctx);
    for (const service of ctx.model.services) {
      const step = w.step(self, service.name);
      if (step?.problem) ctx.report({ start: step.node.start, end: step.node.end, message: step.problem });
    }
  },
};

/** The chain as a → b → a, shortened in the middle when it is long. */
function describe(names: string[]): string {
  if (names.length <= 8) return names.join(' → ');
  return `${names.slice(0, 4).join(' → ')} → … → ${names.slice(-2).join(' → ')} (${names.length - 1} steps)`;
}

/** extends chains that come back to a service already on them. */
export const extendsCycle: Rule = {
  id: 'extends-cycle',
  defaultSeverity: 'error',
  perFile: true,
  description: '`extends` chains that loop (a extends b extends a), in one file or across files.',
  check(ctx) {
    if (!extendsAny(ctx)) return;
    const { walker: w, self } = walker(ctx);
    const key = (t: Target) => `${t.file}\0${t.service}`;
    const label = (t: Target) => (t.file === self ? t.service : `${t.service} (${path.relative(path.dirname(self || '.'), t.file)})`);
    // Each service is walked once: a chain stops at a service already judged (linear in the number of services).
    const ends = new Set<string>();
    const cycles = new Map<string, { members: Target[]; index: number }>();
    const leadsIn = new Map<string, string>();
    const rotation = (c: { members: Target[]; index: number }) => {
      const n = c.members.length;
      const at = (i: number) => label(c.members[(c.index + i) % n]);
      return n + 1 <= 8 ? Array.from({ length: n + 1 }, (_, i) => at(i)).join(' → ') : `${[at(0), at(1), at(2), at(3), '…', at(n - 1), at(n)].join(' → ')} (${n} steps)`;
    };
    for (const service of ctx.model.services) {
      const first = w.step(self, service.name);
      if (!first?.target) continue;
      const start: Target = { file: self, service: service.name };
      const report = (message: string) => ctx.report({ start: first.node.start, end: first.node.end, message });
      const known = cycles.get(key(start));
      if (known) { report(`extends cycle: ${rotation(known)}; break the chain.`); continue; }
      const chain: Target[] = [start];
      const position = new Map([[key(start), 0]]);
      let into: string | undefined;
      for (let cur: Target | undefined = first.target; cur; cur = w.step(cur.file, cur.service)?.target) {
        const k = key(cur);
        if (ends.has(k)) break;
        const cycle = cycles.get(k);
        const lead = leadsIn.get(k);
        if (cycle || lead) { into = lead ?? rotation(cycle!); break; }
        const seenAt = position.get(k);
        if (seenAt !== undefined) {
          const members = chain.slice(seenAt);
          members.forEach((m, i) => cycles.set(key(m), { members, index: i }));
          if (seenAt === 0) { report(`extends cycle: ${describe([...chain, cur].map(label))}; break the chain.`); chain.length = 0; }
          else into = rotation({ members, index: 0 });
          chain.length = Math.min(chain.length, seenAt);
          break;
        }
        position.set(k, chain.length);
        chain.push(cur);
      }
      if (into) {
        for (const t of chain) leadsIn.set(key(t), into);
        report(`This extends leads into an extends cycle (${into}): break that chain.`);
      } else for (const t of chain) ends.add(key(t));
    }
  },
};
