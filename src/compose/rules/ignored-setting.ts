import { splitVolumeSpec } from '../declarations';
import { ignoredVolumeOptions } from '../mappings';
import type { Rule } from './rule';

/**
 * What docker compose accepts and then drops without effect: ports beside `network_mode: host` or `none` (the
 * engine discards them with a warning: the service uses the host's ports, or has no network), and short-syntax
 * volume options compose-go does not know (format/volume.go skips them: `:Z,U` written for Podman, `noexec`).
 */
export const ignoredSetting: Rule = {
  id: 'ignored-setting',
  defaultSeverity: 'warning',
  description: 'A setting docker compose accepts but drops: `ports` with `network_mode: host` or `none`, a volume option it does not know.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const mode = service.networkMode?.text;
      if ((mode === 'host' || mode === 'none') && service.portsEntry && service.ports.length > 0) {
        const e = service.portsEntry;
        const why = mode === 'host' ? 'the service uses the host\'s ports directly' : 'the service has no network to publish on';
        ctx.report({ start: e.keyStart, end: e.keyEnd, message: `ports are dropped with network_mode: ${mode} (${why}): remove them.` });
      }
      for (const node of service.volumes) {
        if (node.kind !== 'scalar' || node.value === null) continue;
        const spec = ctx.resolve(String(node.value));
        if (spec === undefined) continue;
        const ignored = ignoredVolumeOptions(splitVolumeSpec(spec));
        if (ignored.length === 0) continue;
        ctx.report({
          start: node.start, end: node.end,
          message: `docker compose drops the volume option${ignored.length > 1 ? 's' : ''} ${ignored.map((o) => `"${o}"`).join(', ')} of "${spec}": it applies ro, rw, z, Z, nocopy and propagation modes only; remove ${ignored.length > 1 ? 'them' : 'it'}, or use the long syntax.`,
        });
      }
    }
  },
};
