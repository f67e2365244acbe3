import { child, isMapNode, isSeqNode, scalarText } from '../parse';
import type { Rule } from './rule';

/**
 * Environment entries Compose refuses: no variable name (`- =value`; the engine's "invalid environment variable"; the
 * mapping form's empty key is refused by the schema's ".+" key pattern and reported by the schema rule), and a name
 * with a trailing space (`- DEBUG = true`; compose-go: "environment variable DEBUG  is declared with a trailing space").
 */
export const invalidEnvironmentKey: Rule = {
  id: 'invalid-environment-key',
  defaultSeverity: 'error',
  description: 'An `environment` entry with an empty variable name (`- =value`) or a name with a trailing space (`- DEBUG = true`).',
  check(ctx) {
    for (const service of ctx.model.services) {
      const node = child(service.node, 'environment');
      if (isMapNode(node)) {
        for (const e of node.entries) {
          if (e.key.trim() === '' || e.key === e.key.trimEnd()) continue;
          ctx.report({ start: e.keyStart, end: e.keyEnd, message: `Environment variable "${e.key}" of service "${service.name}" is declared with a trailing space: remove it.` });
        }
      }
      if (!isSeqNode(node)) continue;
      for (const item of node.items) {
        const t = scalarText(item);
        if (t === undefined) continue;
        if (/^\s*=/.test(t)) {
          ctx.report({ start: item.start, end: item.end, message: `"${t}" in environment of service "${service.name}" has no variable name before "=": write NAME=value.` });
          continue;
        }
        const eq = t.indexOf('=');
        const name = eq === -1 ? t : t.slice(0, eq);
        if (name === name.trimEnd()) continue;
        // compose-go: "environment variable DEBUG  is declared with a trailing space" (loader_test.go).
        const fixed = `${name.trim()}${eq === -1 ? '' : `=${t.slice(eq + 1).trimStart()}`}`;
        ctx.report({
          start: item.start, end: item.end,
          message: `Environment variable "${name.trim()}" of service "${service.name}" is declared with a trailing space in "${t}": write ${fixed}.`,
        });
      }
    }
  },
};
