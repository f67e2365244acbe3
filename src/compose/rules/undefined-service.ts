import type { Ref } from '../declarations';
import type { Fix, Rule } from './rule';
import { nearest } from './suggest';

/** depends_on, links, volumes_from and `network_mode: service:x` must name a service of the project. */
export const undefinedService: Rule = {
  id: 'undefined-service',
  defaultSeverity: 'error',
  description: 'depends_on, links, volumes_from or `network_mode: service:` names a service that does not exist.',
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
    }
  },
};
