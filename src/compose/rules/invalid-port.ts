import type { Rule } from './rule';
import { servicePorts } from './ports';

export const invalidPort: Rule = {
  id: 'invalid-port',
  defaultSeverity: 'error',
  perFile: true,
  description: 'A port mapping is not valid (`[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, ranges, numbers, protocol).',
  check(ctx) {
    for (const p of servicePorts(ctx)) {
      if (!p.result.ok) ctx.report({ start: p.node.start, end: p.node.end, message: p.result.error });
    }
  },
};
