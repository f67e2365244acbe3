import type { CNode } from '../parse';
import type { Rule } from './rule';

const WHAT = { number: 'a number', boolean: 'a boolean', null: 'empty (null)', collection: 'a sequence or mapping' } as const;

/**
 * Mapping keys YAML reads as something other than a string (`80:`, `true:`, `~:`): compose-go's loader stops
 * with "non-string key" (convertToStringKeysRecursive), wherever the key is, extensions included.
 */
export const nonStringKey: Rule = {
  id: 'non-string-key',
  defaultSeverity: 'error',
  perFile: true,
  description: 'A mapping key that YAML reads as a number, boolean or null: Compose accepts only string keys.',
  check(ctx) {
    const root = ctx.model.parsed.root;
    // The fast scanner reads string keys only (it leaves any other key to the yaml library): nothing to find, and
    // no walk over the million nodes of a big file.
    if (!root || ctx.model.parsed.parser === 'fast') return;
    // Iterative: deep documents must not overflow the stack.
    const stack: CNode[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.kind === 'seq') { for (const i of node.items) stack.push(i); continue; }
      if (node.kind !== 'map') continue;
      for (const e of node.entries) {
        stack.push(e.value);
        if (!e.keyType) continue;
        const text = ctx.model.parsed.text.slice(e.keyStart, e.keyEnd);
        ctx.report({
          start: e.keyStart, end: e.keyEnd,
          message: e.keyType === 'collection'
            ? `This key is ${WHAT[e.keyType]}; Compose accepts only string keys: use a plain name.`
            : `The key ${text} is read as ${WHAT[e.keyType]}; Compose accepts only string keys: quote it ("${text}").`,
          fixes: e.keyType === 'collection' ? [] : [{ kind: 'replace', title: `Quote the key: "${text}"`, start: e.keyStart, end: e.keyEnd, text: JSON.stringify(text) }],
        });
      }
    }
  },
};
