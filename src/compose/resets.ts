/**
 * `!reset` and `!override` across the files of a project, as compose-go applies them. While it loads each file
 * (loader/loader.go loadYamlFile), its ResetProcessor (loader/reset.go) records the key path of every mapping
 * entry the file tags `!reset` or `!override`, and before the file is merged (processRawYaml: processor.Apply(dict)
 * before override.Merge) deletes whatever the files before it gave at those paths. A `!reset` value is itself
 * dropped from its file, so nothing is left there; an `!override` value is merged onto nothing, so it replaces the
 * earlier one. A file's tags therefore reach only the files before it: the first file's tags remove nothing of the
 * others, and an `include`d file is imported into its includer after the reset (so its tags reach no other file,
 * and the includer's tags do not reach it; the files after the includer do).
 */
import type { CEntry, CMap, CNode } from './parse';

/** Whether the text may hold a tag worth the walk (most files have none). */
export function mayTag(text: string): boolean {
  return text.includes('!reset') || text.includes('!override');
}

/**
 * compose-go's tree.Path of each mapping entry tagged `!reset` or `!override` (`services.web.ports`), in the tree
 * as written (`parsed.root`). Nothing inside such a value is recorded, as ResetProcessor does not look into it,
 * and nothing inside a sequence: those paths never match (ResetProcessor.Apply removes no sequence item).
 * Aliases and `<<` merges are read where they are used, as yaml.v3's ResetProcessor follows them.
 */
export function resetPaths(root: CNode | undefined): string[] {
  const paths: string[] = [];
  const keys: string[] = [];
  const walk = (map: CMap) => {
    for (const e of map.entries) {
      const tag = e.value.tag;
      if (tag === '!reset' || tag === '!override') paths.push(keys.length ? `${keys.join('.')}.${e.key}` : e.key);
      else if (e.value.kind === 'map') {
        keys.push(e.key);
        walk(e.value);
        keys.pop();
      }
    }
  };
  if (root?.kind === 'map') walk(root);
  return paths;
}

/** The recorded paths split on "." as tree.Path.Matches splits them; "*" matches any key there. */
interface PathTrie {
  end: boolean;
  next: Map<string, PathTrie>;
}

function trieOf(paths: readonly string[]): PathTrie {
  const root: PathTrie = { end: false, next: new Map() };
  for (const p of paths) {
    let at = root;
    for (const part of p.split('.')) {
      let next = at.next.get(part);
      if (!next) at.next.set(part, next = { end: false, next: new Map() });
      at = next;
    }
    at.end = true;
  }
  return root;
}

/** The trie nodes a key leads to: compose-go joins keys with "." and compares the parts, so "a.b" is two parts. */
function advance(states: readonly PathTrie[], key: string): PathTrie[] {
  let out = states as PathTrie[];
  for (const part of key.split('.')) {
    const next: PathTrie[] = [];
    for (const s of out) {
      const exact = s.next.get(part);
      if (exact) next.push(exact);
      const any = part === '*' ? undefined : s.next.get('*');
      if (any) next.push(any);
    }
    if (next.length === 0) return next;
    out = next;
  }
  return out;
}

/**
 * compose-go has used `include` and a service's `extends` up by the time a later file resets: the merged model
 * holds what they brought, not the keys, so a reset of them (or of anything inside them) removes nothing.
 */
function consumed(keys: readonly string[], key: string): boolean {
  return (keys.length === 0 && key === 'include') || (keys.length === 2 && keys[0] === 'services' && key === 'extends');
}

/**
 * A service's `depends_on: [db]` and `networks: [front]` are mappings by the time a later file resets
 * (transform.Canonical makes them so as each file is loaded): `depends_on: {db: !reset}` removes the item "db".
 */
function listIsMapping(keys: readonly string[]): boolean {
  return keys.length === 3 && keys[0] === 'services' && (keys[2] === 'depends_on' || keys[2] === 'networks');
}

/**
 * `root` without what `paths` (the later files' resetPaths) remove: the entries at those paths, and the items of
 * a service's list-form depends_on and networks they name. Copies only the maps on the way to a removed entry;
 * returns `root` itself when nothing is removed. Walks only the parts of the tree the paths lead into.
 */
export function withoutResetPaths(root: CNode | undefined, paths: readonly string[]): CNode | undefined {
  if (!root || paths.length === 0) return root;
  const keys: string[] = [];
  const prune = (node: CNode, states: PathTrie[]): CNode => {
    if (node.kind === 'seq') {
      if (!listIsMapping(keys)) return node;
      const items = node.items.filter((item) => item.kind !== 'scalar' || item.value === null || !advance(states, String(item.value)).some((s) => s.end));
      return items.length === node.items.length ? node : { ...node, items };
    }
    if (node.kind !== 'map') return node;
    let entries: CEntry[] | undefined;
    for (const [i, e] of node.entries.entries()) {
      let kept: CEntry | undefined = e;
      const next = consumed(keys, e.key) ? [] : advance(states, e.key);
      if (next.some((s) => s.end)) kept = undefined;
      else if (next.length > 0) {
        keys.push(e.key);
        const value = prune(e.value, next);
        keys.pop();
        if (value !== e.value) kept = { ...e, value };
      }
      if (kept !== e && !entries) entries = node.entries.slice(0, i);
      if (entries && kept) entries.push(kept);
    }
    return entries ? { ...node, entries } : node;
  };
  return prune(root, [trieOf(paths)]);
}
