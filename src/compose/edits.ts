/** Quick fixes as text edits (offsets into the analysed text), so the editor only has to apply them. */
import type { ComposeModel, Section } from './declarations';
import type { Fix } from './rules/rule';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The edits a fix makes, or undefined for fixes that act on the engine rather than the text. */
export function editsFor(model: ComposeModel, fix: Fix): TextEdit[] | undefined {
  const text = model.parsed.text;
  switch (fix.kind) {
    case 'replace': return [{ start: fix.start, end: fix.end, text: fix.text }];
    case 'delete': return [wholeLines(text, fix.start, fix.end)];
    case 'declare': return [declaration(model, fix.section, fix.name, fix.external ?? false)];
    default: return undefined;
  }
}

/** Widens a deletion to whole lines when it covers everything on them but indentation and a comment. */
function wholeLines(text: string, start: number, end: number): TextEdit {
  let s = start;
  while (s > 0 && text[s - 1] === ' ') s--;
  const atLineStart = s === 0 || text[s - 1] === '\n';
  let e = end;
  const nl = text.indexOf('\n', e);
  const rest = text.slice(e, nl === -1 ? text.length : nl);
  if (atLineStart && /^\s*(?:#.*)?$/.test(rest)) {
    e = nl === -1 ? text.length : nl + 1;
    return { start: s, end: e, text: '' };
  }
  return { start, end, text: '' };
}

function quoteKey(name: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(name) ? name : JSON.stringify(name);
}

/** The indentation the file uses for one level (from its first nested key), 2 by default. */
function indentUnit(model: ComposeModel): string {
  const text = model.parsed.text;
  for (const e of model.root?.entries ?? []) {
    const v = e.value;
    if (v.kind === 'map' && !v.flow && v.entries.length) {
      const k = v.entries[0].keyStart;
      const lineStart = text.lastIndexOf('\n', k - 1) + 1;
      const width = k - lineStart;
      if (width > 0 && /^ +$/.test(text.slice(lineStart, k))) return ' '.repeat(width);
    }
  }
  return '  ';
}

function declaration(model: ComposeModel, section: Section, name: string, external: boolean): TextEdit {
  const text = model.parsed.text;
  const unit = indentUnit(model);
  const body = (indent: string) => external ? `${quoteKey(name)}:\n${indent}${unit}external: true` : `${quoteKey(name)}: {}`;
  const sectionEntry = model.sectionEntries[section];
  if (sectionEntry) {
    const v = sectionEntry.value;
    if (v.kind === 'map' && !v.flow && v.entries.length) {
      const first = v.entries[0].keyStart;
      const indent = text.slice(text.lastIndexOf('\n', first - 1) + 1, first);
      const nl = text.indexOf('\n', v.end);
      const at = nl === -1 ? text.length : nl;
      return { start: at, end: at, text: `\n${indent}${body(indent)}` };
    }
    if (v.kind === 'map' && v.flow) {
      if (v.entries.length === 0) return { start: v.start, end: v.end, text: `\n${unit}${body(unit)}` };
      return { start: v.end - 1, end: v.end - 1, text: external ? `, ${quoteKey(name)}: { external: true } ` : `, ${quoteKey(name)}: {} ` };
    }
    if (v.kind === 'scalar' && v.value === null) {
      return { start: sectionEntry.keyEnd + 1, end: v.end, text: `\n${unit}${body(unit)}` };
    }
  }
  // No such section (or one we cannot extend): add it at the end of the file.
  const needsNewline = text.length > 0 && !text.endsWith('\n');
  return { start: text.length, end: text.length, text: `${needsNewline ? '\n' : ''}\n${section}:\n${unit}${body(unit)}\n` };
}

/** Applies edits to a text (for tests and the CLI); edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
