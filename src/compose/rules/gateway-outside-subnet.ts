import { checkAddressInSubnet, parseSubnet } from '../../model/cidr';
import type { Rule } from './rule';

export const gatewayOutsideSubnet: Rule = {
  id: 'gateway-outside-subnet',
  defaultSeverity: 'error',
  description: 'An IPAM gateway is not an address inside its subnet (or is its network or broadcast address).',
  check(ctx) {
    for (const network of ctx.model.resources.networks) {
      for (const pool of network.ipam) {
        if (!pool.gateway || !pool.subnet) continue;
        const subnetText = ctx.resolve(pool.subnet.text);
        const gatewayText = ctx.resolve(pool.gateway.text);
        if (subnetText === undefined || gatewayText === undefined) continue;
        const subnet = parseSubnet(subnetText);
        if (!subnet.ok) continue;
        const error = checkAddressInSubnet(gatewayText, subnet.subnet, 'Gateway');
        if (error) ctx.report({ start: pool.gateway.start, end: pool.gateway.end, message: `Network "${network.name}": ${error} Pick an address inside it.` });
      }
    }
  },
};
