import type { CNode } from '../parse';
import type { Rule } from './rule';

/**
 * `${` that does not form a variable Compose knows: `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`, `${NAME:+alt}`, `${NAME+alt}` (defaults may nest variables). compose-go stops
 * with "invalid interpolation format" (template.go); a `$` meant literally is written `$$`. A `$` followed by
 * anything but `{` or a name is left as it is, as Compose does.
 */
export const invalidInterpolation: Rule = {
  id: 'invalid-interpolation',
  defaultSeverity: 'error',
  perFile: true,
  description: 'A `${...}` that is not a valid Compose variable (unclosed, empty, bad name or operator): write `$$` for a literal `$`.',
  check(ctx) {
    const root = ctx.model.root;
    if (!root) return;
    const text = ctx.model.parsed.text;
    // A value holds a `$` only where the text has one, or a double-quoted escape (which needs a backslash): a
    // file with neither has nothing to check here, and a big one is spared a walk over every node.
    if (!text.includes('$') && !text.includes('\\')) return;
    const stack: CNode[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.kind === 'map') { for (const e of node.entries) stack.push(e.value); continue; }
      if (node.kind === 'seq') { for (const i of node.items) stack.push(i); continue; }
      if (typeof node.value !== 'string' || !node.value.includes('${')) continue;
      const bad = firstInvalid(node.value);
      if (bad === undefined) continue;
      // A plain one-line scalar is the text itself: point at the very `${`.
      const exact = !node.quoted && text.slice(node.start, node.end) === node.value;
      const start = exact ? node.start + bad.at : node.start;
      const end = exact ? node.start + bad.end : node.end;
      ctx.report({
        start, end,
        message: `Invalid interpolation "${bad.text}": Compose stops on it; close the variable as \${NAME} (or \${NAME:-default}), or write $$ for a literal $.`,
      });
    }
  },
};

const NAME = /[_A-Za-z][_A-Za-z0-9]*/y;

/** The first invalid `${...}` in a value, with its offsets; undefined when every one is valid. */
export function firstInvalid(value: string): { at: number; end: number; text: string } | undefined {
  for (let i = value.indexOf('$'); i !== -1 && i < value.length; i = value.indexOf('$', i)) {
    if (value[i + 1] === '$') { i += 2; continue; }
    if (value[i + 1] !== '{') { i++; continue; }
    const end = braced(value, i);
    if (end < 0) {
      const close = value.indexOf('}', i);
      const stop = Math.min(close === -1 ? value.length : close + 1, i + 40);
      return { at: i, end: stop, text: value.slice(i, stop) };
    }
    i = end;
  }
  return undefined;
}

/** The offset after a valid `${...}` starting at `at`, or -1. */
function braced(value: string, at: number): number {
  NAME.lastIndex = at + 2;
  if (!NAME.exec(value)) return -1;
  let p = NAME.lastIndex;
  // compose-go also reads bash-style array references: ${ARRAY[*]}, ${ARRAY[0]} (loader_test.go).
  if (value[p] === '[') {
    const close = value.indexOf(']', p);
    if (close === -1) return -1;
    p = close + 1;
  }
  if (value[p] === '}') return p + 1;
  if (value[p] === ':') p++;
  if (value[p] !== '-' && value[p] !== '+' && value[p] !== '?') return -1;
  // The default runs to the matching `}`: nested `${...}` are skipped whole (and must be valid themselves).
  for (p++; p < value.length; p++) {
    if (value[p] === '}') return p + 1;
    if (value[p] === '$' && value[p + 1] === '$') { p++; continue; }
    if (value[p] === '$' && value[p + 1] === '{') {
      const inner = braced(value, p);
      if (inner < 0) return -1;
      p = inner - 1;
    }
  }
  return -1;
}
