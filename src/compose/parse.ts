/**
 * Parses a Compose file once into a small tree of maps, sequences and scalars that carries source offsets,
 * and turns offsets into line/character ranges (the one place that does).
 *
 * Block-style files, which nearly all Compose files are, go through a fast scanner (fastYaml.ts); anything it
 * does not fully understand (anchors, tags, block scalars, multi-line flows, errors...) goes through the
 * `yaml` library's Document, which also reports syntax errors. Both produce the same tree.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { tooManyAliases } from './aliasRatio';
import { fastParse } from './fastYaml';

export { allowedAliasRatio } from './aliasRatio';

export interface Position {
  /** 0-based */
  line: number;
  /** 0-based, in UTF-16 code units */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Offsets into the text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface CScalar extends Span {
  kind: 'scalar';
  value: string | number | boolean | null;
  tag?: string;
  /** Written in quotes: `"8080:80"` is a string whatever it looks like. */
  quoted?: boolean;
}

export interface CEntry {
  key: string;
  /** Set when the YAML key is not a string (`80:`, `true:`, `~:`, `[a]:`): Compose refuses such keys. */
  keyType?: 'number' | 'boolean' | 'null' | 'collection';
  keyStart: number;
  keyEnd: number;
  value: CNode;
}

export interface CMap extends Span {
  kind: 'map';
  entries: CEntry[];
  tag?: string;
  /** Written as `{...}`. */
  flow?: boolean;
}

export interface CSeq extends Span {
  kind: 'seq';
  items: CNode[];
  tag?: string;
  flow?: boolean;
}

export type CNode = CScalar | CMap | CSeq;

export interface SyntaxProblem extends Span {
  message: string;
  /** Errors stop `docker compose`; warnings (an unknown tag) do not always. */
  severity: 'error' | 'warning';
  /** The rule that reports it, when not yaml-syntax. */
  code?: 'yaml-merge' | 'yaml-anchor';
}

export interface ParsedCompose {
  text: string;
  /** The document's top-level value; undefined for an empty document. */
  root: CNode | undefined;
  problems: SyntaxProblem[];
  lines: LineIndex;
  /** Which parser produced the tree (the benchmark and the differential test look at it). */
  parser: 'fast' | 'yaml';
}

/** Offsets to line/character positions, by binary search over line starts computed once per text. */
export class LineIndex {
  private computed: number[] | undefined;

  constructor(private readonly text: string) {}

  /** Computed on first use: a file with nothing to report never needs a position. */
  private get starts(): number[] {
    if (this.computed) return this.computed;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.computed = starts;
    return starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  offset(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.starts.length - 1));
    const lineEnd = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return Math.min(this.starts[line] + Math.max(0, position.character), lineEnd);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset of the end of `line`, before its line break. */
  lineEnd(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
  }
}

export const COMPOSE_TAGS = new Set(['!reset', '!override']);

/** Nesting no Compose file needs; deeper documents are not parsed (the parsers and the checks recurse). */
export const MAX_NESTING = 200;

/**
 * Largest text the extension host reads with the yaml library (anchors, block scalars, tags: what the fast
 * scanner leaves to it): about 60-100 ms for 64 KB here, 1 s for 1 MB, on the thread every extension shares.
 */
export const HOST_YAML_LIMIT = 64 * 1024;

/**
 * `yamlLimit`: texts the fast scanner does not read and that are longer than this are not parsed (no root, no
 * problem): the yaml library reads about 1 MB a second, too slow for a thread that must not block.
 */
export function parseCompose(text: string, options: { yamlLimit?: number } = {}): ParsedCompose {
  const lines = new LineIndex(text);
  // The fast scanner checks the nesting as it goes; the separate scan is needed only before the yaml library.
  const fast = fastParse(text, MAX_NESTING);
  if (fast) return { text, root: fast, problems: [], lines, parser: 'fast' };
  if (options.yamlLimit !== undefined && text.length > options.yamlLimit) return { text, root: undefined, problems: [], lines, parser: 'yaml' };
  const deep = tooDeep(text);
  if (deep) {
    const end = text.indexOf('\n', deep.at);
    return {
      text, root: undefined, lines, parser: 'yaml',
      problems: [{
        start: deep.at, end: end === -1 ? text.length : end, severity: 'error',
        message: `The document nests more than ${MAX_NESTING} levels deep here (${deep.kind}): Compose files never need that, so the file is not analysed; flatten it.`,
      }],
    };
  }
  const { root, problems } = parseWithYaml(text);
  return { text, root, problems, lines, parser: 'yaml' };
}

/**
 * Where the document first nests deeper than MAX_NESTING, by a linear scan: block nesting by the stack of
 * indentations (and "- " items opening on one line), flow nesting by unclosed brackets outside quotes. Text in
 * block scalars counts too, which can only overestimate: 200 levels are far beyond any real file.
 */
export function tooDeep(text: string): { at: number; kind: string } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote = 0;
  let lineStart = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) { atLineStart = true; lineStart = i + 1; continue; }
    if (atLineStart) {
      if (c === 32 || c === 13) continue;
      atLineStart = false;
      if (c === 35) { const nl = text.indexOf('\n', i); i = nl === -1 ? text.length : nl - 1; continue; }
      if (flow === 0) {
        const indent = i - lineStart;
        while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        let dashes = 0;
        for (let j = i; text.charCodeAt(j) === 45 && (text.charCodeAt(j + 1) === 32 || text.charCodeAt(j + 1) === 10); j += 2) {
          dashes++;
          while (text.charCodeAt(j + 2) === 32) j++;
        }
        if (indents.length + dashes > MAX_NESTING) return { at: i, kind: 'indentation' };
      }
    }
    if (quote) {
      if (c === quote) quote = 0;
      else if (c === 92 && quote === 34) i++;
      continue;
    }
    if ((c === 34 || c === 39) && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === 91 || c === 123) { if (++flow > MAX_NESTING) return { at: i, kind: 'brackets' }; }
    else if ((c === 93 || c === 125) && flow > 0) flow--;
    else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) { const nl = text.indexOf('\n', i); i = nl === -1 ? text.length : nl - 1; }
  }
  return undefined;
}

/** The `yaml` library's path: full YAML 1.2 with errors, anchors, merge keys and tags. */
export function parseWithYaml(text: string): { root: CNode | undefined; problems: SyntaxProblem[] } {
  const options = { merge: true, prettyErrors: false, keepSourceTokens: false, strict: true, uniqueKeys: true } as const;
  // A file of several documents (separated by ---) is read by Compose as one override on top of the other.
  const docs = [...parseAllDocuments(text, options)];
  const problems: SyntaxProblem[] = [];
  let root: CNode | undefined;
  for (const doc of docs.length ? docs : [parseDocument(text, options)]) {
    for (const e of doc.errors) problems.push({ ...spanOf(e.pos, text.length), message: firstLine(e.message), severity: 'error' });
    for (const w of doc.warnings) {
      // Unknown tags are reported by convert() with a message that says which ones Compose knows.
      if (w.code === 'TAG_RESOLVE_FAILED') continue;
      problems.push({ ...spanOf(w.pos, text.length), message: firstLine(w.message), severity: 'warning' });
    }
    if (!doc.contents) continue; // an empty document, as compose-go skips it
    const converted = new Converter(doc, text, problems).convert(doc.contents as YamlNode);
    // An empty document (`---` and nothing) is skipped; an explicit `~` is kept (and refused by empty-file).
    if (docs.length > 1 && converted.kind === 'scalar' && converted.value === null && converted.start === converted.end) continue;
    root = root ? overlay(root, converted) : converted;
  }
  return { root, problems };
}

/** A later document over an earlier one: mappings merge key by key (deeply), anything else is replaced. */
function overlay(base: CNode, over: CNode): CNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = base.entries.map((e) => {
    const o = over.entries.find((x) => x.key === e.key);
    return o ? { ...o, value: overlay(e.value, o.value) } : e;
  });
  for (const o of over.entries) if (!base.entries.some((e) => e.key === o.key)) entries.push(o);
  return { ...base, entries, end: Math.max(base.end, over.end) };
}

function spanOf(pos: [number, number], length: number): Span {
  const start = Math.min(pos[0], length);
  return { start, end: Math.max(start, Math.min(pos[1], length)) };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

class Converter {
  /** Nodes read, and those of them read through an alias (yaml.v3's decodeCount and aliasCount). */
  private decoded = 0;
  private expanded = 0;
  private overBudget = false;
  private readonly resolving = new Set<YamlNode>();
  /** Each alias's anchored node: the last one of its name before it, as the yaml library's resolve() finds it. */
  private readonly targets = new Map<YamlNode, YamlNode | undefined>();

  constructor(doc: Document, private readonly text: string, private readonly problems: SyntaxProblem[]) {
    // One walk of the document for all aliases: resolve() walks the whole document for each alias, which made a
    // 1 MB file of 4,000 services merging one anchor take 110 s (quadratic).
    const last = new Map<string, YamlNode>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) this.targets.set(node, last.get(node.source));
        else if (node.anchor) last.set(node.anchor, node);
      },
    });
  }

  /** An alias that convert() reported: one to no anchor, or inside the value of its own anchor. */
  private brokenAlias(node: YamlNode | null): boolean {
    if (!isAlias(node)) return false;
    const target = this.targets.get(node);
    return !target || this.resolving.has(target);
  }

  convert(node: YamlNode | null | undefined, nullAt = 0, aliasedAt?: Span): CNode {
    this.decoded++;
    if (aliasedAt) this.expanded++;
    // Past the limit, aliases expand to nothing more (one problem, at the alias where it was passed); the rest of
    // the document is still read, for the other checks.
    if (aliasedAt && (this.overBudget || tooManyAliases(this.expanded, this.decoded))) {
      if (!this.overBudget) {
        this.overBudget = true;
        this.problems.push({
          ...aliasedAt, severity: 'error', code: 'yaml-anchor',
          message: `Too many aliases expanded (${this.expanded.toLocaleString('en')} of the first ${this.decoded.toLocaleString('en')} nodes come from aliases, from here on): the aliases nest into an exponentially large document, which Compose refuses; use fewer levels of aliases.`,
        });
      }
      return { kind: 'scalar', value: null, start: nullAt, end: nullAt };
    }
    if (node === null || node === undefined) return { kind: 'scalar', value: null, start: nullAt, end: nullAt };
    if (isAlias(node)) {
      const target = this.targets.get(node);
      const [start, end] = node.range ?? [nullAt, nullAt];
      if (target && this.resolving.has(target)) {
        // yaml.v3 (Compose's parser): "anchor 'x' value contains itself".
        this.problems.push({
          start, end, severity: 'error', code: 'yaml-anchor',
          message: `The alias *${node.source} is inside the value of its own anchor &${node.source}, so that value would contain itself: point the alias at another anchor or move it out.`,
        });
      }
      if (!target) {
        // yaml.v3 (Compose's parser): "unknown anchor 'x' referenced". The yaml library reads it as empty, silently.
        this.problems.push({
          start, end, severity: 'error', code: 'yaml-anchor',
          message: `The alias *${node.source} refers to no anchor: define &${node.source} on a value before this alias (in the same document), or write the value out.`,
        });
      }
      if (!target || this.resolving.has(target)) return { kind: 'scalar', value: null, start, end };
      this.resolving.add(target);
      try {
        return this.convert(target, start, aliasedAt ?? { start, end });
      } finally {
        this.resolving.delete(target);
      }
    }
    const tag = this.tagOf(node);
    if (isScalar(node)) {
      const [r0, r1] = node.range ?? [nullAt, nullAt];
      const source = (node as { source?: unknown }).source;
      const implicitNull = r0 === r1 && node.value === null;
      const start = implicitNull ? this.backOverSpaces(r0) : r0;
      const end = implicitNull ? start : r1;
      const value = node.value as unknown;
      const scalar: CScalar = {
        kind: 'scalar',
        value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
          ? value
          : typeof value === 'bigint' ? Number(value) : String(source ?? value),
        start: aliasedAt?.start ?? start,
        end: aliasedAt?.end ?? end,
      };
      if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') scalar.quoted = true;
      if (tag) scalar.tag = tag;
      return scalar;
    }
    if (isMap(node)) {
      const entries: CEntry[] = [];
      const seen = new Set<string>();
      const [r0, r1] = node.range ?? [nullAt, nullAt];
      const map: CMap = { kind: 'map', entries, start: r0, end: r1 };
      if (node.flow) map.flow = true;
      if (tag) map.tag = tag;
      const merges: CMap[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        // With `merge: true`, yaml gives "<<" keys a symbol value.
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          const merged = this.convert(pair.value as YamlNode, r0);
          // An alias to no anchor, or to the anchor it is in, was reported as such and is not a second problem here.
          if (this.brokenAlias(pair.value as YamlNode | null)) continue;
          const sources = merged.kind === 'seq' ? merged.items : [merged];
          const written = isSeq(pair.value) ? pair.value.items as Array<YamlNode | null> : [];
          for (const [i, m] of sources.entries()) {
            if (m.kind === 'map') { merges.push(m); continue; }
            if (merged.kind === 'seq' && this.brokenAlias(written[i] ?? null)) continue;
            // yaml.v3: "map merge requires map or sequence of maps as the value".
            const [v0, v1] = (pair.value as YamlNode | null)?.range ?? [m.start, m.end];
            const at = merged.kind === 'seq' ? m : { start: v0, end: v1 };
            this.problems.push({
              start: at.start, end: Math.max(at.start, at.end), severity: 'error', code: 'yaml-merge',
              message: `<< merges mappings only, not ${m.kind === 'seq' ? 'a sequence' : m.value === null ? 'an empty value' : `a ${typeof m.value}`}: point it at a mapping (<<: *anchor) or a list of mappings, or write the keys out.`,
            });
          }
          continue;
        }
        const key = keyNode === null ? '' : isScalar(keyNode) ? String(keyNode.value) : this.text.slice(keyNode.range?.[0] ?? 0, keyNode.range?.[1] ?? 0);
        const keyType = keyNode === null ? 'null' : !isScalar(keyNode) ? 'collection'
          : keyNode.value === null ? 'null' : typeof keyNode.value === 'number' || typeof keyNode.value === 'bigint' ? 'number'
            : typeof keyNode.value === 'boolean' ? 'boolean' : undefined;
        const [k0, k1] = keyNode?.range ?? [r0, r0];
        const keyStart = aliasedAt?.start ?? k0;
        const keyEnd = aliasedAt?.end ?? k1;
        const value = this.convert(pair.value as YamlNode, this.afterColon(k1), aliasedAt);
        if (seen.has(key)) continue;
        seen.add(key);
        const e: CEntry = { key, keyStart, keyEnd, value };
        if (keyType) e.keyType = keyType;
        entries.push(e);
      }
      // `<<: *base` brings in keys the map does not set itself, as YAML merge keys do.
      for (const m of merges) {
        for (const e of m.entries) {
          if (seen.has(e.key)) continue;
          seen.add(e.key);
          entries.push(e);
        }
      }
      this.fixCollectionSpan(map, aliasedAt, node.flow ?? false, entries.map((e) => e.value));
      if (!node.flow && entries.length) map.start = aliasedAt?.start ?? Math.min(map.start, ...entries.slice(0, 1).map((e) => e.keyStart));
      return map;
    }
    if (isSeq(node)) {
      const items: CNode[] = [];
      const [r0, r1] = node.range ?? [nullAt, nullAt];
      const seq: CSeq = { kind: 'seq', items, start: r0, end: r1 };
      if (node.flow) seq.flow = true;
      if (tag) seq.tag = tag;
      for (const item of node.items) items.push(this.convert(item as YamlNode, r0, aliasedAt));
      this.fixCollectionSpan(seq, aliasedAt, node.flow ?? false, items);
      return seq;
    }
    // Pairs outside maps (`[a: b]`) and anything else: keep its place, not its shape.
    const range = (node as { range?: [number, number] }).range ?? [nullAt, nullAt];
    return { kind: 'scalar', value: this.text.slice(range[0], range[1]), start: range[0], end: range[1] };
  }

  /** Block collections end where their last value ends (not after trailing comments and line breaks). */
  private fixCollectionSpan(node: CMap | CSeq, aliasedAt: Span | undefined, flow: boolean, children: CNode[]): void {
    if (aliasedAt) {
      node.start = aliasedAt.start;
      node.end = aliasedAt.end;
      return;
    }
    // Flow collections end at their closing bracket, which is where yaml's value range ends.
    if (flow) return;
    if (children.length) node.end = Math.max(node.start, children[children.length - 1].end);
  }

  private tagOf(node: YamlNode): string | undefined {
    const tag = (node as { tag?: string }).tag;
    if (!tag || tag.startsWith('tag:yaml.org,2002:')) return undefined;
    if (!COMPOSE_TAGS.has(tag)) {
      const [start, end] = node.range ?? [0, 0];
      this.problems.push({ start, end: Math.max(start, end), message: `Unknown tag ${tag}: Compose knows only !reset and !override; remove it.`, severity: 'error' });
    }
    return tag;
  }

  private backOverSpaces(offset: number): number {
    let o = offset;
    while (o > 0 && (this.text[o - 1] === ' ' || this.text[o - 1] === '\t')) o--;
    return o;
  }

  private afterColon(keyEnd: number): number {
    let o = keyEnd;
    while (o < this.text.length && (this.text[o] === ' ' || this.text[o] === '\t')) o++;
    return this.text[o] === ':' ? o + 1 : keyEnd;
  }
}

// ---- reading the tree ---------------------------------------------------------------------------------------

export function entry(map: CNode | undefined, key: string): CEntry | undefined {
  if (!map || map.kind !== 'map') return undefined;
  for (const e of map.entries) if (e.key === key) return e;
  return undefined;
}

export function child(map: CNode | undefined, key: string): CNode | undefined {
  return entry(map, key)?.value;
}

export function isMapNode(node: CNode | undefined): node is CMap {
  return node?.kind === 'map';
}

export function isSeqNode(node: CNode | undefined): node is CSeq {
  return node?.kind === 'seq';
}

export function isScalarNode(node: CNode | undefined): node is CScalar {
  return node?.kind === 'scalar';
}

/** A scalar's value as a string (numbers and booleans as written), or undefined for null and collections. */
export function scalarText(node: CNode | undefined): string | undefined {
  if (!node || node.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/**
 * The tree as Compose reads it: mapping entries whose value is tagged `!reset` removed (compose-go's
 * ResetProcessor drops them from the document before decoding, so nothing inside them is interpolated, checked or
 * referenced). A tagged sequence item stays, as compose-go leaves it, and so does everything inside an `!override`
 * value (ResetProcessor does not look into one). Nodes without such an entry below them are returned as they are.
 */
export function withoutResets(node: CNode): CNode {
  if (node.kind === 'scalar' || node.tag === '!override') return node;
  if (node.kind === 'seq') {
    let items: CNode[] | undefined;
    for (const [i, item] of node.items.entries()) {
      const kept = withoutResets(item);
      if (kept !== item && !items) items = node.items.slice(0, i);
      if (items) items.push(kept);
    }
    return items ? { ...node, items } : node;
  }
  let entries: CEntry[] | undefined;
  for (const [i, e] of node.entries.entries()) {
    const kept = e.value.tag === '!reset' ? undefined : withoutResets(e.value);
    if (kept !== e.value && !entries) entries = node.entries.slice(0, i);
    if (entries && kept) entries.push(kept === e.value ? e : { ...e, value: kept });
  }
  return entries ? { ...node, entries } : node;
}

/**
 * The plain JavaScript value of a node (what the schema validates); `!reset` mapping entries are left out, as
 * withoutResets leaves them out (`resets` is false inside an `!override` value, where they stay).
 */
export function toJS(node: CNode, resets = true): unknown {
  const inner = resets && node.tag !== '!override';
  switch (node.kind) {
    case 'scalar': return node.value;
    case 'seq': {
      const out: unknown[] = [];
      // A tagged item stays: compose-go removes only mapping entries.
      for (const item of node.items) out.push(toJS(item, inner));
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) if (!inner || e.value.tag !== '!reset') out[e.key] = toJS(e.value, inner);
      return out;
    }
  }
}
