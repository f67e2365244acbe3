import { joinsNetwork } from '../declarations';
import type { Rule } from './rule';

export const unusedNetwork: Rule = {
  id: 'unused-network',
  defaultSeverity: 'hint',
  description: 'A network is declared but no service joins it.',
  check(ctx) {
    for (const decl of ctx.model.resources.networks) {
      let used = false;
      for (const decls of ctx.project.services.values()) {
        if (decls.some((s) => joinsNetwork(s, decl.name))) { used = true; break; }
      }
      if (used) continue;
      ctx.report({
        start: decl.keyStart, end: decl.keyEnd,
        message: `Network "${decl.name}" is declared but no service joins it: add it to a service's networks or remove it.`,
        fixes: [{ kind: 'delete', title: `Remove network "${decl.name}"`, start: decl.keyStart, end: decl.end }],
      });
    }
  },
};
