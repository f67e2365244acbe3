import { child, isSeqNode, scalarText } from '../parse';
import type { Rule } from './rule';

/**
 * A service `platform` that its `build.platforms` does not list: compose-go refuses the project
 * ("service.build.platforms MUST include service.platform").
 */
export const buildPlatform: Rule = {
  id: 'build-platform',
  defaultSeverity: 'error',
  description: 'A service `platform` that is not one of its `build.platforms`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const platformNode = child(service.node, 'platform');
      const platforms = child(child(service.node, 'build'), 'platforms');
      const raw = scalarText(platformNode);
      if (!platformNode || raw === undefined || !isSeqNode(platforms) || platforms.items.length === 0) continue;
      const platform = ctx.resolve(raw);
      if (platform === undefined || platform === '') continue;
      const listed: string[] = [];
      for (const item of platforms.items) {
        const t = scalarText(item);
        const v = t === undefined ? undefined : ctx.resolve(t);
        if (v === undefined) return; // one is not known before docker compose runs
        listed.push(v);
      }
      if (listed.includes(platform)) continue;
      ctx.report({
        start: platformNode.start, end: platformNode.end,
        message: `platform ${platform} of service "${service.name}" is not in its build.platforms (${listed.join(', ')}): add it there or change platform.`,
      });
    }
  },
};
