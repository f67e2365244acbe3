import { claimsFixedHostPorts, describePorts, hostIpsOverlap } from '../mappings';
import { okMappings, servicePorts } from './ports';
import type { Rule } from './rule';

export const portInUse: Rule = {
  id: 'port-in-use',
  defaultSeverity: 'warning',
  description: 'A host port is already published by a running container on the engine (not one of this project\'s).',
  needsEngine: true,
  check(ctx) {
    const published = ctx.engine?.publishedPorts?.();
    if (!published || published.length === 0) return;
    for (const p of okMappings(servicePorts(ctx))) {
      const m = p.mapping;
      if (!claimsFixedHostPorts(m)) continue;
      const holder = published.find((q) => q.protocol === m.protocol && q.port >= m.host.start && q.port <= m.host.end
        && hostIpsOverlap(q.hostIp, m.hostIp) && q.container.project !== ctx.project.name);
      if (!holder) continue;
      ctx.report({
        start: p.node.start, end: p.node.end,
        message: `Host port ${describePorts(m)} is already published by running container "${holder.container.name}": stop it or pick another host port.`,
      });
    }
  },
};
