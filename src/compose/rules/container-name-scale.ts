import { child, entry, scalarText } from '../parse';
import type { Rule } from './rule';

/** container_name with more than one replica: container names are unique, so Compose refuses it. */
export const containerNameScale: Rule = {
  id: 'container-name-scale',
  defaultSeverity: 'error',
  description: '`container_name` on a service that runs more than one container (`scale` or `deploy.replicas` above 1).',
  check(ctx) {
    for (const service of ctx.model.services) {
      const name = entry(service.node, 'container_name');
      if (!name) continue;
      for (const [label, node] of [['scale', child(service.node, 'scale')], ['deploy.replicas', child(child(service.node, 'deploy'), 'replicas')]] as const) {
        const raw = scalarText(node);
        const n = raw === undefined ? undefined : Number(ctx.resolve(raw));
        if (n === undefined || !(n > 1)) continue;
        ctx.report({
          start: name.keyStart, end: name.keyEnd,
          message: `Service "${service.name}" sets container_name and ${label}: ${raw}: a container name is unique, so only one container can have it; remove container_name or run one replica.`,
        });
        break;
      }
    }
  },
};
