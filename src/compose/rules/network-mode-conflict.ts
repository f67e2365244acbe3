import type { Rule } from './rule';

/** network_mode host/none/service:/container: cannot be combined with networks, nor (but for none) with ports. */
export const networkModeConflict: Rule = {
  id: 'network-mode-conflict',
  defaultSeverity: 'error',
  description: '`network_mode: host`, `none`, `service:` or `container:` together with `networks` or `ports`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const mode = service.networkMode;
      if (!mode) continue;
      const kind = mode.text === 'host' || mode.text === 'none' ? mode.text
        : mode.text.startsWith('service:') ? 'service:' : mode.text.startsWith('container:') ? 'container:' : undefined;
      if (!kind) continue;
      if (service.networksEntry) {
        const e = service.networksEntry;
        ctx.report({
          start: e.keyStart, end: e.keyEnd,
          message: `network_mode: ${mode.text} cannot be combined with networks: remove one of the two.`,
        });
      }
      if (service.portsEntry && service.ports.length > 0) {
        const e = service.portsEntry;
        const why = kind === 'host' ? 'the service already uses the host\'s ports directly'
          : kind === 'none' ? 'the service has no network to publish on'
          : `the ports belong to the ${kind === 'service:' ? 'service' : 'container'} whose network it shares; publish them there`;
        ctx.report({
          start: e.keyStart, end: e.keyEnd,
          message: `network_mode: ${mode.text} cannot be combined with ports (${why}): remove ports.`,
        });
      }
    }
  },
};
