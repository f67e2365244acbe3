import { reportUndeclared } from './references';
import type { Rule } from './rule';

export const undefinedNetwork: Rule = {
  id: 'undefined-network',
  defaultSeverity: 'error',
  description: 'A service joins a network that is not declared under top-level `networks`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      for (const ref of service.networks) {
        if (ref.name.includes('$') || ctx.project.hasNetwork(ref.name)) continue;
        reportUndeclared(ctx, 'networks', ref, true);
      }
    }
  },
};
