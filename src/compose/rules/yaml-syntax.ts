import type { Rule } from './rule';

/** The parser's own errors: the file is not valid YAML, or uses a tag Compose does not know. */
export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  defaultSeverity: 'error',
  perFile: true,
  description: 'The file is not valid YAML (or uses a tag other than !reset and !override).',
  check(ctx) {
    const text = ctx.model.parsed.text;
    for (const p of ctx.model.parsed.problems) {
      if (p.code) continue; // reported by its own rule
      const { start, end } = p.start < p.end ? p : visibleSpan(text, p.start);
      const message = /[.:!?]$/.test(p.message) ? p.message : `${p.message}.`;
      ctx.report({ start, end, message: /Unknown tag|nests more than/.test(message) ? message : `YAML: ${message} Fix the syntax here.` });
    }
  },
};

/** A zero-width error (often at the end of the file) is shown on the last non-blank line before it. */
function visibleSpan(text: string, at: number): { start: number; end: number } {
  let end = Math.min(at, text.length);
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  if (end === 0) return { start: at, end: at };
  const lineStart = text.lastIndexOf('\n', end - 1) + 1;
  let start = lineStart;
  while (start < end && text[start] === ' ') start++;
  return { start, end };
}
