import path from 'node:path';
import type { Ref, ServiceDecl } from '../declarations';
import { child, isMapNode, isSeqNode, scalarText, type CNode } from '../parse';
import { extendsReference } from '../project';
import type { Fix, Rule, RuleContext } from './rule';
import { nearest } from './suggest';

/** The keys whose `service:x` value shares another service's namespace. */
const SERVICE_MODES = ['network_mode', 'ipc', 'pid'];

/**
 * depends_on, links, volumes_from, `network_mode: service:x`, `ipc: service:x`, `pid: service:x` and a build's
 * `additional_contexts` entry `service:x` must name a service of the project (compose-go turns each into a
 * dependency and refuses one on an undefined service). So must those a service inherits through `extends` from
 * another file: compose-go checks them on the extending service (loader_test.go TestExtendsWithServiceRef).
 */
export const undefinedService: Rule = {
  id: 'undefined-service',
  defaultSeverity: 'error',
  description: 'depends_on, links, volumes_from, `network_mode`, `ipc` or `pid: service:`, or a build\'s `additional_contexts` `service:` names a service that does not exist.',
  check(ctx) {
    const services = ctx.project.services;
    const check = (ref: Ref, where: string) => {
      if (ref.name.includes('$') || services.has(ref.name)) return;
      const near = nearest(ref.name, services.keys());
      const fixes: Fix[] = [];
      if (near) {
        // Replace only the name part (links may carry ":alias", network_mode the "service:" prefix).
        const text = ctx.model.parsed.text.slice(ref.start, ref.end);
        const at = text.indexOf(ref.name);
        if (at !== -1) fixes.push({ kind: 'replace', title: `Change to "${near}"`, start: ref.start + at, end: ref.start + at + ref.name.length, text: near });
      }
      const message = near
        ? `Service "${ref.name}" in ${where} does not exist: did you mean "${near}"?`
        : `Service "${ref.name}" in ${where} does not exist: name a service of this project.`;
      ctx.report({ start: ref.start, end: ref.end, message, fixes });
    };
    for (const service of ctx.model.services) {
      for (const ref of service.dependsOn) check(ref, 'depends_on');
      for (const ref of service.links) check(ref, 'links');
      for (const ref of service.volumesFrom) check(ref, 'volumes_from');
      for (const key of SERVICE_MODES) {
        const node = child(service.node, key);
        const text = scalarText(node);
        if (node && text?.startsWith('service:')) check({ name: text.slice('service:'.length), start: node.start, end: node.end }, key);
      }
      for (const inherited of inheritedReferences(ctx, service)) {
        if (inherited.name.includes('$') || services.has(inherited.name)) continue;
        const at = service.extendsNode!;
        ctx.report({
          start: at.start, end: at.end,
          message: `Service "${service.name}" extends "${inherited.from}" from ${inherited.file}, whose ${inherited.key} names service "${inherited.name}": this project has no such service; define it here, or remove it there.`,
        });
      }
      for (const node of contextValues(child(child(service.node, 'build'), 'additional_contexts'))) {
        const text = scalarText(node);
        const at = text?.indexOf('service:') ?? -1;
        if (text !== undefined && at !== -1 && (at === 0 || text[at - 1] === '=')) {
          check({ name: text.slice(at + 'service:'.length), start: node.start, end: node.end }, 'build.additional_contexts');
        }
      }
    }
  },
};

/** The values of additional_contexts: a mapping's values, or a list's `name=value` items. */
function contextValues(node: CNode | undefined): CNode[] {
  if (isMapNode(node)) return node.entries.map((e) => e.value);
  if (isSeqNode(node)) return node.items;
  return [];
}

/**
 * The service references a service gets through an `extends` chain that leaves the project's files: depends_on and
 * volumes_from of every service up the chain (merged), and `service:` modes no service nearer in the chain sets.
 * A chain inside the project's files brings nothing new: those references are checked where they are written.
 */
function inheritedReferences(ctx: RuleContext, service: ServiceDecl): Array<{ name: string; key: string; from: string; file: string }> {
  const found: Array<{ name: string; key: string; from: string; file: string }> = [];
  if (!ctx.file || !service.extendsNode) return found;
  const own = new Set(ctx.project.files.map((f) => path.resolve(f.file)));
  const modesSet = new Set(SERVICE_MODES.filter((k) => child(service.node, k) !== undefined));
  let current = { file: ctx.file, service };
  const seen = new Set<string>();
  for (let step = 0; step < 64; step++) {
    const named = extendsReference(current.service.node, ctx.resolve);
    if (!named) break;
    const file = named.file === undefined ? current.file : path.resolve(path.dirname(current.file), named.file);
    if (own.has(path.resolve(file)) || seen.has(`${file}\0${named.service}`)) break;
    seen.add(`${file}\0${named.service}`);
    const next = ctx.project.extended.find((e) => path.resolve(e.file) === path.resolve(file))?.model.services.find((s) => s.name === named.service);
    if (!next) break;
    const shown = path.relative(path.dirname(ctx.file), file) || path.basename(file);
    const add = (name: string, key: string) => found.push({ name, key, from: named.service, file: shown });
    for (const ref of next.dependsOn) add(ref.name, 'depends_on');
    for (const ref of next.volumesFrom) add(ref.name, 'volumes_from');
    for (const key of SERVICE_MODES) {
      if (modesSet.has(key)) continue;
      const text = scalarText(child(next.node, key));
      if (text === undefined) continue;
      modesSet.add(key);
      if (text.startsWith('service:')) add(text.slice('service:'.length), key);
    }
    current = { file, service: next };
  }
  return found;
}
