import type { Rule } from './rule';

/**
 * A Compose file with nothing in it: compose-go stops with "empty compose file" when the project's files hold no
 * key (once `version` is dropped), and when a document is an explicit null (`~`).
 */
export const emptyFile: Rule = {
  id: 'empty-file',
  defaultSeverity: 'error',
  description: 'The file (and the project it belongs to) defines nothing: docker compose refuses an empty Compose file.',
  check(ctx) {
    const { root, problems, text } = ctx.model.parsed;
    if (problems.some((p) => p.severity === 'error' && !p.code)) return; // a syntax error is the real problem
    const explicitNull = root?.kind === 'scalar' && root.value === null && root.end > root.start;
    const keys = (m: typeof ctx.model) => (m.root ? m.root.entries.filter((e) => e.key !== 'version').length : 0);
    if (!explicitNull) {
      if (root && root.kind !== 'map') return; // the schema says what it must be
      if (keys(ctx.model) > 0) return;
      // Another file of the project (an override on top of this one) may define everything.
      if (ctx.project.files.some((f) => f.merged !== ctx.model && keys(f.merged) > 0)) return;
    }
    const firstLine = text.search(/\S/);
    const start = root && root.end > root.start ? root.start : Math.max(0, firstLine);
    const end = root && root.end > root.start ? root.end : start === firstLine ? text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start) : start;
    const only = ctx.model.versionEntry ? ' (version alone does not count: it is ignored)' : '';
    ctx.report({ start, end, message: `The Compose file is empty${only}: docker compose refuses it; add a services section.` });
  },
};
