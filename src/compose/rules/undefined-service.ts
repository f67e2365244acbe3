import type { Ref } from '../declarations';
import { child, isMapNode, isSeqNode, scalarText, type CNode } from '../parse';
import type { Fix, Rule } from './rule';
import { nearest } from './suggest';

/**
 * depends_on, links, volumes_from, `network_mode: service:x`, `ipc: service:x`, `pid: service:x` and a build's
 * `additional_contexts` entry `service:x` must name a service of the project (compose-go turns each into a
 * dependency and refuses one on an undefined service).
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
      const mode = service.networkMode;
      if (mode && mode.text.startsWith('service:')) {
        check({ name: mode.text.slice('service:'.length), start: mode.start, end: mode.end }, 'network_mode');
      }
      for (const key of ['ipc', 'pid']) {
        const node = child(service.node, key);
        const text = scalarText(node);
        if (node && text?.startsWith('service:')) check({ name: text.slice('service:'.length), start: node.start, end: node.end }, key);
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
