import { claimsFixedHostPorts, describePorts, hostIpsOverlap, type PortMapping, type PortRange } from '../mappings';
import type { ServiceDecl } from '../declarations';
import { child, isSeqNode, scalarText, type CNode } from '../parse';
import { okMappings, servicePorts } from './ports';
import type { Rule, RuleContext } from './rule';

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

/**
 * Whether two services can run at the same time, by their profiles. With COMPOSE_PROFILES known (the environment or
 * the project's .env), docker compose starts the services with no profile and those with one of these; without it,
 * two services whose profiles have none in common are taken as alternatives (sentry self-hosted's nginx and
 * nginx-errors-only publish the same port, one per profile).
 */
function runTogether(ctx: RuleContext): (a: string, b: string) => boolean {
  const selected = ctx.project.env.COMPOSE_PROFILES;
  const active = selected === undefined ? undefined : new Set(selected.split(',').map((p) => p.trim()).filter(Boolean));
  const profiles = new Map<string, string[]>();
  const profilesOf = (name: string): string[] => {
    let found = profiles.get(name);
    if (found) return found;
    found = [];
    // The last file that sets a service's profiles decides them.
    for (const decl of ctx.project.services.get(name) ?? []) {
      const node = child(decl.node, 'profiles');
      if (isSeqNode(node)) found = node.items.map((item) => scalarText(item) ?? '').filter(Boolean);
    }
    profiles.set(name, found);
    return found;
  };
  const on = (p: string[]) => p.length === 0 || p.some((x) => active!.has(x) || active!.has('*'));
  return (a, b) => {
    if (a === b) return true;
    const pa = profilesOf(a);
    const pb = profilesOf(b);
    if (active) return on(pa) && on(pb);
    return pa.length === 0 || pb.length === 0 || pa.some((x) => pb.includes(x));
  };
}
