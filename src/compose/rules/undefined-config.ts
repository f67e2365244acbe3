import { reportUndeclared } from './references';
import type { Rule } from './rule';

export const undefinedConfig: Rule = {
  id: 'undefined-config',
  defaultSeverity: 'error',
  description: 'A service uses a config that is not declared under top-level `configs`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      for (const ref of service.configs) {
        if (ref.name.includes('$') || ctx.project.declared.configs.has(ref.name)) continue;
        reportUndeclared(ctx, 'configs', ref, false);
      }
    }
  },
};
