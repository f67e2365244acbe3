/**
 * YAML anchors (`&name`) and the aliases (`*name`) that refer to them, for highlighting and going to an
 * alias's anchor. Read from the `yaml` library's concrete syntax tree, so an `&` or `*` inside a quoted
 * string, a block scalar or a comment is never taken for one. An alias refers to the nearest anchor of that
 * name before it: YAML lets a later `&name` redefine the name, and aliases after it then mean the new one.
 */
import { Parser } from 'yaml';
import { HOST_YAML_LIMIT } from '../parse';

export interface AnchorMark {
  kind: 'anchor' | 'alias';
  name: string;
  /** The name's text, after the `&` or `*`. */
  start: number;
  end: number;
  /** The anchor an alias refers to (its start); an anchor's own start. Undefined for an alias with no anchor. */
  definition: number | undefined;
}

/**
 * The last text's marks: highlights are asked on every cursor move, and the text of one document version is the
 * same string each time (compared by identity first), so a file is parsed once per version, not per move.
 */
let last: { text: string; marks: AnchorMark[] } | undefined;

/** Every anchor and alias of the text, in text order. */
export function anchorMarks(text: string): AnchorMark[] {
  if (last?.text === text) return last.marks;
  const marks = readMarks(text);
  last = { text, marks };
  return marks;
}

/**
 * Larger texts are not read: this runs on the extension host when the cursor moves, where the yaml library reads
 * no more than HOST_YAML_LIMIT. Compose files with anchors are far smaller; above this size anchors are simply
 * not highlighted.
 */
export const MAX_ANCHOR_TEXT = HOST_YAML_LIMIT;

function readMarks(text: string): AnchorMark[] {
  // No anchor or alias can exist without these characters: skip the parse for the common file.
  if (text.length > MAX_ANCHOR_TEXT || (!text.includes('&') && !text.includes('*'))) return [];
  const found: Array<{ kind: 'anchor' | 'alias'; offset: number; source: string }> = [];
  const visit = (value: unknown, depth: number): void => {
    if (!value || typeof value !== 'object' || depth > 400) return;
    if (Array.isArray(value)) { for (const v of value) visit(v, depth + 1); return; }
    const token = value as { type?: unknown; offset?: unknown; source?: unknown };
    if ((token.type === 'anchor' || token.type === 'alias') && typeof token.offset === 'number' && typeof token.source === 'string') {
      found.push({ kind: token.type, offset: token.offset, source: token.source });
      return;
    }
    for (const key of Object.keys(value)) if (key !== 'source' || typeof token.source !== 'string') visit((value as Record<string, unknown>)[key], depth + 1);
  };
  for (const doc of new Parser().parse(text)) visit(doc, 0);
  found.sort((a, b) => a.offset - b.offset);
  const latest = new Map<string, number>();
  return found.map(({ kind, offset, source }) => {
    const name = source.slice(1);
    const start = offset + 1;
    if (kind === 'anchor') latest.set(name, start);
    return { kind, name, start, end: start + name.length, definition: kind === 'anchor' ? start : latest.get(name) };
  });
}

/** The anchor or alias under `offset` (on its sigil or name) and every mark that means the same anchor. */
export function anchorGroupAt(text: string, offset: number): { at: AnchorMark; group: AnchorMark[] } | undefined {
  const marks = anchorMarks(text);
  const at = marks.find((m) => offset >= m.start - 1 && offset <= m.end);
  if (!at || at.definition === undefined) return undefined;
  return { at, group: marks.filter((m) => m.name === at.name && m.definition === at.definition) };
}
