import { child, entry, isMapNode } from '../parse';
import type { Rule } from './rule';

const SINGULAR = { networks: 'Network', volumes: 'Volume' } as const;

/**
 * An external network or volume that also says how to create it (driver, driver_opts, labels, ipam...): Compose
 * does not create external resources and refuses the file (compose-go validation/external.go: `conflicting
 * parameters "external" and "driver" specified`). Only `name`, `external` and x- keys may sit beside it.
 */
export const externalConflict: Rule = {
  id: 'external-conflict',
  defaultSeverity: 'error',
  description: 'An external network or volume that also sets driver, driver_opts, labels or another creation option.',
  check(ctx) {
    for (const section of ['networks', 'volumes'] as const) {
      for (const decl of ctx.model.resources[section]) {
        if (!decl.external || !isMapNode(decl.node)) continue;
        // `external: false` is not external; a string is interpolated to a boolean by Compose.
        const ext = child(decl.node, 'external');
        if (ext?.kind === 'scalar' && typeof ext.value === 'string' && ctx.resolve(ext.value) !== 'true') continue;
        for (const e of decl.node.entries) {
          if (e.key === 'name' || e.key === 'external' || e.key.startsWith('x-')) continue;
          ctx.report({
            start: e.keyStart, end: e.keyEnd,
            message: `${SINGULAR[section]} "${decl.name}" is external, so Compose does not create it and refuses "${e.key}" beside external: remove ${e.key}, or remove external to let Compose create it.`,
            fixes: [{ kind: 'delete', title: `Remove ${e.key}`, start: lineStartOf(ctx.model.parsed.text, e.keyStart), end: entryEnd(ctx.model.parsed.text, e.value.end) }],
          });
        }
      }
    }
  },
};

function lineStartOf(text: string, at: number): number {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*$/.test(text.slice(start, at)) ? start : at;
}

function entryEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl + 1;
}

/** `name:` together with the deprecated `external: { name: }`: compose-go refuses both (normalize.go). */
export const externalNameConflict: Rule = {
  id: 'external-name-conflict',
  defaultSeverity: 'error',
  description: '`name` together with the deprecated `external.name`: Compose refuses both; keep `name` and `external: true`.',
  check(ctx) {
    for (const section of ['networks', 'volumes', 'secrets', 'configs'] as const) {
      for (const decl of ctx.model.resources[section]) {
        const ext = child(decl.node, 'external');
        const extName = entry(ext, 'name');
        if (!extName || !entry(decl.node, 'name')) continue;
        ctx.report({
          start: extName.keyStart, end: extName.keyEnd,
          message: `${section}.${decl.name} sets both name and the deprecated external.name: Compose refuses both; keep name and write external: true.`,
        });
      }
    }
  },
};
