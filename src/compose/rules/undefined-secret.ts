import { reportUndeclared } from './references';
import type { Rule } from './rule';

export const undefinedSecret: Rule = {
  id: 'undefined-secret',
  defaultSeverity: 'error',
  description: 'A service (or its `build`) uses a secret that is not declared under top-level `secrets`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      for (const ref of service.secrets) {
        if (ref.name.includes('$') || ctx.project.declared.secrets.has(ref.name)) continue;
        reportUndeclared(ctx, 'secrets', ref, false);
      }
    }
  },
};
