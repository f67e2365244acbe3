import type { Rule } from './rule';

/**
 * Anchors that cannot be expanded: an alias inside its own anchor's value (yaml.v3: "anchor 'x' value contains
 * itself"), and aliases nested so deep that the document would explode ("billion laughs"; yaml.v3: "document
 * contains excessive aliasing").
 */
export const yamlAnchor: Rule = {
  id: 'yaml-anchor',
  defaultSeverity: 'error',
  perFile: true,
  description: 'An alias inside its own anchor\'s value, or aliases that expand to too many nodes.',
  check(ctx) {
    for (const p of ctx.model.parsed.problems) if (p.code === 'yaml-anchor') ctx.report({ start: p.start, end: p.end, message: p.message });
  },
};
