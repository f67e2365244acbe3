import { isSwarmActive } from '../engineSnapshot';
import type { Rule } from './rule';

export const overlayWithoutSwarm: Rule = {
  id: 'overlay-without-swarm',
  defaultSeverity: 'warning',
  description: 'A network uses the overlay driver while the engine is not in Swarm mode.',
  needsEngine: true,
  check(ctx) {
    const engine = ctx.engine;
    if (!engine || isSwarmActive(engine)) return;
    for (const decl of ctx.model.resources.networks) {
      if (decl.external || !decl.driver || ctx.resolve(decl.driver.text) !== 'overlay') continue;
      ctx.report({
        start: decl.driver.start, end: decl.driver.end,
        message: `Network "${decl.name}" uses the overlay driver but the engine is not in Swarm mode: use driver bridge, or run docker swarm init.`,
        fixes: [{ kind: 'replace', title: 'Use the bridge driver', start: decl.driver.start, end: decl.driver.end, text: 'bridge' }],
      });
    }
  },
};
