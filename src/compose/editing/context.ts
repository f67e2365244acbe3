/**
 * Where the cursor is in a Compose file's YAML structure, read from indentation alone (the line under the cursor
 * and the lines above it), so it works on a half-typed line that does not parse, and costs a scan of leading
 * spaces per line instead of a parse. The parsed tree stays the analysis's; this only answers "which key path".
 */
import type { LineIndex } from '../parse';

/** A key path from the document root: keys, and `[]` for a sequence item. */
export type YamlPath = string[];

export interface CursorContext {
  /** The path of the mapping (or sequence) that holds the cursor's entry. */
  path: YamlPath;
  /**
   * key: typing a key of the mapping at `path` (or a plain sequence item when `inSequence`);
   * value: typing the value of `key`.
   */
  kind: 'key' | 'value';
  /** For kind value: the key whose value is typed. */
  key?: string;
  /** The cursor's line is a sequence item (`- ...`) directly under `path`. */
  inSequence: boolean;
  /** What is typed so far of the word being completed. */
  prefix: string;
  /** Offsets of the text a completion replaces: from the start of the word to its end. */
  replaceStart: number;
  replaceEnd: number;
  /** Column of the keys of the mapping at `path` (for siblings), in characters. */
  column: number;
}

interface LineShape {
  /** Leading spaces. */
  lead: number;
  /** Columns of `- ` sequence markers on the line, in order. */
  dashes: number[];
  /** The key on the line, when there is one, and its column. */
  key?: string;
  keyColumn: number;
  /** Text after `key:` (trimmed), '' when none. */
  rest: string;
  blank: boolean;
}

const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[][^:#]*?)\s*:(?:\s+(.*))?$/;

export function lineShape(line: string): LineShape {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  const lead = i;
  const dashes: number[] = [];
  while (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ')) {
    dashes.push(i);
    i++;
    while (i < line.length && line.charCodeAt(i) === 32) i++;
  }
  const content = line.slice(i).replace(/\s+$/, '');
  const blank = (content === '' && dashes.length === 0) || content.startsWith('#');
  const m = KEY_RE.exec(content);
  if (!m) return { lead, dashes, keyColumn: i, rest: '', blank };
  return { lead, dashes, key: unquote(m[1].trim()), keyColumn: i, rest: (m[2] ?? '').replace(/\s+#.*$/, '').trim(), blank };
}

export function unquote(text: string): string {
  if (text.length >= 2 && ((text[0] === '"' && text.endsWith('"')) || (text[0] === "'" && text.endsWith("'")))) return text.slice(1, -1);
  return text;
}

/**
 * The path of the mapping whose keys sit at `column`, looking up from `line` (exclusive). `allowEqual` lets a
 * key at the same column be the parent, as in a sequence written flush with its key (`networks:\n- a`).
 */
export function parentPath(text: string, lines: LineIndex, line: number, column: number, seqDepth: number): YamlPath {
  const path: YamlPath = [];
  for (let i = 0; i < seqDepth; i++) path.push('[]');
  let target = column;
  let allowEqual = seqDepth > 0;
  for (let l = line - 1; l >= 0 && (target > 0 || allowEqual); l--) {
    const start = lines.lineStart(l);
    // Cheap skip: a line indented past the target cannot be an ancestor.
    let lead = 0;
    while (text.charCodeAt(start + lead) === 32) lead++;
    if (lead > target || (lead === target && !allowEqual)) continue;
    const shape = lineShape(text.slice(start, lines.lineEnd(l)));
    if (shape.blank) continue;
    if (shape.dashes.length) {
      // A sibling item (or a deeper one) of the sequence we are in.
      if (shape.dashes[0] >= target) continue;
      // `- key:` opening a block that holds the target, or `- key: v` whose mapping the target belongs to.
      if (shape.key !== undefined && shape.rest === '' && shape.keyColumn < target) path.push(shape.key);
      for (let d = shape.dashes.length - 1; d >= 0; d--) if (shape.dashes[d] < target) path.push('[]');
      target = shape.dashes[0];
      allowEqual = true;
      continue;
    }
    if (shape.key === undefined) continue;
    if (shape.keyColumn < target || (allowEqual && shape.keyColumn === target)) {
      path.push(shape.key);
      target = shape.keyColumn;
      allowEqual = false;
    }
  }
  return path.reverse();
}

/** The structure around `offset`. */
export function cursorContext(text: string, lines: LineIndex, offset: number): CursorContext {
  const pos = lines.position(offset);
  const lineStart = lines.lineStart(pos.line);
  const lineEnd = lines.lineEnd(pos.line);
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd);
  const shape = lineShape(before);
  const wordAfter = /^[^\s:,\]}#"']*/.exec(after)?.[0] ?? '';
  const seqDepth = shape.dashes.length;
  const column = seqDepth ? shape.dashes[0] : shape.lead;
  const keyColumn = shape.keyColumn;
  // Value position: `key: va|`.
  const valueMatch = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[][^:#]*?)\s*:\s+(.*)$/.exec(before.slice(keyColumn));
  if (valueMatch && !/^\s*-\s/.test(valueMatch[2])) {
    const typed = valueMatch[2];
    const q = typed.startsWith('"') || typed.startsWith("'") ? 1 : 0;
    const path = seqDepth
      ? parentPath(text, lines, pos.line, column, seqDepth)
      : parentPath(text, lines, pos.line, keyColumn, 0);
    return {
      path, kind: 'value', key: unquote(valueMatch[1].trim()), inSequence: seqDepth > 0,
      prefix: typed.slice(q), replaceStart: offset - typed.length + q, replaceEnd: offset + wordAfter.length, column: keyColumn,
    };
  }
  const typed = before.slice(keyColumn);
  if (/[:#]/.test(typed) || typed.includes(' ') && !/^["']/.test(typed)) {
    // Inside a flow collection or after a comment: nothing sensible to offer.
    return { path: [], kind: 'value', inSequence: false, prefix: typed, replaceStart: offset, replaceEnd: offset, column: keyColumn };
  }
  const q = typed.startsWith('"') || typed.startsWith("'") ? 1 : 0;
  if (seqDepth) {
    // `- na|`: a plain item of the sequence, or the first key of a mapping item.
    const path = parentPath(text, lines, pos.line, column, seqDepth);
    return { path, kind: 'key', inSequence: true, prefix: typed.slice(q), replaceStart: offset - typed.length + q, replaceEnd: offset + wordAfter.length, column: keyColumn };
  }
  const col = before.length === shape.lead ? pos.character : keyColumn;
  const path = parentPath(text, lines, pos.line, col, 0);
  return { path, kind: 'key', inSequence: false, prefix: typed.slice(q), replaceStart: offset - typed.length + q, replaceEnd: offset + wordAfter.length, column: col };
}

/** Keys already written in the mapping around `line` whose keys sit at `column` (the cursor's own line excluded). */
export function siblingKeys(text: string, lines: LineIndex, line: number, column: number): Set<string> {
  const keys = new Set<string>();
  const scan = (from: number, step: 1 | -1) => {
    for (let l = from; l >= 0 && l < lines.lineCount; l += step) {
      const shape = lineShape(text.slice(lines.lineStart(l), lines.lineEnd(l)));
      if (shape.blank) continue;
      const col = shape.dashes.length ? shape.dashes[0] : shape.lead;
      if (col < column) {
        // The first key of a `- key:` item is a sibling of the keys below it.
        if (step === -1 && shape.dashes.length && shape.keyColumn === column && shape.key !== undefined) keys.add(shape.key);
        return;
      }
      if (shape.dashes.length && col === column) return; // the next item of the same sequence
      if (col === column && shape.key !== undefined) keys.add(shape.key);
    }
  };
  scan(line - 1, -1);
  scan(line + 1, 1);
  return keys;
}
