/**
 * The document outline: the top-level keys, with the services, networks, volumes, configs and secrets under
 * them, and each service's keys under it (breadcrumbs follow the same tree). Read off the parsed tree.
 */
import type { ComposeModel } from '../declarations';
import { isMapNode, isSeqNode, scalarText, type CEntry } from '../parse';

export type OutlineKind = 'section' | 'service' | 'network' | 'volume' | 'config' | 'secret' | 'key';

export interface OutlineSymbol {
  name: string;
  kind: OutlineKind;
  detail?: string;
  /** The whole entry. */
  start: number;
  end: number;
  /** The key. */
  selectionStart: number;
  selectionEnd: number;
  children: OutlineSymbol[];
}

const CHILD_KIND: Record<string, OutlineKind> = { services: 'service', networks: 'network', volumes: 'volume', configs: 'config', secrets: 'secret' };

function symbolOf(e: CEntry, kind: OutlineKind, children: OutlineSymbol[] = [], detail?: string): OutlineSymbol {
  return { name: e.key, kind, detail, start: e.keyStart, end: Math.max(e.keyEnd, e.value.end), selectionStart: e.keyStart, selectionEnd: e.keyEnd, children };
}

function detailOf(e: CEntry): string | undefined {
  const v = e.value;
  if (v.kind === 'scalar') return scalarText(v);
  if (isSeqNode(v)) return `${v.items.length} item${v.items.length === 1 ? '' : 's'}`;
  return undefined;
}

export function documentSymbols(model: ComposeModel): OutlineSymbol[] {
  const root = model.root;
  if (!root) return [];
  return root.entries.map((top) => {
    const kind = CHILD_KIND[top.key];
    if (!kind || !isMapNode(top.value)) return symbolOf(top, 'key', [], detailOf(top));
    const children = top.value.entries.map((e) => {
      if (kind !== 'service') {
        const external = isMapNode(e.value) && e.value.entries.some((x) => x.key === 'external' && scalarText(x.value) === 'true');
        return symbolOf(e, kind, [], external ? 'external' : undefined);
      }
      const keys = isMapNode(e.value) ? e.value.entries.map((k) => symbolOf(k, 'key', [], detailOf(k))) : [];
      const image = isMapNode(e.value) ? scalarText(e.value.entries.find((k) => k.key === 'image')?.value) : undefined;
      return symbolOf(e, 'service', keys, image);
    });
    return symbolOf(top, 'section', children);
  });
}
