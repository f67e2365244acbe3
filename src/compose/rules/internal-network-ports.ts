import type { Rule } from './rule';

/** Ports published by a service that is only on internal networks are never reachable from the host. */
export const internalNetworkPorts: Rule = {
  id: 'internal-network-ports',
  defaultSeverity: 'warning',
  description: 'A service publishes ports but all its networks are `internal: true`, so nothing outside can reach them.',
  check(ctx) {
    for (const service of ctx.model.services) {
      if (service.networkMode || !service.portsEntry || service.ports.length === 0) continue;
      const names = service.networks.length ? service.networks.map((r) => r.name) : ['default'];
      const decls = names.map((n) => ctx.project.declared.networks.get(n));
      if (!decls.every((d) => d?.internal)) continue;
      const e = service.portsEntry;
      const list = names.map((n) => `"${n}"`).join(', ');
      ctx.report({
        start: e.keyStart, end: e.keyEnd,
        message: `Service "${service.name}" publishes ports but is only on internal network${names.length > 1 ? 's' : ''} ${list}: join a non-internal network or remove ports.`,
      });
    }
  },
};
