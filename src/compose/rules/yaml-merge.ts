import type { Rule } from './rule';

/** `<<:` whose value is not a mapping (or a list of mappings): yaml.v3 refuses it, so docker compose does too. */
export const yamlMerge: Rule = {
  id: 'yaml-merge',
  defaultSeverity: 'error',
  perFile: true,
  description: 'A `<<:` merge key whose value is a scalar or a list with a non-mapping: only mappings can be merged.',
  check(ctx) {
    for (const p of ctx.model.parsed.problems) if (p.code === 'yaml-merge') ctx.report({ start: p.start, end: p.end, message: p.message });
  },
};
