import { isMapNode, type CMap } from '../parse';
import type { Rule } from './rule';

/**
 * Where a config's or secret's content comes from (compose-go validation.go, checkFileObject): configs take one
 * of file, environment or content; secrets one of file or environment. More than one is refused, and so is none
 * unless the resource is external. A secret with a driver alone passes checkFileObject but not the check after it
 * (loader/validate.go checkConsistency: "secret must declare either `file` or `environment`").
 */
export const resourceSource: Rule = {
  id: 'resource-source',
  defaultSeverity: 'error',
  description: 'A config with more than one (or none) of file, environment and content; a secret with both (or neither) of file and environment.',
  check(ctx) {
    for (const section of ['configs', 'secrets'] as const) {
      const keys = section === 'configs' ? ['file', 'environment', 'content'] : ['file', 'environment'];
      const what = section === 'configs' ? 'Config' : 'Secret';
      for (const decl of ctx.model.resources[section]) {
        if (!isMapNode(decl.node)) continue;
        // Override files merge key by key: judge the merged declaration, report in this file.
        const merged = mergedKeys(ctx.project.files.map((f) => f.merged.resources[section].find((d) => d.name === decl.name)?.node));
        const set = keys.filter((k) => merged.has(k));
        if (set.length > 1) {
          for (const e of decl.node.entries) {
            if (!set.includes(e.key)) continue;
            ctx.report({
              start: e.keyStart, end: e.keyEnd,
              message: `${what} "${decl.name}" sets ${set.join(' and ')}: they are mutually exclusive; keep one.`,
            });
          }
        } else if (set.length === 0 && !merged.has('external')) {
          ctx.report({
            start: decl.keyStart, end: decl.keyEnd,
            message: `${what} "${decl.name}" has no content: set ${section === 'configs' ? 'one of file, environment or content' : 'file or environment'}, or external: true if it already exists.`,
          });
        }
      }
    }
  },
};

function mergedKeys(nodes: Array<CMap | unknown>): Set<string> {
  const keys = new Set<string>();
  for (const n of nodes) if (isMapNode(n as CMap)) for (const e of (n as CMap).entries) keys.add(e.key);
  return keys;
}
