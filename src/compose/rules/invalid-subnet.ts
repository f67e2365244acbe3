import { checkRangeInSubnet, parseSubnet } from '../../model/cidr';
import type { Rule } from './rule';

export const invalidSubnet: Rule = {
  id: 'invalid-subnet',
  defaultSeverity: 'error',
  description: 'An IPAM subnet is not valid CIDR (or has host bits set), or an ip_range is not inside its subnet.',
  check(ctx) {
    for (const network of ctx.model.resources.networks) {
      for (const pool of network.ipam) {
        if (!pool.subnet) continue;
        const text = ctx.resolve(pool.subnet.text);
        if (text === undefined) continue;
        const parsed = parseSubnet(text);
        if (!parsed.ok) {
          ctx.report({ start: pool.subnet.start, end: pool.subnet.end, message: `Network "${network.name}": ${parsed.error}` });
          continue;
        }
        if (pool.ipRange) {
          const range = ctx.resolve(pool.ipRange.text);
          const error = range === undefined ? undefined : checkRangeInSubnet(range, parsed.subnet);
          if (error) ctx.report({ start: pool.ipRange.start, end: pool.ipRange.end, message: `Network "${network.name}": ${error} Fix ip_range or the subnet.` });
        }
      }
    }
  },
};
