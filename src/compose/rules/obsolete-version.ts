import type { Rule } from './rule';

export const obsoleteVersion: Rule = {
  id: 'obsolete-version',
  defaultSeverity: 'hint',
  perFile: true,
  description: 'The top-level `version` key is obsolete: Compose ignores it.',
  check(ctx) {
    const e = ctx.model.versionEntry;
    if (!e) return;
    ctx.report({
      start: e.keyStart, end: e.keyEnd,
      message: 'The version key is obsolete and ignored by Compose: remove it.',
      fixes: [{ kind: 'delete', title: 'Remove the version key', start: e.keyStart, end: Math.max(e.keyEnd, e.value.end) }],
    });
  },
};
