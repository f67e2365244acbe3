import type { ResourceDecl } from '../declarations';
import { child, entry, isMapNode, type CEntry } from '../parse';
import type { Rule, RuleContext } from './rule';

/**
 * An external volume that also says how to create it (driver, driver_opts, labels): Compose does not create
 * external resources and refuses the file (compose-go validation: `conflicting parameters "external" and
 * "driver" specified`). Only `name`, `external` and x- keys may sit beside it. compose-go checks volumes only;
 * the same keys on an external network are ignored, which external-network-options reports as a warning.
 */
export const externalConflict: Rule = {
  id: 'external-conflict',
  defaultSeverity: 'error',
  description: 'An external volume that also sets driver, driver_opts, labels or another creation option.',
  check(ctx) {
    for (const [decl, e] of creationOptions(ctx, 'volumes')) {
      ctx.report({
        start: e.keyStart, end: e.keyEnd,
        message: `Volume "${decl.name}" is external, so Compose does not create it and refuses "${e.key}" beside external: remove ${e.key}, or remove external to let Compose create it.`,
        fixes: [{ kind: 'delete', title: `Remove ${e.key}`, start: lineStartOf(ctx.model.parsed.text, e.keyStart), end: entryEnd(ctx.model.parsed.text, e.value.end) }],
      });
    }
  },
};

/** The same for networks: Compose accepts the file but never creates the network, so the options do nothing. */
export const externalNetworkOptions: Rule = {
  id: 'external-network-options',
  defaultSeverity: 'warning',
  description: 'An external network that also sets driver, driver_opts, ipam, labels or another creation option, which Compose ignores.',
  check(ctx) {
    for (const [decl, e] of creationOptions(ctx, 'networks')) {
      ctx.report({
        start: e.keyStart, end: e.keyEnd,
        message: `Network "${decl.name}" is external, so Compose does not create it and ignores "${e.key}": remove ${e.key}, or remove external to let Compose create it.`,
        fixes: [{ kind: 'delete', title: `Remove ${e.key}`, start: lineStartOf(ctx.model.parsed.text, e.keyStart), end: entryEnd(ctx.model.parsed.text, e.value.end) }],
      });
    }
  },
};

function creationOptions(ctx: RuleContext, section: 'networks' | 'volumes'): Array<[ResourceDecl, CEntry]> {
  const out: Array<[ResourceDecl, CEntry]> = [];
  for (const decl of ctx.model.resources[section]) {
    if (!decl.external || !isMapNode(decl.node)) continue;
    // `external: false` is not external; a string is interpolated to a boolean by Compose.
    const ext = child(decl.node, 'external');
    if (ext?.kind === 'scalar' && typeof ext.value === 'string' && ctx.resolve(ext.value) !== 'true') continue;
    for (const e of decl.node.entries) {
      if (e.key === 'name' || e.key === 'external' || e.key.startsWith('x-')) continue;
      out.push([decl, e]);
    }
  }
  return out;
}

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
