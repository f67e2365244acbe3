import { claimsFixedHostPorts, describePorts, hostIpsOverlap, type PortMapping, type PortRange } from '../mappings';
import type { ServiceDecl } from '../declarations';
import type { CNode } from '../parse';
import { okMappings, servicePorts } from './ports';
import { runTogether } from './profiles';
import type { Rule } from './rule';

interface Claim {
  service: ServiceDecl;
  node: CNode;
  mapping: PortMapping & { host: PortRange };
  local: boolean;
}

/** Ranges wider than this are compared pairwise instead of port by port. */
const EXPAND_LIMIT = 256;

export const duplicateHostPort: Rule = {
  id: 'duplicate-host-port',
  defaultSeverity: 'error',
  description: 'The same host port (and protocol, on overlapping host addresses) is published twice.',
  check(ctx) {
    const claims: Claim[] = [];
    for (const f of ctx.project.files) {
      const local = f.merged === ctx.model;
      for (const p of okMappings(servicePorts(ctx, f.merged.services))) {
        if (claimsFixedHostPorts(p.mapping)) claims.push({ service: p.service, node: p.node, mapping: p.mapping, local });
      }
    }
    const byPort = new Map<string, Claim[]>();
    const wide: Claim[] = [];
    for (const c of claims) {
      const { start, end } = c.mapping.host;
      if (end - start > EXPAND_LIMIT) { wide.push(c); continue; }
      for (let port = start; port <= end; port++) {
        const key = `${port}/${c.mapping.protocol}`;
        const list = byPort.get(key);
        if (list) list.push(c); else byPort.set(key, [c]);
      }
    }
    const reported = new Set<Claim>();
    const together = runTogether(ctx);
    const clash = (a: Claim, b: Claim): boolean => {
      if (a === b || a.mapping.protocol !== b.mapping.protocol || !hostIpsOverlap(a.mapping.hostIp, b.mapping.hostIp)) return false;
      if (!together(a.service.name, b.service.name)) return false;
      // The same mapping repeated for one service in an override file is merged away by Compose.
      if (a.service.name === b.service.name && a.local !== b.local && a.mapping.text === b.mapping.text) return false;
      return a.mapping.host.start <= b.mapping.host.end && b.mapping.host.start <= a.mapping.host.end;
    };
    const report = (a: Claim, b: Claim) => {
      if (!a.local || reported.has(a)) return;
      reported.add(a);
      const other = a.service.name === b.service.name ? 'again in the same service' : `by service "${b.service.name}" too`;
      ctx.report({
        start: a.node.start, end: a.node.end,
        message: `Host port ${describePorts(a.mapping)} is published ${other}: use a different host port for one of them.`,
      });
    };
    for (const list of byPort.values()) {
      if (list.length < 2) continue;
      for (const a of list) for (const b of list) if (clash(a, b)) report(a, b);
    }
    for (const a of wide) {
      for (const b of claims) {
        if (clash(a, b)) { report(a, b); report(b, a); }
      }
    }
  },
};
