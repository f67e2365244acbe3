import type { Rule } from './rule';

/**
 * network_mode cannot be combined with networks (compose-go refuses it); service: and container: not with ports
 * either (the engine refuses: the ports belong to the container whose network is shared). host and none with ports
 * are not refused, the ports are dropped: ignored-setting says so.
 */
export const networkModeConflict: Rule = {
  id: 'network-mode-conflict',
  defaultSeverity: 'error',
  description: '`network_mode` together with `networks` (Compose refuses both), or `service:` or `container:` with `ports`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const mode = service.networkMode;
      if (!mode) continue;
      const kind = mode.text.startsWith('service:') ? 'service:' : mode.text.startsWith('container:') ? 'container:' : undefined;
      // compose-go refuses networks beside any network_mode ("declares mutually exclusive `network_mode` and
      // `networks`"); an empty networks list or mapping does not count.
      const networks = service.networksEntry?.value;
      const hasNetworks = networks !== undefined && (networks.kind === 'map' ? networks.entries.length > 0 : networks.kind === 'seq' ? networks.items.length > 0 : networks.value !== null);
      if (mode.text !== '' && service.networksEntry && hasNetworks) {
        const e = service.networksEntry;
        ctx.report({
          start: e.keyStart, end: e.keyEnd,
          message: `network_mode: ${mode.text} cannot be combined with networks: remove one of the two.`,
        });
      }
      if (!kind) continue;
      if (service.portsEntry && service.ports.length > 0) {
        const e = service.portsEntry;
        const why = `the ports belong to the ${kind === 'service:' ? 'service' : 'container'} whose network it shares; publish them there`;
        ctx.report({
          start: e.keyStart, end: e.keyEnd,
          message: `network_mode: ${mode.text} cannot be combined with ports (${why}): remove ports.`,
        });
      }
    }
  },
};
