import { overlaps } from '../../model/cidr';
import { declaredSubnets } from './ipam';
import type { Rule } from './rule';

export const subnetOverlap: Rule = {
  id: 'subnet-overlap',
  defaultSeverity: 'error',
  description: 'Two declared networks (or two pools of one) have overlapping subnets.',
  check(ctx) {
    const all = declaredSubnets(ctx);
    for (const a of all) {
      if (!a.local) continue;
      const b = all.find((o) => o !== a && overlaps(a.subnet, o.subnet) && !(o.network.name === a.network.name && o.local !== a.local));
      if (!b) continue;
      const whose = b.network.name === a.network.name ? 'another pool of the same network' : `network "${b.network.name}"`;
      ctx.report({
        start: a.at.start, end: a.at.end,
        message: `Subnet ${a.subnet.text} of network "${a.network.name}" overlaps ${b.subnet.text} of ${whose}: pick subnets that do not overlap.`,
      });
    }
  },
};
