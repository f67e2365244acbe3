/** The IPAM pools declared in the project, parsed once per analysis, for the subnet rules. */
import { parseSubnet, type Subnet } from '../../model/cidr';
import type { ResourceDecl, TextAt } from '../declarations';
import type { RuleContext } from './rule';

export interface DeclaredSubnet {
  network: ResourceDecl;
  at: TextAt;
  subnet: Subnet;
  local: boolean;
}

/** Valid subnets of the project's non-external networks (the invalid ones are invalid-subnet's business). */
export function declaredSubnets(ctx: RuleContext): DeclaredSubnet[] {
  const out: DeclaredSubnet[] = [];
  for (const f of ctx.project.files) {
    const local = f.merged === ctx.model;
    for (const network of f.merged.resources.networks) {
      if (network.external) continue;
      for (const pool of network.ipam) {
        if (!pool.subnet) continue;
        const text = ctx.resolve(pool.subnet.text);
        if (text === undefined) continue;
        const parsed = parseSubnet(text);
        if (parsed.ok) out.push({ network, at: pool.subnet, subnet: parsed.subnet, local });
      }
    }
  }
  return out;
}
