import { runTogether } from './profiles';
import type { Rule } from './rule';

export const duplicateContainerName: Rule = {
  id: 'duplicate-container-name',
  defaultSeverity: 'error',
  description: 'Two services set the same `container_name`.',
  check(ctx) {
    // docker compose checks the services the active profiles start (types/project.go CheckContainerNameUnicity).
    const together = runTogether(ctx);
    const owners = new Map<string, Set<string>>();
    for (const [name, decls] of ctx.project.services) {
      for (const d of decls) {
        if (!d.containerName) continue;
        const value = ctx.resolve(d.containerName.text);
        if (value === undefined) continue;
        const set = owners.get(value) ?? new Set<string>();
        set.add(name);
        owners.set(value, set);
      }
    }
    for (const service of ctx.model.services) {
      const c = service.containerName;
      if (!c) continue;
      const value = ctx.resolve(c.text);
      const others = value === undefined ? [] : [...owners.get(value) ?? []].filter((s) => s !== service.name && together(s, service.name));
      if (others.length === 0) continue;
      ctx.report({
        start: c.start, end: c.end,
        message: `container_name "${value}" is also used by service "${others[0]}": container names must be unique, change one.`,
      });
    }
  },
};
