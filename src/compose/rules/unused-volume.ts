import { namedVolumeRefs } from '../declarations';
import type { Rule } from './rule';

export const unusedVolume: Rule = {
  id: 'unused-volume',
  defaultSeverity: 'hint',
  description: 'A volume is declared but no service mounts it.',
  check(ctx) {
    const used = new Set<string>();
    for (const decls of ctx.project.services.values()) {
      for (const s of decls) for (const r of namedVolumeRefs(s)) used.add(r.name);
    }
    for (const decl of ctx.model.resources.volumes) {
      if (used.has(decl.name)) continue;
      ctx.report({
        start: decl.keyStart, end: decl.keyEnd,
        message: `Volume "${decl.name}" is declared but no service mounts it: mount it in a service or remove it.`,
        fixes: [{ kind: 'delete', title: `Remove volume "${decl.name}"`, start: decl.keyStart, end: decl.end }],
      });
    }
  },
};
