import { namedVolumeRefs } from '../declarations';
import { reportUndeclared } from './references';
import type { Rule } from './rule';

export const undefinedVolume: Rule = {
  id: 'undefined-volume',
  defaultSeverity: 'error',
  description: 'A service mounts a named volume that is not declared under top-level `volumes`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      for (const ref of namedVolumeRefs(service)) {
        if (ctx.project.declared.volumes.has(ref.name)) continue;
        reportUndeclared(ctx, 'volumes', ref, true);
      }
    }
  },
};
