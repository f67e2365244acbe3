import { overlaps, parseSubnet } from '../../model/cidr';
import { declaredSubnets } from './ipam';
import type { Rule } from './rule';

export const subnetOverlapsEngine: Rule = {
  id: 'subnet-overlaps-engine',
  defaultSeverity: 'error',
  description: 'A declared subnet overlaps the subnet of another network that exists on the engine.',
  needsEngine: true,
  check(ctx) {
    const engine = ctx.engine;
    if (!engine) return;
    const live = engine.networks().flatMap((n) => n.subnets.flatMap((s) => {
      const parsed = s.subnet ? parseSubnet(s.subnet) : undefined;
      return parsed?.ok ? [{ network: n, subnet: parsed.subnet }] : [];
    }));
    if (live.length === 0) return;
    for (const d of declaredSubnets(ctx)) {
      if (!d.local) continue;
      // The network this declaration creates (or created) is not a clash with itself.
      const own = ctx.project.engineName('networks', d.network.name);
      const hit = live.find((l) => l.network.name !== own && overlaps(d.subnet, l.subnet));
      if (!hit) continue;
      ctx.report({
        start: d.at.start, end: d.at.end,
        message: `Subnet ${d.subnet.text} overlaps ${hit.subnet.text} of network "${hit.network.name}" on the engine: pick a free subnet or remove that network.`,
      });
    }
  },
};
