import { child, entry } from '../parse';
import type { Rule } from './rule';

/** `build.dockerfile` and `build.dockerfile_inline` together: compose-go says they are mutually exclusive. */
export const dockerfileConflict: Rule = {
  id: 'dockerfile-conflict',
  defaultSeverity: 'error',
  description: '`build.dockerfile` and `build.dockerfile_inline` are both set.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const build = child(service.node, 'build');
      const inline = entry(build, 'dockerfile_inline');
      if (!inline || !entry(build, 'dockerfile')) continue;
      ctx.report({
        start: inline.keyStart, end: inline.keyEnd,
        message: `Service "${service.name}" sets both build.dockerfile and build.dockerfile_inline: they are mutually exclusive; keep one.`,
      });
    }
  },
};
