import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ComposeModel } from '../declarations';
import { entry, isMapNode, isSeqNode, toJS, type CEntry, type CNode } from '../parse';
import type { ProjectFile } from '../project';
import { effectiveComposeSchema } from '../schema';
import type { Finding, Rule } from './rule';
import { nearest } from './suggest';

let ajv: Ajv | undefined;
let validator: ValidateFunction | undefined;
const SCHEMA_ID = 'compose_spec.json';

/** The Compose Specification's schema, compiled once per process (about 50 ms) on first use. */
export function composeValidator(): ValidateFunction {
  if (!validator) {
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true, validateFormats: false });
    // The file names its meta-schema by an https address ajv does not know as draft-07 (which is its default).
    const spec: Record<string, unknown> = { ...effectiveComposeSchema() }; // the same subschema objects: see pointerOf
    delete spec.$schema;
    spec.$id = SCHEMA_ID;
    ajv.addSchema(spec);
    validator = ajv.getSchema(SCHEMA_ID)!;
  }
  return validator;
}

export const schema: Rule = {
  id: 'schema',
  defaultSeverity: 'error',
  perFile: true,
  description: 'The file does not follow the Compose Specification\'s JSON schema (unknown keys, wrong types, bad values).',
  check(ctx) {
    const root = ctx.model.parsed.root;
    if (!root) return;
    const errors = validateInParts(composeValidator(), root);
    if (errors.length === 0) return;
    const earlier = earlierRoots(ctx.project.files, ctx.model, ctx.file);
    const left = byShape(errors, root).filter((e) => !(e.keyword === 'required' && earlier.some((r) => hasKeyAt(r, e.instancePath, String((e.params as { missingProperty: string }).missingProperty)))));
    for (const finding of explain(left, root, ctx.model.parsed.text)) ctx.report(finding);
  },
};

/**
 * The trees of the project's files before this one (the -f files in order, not those an include brought).
 * compose-go validates the schema on what the files so far merge to, so an override may leave out a required key
 * that an earlier file gives (`depends_on: {db: {required: false}}` over the base's `condition`).
 */
function earlierRoots(files: readonly ProjectFile[], model: ComposeModel, file: string | undefined): CNode[] {
  const at = files.findIndex((f) => f.model.parsed === model.parsed || (file !== undefined && f.file === file));
  if (at <= 0 || files[at].included) return [];
  return files.slice(0, at).filter((f) => !f.included && f.model.parsed.root).map((f) => f.model.parsed.root!);
}

/** Whether the mapping at `instancePath` (map keys only: lists merge by other rules) has `key`. */
function hasKeyAt(root: CNode, instancePath: string, key: string): boolean {
  let node: CNode | undefined = root;
  for (const raw of instancePath ? instancePath.slice(1).split('/') : []) {
    if (!isMapNode(node)) return false;
    node = entry(node, unescapePointer(raw))?.value;
  }
  return isMapNode(node) && entry(node, key) !== undefined;
}

/**
 * Validates the document as the whole, but the services one at a time, each wrapped as `{ services: { name } }`
 * so that every error's path is the one the whole document would give. Converting the whole tree at once keeps
 * every converted object alive until validation ends, and on a big file the garbage collector then copies all
 * of them out of the young generation: one service at a time they die young. Measured on the 10 MB file: the
 * schema check took 40 % less time.
 */
function validateInParts(validate: ValidateFunction, root: CNode): ErrorObject[] {
  const services = entry(root, 'services');
  // A reset or overridden services mapping (rare) is validated with the whole: toJS knows what stays in it.
  if (!isMapNode(root) || !services || !isMapNode(services.value) || services.value.tag === '!reset' || services.value.tag === '!override') {
    return validate(toJS(root)) ? [] : [...(validate.errors ?? [])];
  }
  const errors: ErrorObject[] = [];
  const top: Record<string, unknown> = {};
  for (const e of root.entries) if (e.value.tag !== '!reset') top[e.key] = e === services ? {} : toJS(e.value);
  if (!validate(top)) errors.push(...(validate.errors ?? []));
  for (const service of services.value.entries) {
    if (service.value.tag === '!reset') continue;
    if (!validate({ services: { [service.key]: toJS(service.value) } })) errors.push(...(validate.errors ?? []));
  }
  return errors;
}

type Shape = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

function shapeOf(node: CNode): Shape {
  if (node.kind === 'map') return 'object';
  if (node.kind === 'seq') return 'array';
  const v = node.value;
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'boolean' ? 'boolean' : 'string';
}

/** The JSON types a schema accepts at its top ($refs and type-less oneOf/anyOf followed); undefined when it does not say. */
function typesOf(schema: unknown, root: Record<string, unknown>, depth = 0): Set<string> | undefined {
  if (!schema || typeof schema !== 'object' || depth > 10) return undefined;
  const s = schema as { type?: string | string[]; $ref?: string; oneOf?: unknown[]; anyOf?: unknown[] };
  if (s.type) return new Set(Array.isArray(s.type) ? s.type : [s.type]);
  if (s.$ref?.startsWith('#/')) {
    let target: unknown = root;
    for (const part of s.$ref.slice(2).split('/')) target = target && typeof target === 'object' ? (target as Record<string, unknown>)[unescapePointer(part)] : undefined;
    return typesOf(target, root, depth + 1);
  }
  const branches = s.oneOf ?? s.anyOf;
  if (!branches) return undefined;
  const all = new Set<string>();
  for (const b of branches) {
    const t = typesOf(b, root, depth + 1);
    if (!t) return undefined;
    for (const x of t) all.add(x);
  }
  return all;
}

function accepts(types: Set<string>, shape: Shape): boolean {
  return types.has(shape) || (shape === 'integer' && types.has('number'));
}

/**
 * When a value fails a oneOf/anyOf, ajv reports every branch's complaints: a list-form `environment` with a
 * repeated item gets "must be an object" from the mapping branch before the real reason. Keep only the branch
 * whose type matches the value's shape (validated again on its own, so its errors are complete), or, when no
 * branch takes that shape, one type error naming the shapes the branches take.
 */
export function byShape(errors: readonly ErrorObject[], root: CNode): ErrorObject[] {
  composeValidator();
  const spec = effectiveComposeSchema();
  let list = [...errors];
  const done = new Set<string>();
  for (let round = 0; round < 100; round++) {
    const e = list.find((x) => (x.keyword === 'oneOf' || x.keyword === 'anyOf') && !done.has(`${x.instancePath}|${x.schemaPath}`));
    if (!e) break;
    done.add(`${e.instancePath}|${e.schemaPath}`);
    const node = locate(root, e.instancePath).node;
    const branches = e.schema as unknown[];
    if (!node || !Array.isArray(branches)) continue;
    const types = branches.map((b) => typesOf(b, spec));
    if (types.some((t) => !t)) continue; // branches told apart by something other than type (required keys...)
    const shape = shapeOf(node);
    const matching = types.flatMap((t, i) => (accepts(t!, shape) ? [i] : []));
    if (matching.length > 1) continue;
    const inside = (x: ErrorObject) => x.instancePath === e.instancePath || x.instancePath.startsWith(`${e.instancePath}/`);
    const rest = list.filter((x) => !inside(x));
    if (matching.length === 0) {
      const wanted = [...new Set(types.flatMap((t) => [...t!]))];
      list = [...rest, { ...e, keyword: 'type', params: { type: wanted }, message: 'must be of another type' }];
      continue;
    }
    // ajv's schemaPath is relative to the definition a $ref led to: find the branch by identity instead.
    const pointer = pointerOf(branches[matching[0]]);
    const branch = pointer === undefined ? undefined : ajv!.getSchema(`${SCHEMA_ID}#${pointer}`);
    if (!branch || branch(toJS(node))) continue;
    list = [...rest, ...(branch.errors ?? []).map((x) => ({ ...x, instancePath: e.instancePath + x.instancePath }))];
  }
  return list;
}

let pointers: Map<unknown, string> | undefined;

/** The JSON pointer of a subschema of the compiled schema (ajv's verbose errors hand out the same objects). */
function pointerOf(subschema: unknown): string | undefined {
  if (!pointers) {
    const map = new Map<unknown, string>();
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object' || map.has(node)) return;
      map.set(node, at);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    };
    walk(effectiveComposeSchema(), '');
    pointers = map;
  }
  return pointers.get(subschema);
}

/** ajv's errors, reduced to the most specific ones and phrased for people, at the right place. */
export function explain(errors: readonly ErrorObject[], root: CNode, text: string): Finding[] {
  // An error whose path has a more specific error below it (a oneOf that failed because of a deeper problem) says less.
  const paths = new Set(errors.map((e) => e.instancePath));
  const specific = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'not') {
      return ![...paths].some((p) => p !== e.instancePath && p.startsWith(`${e.instancePath}/`)) && !errors.some((o) => o !== e && o.instancePath === e.instancePath && o.keyword !== e.keyword);
    }
    return ![...paths].some((p) => p.startsWith(`${e.instancePath}/`) && errors.some((o) => o.instancePath === p && o.keyword !== 'oneOf' && o.keyword !== 'anyOf'));
  });
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of specific) {
    const list = byPath.get(e.instancePath);
    if (list) list.push(e); else byPath.set(e.instancePath, [e]);
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const push = (f: Finding) => {
    const key = `${f.start}:${f.end}:${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  for (const [instancePath, list] of byPath) {
    const located = locate(root, instancePath);
    const where = describePath(instancePath);
    const node = located.node ?? root;
    const keySpan = located.entry ? { start: located.entry.keyStart, end: located.entry.keyEnd } : { start: node.start, end: Math.min(node.end, lineEnd(text, node.start)) };
    const types = new Set<string>();
    for (const e of list) {
      switch (e.keyword) {
        case 'additionalProperties': {
          const key = String((e.params as { additionalProperty: string }).additionalProperty);
          const keyEntry = entry(node, key);
          const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
          const near = nearest(key, allowed);
          const span = keyEntry ? { start: keyEntry.keyStart, end: keyEntry.keyEnd } : keySpan;
          const fixes = near && keyEntry ? [{ kind: 'replace' as const, title: `Change to "${near}"`, start: keyEntry.keyStart, end: keyEntry.keyEnd, text: near }] : undefined;
          push({
            ...span,
            message: key.trim() === '' ? `An empty key in ${where} is not allowed: give it a name.`
              : near
              ? `Unknown key "${key}" in ${where}: did you mean "${near}"?`
              : `Unknown key "${key}" in ${where}: remove it, or rename it x-${key} to keep it as an extension.`,
            fixes,
          });
          break;
        }
        case 'type': {
          const t = (e.params as { type: string | string[] }).type;
          for (const one of Array.isArray(t) ? t : [t]) types.add(one);
          break;
        }
        case 'enum': {
          const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v));
          push({ start: node.start, end: node.end, message: `${capital(where)} must be one of ${allowed.join(', ')}: use one of them.` });
          break;
        }
        case 'required': {
          const missing = String((e.params as { missingProperty: string }).missingProperty);
          push({ ...keySpan, message: `${capital(where)} is missing the required key "${missing}": add it.` });
          break;
        }
        case 'propertyNames':
        case 'pattern':
          if (e.keyword === 'pattern' && errors.some((o) => o.keyword === 'propertyNames' && o.instancePath === instancePath)) break;
          push({ ...keySpan, message: `${capital(where)} ${e.message ?? 'is not valid'}: fix the name or value.` });
          break;
        case 'uniqueItems': {
          const { i, j } = e.params as { i: number; j: number };
          // ajv's j is the later of the two: point at the repetition.
          const [first, second] = [Math.min(i, j), Math.max(i, j)];
          const item = isSeqNode(node) ? node.items[second] : undefined;
          push({ start: (item ?? node).start, end: (item ?? node).end, message: `${capital(where)} lists the same item twice (items ${first + 1} and ${second + 1}): remove one.` });
          break;
        }
        case 'oneOf':
        case 'anyOf':
          push({ start: node.start, end: node.end, message: `${capital(where)} does not match any form the Compose Specification allows: check its syntax.` });
          break;
        default:
          push({ start: node.start, end: node.end, message: `${capital(where)} ${e.message ?? 'is not valid'}: fix the value.` });
      }
    }
    if (types.size) {
      const actual = node.kind === 'map' ? 'a mapping' : node.kind === 'seq' ? 'a sequence' : node.value === null ? 'empty' : `a ${typeof node.value}`;
      const wanted = [...types].map(typeName);
      push({
        start: node.start, end: node.end,
        message: `${capital(where)} must be ${joinOr([...new Set(wanted)])}, not ${actual}: change its value.`,
      });
    }
  }
  return findings;
}

function typeName(t: string): string {
  switch (t) {
    case 'object': return 'a mapping';
    case 'array': return 'a sequence';
    case 'integer': return 'an integer';
    case 'null': return 'empty';
    default: return `a ${t}`;
  }
}

function joinOr(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

function describePath(instancePath: string): string {
  if (!instancePath) return 'the top level';
  return instancePath.slice(1).split('/').map(unescapePointer).map((s, i) => (/^\d+$/.test(s) && i > 0 ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The node an ajv instancePath points at, and the map entry that holds it. */
function locate(root: CNode, instancePath: string): { node?: CNode; entry?: CEntry } {
  if (!instancePath) return { node: root };
  let node: CNode | undefined = root;
  let holder: CEntry | undefined;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = unescapePointer(raw);
    if (isMapNode(node)) {
      holder = entry(node, segment);
      node = holder?.value;
    } else if (isSeqNode(node)) {
      holder = undefined;
      node = node.items[Number(segment)];
    } else {
      return { node, entry: holder };
    }
    if (!node) break;
  }
  return { node, entry: holder };
}
