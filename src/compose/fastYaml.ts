/**
 * A fast scanner for the block-style YAML that Compose files are written in: maps, sequences, one-line
 * plain and quoted scalars, one-line flow sequences and maps of scalars, literal and folded block scalars,
 * anchors, aliases and `<<` merge keys, comments, a leading `---`. It gives up (returns undefined) on
 * everything else, and on anything that might be an error, so that the `yaml` library handles it and reports
 * the problem. What it does accept, it reads exactly as `yaml` does (YAML 1.2 core schema, merge keys, and the
 * spans parse.ts's converter gives aliased nodes); a unit test compares the two on real files and on thousands
 * of mutations of them.
 */
import { tooManyAliases } from './aliasRatio';
import type { CEntry, CMap, CNode, CScalar, CSeq } from './parse';

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/** The tags Compose knows (parse.ts's COMPOSE_TAGS; the two modules cannot import each other's values). */
const COMPOSE_TAGS = ['!reset', '!override'];

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;

/** `maxDepth`: collections nested deeper than this make it give up (the caller then checks the nesting itself). */
export function fastParse(text: string, maxDepth = 1000): CNode | undefined {
  // Line endings other than \n and \r\n, BOMs and directives go to the full parser.
  if (text.length === 0 || text.charCodeAt(0) === 0xfeff) return undefined;
  for (let p = text.indexOf('\r'); p !== -1; p = text.indexOf('\r', p + 1)) if (text.charCodeAt(p + 1) !== 10) return undefined;
  try {
    return new Scanner(text, maxDepth).document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/** A map key as tryKey found it; one object reused by the scanner (a 10 MB file has half a million keys). */
interface KeyAt {
  key: string;
  keyStart: number;
  keyEnd: number;
  colon: number;
  /** A plain `<<`: a merge key. */
  merge: boolean;
}

/** An anchor whose node is still being read: an alias to it would be inside its own value (an error). */
const OPEN = null;

/**
 * How far below yaml.v3's alias ratio the scanner stops and leaves the document to the yaml library, which
 * reports the exact place: the two count nodes in slightly different orders (children first here).
 */
const ALIAS_RATIO_MARGIN = 0.02;

/** Maps with more entries than this check duplicate keys with a Set; smaller ones by a scan (no allocation). */
const SCAN_KEYS_BELOW = 12;

/** Whether entries[base..] has `key`: asked of `keys` once rememberKey made one, else by a scan. */
function hasKey(entries: readonly CEntry[], base: number, key: string, keys: Set<string> | undefined): boolean {
  if (keys) return keys.has(key);
  for (let k = base; k < entries.length; k++) if (entries[k].key === key) return true;
  return false;
}

/**
 * Notes `key`, about to join entries[base..]: a map's dozen keys are checked by a scan (no allocation: one such map
 * per service of a big file); from SCAN_KEYS_BELOW keys on, by the Set this returns (pass it back each time).
 */
function rememberKey(entries: readonly CEntry[], base: number, key: string, keys: Set<string> | undefined): Set<string> | undefined {
  if (keys) return keys.add(key);
  if (entries.length - base + 1 < SCAN_KEYS_BELOW) return undefined;
  const set = new Set<string>();
  for (let k = base; k < entries.length; k++) set.add(entries[k].key);
  return set.add(key);
}

/** Slots of the cache of recent plain keys (a power of two). */
const RECENT_KEYS = 1024;

/** Distinct key texts shared (the first ones met: the common keys come early; service names are unique anyway). */
const MAX_KEY_TEXTS = 4096;

class Scanner {
  // The structural lines (not blank, not comment-only), in three parallel typed arrays rather than one object
  // per line: offset of the first non-space character, its column, and the offset of the line break.
  private readonly starts: Int32Array;
  private readonly indents: Int32Array;
  private readonly ends: Int32Array;
  private readonly count: number;
  private i = 0;
  /** Collections open around the current line: the scanner recurses, so it stops before the stack would. */
  private depth = 0;
  private readonly found: KeyAt = { key: '', keyStart: 0, keyEnd: 0, colon: 0, merge: false };
  /** Anchors met so far, by name: the last one of a name wins, as in the yaml library. */
  private readonly anchors = new Map<string, CNode | typeof OPEN>();
  /** Maps with merged entries: how many of their entries (the first ones) are their own. */
  private readonly ownEntries = new WeakMap<CMap, number>();
  /** Subtree sizes of aliased collections, computed once per anchor. */
  private readonly sizes = new WeakMap<CNode, number>();
  /** Nodes read, and those of them that are alias expansions (yaml.v3's decodeCount and aliasCount). */
  private decoded = 0;
  private expanded = 0;
  /**
   * The entries and items of the collections being read, one stack for all: each collection takes an exact-size
   * copy of its part when it ends. An array grown by push() reserves room for 16 elements, so a 10 MB file's
   * 180,000 small collections kept about 20 MB of empty slots alive, all of it copied by the garbage collector.
   */
  private readonly pending: Array<CEntry | CNode> = [];
  /** One string per distinct key (`image`, `ports`...): half a million keys, a few hundred distinct texts. */
  private readonly keyTexts = new Map<string, string>();
  /** Recently read plain keys, by plainKeyText's slot. */
  private readonly recentKeys = new Array<string | undefined>(RECENT_KEYS).fill(undefined);

  /**
   * Where the text has tabs, in order, and the first of them not before the line being read. Tabs are content in
   * block scalars and comments; anywhere else (indentation, separators, around plain scalars) the line is left
   * to yaml, whose rules for them are finer than this scanner's.
   */
  private readonly tabs: number[] = [];
  private nextTab = 0;
  /** The end of the line a flow collection or quoted scalar being read has reached. */
  private flowEnd = 0;
  /** The empty lines nextLine() skipped. */
  private gap = 0;
  /** Flow collections open around the token being read. */
  private flowLevel = 0;

  constructor(private readonly text: string, private readonly maxDepth: number) {
    const n = text.length;
    for (let p = text.indexOf('\t'); p !== -1; p = text.indexOf('\t', p + 1)) this.tabs.push(p);
    let breaks = 0;
    for (let p = text.indexOf('\n'); p !== -1; p = text.indexOf('\n', p + 1)) breaks++;
    this.starts = new Int32Array(breaks + 1);
    this.indents = new Int32Array(breaks + 1);
    this.ends = new Int32Array(breaks + 1);
    let count = 0;
    let pos = 0;
    while (pos <= n) {
      const lineBreak = text.indexOf('\n', pos);
      let end = lineBreak === -1 ? n : lineBreak;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--; // \r\n: the line ends before the \r
      let s = pos;
      while (s < end && text.charCodeAt(s) === SPACE) s++;
      // Blank and comment-only lines carry no structure.
      if (s < end && text.charCodeAt(s) !== HASH) {
        this.starts[count] = s;
        this.indents[count] = s - pos;
        this.ends[count] = end;
        count++;
      }
      if (lineBreak === -1) break;
      pos = lineBreak + 1;
    }
    this.count = count;
  }

  /** Gives up if structural line `i` (read as keys, items and one-line values) has a tab. */
  private noTab(i: number): void {
    const tabs = this.tabs;
    if (tabs.length === 0) return;
    const lineFrom = this.starts[i] - this.indents[i];
    while (this.nextTab < tabs.length && tabs[this.nextTab] < lineFrom) this.nextTab++;
    if (this.nextTab < tabs.length && tabs[this.nextTab] < this.ends[i]) throw GIVE_UP;
  }

  document(): CNode | undefined {
    if (this.count === 0) return undefined;
    if (this.indents[0] !== 0) throw GIVE_UP;
    const first = this.starts[0];
    const c = this.text.charCodeAt(first);
    // Directives, document markers; a lone `---` before the one document is common and changes nothing.
    if (c === 37 /* % */ || this.text.startsWith('...', first)) throw GIVE_UP;
    if (this.text.startsWith('---', first)) {
      this.noTab(0);
      if (!this.endsToken(first + 3, this.ends[0])) throw GIVE_UP;
      this.expectLineEnd(first + 3, this.ends[0]);
      this.i = 1;
      if (this.i >= this.count || this.indents[1] !== 0) throw GIVE_UP;
    }
    const at = this.starts[this.i];
    const opening = this.text.charCodeAt(at);
    let root: CNode;
    if (opening === 123 /* { */ || opening === 91 /* [ */) {
      // A document that is one flow collection (a Compose file written as JSON): its lines may sit at column 0.
      this.noTab(this.i);
      root = this.inline(at, this.ends[this.i], -1);
      this.i++;
      while (this.i < this.count && this.starts[this.i] < root.end) this.i++;
    } else {
      root = this.block(0);
    }
    if (this.i < this.count) throw GIVE_UP;
    return root;
  }

  /** The block node whose first line is the current one (at `indent`). */
  private block(indent: number): CNode {
    const i = this.i;
    if (this.isSeqItem(this.starts[i], this.ends[i])) return this.seq(indent);
    return this.map(indent, this.starts[i]);
  }

  /** Whether structural line `i` exists and starts a "- " item. */
  private seqItemLine(i: number): boolean {
    return i < this.count && this.isSeqItem(this.starts[i], this.ends[i]);
  }

  private isSeqItem(at: number, end: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    return at + 1 === end || this.text.charCodeAt(at + 1) === SPACE;
  }

  /** A block map whose entries sit at column `indent`; the first one starts at `firstAt` (maybe after "- "). */
  private map(indent: number, firstAt: number): CMap {
    if (++this.depth > this.maxDepth) throw GIVE_UP;
    const pending = this.pending as CEntry[];
    const base = pending.length;
    let keys: Set<string> | undefined;
    let merged: CMap[] | undefined;
    let at = firstAt;
    for (;;) {
      const lineEnd = this.ends[this.i];
      this.noTab(this.i);
      const { key, keyStart, keyEnd, colon, merge } = this.key(at, lineEnd);
      const restAt = this.skipSpaces(colon + 1, lineEnd);
      if (merge) {
        // `<<: *base`, `<<: [*a, *b]`, or a map written in place: mappings whose keys the map takes in after its
        // own. A second `<<` in one map, or anything else as the value, is left to yaml.
        if (merged) throw GIVE_UP;
        merged = this.mergeSources(this.value(restAt, lineEnd, indent, colon + 1, false));
      } else {
        // A duplicate key is an error: let yaml report it.
        if (hasKey(pending, base, key, keys)) throw GIVE_UP;
        keys = rememberKey(pending, base, key, keys);
        pending.push({ key, keyStart, keyEnd, value: this.value(restAt, lineEnd, indent, colon + 1, false) });
      }
      const next = this.i;
      if (next >= this.count || this.indents[next] < indent) break;
      if (this.indents[next] > indent) throw GIVE_UP; // continuation lines of a multi-line scalar, or an error
      if (this.seqItemLine(next)) break; // the caller decides (a parent's same-indent sequence, or an error)
      at = this.starts[next];
    }
    this.depth--;
    const entries = this.take(base) as CEntry[];
    const own = entries.length;
    if (merged) this.merge(entries, merged);
    if (entries.length === 0) throw GIVE_UP;
    this.decoded++;
    const map: CMap = { kind: 'map', entries, start: firstAt, end: Math.max(firstAt, entries[entries.length - 1].value.end) };
    if (own < entries.length) this.ownEntries.set(map, own);
    return map;
  }

  /** What a `<<` value merges: a mapping, or a sequence of mappings. */
  private mergeSources(value: CNode): CMap[] {
    if (value.kind === 'map') return [value];
    if (value.kind !== 'seq' || value.items.length === 0) throw GIVE_UP;
    for (const item of value.items) if (item.kind !== 'map') throw GIVE_UP;
    return value.items as CMap[];
  }

  /** Appends the merged mappings' entries whose keys the map does not have: its own first, then the earlier merge. */
  private merge(entries: CEntry[], sources: CMap[]): void {
    let seen: Set<string> | undefined;
    for (const source of sources) {
      for (const e of source.entries) {
        if (hasKey(entries, 0, e.key, seen)) continue;
        seen = rememberKey(entries, 0, e.key, seen);
        entries.push(e);
      }
    }
  }

  /**
   * The value after a key's colon or an item's dash, at `at` on the line ending at `lineEnd`, with an optional
   * anchor in front: on the rest of the line, a block scalar, or a block on the lines below. `nullAt` is where an
   * empty value sits. `inSeq`: the value of a "- " item, whose compact forms (- key: value) the caller handled.
   */
  private value(at: number, lineEnd: number, indent: number, nullAt: number, inSeq: boolean): CNode {
    // Properties: an anchor and Compose's !reset or !override tag, in either order.
    let anchor: string | undefined;
    let tag: string | undefined;
    let p = at;
    for (;;) {
      const c = this.text.charCodeAt(p);
      if (c === 38 /* & */ && anchor === undefined) {
        const nameEnd = this.nameEnd(p + 1, lineEnd, false);
        anchor = this.text.slice(p + 1, nameEnd);
        this.anchors.set(anchor, OPEN);
        nullAt = nameEnd;
        p = this.skipSpaces(nameEnd, lineEnd);
      } else if (c === 33 /* ! */ && tag === undefined) {
        tag = this.composeTag(p, lineEnd);
        p = this.skipSpaces(p + tag.length, lineEnd);
      } else {
        break;
      }
    }
    const props = anchor !== undefined || tag !== undefined;
    let value: CNode;
    const c = this.text.charCodeAt(p);
    if (p === lineEnd || c === HASH) {
      const next = ++this.i;
      if (next < this.count && this.indents[next] > indent) {
        if (props && inSeq && this.seqItemLine(next)) throw GIVE_UP;
        value = this.block(this.indents[next]);
      } else if (!inSeq && next < this.count && this.indents[next] === indent && this.seqItemLine(next)) {
        if (props) throw GIVE_UP;
        value = this.seq(indent);
      } else if (tag !== undefined) {
        // A tagged empty value is an empty string where the value would start (the yaml library's reading).
        if (anchor !== undefined) throw GIVE_UP;
        this.decoded++;
        value = { kind: 'scalar', value: '', start: p, end: p };
      } else {
        this.decoded++;
        value = { kind: 'scalar', value: null, start: nullAt, end: nullAt };
      }
    } else if (c === 42 /* * */) {
      if (props) throw GIVE_UP;
      value = this.alias(p, lineEnd, false);
      this.expectLineEnd(value.end, lineEnd);
      this.i++;
    } else if (c === 124 /* | */ || c === 62 /* > */) {
      value = this.blockScalar(p, lineEnd, indent);
    } else {
      // "- &a key: value" and "- &a - x" (properties on a compact collection) are left to yaml.
      if (props && inSeq && (this.isSeqItem(p, lineEnd) || this.tryKey(p, lineEnd))) throw GIVE_UP;
      if (props && !inSeq && this.tryKey(p, lineEnd)) throw GIVE_UP;
      value = this.inline(p, lineEnd, indent);
      // A tagged plain scalar is not resolved: `!reset 1` is the string "1".
      if (tag !== undefined && value.kind === 'scalar' && !value.quoted) {
        if (value.end > lineEnd) throw GIVE_UP;
        value.value = this.text.slice(value.start, value.end);
      }
      // Past the value's lines: one, or more for a scalar or flow collection written over several.
      this.i++;
      while (this.i < this.count && this.starts[this.i] < value.end) this.i++;
    }
    if (tag !== undefined) value.tag = tag;
    if (anchor !== undefined) this.anchors.set(anchor, value);
    return value;
  }

  /** The tag at `at`: Compose's own two; any other tag is left to yaml (which reports it). */
  private composeTag(at: number, end: number): string {
    for (const tag of COMPOSE_TAGS) if (this.text.startsWith(tag, at) && this.endsToken(at + tag.length, end)) return tag;
    throw GIVE_UP;
  }

  /** The end of an anchor's or alias's name starting at `at`: letters, digits, `_`, `-` and `.` only. */
  private nameEnd(at: number, end: number, inFlow: boolean): number {
    let p = at;
    for (; p < end; p++) {
      const ch = this.text.charCodeAt(p);
      if (!((ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95 || ch === DASH || ch === 46)) break;
    }
    if (p === at) throw GIVE_UP;
    if (p < end) {
      const ch = this.text.charCodeAt(p);
      if (ch !== SPACE && !(inFlow && (ch === 44 || ch === 93 || ch === 125))) throw GIVE_UP;
    }
    return p;
  }

  /** `*name` at `at`: a copy of the anchored node, every span set to the alias (as parse.ts's converter does). */
  private alias(at: number, end: number, inFlow: boolean): CNode {
    const nameEnd = this.nameEnd(at + 1, end, inFlow);
    const target = this.anchors.get(this.text.slice(at + 1, nameEnd));
    // No such anchor, or one whose value this alias is inside: errors, which yaml reports.
    if (!target) throw GIVE_UP;
    // Counted before the copy is made: an alias bomb stops here, and the ratio only grows while a copy is made, so
    // its end is where the converter would first pass the limit.
    const size = this.sizeOf(target);
    this.decoded += size + 1;
    this.expanded += size;
    if (tooManyAliases(this.expanded, this.decoded, ALIAS_RATIO_MARGIN)) throw GIVE_UP;
    return this.copy(target, at, nameEnd);
  }

  /** The nodes a copy of `node` counts as expanded (merged entries too, which the converter reads again). */
  private sizeOf(node: CNode): number {
    if (node.kind === 'scalar') return 1;
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    let size = 1;
    if (node.kind === 'seq') for (const item of node.items) size += this.sizeOf(item);
    else for (const e of node.entries) size += this.sizeOf(e.value);
    this.sizes.set(node, size);
    return size;
  }

  private copy(node: CNode, start: number, end: number): CNode {
    if (node.kind === 'scalar') {
      const s: CScalar = { kind: 'scalar', value: node.value, start, end };
      if (node.quoted) s.quoted = true;
      if (node.tag) s.tag = node.tag;
      return s;
    }
    if (node.kind === 'seq') {
      const items = new Array<CNode>(node.items.length);
      for (let k = 0; k < items.length; k++) items[k] = this.copy(node.items[k], start, end);
      const s: CSeq = { kind: 'seq', items, start, end };
      if (node.flow) s.flow = true;
      if (node.tag) s.tag = node.tag;
      return s;
    }
    // A map's own entries take the alias's place; entries it merged keep the place of their own `<<` value, as
    // the converter reads that value again where it is written.
    const own = this.ownEntries.get(node) ?? node.entries.length;
    const entries = new Array<CEntry>(node.entries.length);
    for (let k = 0; k < entries.length; k++) {
      const e = node.entries[k];
      entries[k] = k < own ? { key: e.key, keyStart: start, keyEnd: end, value: this.copy(e.value, start, end) } : e;
    }
    const m: CMap = { kind: 'map', entries, start, end };
    if (node.flow) m.flow = true;
    if (node.tag) m.tag = node.tag;
    if (own < entries.length) this.ownEntries.set(m, own);
    return m;
  }

  /**
   * A literal (|) or folded (>) block scalar whose header is at `at`, its content on the lines below, indented
   * more than `parentIndent`. Explicit indentation, lines of spaces only, and folded lines indented further are
   * left to yaml. Leaves `this.i` on the first structural line after the content.
   */
  private blockScalar(at: number, lineEnd: number, parentIndent: number): CScalar {
    const text = this.text;
    const n = text.length;
    const folded = text.charCodeAt(at) === 62;
    let p = at + 1;
    let chomp = 0; // -1 strip, 0 clip, 1 keep
    const ch = text.charCodeAt(p);
    if (ch === DASH) { chomp = -1; p++; } else if (ch === 43 /* + */) { chomp = 1; p++; }
    if (!this.endsToken(p, lineEnd)) throw GIVE_UP; // an indentation digit, or anything else
    this.expectLineEnd(p, lineEnd);
    let value = '';
    let contentIndent = -1;
    let empties = 0;
    let lastEnd = -1;
    let pos = lineEnd + (text.charCodeAt(lineEnd) === 13 ? 2 : 1);
    while (pos < n) {
      let lineBreak = text.indexOf('\n', pos);
      if (lineBreak === -1) lineBreak = n;
      const e = lineBreak > pos && text.charCodeAt(lineBreak - 1) === 13 ? lineBreak - 1 : lineBreak;
      let s = pos;
      while (s < e && text.charCodeAt(s) === SPACE) s++;
      if (s === e) {
        if (s > pos) throw GIVE_UP; // spaces only: their meaning depends on the indentation, left to yaml
        empties++;
        pos = lineBreak + 1;
        continue;
      }
      const lineIndent = s - pos;
      if (contentIndent < 0) {
        if (lineIndent <= parentIndent) break;
        contentIndent = lineIndent;
      } else if (lineIndent < contentIndent) {
        break;
      }
      const contentAt = pos + contentIndent;
      // A folded line that starts with white space keeps its line breaks: left to yaml.
      if (folded && (text.charCodeAt(contentAt) === SPACE || text.charCodeAt(contentAt) === 9)) throw GIVE_UP;
      const line = text.slice(contentAt, e);
      if (lastEnd < 0) value = '\n'.repeat(empties) + line;
      else if (folded) value += (empties === 0 ? ' ' : '\n'.repeat(empties)) + line;
      else value += '\n'.repeat(empties + 1) + line;
      empties = 0;
      lastEnd = lineBreak < n ? lineBreak + 1 : n;
      pos = lineBreak + 1;
    }
    if (lastEnd < 0) throw GIVE_UP; // an empty block scalar
    const regionEnd = Math.min(pos, n);
    if (chomp >= 0) value += '\n';
    if (chomp > 0) value += '\n'.repeat(empties);
    while (this.i < this.count && this.starts[this.i] < regionEnd) this.i++;
    this.decoded++;
    return { kind: 'scalar', value, start: at, end: chomp > 0 && empties > 0 ? regionEnd : lastEnd };
  }

  private seq(indent: number): CSeq {
    if (++this.depth > this.maxDepth) throw GIVE_UP;
    const items = this.pending as CNode[];
    const base = items.length;
    let start = -1;
    for (;;) {
      const i = this.i;
      const lineStart = this.starts[i];
      const lineEnd = this.ends[i];
      this.noTab(i);
      if (this.indents[i] !== indent || !this.isSeqItem(lineStart, lineEnd)) break;
      if (start < 0) start = lineStart;
      const restAt = this.skipSpaces(lineStart + 1, lineEnd);
      if (restAt < lineEnd && this.isSeqItem(restAt, lineEnd)) {
        throw GIVE_UP; // "- - a": compact nested sequence
      } else if (restAt < lineEnd && this.tryKey(restAt, lineEnd)) {
        // "- key: value" starts a map whose entries sit at the key's column.
        const column = restAt - (lineStart - this.indents[i]);
        items.push(this.map(column, restAt));
      } else {
        items.push(this.value(restAt, lineEnd, indent, lineStart + 1, true));
      }
      const next = this.i;
      if (next >= this.count || this.indents[next] < indent) break;
      if (this.indents[next] > indent) throw GIVE_UP;
    }
    this.depth--;
    const taken = this.take(base) as CNode[];
    this.decoded++;
    return { kind: 'seq', items: taken, start, end: taken[taken.length - 1].end };
  }

  /** The pending entries or items from `base` on, as an exact-size array, and off the stack. */
  private take(base: number): Array<CEntry | CNode> {
    const taken = this.pending.slice(base);
    this.pending.length = base;
    return taken;
  }

  /** The map key (plain or quoted, then ":" and a space or the line's end) at `at`, if there is one there. */
  private tryKey(at: number, end: number): KeyAt | undefined {
    const c = this.text.charCodeAt(at);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = this.quotedOrUndefined(at, end);
      if (!q) return undefined;
      const colon = this.skipSpaces(q.end, end);
      if (this.text.charCodeAt(colon) !== COLON || !this.endsToken(colon + 1, end)) return undefined;
      return this.keyAt(this.keyText(String(q.value)), at, q.end, colon, false);
    }
    if (isIndicator(c) || c === DASH || c === 63 /* ? */ || c === COLON) return undefined;
    // A plain key runs to the first ": " (or ":" at the end of the line). Keys with flow indicators or a " #"
    // are left to yaml; checked in the same pass (half a million keys in a 10 MB file).
    const text = this.text;
    let p = at;
    for (;; p++) {
      if (p >= end) return undefined;
      const ch = text.charCodeAt(p);
      if (ch === COLON) {
        if (this.endsToken(p + 1, end)) break;
      } else if (isFlowIndicator(ch) || (ch === HASH && text.charCodeAt(p - 1) === SPACE)) {
        return undefined;
      }
    }
    let keyEnd = p;
    while (keyEnd > at && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
    if (keyEnd === at) return undefined;
    const key = this.plainKeyText(at, keyEnd);
    return this.keyAt(key, at, keyEnd, p, key === '<<');
  }

  /**
   * The text of a plain key, from a small cache by its first and last characters and length when the text there
   * is the cached one: half a million keys of a big file are a few hundred texts, which are then neither sliced
   * (a short-lived string each) nor hashed again for keyTexts.
   */
  private plainKeyText(at: number, end: number): string {
    const text = this.text;
    const slot = (text.charCodeAt(at) * 31 + text.charCodeAt(end - 1) * 7 + (end - at)) & (RECENT_KEYS - 1);
    const recent = this.recentKeys[slot];
    if (recent !== undefined && recent.length === end - at && text.startsWith(recent, at)) return recent;
    const key = this.keyText(text.slice(at, end));
    this.recentKeys[slot] = key;
    return key;
  }

  private keyAt(key: string, keyStart: number, keyEnd: number, colon: number, merge: boolean): KeyAt {
    const f = this.found;
    f.merge = merge;
    f.key = key;
    f.keyStart = keyStart;
    f.keyEnd = keyEnd;
    f.colon = colon;
    return f;
  }

  private keyText(key: string): string {
    const known = this.keyTexts.get(key);
    if (known !== undefined) return known;
    if (this.keyTexts.size < MAX_KEY_TEXTS) this.keyTexts.set(key, key);
    return key;
  }

  private key(at: number, end: number): KeyAt {
    const k = this.tryKey(at, end);
    // Keys that the core schema reads as numbers, booleans or null would not round-trip as written.
    if (!k || (this.text.charCodeAt(at) !== 34 && this.text.charCodeAt(at) !== 39 && typeof resolvePlain(k.key) !== 'string')) throw GIVE_UP;
    return k;
  }

  private quotedOrUndefined(at: number, end: number): CScalar | undefined {
    try {
      return this.quoted(at, end);
    } catch (e) {
      if (e === GIVE_UP) return undefined;
      throw e;
    }
  }

  private endsToken(at: number, end: number): boolean {
    return at >= end || this.text.charCodeAt(at) === SPACE;
  }

  private skipSpaces(at: number, end: number): number {
    let p = at;
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    return p;
  }

  /** A value written on the rest of the line: a scalar or a one-line flow collection. */
  /**
   * A value written from `at` on a line ending at `end`: a scalar or a flow collection of scalars, on this line
   * or continued on lines indented more than `indent` (the parent collection's).
   */
  private inline(at: number, end: number, indent: number): CNode {
    this.decoded++;
    const c = this.text.charCodeAt(at);
    let node: CNode;
    this.flowEnd = end;
    if (c === 91 /* [ */) node = this.flowSeq(at, indent);
    else if (c === 123 /* { */) node = this.flowMap(at, indent);
    else if (c === 34 || c === 39) node = this.quoted(at, end, indent);
    else return this.plainLines(this.plain(at, end, false), end, indent);
    this.expectLineEnd(node.end, this.flowEnd);
    return node;
  }

  /**
   * A plain scalar in a block, with the lines that continue it (indented more than `indent`): they fold into one
   * string, a line break into a space and each empty line between into a line break.
   */
  private plainLines(first: CScalar, end: number, indent: number): CScalar {
    let i = this.i + 1;
    if (i >= this.count || this.indents[i] <= indent) return first;
    // A comment after the first line ends the scalar; a more indented line after it is an error (left to yaml).
    if (this.skipSpaces(first.end, end) < end) return first;
    const text = this.text;
    let folded = text.slice(first.start, first.end);
    let last = first.end;
    for (; i < this.count && this.indents[i] > indent; i++) {
      const from = this.starts[i];
      const lineEnd = this.ends[i];
      // Between the lines: line breaks and spaces only (a comment line or a tab is left to yaml).
      let breaks = 0;
      for (let p = last; p < from; p++) {
        const ch = text.charCodeAt(p);
        if (ch === 10) breaks++;
        else if (ch !== SPACE && ch !== 13) throw GIVE_UP;
      }
      if (this.tabIn(from, lineEnd)) throw GIVE_UP;
      const c = text.charCodeAt(from);
      if (isIndicator(c) || ((c === DASH || c === 63 || c === COLON) && this.endsToken(from + 1, lineEnd))) throw GIVE_UP;
      let lineLast = from;
      for (let p = from; p < lineEnd; p++) {
        const ch = text.charCodeAt(p);
        if (ch === SPACE) continue;
        if ((ch === HASH && text.charCodeAt(p - 1) === SPACE) || (ch === COLON && this.endsToken(p + 1, lineEnd))) throw GIVE_UP;
        lineLast = p + 1;
      }
      folded += (breaks === 1 ? ' ' : '\n'.repeat(breaks - 1)) + text.slice(from, lineLast);
      last = lineLast;
    }
    return { kind: 'scalar', value: resolvePlain(folded), start: first.start, end: last };
  }

  /** Whether the text has a tab in [from, to). */
  private tabIn(from: number, to: number): boolean {
    const tabs = this.tabs;
    let lo = 0;
    let hi = tabs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tabs[mid] < from) lo = mid + 1; else hi = mid;
    }
    return lo < tabs.length && tabs[lo] < to;
  }

  /**
   * Where the line after the one ending at `end` has its first character, for a scalar or flow collection that
   * goes on there: empty lines are skipped and counted in `this.gap`, and in a flow collection comment lines too.
   * The line must be indented more than `indent`; a closing bracket may stand at `indent` itself.
   */
  private nextLine(end: number, indent: number, inFlow: boolean): number {
    const text = this.text;
    const n = text.length;
    let empty = 0;
    let e = end;
    for (;;) {
      if (e >= n) throw GIVE_UP;
      const lineStart = e + (text.charCodeAt(e) === 13 ? 2 : 1);
      const lineBreak = text.indexOf('\n', lineStart);
      e = lineBreak === -1 ? n : lineBreak;
      if (e > lineStart && text.charCodeAt(e - 1) === 13) e--;
      if (this.tabIn(lineStart, e)) throw GIVE_UP;
      let s = lineStart;
      while (s < e && text.charCodeAt(s) === SPACE) s++;
      if (s === e) { empty++; continue; }
      // A comment line in a flow collection; in quotes, text.
      if (inFlow && text.charCodeAt(s) === HASH) continue;
      const lineIndent = s - lineStart;
      const c = text.charCodeAt(s);
      // The outermost collection's closing bracket may stand at the parent's column; nothing else may.
      if (lineIndent <= indent && !(inFlow && this.flowLevel === 1 && lineIndent === indent && (c === 93 || c === 125))) throw GIVE_UP;
      this.gap = empty;
      this.flowEnd = e;
      return s;
    }
  }

  private expectLineEnd(at: number, end: number): void {
    const p = this.skipSpaces(at, end);
    if (p === end) return;
    if (this.text.charCodeAt(p) === HASH && p > at) return;
    throw GIVE_UP;
  }

  private plain(at: number, end: number, inFlow: boolean): CScalar {
    const c = this.text.charCodeAt(at);
    if (isIndicator(c) || ((c === DASH || c === 63 /* ? */ || c === COLON) && this.endsToken(at + 1, end))) throw GIVE_UP;
    let p = at;
    let last = at; // end of the last non-space character
    for (; p < end; p++) {
      const ch = this.text.charCodeAt(p);
      if (ch === SPACE) continue;
      if (ch === HASH && this.text.charCodeAt(p - 1) === SPACE) break;
      if (ch === COLON && (p + 1 >= end || this.text.charCodeAt(p + 1) === SPACE || (inFlow && isFlowIndicator(this.text.charCodeAt(p + 1))))) {
        throw GIVE_UP; // "a: b: c" or a flow pair
      }
      if (inFlow && isFlowIndicator(ch)) break;
      last = p + 1;
    }
    const raw = this.text.slice(at, last);
    return { kind: 'scalar', value: resolvePlain(raw), start: at, end: last };
  }

  /**
   * A quoted scalar at `at`. With `indent` (a value in a block), it may go on over the lines below, indented more
   * than `indent`: a line break folds into a space, each empty line into a line break, the spaces around a break
   * go, and a backslash before a break (double quotes) joins the lines. `this.flowEnd` is then its last line's end.
   */
  private quoted(at: number, end: number, indent?: number): CScalar {
    const text = this.text;
    const q = text.charCodeAt(at);
    let out = '';
    let p = at + 1;
    // Runs between escapes are copied as slices: a character at a time builds a rope of millions of
    // one-character strings on a long scalar (seconds of garbage collection at 10 MB).
    let run = p;
    for (;;) {
      if (p >= end) {
        // The line ends inside the quotes: the scalar goes on on the next line, if it may.
        if (indent === undefined) throw GIVE_UP;
        let keep = p;
        while (keep > run && text.charCodeAt(keep - 1) === SPACE) keep--;
        out += text.slice(run, keep);
        p = this.nextLine(end, indent, false);
        end = this.flowEnd;
        out += this.gap === 0 ? ' ' : '\n'.repeat(this.gap);
        run = p;
        continue;
      }
      const ch = text.charCodeAt(p);
      if (q === 39) {
        if (ch !== 39) { p++; continue; }
        out += text.slice(run, p);
        if (text.charCodeAt(p + 1) === 39) { out += "'"; p += 2; run = p; continue; }
        p++;
        break;
      }
      if (ch !== 34 && ch !== 92) { p++; continue; }
      if (p > run) out += text.slice(run, p);
      if (ch === 34) { p++; break; }
      if (p + 1 >= end) {
        // An escaped line break: the lines join with nothing between (no empty line may follow: left to yaml).
        if (indent === undefined) throw GIVE_UP;
        p = this.nextLine(end, indent, false);
        if (this.gap > 0) throw GIVE_UP;
        end = this.flowEnd;
        run = p;
        continue;
      }
      const e = text[p + 1];
      const simple = ESCAPES[e];
      if (simple !== undefined) { out += simple; p += 2; run = p; continue; }
      if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(p + 2, p + 2 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex) || p + 2 + len > end) throw GIVE_UP;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) throw GIVE_UP;
        out += String.fromCodePoint(code);
        p += 2 + len;
        run = p;
        continue;
      }
      throw GIVE_UP;
    }
    if (indent !== undefined) this.flowEnd = end;
    return { kind: 'scalar', value: out, start: at, end: p, quoted: true };
  }

  /**
   * Where the next token of a flow collection starts, from `p` on the line ending at `this.flowEnd`: past
   * spaces, a comment, and the line breaks, empty and comment lines of a collection written over several lines
   * (each indented more than `indent`).
   */
  private flowNext(p: number, indent: number): number {
    let at = this.skipSpaces(p, this.flowEnd);
    for (;;) {
      if (at < this.flowEnd) {
        if (this.text.charCodeAt(at) !== HASH) return at;
        if (this.text.charCodeAt(at - 1) !== SPACE) throw GIVE_UP;
      }
      at = this.nextLine(this.flowEnd, indent, true);
    }
  }

  /** A node inside a flow collection, at `p` on the line ending at `this.flowEnd`. */
  private flowNode(p: number, indent: number): CNode {
    const c = this.text.charCodeAt(p);
    if (c === 42 /* * */) return this.alias(p, this.flowEnd, true);
    this.decoded++;
    if (c === 91 /* [ */) return this.flowSeq(p, indent);
    if (c === 123 /* { */) return this.flowMap(p, indent);
    return this.flowScalar(p, this.flowEnd);
  }

  /** A flow sequence at `at` (on the line ending at `this.flowEnd`), maybe over several lines. */
  private flowSeq(at: number, indent: number): CSeq {
    if (++this.depth > this.maxDepth) throw GIVE_UP;
    this.flowLevel++;
    const base = this.pending.length;
    let p = this.flowNext(at + 1, indent);
    for (;;) {
      if (this.text.charCodeAt(p) === 93 /* ] */) break;
      const item = this.flowNode(p, indent);
      this.pending.push(item);
      p = this.flowNext(item.end, indent);
      const ch = this.text.charCodeAt(p);
      if (ch === 93) break;
      if (ch !== 44 /* , */) throw GIVE_UP; // a pair ([a: b]) or anything else: left to yaml
      p = this.flowNext(p + 1, indent);
    }
    this.depth--;
    this.flowLevel--;
    return { kind: 'seq', items: this.take(base) as CNode[], start: at, end: p + 1, flow: true };
  }

  /**
   * A flow map at `at`, maybe over several lines: keys plain (followed by ": ") or quoted (followed by ":", as
   * JSON writes them), each with its value on the same line.
   */
  private flowMap(at: number, indent: number): CMap {
    if (++this.depth > this.maxDepth) throw GIVE_UP;
    this.flowLevel++;
    const text = this.text;
    const base = this.pending.length;
    const pending = this.pending as CEntry[];
    let keys: Set<string> | undefined;
    let p = this.flowNext(at + 1, indent);
    for (;;) {
      if (text.charCodeAt(p) === 125 /* } */) break;
      const lineEnd = this.flowEnd;
      const c = text.charCodeAt(p);
      let key: string;
      let keyEnd: number;
      let valueAt: number;
      if (c === 34 || c === 39) {
        const q = this.quoted(p, lineEnd);
        key = q.value as string;
        keyEnd = q.end;
        const colon = this.skipSpaces(keyEnd, lineEnd);
        if (text.charCodeAt(colon) !== COLON) throw GIVE_UP;
        valueAt = this.skipSpaces(colon + 1, lineEnd);
      } else {
        if (isIndicator(c) || c === DASH || c === 63 || c === COLON) throw GIVE_UP;
        let colon = p;
        while (colon < lineEnd && text.charCodeAt(colon) !== COLON) {
          if (isFlowIndicator(text.charCodeAt(colon)) || text.charCodeAt(colon) === HASH) throw GIVE_UP;
          colon++;
        }
        if (colon >= lineEnd || text.charCodeAt(colon + 1) !== SPACE) throw GIVE_UP;
        keyEnd = colon;
        while (keyEnd > p && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
        key = text.slice(p, keyEnd);
        if (!key || key === '<<' || typeof resolvePlain(key) !== 'string') throw GIVE_UP;
        valueAt = this.skipSpaces(colon + 1, lineEnd);
      }
      // A duplicate key is an error (yaml reports it); a value must be on the key's line.
      if (hasKey(pending, base, key, keys)) throw GIVE_UP;
      keys = rememberKey(pending, base, key, keys);
      if (valueAt >= lineEnd || text.charCodeAt(valueAt) === 44 || text.charCodeAt(valueAt) === 125 || text.charCodeAt(valueAt) === HASH) throw GIVE_UP;
      const value = this.flowNode(valueAt, indent);
      pending.push({ key: this.keyText(key), keyStart: p, keyEnd, value });
      p = this.flowNext(value.end, indent);
      const ch = text.charCodeAt(p);
      if (ch === 125) break;
      if (ch !== 44) throw GIVE_UP;
      p = this.flowNext(p + 1, indent);
    }
    this.depth--;
    this.flowLevel--;
    return { kind: 'map', entries: this.take(base) as CEntry[], start: at, end: p + 1, flow: true };
  }

  private flowScalar(at: number, end: number): CScalar {
    const c = this.text.charCodeAt(at);
    if (at >= end || c === 91 || c === 123 || c === 44 || c === 93 || c === 125 || c === HASH) throw GIVE_UP;
    if (c === 34 || c === 39) return this.quoted(at, end);
    const s = this.plain(at, end, true);
    if (s.start === s.end) throw GIVE_UP;
    return s;
  }
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** Characters that cannot start a plain scalar (or that start something this scanner leaves to yaml). */
function isIndicator(c: number): boolean {
  // [ ] { } , # & * ! | > ' " % @ `
  return c === 91 || c === 93 || c === 123 || c === 125 || c === 44 || c === HASH || c === 38 || c === 42 || c === 33
    || c === 124 || c === 62 || c === 39 || c === 34 || c === 37 || c === 64 || c === 96;
}

function isFlowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** A plain scalar's value under the YAML 1.2 core schema, as the `yaml` library resolves it. */
export function resolvePlain(raw: string): string | number | boolean | null {
  if (raw.length === 0) return null;
  const c = raw.charCodeAt(0);
  // Fast exit: most values start with a letter that no special form starts with.
  if ((c >= 97 && c <= 122 && c !== 110 && c !== 116 && c !== 102) || c === 47 /* / */) return raw;
  switch (raw) {
    case '~': case 'null': case 'Null': case 'NULL': return null;
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
    case '.inf': case '.Inf': case '.INF': case '+.inf': case '+.Inf': case '+.INF': return Infinity;
    case '-.inf': case '-.Inf': case '-.INF': return -Infinity;
    case '.nan': case '.NaN': case '.NAN': return NaN;
  }
  if (INT.test(raw)) return parseInt(raw, 10);
  if (OCT.test(raw)) return parseInt(raw.slice(2), 8);
  if (HEX.test(raw)) return parseInt(raw.slice(2), 16);
  if (FLOAT.test(raw)) return parseFloat(raw);
  return raw;
}

