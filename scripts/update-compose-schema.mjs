// Replaces src/compose/schema/compose-spec.json with a newer Compose Specification schema, the one maintained
// with the reference loader (compose-spec/compose-go, schema/compose-spec.json), records where it came from in
// compose-spec.meta.json, and prints which fields changed and which local additions it makes redundant.
//
//   npm run update-compose-schema -- <file or https URL> [--commit <sha>] [--repo owner/name] [--dry-run]
//
// The argument is a local copy of compose-go's schema/compose-spec.json or an http(s) address of its raw text;
// --commit records which compose-go commit it is. The copy is kept verbatim so that a later diff against
// compose-go is empty.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEFAULT_REPO = 'compose-spec/compose-go';
const SCHEMA_PATH = 'schema/compose-spec.json';

/**
 * Every property a schema describes, as a path: top-level keys by name (`services`), definitions as
 * `#service.build.no_cache_filter`, array items as `[]`, pattern properties as `*`. oneOf/anyOf/allOf branches
 * share their parent's path; $refs are not followed. Maps each path to its schema without descriptions, so
 * that a changed type shows up and a reworded description does not.
 */
export function schemaPaths(schema) {
  const out = new Map();
  // A node's own constraints: nested properties and items are compared at their own paths.
  const strip = (node) => JSON.stringify(node, (k, v) => {
    if (k === 'description') return undefined;
    if ((k === 'properties' || k === 'patternProperties') && v && typeof v === 'object') return Object.keys(v).sort();
    if (k === 'items' && v && typeof v === 'object' && !Array.isArray(v)) return '…';
    return v;
  });
  const walk = (node, prefix) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const p = prefix ? `${prefix}.${name}` : name;
      out.set(p, strip(child));
      walk(child, p);
    }
    for (const [pattern, child] of Object.entries(node.patternProperties ?? {})) {
      if (pattern === '^x-') continue;
      walk(child, prefix ? `${prefix}.*` : '*');
    }
    if (node.items && typeof node.items === 'object') {
      out.set(`${prefix}[]`, strip(node.items));
      walk(node.items, `${prefix}[]`);
    }
    for (const k of ['oneOf', 'anyOf', 'allOf']) for (const branch of node[k] ?? []) walk(branch, prefix);
  };
  walk(schema, '');
  for (const [name, def] of Object.entries(schema.definitions ?? {})) {
    out.set(`#${name}`, strip(def));
    walk(def, `#${name}`);
  }
  return out;
}

/** Paths only in `after` (added), only in `before` (removed), and in both with a different schema (changed). */
export function diffSchemas(before, after) {
  const a = schemaPaths(before);
  const b = schemaPaths(after);
  const added = [...b.keys()].filter((p) => !a.has(p)).sort();
  const removed = [...a.keys()].filter((p) => !b.has(p)).sort();
  const changed = [...b.keys()].filter((p) => a.has(p) && a.get(p) !== b.get(p)).sort();
  return { added, removed, changed };
}

/** Local additions (compose-spec.additions.json) that the schema already has: delete them from that file. */
export function redundantAdditions(schema, additions) {
  return additions.filter((a) => {
    let node = schema;
    for (const key of a.path) node = node && typeof node === 'object' ? node[key] : undefined;
    return node !== undefined && JSON.stringify(node) !== JSON.stringify(a.replaces);
  });
}

export function metadataFor(text, schema, source) {
  return {
    source,
    version: source.commit ? `${source.repository}@${source.commit}` : `${source.repository ?? source.url ?? 'unknown'} (no commit given)`,
    retrieved: new Date().toISOString().slice(0, 10),
    sha256: createHash('sha256').update(text).digest('hex'),
    characters: text.length,
    definitions: Object.keys(schema.definitions ?? {}).length,
    serviceProperties: Object.keys(schema.definitions?.service?.properties ?? {}).length,
  };
}

async function readSource(arg) {
  if (/^https?:\/\//.test(arg)) {
    const response = await fetch(arg);
    if (!response.ok) throw new Error(`${arg}: HTTP ${response.status}`);
    return response.text();
  }
  return readFileSync(path.resolve(arg), 'utf8');
}

async function main(argv) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dir = path.join(root, 'src/compose/schema');
  const options = { repo: DEFAULT_REPO, commit: undefined, dryRun: false, from: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--commit') options.commit = argv[++i];
    else if (argv[i] === '--repo') options.repo = argv[++i];
    else if (argv[i] === '--dry-run') options.dryRun = true;
    else options.from = argv[i];
  }
  if (!options.from) throw new Error(`Usage: npm run update-compose-schema -- <compose-spec.json file or URL> [--commit <sha>] [--repo ${DEFAULT_REPO}] [--dry-run]`);
  const from = options.from;
  const text = await readSource(from);
  let next;
  try {
    next = JSON.parse(text);
  } catch (e) {
    throw new Error(`${from} is not JSON: ${e.message}`);
  }
  if (!next.definitions?.service?.properties) throw new Error(`${from} does not look like the Compose Specification schema (no definitions.service).`);
  const target = path.join(dir, 'compose-spec.json');
  const before = JSON.parse(readFileSync(target, 'utf8'));
  const { added, removed, changed } = diffSchemas(before, next);
  const additions = JSON.parse(readFileSync(path.join(dir, 'compose-spec.additions.json'), 'utf8')).additions;
  const redundant = redundantAdditions(next, additions);
  const source = { repository: options.repo, path: SCHEMA_PATH, ...(options.commit ? { commit: options.commit } : {}), ...(/^https?:/.test(from) ? { url: from } : {}) };
  const meta = metadataFor(text, next, source);
  console.log(`${from}: ${meta.characters} characters, ${meta.definitions} definitions, ${meta.serviceProperties} service properties`);
  for (const p of added) console.log(`  + ${p}`);
  for (const p of removed) console.log(`  - ${p}`);
  for (const p of changed) console.log(`  ~ ${p}`);
  if (!added.length && !removed.length && !changed.length) console.log('  no field changed');
  for (const a of redundant) console.log(`  additions: ${a.path.join('.')} is now in the schema; delete it from compose-spec.additions.json`);
  if (options.dryRun) return;
  writeFileSync(target, text);
  writeFileSync(path.join(dir, 'compose-spec.meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  console.log(`wrote ${path.relative(root, target)} and compose-spec.meta.json (${meta.version})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
