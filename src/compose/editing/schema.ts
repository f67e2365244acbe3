/**
 * The Compose Specification schema walked along a key path: which keys a mapping may have there (with the
 * schema's descriptions), which values a key takes (enums, booleans), and a key's own description. Results are
 * cached per path, so completion and hovers after the first cost a map lookup.
 */
import { effectiveComposeSchema } from '../schema';
import type { YamlPath } from './context';

type Schema = Record<string, unknown>;

export interface KeyInfo {
  key: string;
  description?: string;
  /** The value's JSON types as far as the schema says (object, array, string...). */
  types: string[];
}

const REFERENCE = 'https://docs.docker.com/reference/compose-file/';

/** Values the schema gives only as prose or a pattern, as the Compose reference lists them. */
export const KNOWN_VALUES: Record<string, string[]> = {
  restart: ['no', 'always', 'on-failure', 'unless-stopped'],
  pull_policy: ['always', 'never', 'missing', 'build', 'if_not_present', 'daily', 'weekly'],
  network_mode: ['bridge', 'host', 'none'],
  ipc: ['shareable', 'private', 'host', 'none'],
  pid: ['host'],
  cgroup: ['host', 'private'],
};

function resolveRef(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const parts = (s.$ref as string).replace(/^#\//, '').split('/');
    let next: unknown = root;
    for (const p of parts) next = next && typeof next === 'object' ? (next as Schema)[p] : undefined;
    if (!next || typeof next !== 'object') break;
    // A $ref with a sibling description keeps the sibling's.
    s = s.description && !(next as Schema).description ? { ...(next as Schema), description: s.description } : next as Schema;
  }
  return s;
}

/** A schema and every alternative it allows (oneOf/anyOf/allOf), $refs resolved. */
function alternatives(schema: Schema | undefined, root: Schema, out: Schema[] = [], depth = 0): Schema[] {
  if (!schema || depth > 8) return out;
  const s = resolveRef(schema, root);
  out.push(s);
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    const list = s[k];
    if (Array.isArray(list)) for (const alt of list) alternatives(alt as Schema, root, out, depth + 1);
  }
  return out;
}

function typesOf(schemas: Schema[]): string[] {
  const types = new Set<string>();
  for (const s of schemas) {
    const t = s.type;
    if (typeof t === 'string') types.add(t);
    else if (Array.isArray(t)) for (const x of t) types.add(String(x));
    if (s.properties || s.patternProperties) types.add('object');
    if (s.items) types.add('array');
  }
  return [...types];
}

function descriptionOf(schemas: Schema[]): string | undefined {
  for (const s of schemas) if (typeof s.description === 'string') return s.description;
  return undefined;
}

/** The schemas (with their alternatives) that describe the value at a path. */
function schemasAt(path: YamlPath): Schema[] {
  const root = effectiveComposeSchema();
  let current = alternatives(root, root);
  for (const segment of path) {
    const next: Schema[] = [];
    for (const s of current) {
      if (segment === '[]') {
        if (s.items && typeof s.items === 'object') alternatives(s.items as Schema, root, next);
        continue;
      }
      const props = s.properties as Record<string, Schema> | undefined;
      if (props && Object.prototype.hasOwnProperty.call(props, segment)) { alternatives(props[segment], root, next); continue; }
      const patterns = s.patternProperties as Record<string, Schema> | undefined;
      let matched = false;
      for (const [pattern, sub] of Object.entries(patterns ?? {})) {
        if (pattern === '^x-' || !safeTest(pattern, segment)) continue;
        alternatives(sub, root, next);
        matched = true;
      }
      if (!matched && s.additionalProperties && typeof s.additionalProperties === 'object') alternatives(s.additionalProperties as Schema, root, next);
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

const keysCache = new Map<string, KeyInfo[]>();
const valuesCache = new Map<string, { values: string[]; description?: string; types: string[] }>();

/** The keys the schema names for the mapping at `path` (not the pattern-matched ones, such as service names). */
export function keysAt(path: YamlPath): KeyInfo[] {
  const cacheKey = path.join('\u0000');
  const cached = keysCache.get(cacheKey);
  if (cached) return cached;
  const root = effectiveComposeSchema();
  const out = new Map<string, KeyInfo>();
  for (const s of schemasAt(path)) {
    const props = s.properties as Record<string, Schema> | undefined;
    for (const [key, sub] of Object.entries(props ?? {})) {
      if (out.has(key)) continue;
      const alts = alternatives(sub, root);
      out.set(key, { key, description: descriptionOf(alts), types: typesOf(alts) });
    }
  }
  const list = [...out.values()];
  keysCache.set(cacheKey, list);
  return list;
}

/** Whether the value at `path` may be a mapping with keys the schema does not name (service names, labels...). */
export function allowsAnyKey(path: YamlPath): boolean {
  return schemasAt(path).some((s) => s.patternProperties !== undefined || (s.additionalProperties !== false && s.additionalProperties !== undefined));
}

/** The values the schema lists for `key` at `path` (enums and booleans, then the reference's known values). */
export function valuesOf(path: YamlPath, key: string): { values: string[]; description?: string; types: string[] } {
  const cacheKey = [...path, key].join('\u0000');
  const cached = valuesCache.get(cacheKey);
  if (cached) return cached;
  const schemas = schemasAt([...path, key]);
  const values = new Set<string>();
  for (const s of schemas) {
    if (Array.isArray(s.enum)) for (const v of s.enum) values.add(String(v));
  }
  const types = typesOf(schemas);
  if (types.includes('boolean')) { values.add('true'); values.add('false'); }
  for (const v of KNOWN_VALUES[key] ?? []) values.add(v);
  const result = { values: [...values], description: descriptionOf(schemas), types };
  valuesCache.set(cacheKey, result);
  return result;
}

/** A key's documentation: the schema's description and the reference page for its top-level section. */
export function keyDoc(path: YamlPath, key: string): { description: string; url: string } | undefined {
  const info = keysAt(path).find((k) => k.key === key);
  if (!info?.description) return undefined;
  const section = path[0] ?? key;
  const page: Record<string, string> = {
    services: 'services/', networks: 'networks/', volumes: 'volumes/', configs: 'configs/', secrets: 'secrets/',
    include: 'include/', name: 'version-and-name/', version: 'version-and-name/', models: 'models/',
  };
  // The reference has an anchor per key of a service, network, volume, config or secret.
  const anchor = path.length === 2 ? `#${key}` : '';
  return { description: info.description, url: `${REFERENCE}${page[section] ?? ''}${anchor}` };
}
