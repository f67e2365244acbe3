/**
 * Compose projects: which files are Compose files, which files make one project (a base file and its
 * override files, merged as `docker compose` merges them), the project name, and the engine names of the
 * project's networks and volumes. File access goes through a small host interface so the editor can serve
 * unsaved documents and tests can serve fixtures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComposeModel, ResourceDecl, Section, ServiceDecl } from './declarations';
import { modelOf, modelWithout } from './declarations';
import { child, isMapNode, isSeqNode, parseCompose, scalarText, type CNode } from './parse';
import { mayTag, resetPaths } from './resets';

export interface FileHost {
  /** The file's text, or undefined when it does not exist. */
  readFile(file: string): string | undefined;
  /** File names in a folder (not paths), or [] when it does not exist. */
  readDir(dir: string): string[];
  exists(file: string): boolean;
}

/** The real file system (the CLI, tests). */
export const nodeFileHost: FileHost = {
  readFile(file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  readDir(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  exists: (file) => existsSync(file),
};

/** Base files in the order `docker compose` looks for them (compose-go cli DefaultFileNames). */
export const BASE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/** Override files in the order `docker compose` looks for them (compose-go cli DefaultOverrideFileNames). */
export const OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

const COMPOSE_FILE = /^(?:compose|docker-compose)(?:\.[^/\\]+)?\.ya?ml$/;

/** compose.yaml/.yml, docker-compose.yaml/.yml, compose.*.yaml/.yml, docker-compose.*.yaml/.yml. */
export function isComposeFileName(file: string): boolean {
  return COMPOSE_FILE.test(path.basename(file));
}

/** Compose's normalisation of a project name: lowercase, only [a-z0-9_-], no leading `_` or `-`. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '').replace(/^[_-]+/, '');
}

/**
 * KEY=VALUE statements of a .env file, read as compose-go's dotenv parser reads them (dotenv/parser.go): `export `
 * and comment lines are skipped, `KEY: value` works as `KEY=value`, a key alone on its line takes its value from
 * `lookup`. A quoted value ends at its closing quote, may span lines and may be followed by a comment; an
 * unquoted value ends at the line's end or at " #". Unquoted and double-quoted values are interpolated:
 * `${VAR}` looks in `lookup` (the process environment) first, then in the variables defined above it in the
 * file, and an unset variable without default is empty; single-quoted values are taken as written. A variable
 * of the process environment wins over the file. A statement Compose refuses (a bad character in a key, a space
 * in it, an unterminated quote) is skipped to the end of its line and put in `problems`: docker compose stops at
 * the first one.
 */
export function parseDotEnv(text: string, lookup: Readonly<Record<string, string | undefined>> = {}, problems?: DotEnvProblem[]): Record<string, string> {
  const env: Record<string, string> = {};
  const scope = new Proxy({} as Record<string, string | undefined>, {
    get: (_, name: string) => lookup[name] ?? env[name],
  });
  const n = text.length;
  const blank = (c: string) => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\u0085' || c === '\u00a0';
  const lineEnd = (from: number) => { const nl = text.indexOf('\n', from); return nl === -1 ? n : nl; };
  let i = 0;
  while (i < n) {
    if (/\s/.test(text[i])) { i++; continue; }
    if (text[i] === '#') { i = lineEnd(i); continue; }
    if (text.startsWith('export', i) && blank(text[i + 6] ?? '')) i += 6;
    while (i < n && blank(text[i])) i++;
    // The key runs to "=", ":" or the end of the line; letters, digits, "_" and "." only.
    let k = i;
    let bad = false;
    while (k < n && text[k] !== '=' && text[k] !== ':' && text[k] !== '\n') {
      if (!blank(text[k]) && !/[\p{L}\p{N}_.]/u.test(text[k])) bad = true;
      k++;
    }
    const key = text.slice(i, k).trimEnd();
    if (bad || key === '' || /\s/.test(key)) {
      if (problems) {
        const badChar = [...text.slice(i, k)].find((c) => !blank(c) && !/[\p{L}\p{N}_.]/u.test(c));
        problems.push({
          offset: i,
          message: badChar !== undefined ? `"${badChar}" cannot be in a variable name (letters, digits, _ and . only)`
            : key === '' ? 'a value without a variable name' : 'a variable name cannot contain a space',
        });
      }
      i = lineEnd(k);
      continue;
    }
    if (k >= n || text[k] === '\n') {
      const inherited = lookup[key];
      if (inherited !== undefined) env[key] = inherited;
      i = k;
      continue;
    }
    i = k + 1;
    while (i < n && blank(text[i])) i++;
    let value: string;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      let j = i + 1;
      while (j < n && !(text[j] === quote && text[j - 1] !== '\\')) j++;
      if (j >= n) { // unterminated: docker compose refuses the file
        problems?.push({ offset: i, message: `the value of ${key} opens a ${quote === '"' ? 'double' : 'single'} quote that is never closed` });
        i = lineEnd(i);
        continue;
      }
      value = text.slice(i + 1, j);
      i = j + 1;
      if (quote === '"') value = interpolate(unescapeDoubleQuoted(value), scope, { unset: 'empty' }) ?? value;
    } else {
      const end = lineEnd(i);
      const line = text.slice(i, end);
      const comment = line.indexOf(' #');
      value = (comment === -1 ? line : line.slice(0, comment)).trimEnd();
      value = interpolate(value, scope, { unset: 'empty' }) ?? value;
      i = end;
    }
    env[key] = lookup[key] ?? value;
  }
  return env;
}

/** A statement of a .env file that docker compose refuses, and where it starts. */
export interface DotEnvProblem {
  offset: number;
  message: string;
}

/** "line N: message" for the first of `problems` (docker compose stops there), or undefined. */
export function firstDotEnvProblem(text: string, problems: readonly DotEnvProblem[]): string | undefined {
  const first = problems[0];
  if (!first) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < first.offset; i = text.indexOf('\n', i + 1)) line++;
  return `line ${line}: ${first.message}`;
}

/** The escapes of a double-quoted .env value: \n, \r and \t, and a backslash before any other character but `$` is dropped. */
function unescapeDoubleQuoted(value: string): string {
  return value.replace(/\\([\s\S])/g, (whole, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === '$' ? whole : c));
}

/**
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR:+alt}`, `$VAR` and `$$` as Compose
 * interpolates them. Returns undefined when a variable is unknown and has no default: the value is then not
 * known until `docker compose` runs, and checks on it are skipped.
 */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>, options: { unset?: 'unknown' | 'empty' } = {}): string | undefined {
  if (!text.includes('$')) return text;
  // .env files (`unset: 'empty'`): Compose's dotenv reader substitutes an unset variable with nothing.
  let out = '';
  let unknown = false;
  // ${NAME[...]}: compose-go reads bash-style array references; their value is not known here.
  const re = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(last, m.index);
    last = re.lastIndex;
    if (m[0] === '$$') { out += '$'; continue; }
    if (m[2]) { unknown = options.unset !== 'empty'; continue; }
    const name = m[1] ?? m[5];
    const value = env[name];
    const op = m[3];
    const arg = m[4] ?? '';
    if (!op) {
      if (value === undefined) unknown = options.unset !== 'empty'; else out += value;
    } else if (op === ':-' || op === '-') {
      const useDefault = op === ':-' ? !value : value === undefined;
      if (useDefault) {
        const d = interpolate(arg, env, options);
        if (d === undefined) unknown = options.unset !== 'empty'; else out += d;
      } else out += value;
    } else if (op === ':+' || op === '+') {
      const set = op === ':+' ? Boolean(value) : value !== undefined;
      if (set) {
        const d = interpolate(arg, env, options);
        if (d === undefined) unknown = options.unset !== 'empty'; else out += d;
      } else if (value === undefined) unknown = options.unset !== 'empty';
    } else {
      // :? and ?: an error when unset; we cannot know here.
      if (value === undefined || (op === ':?' && !value)) unknown = options.unset !== 'empty'; else out += value;
    }
  }
  out += text.slice(last);
  // A "$" that is not part of a variable is kept as written, as Compose does.
  return unknown ? undefined : out;
}

export interface ProjectFile {
  file: string;
  /** The file as written (its own !reset values dropped): what compose-go checks while it loads the file alone. */
  model: ComposeModel;
  /**
   * What the merged project keeps of the file: `model` without the values the files after it `!reset` or
   * `!override` (see resets.ts); `model` itself when they name nothing of it. The project's checks read this.
   */
  merged: ComposeModel;
  /** Brought in by an `include` (not one of the -f files). */
  included?: boolean;
}

/**
 * A file that services of the project extend (`extends: {file, service}`) without it being one of the project's
 * files: only the named services are copied into the project, so only their references are the project's.
 */
export interface ExtendedFile {
  file: string;
  model: ComposeModel;
  /** The services of this file that the project's services extend (directly or down a chain). */
  services: Set<string>;
}

/** The files of one project and what they declare together. */
export class ComposeProject {
  /** Files reached only through `extends: {file}` (see ExtendedFile); filled by loadProject. */
  readonly extended: ExtendedFile[] = [];

  readonly declared: Record<Section, Map<string, ResourceDecl>> = {
    networks: new Map(), volumes: new Map(), configs: new Map(), secrets: new Map(),
  };
  readonly services = new Map<string, ServiceDecl[]>();
  /** What docker compose refuses in the folder's .env ("line N: ..."), which stops every command of the project. */
  dotEnvProblem?: string;

  constructor(
    /** Absolute folder the project's relative paths are relative to. */
    readonly dir: string,
    /** Base file first, then its overrides in the order they apply. */
    readonly files: ProjectFile[],
    readonly name: string,
    readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    // Later files override earlier ones, key by key, as `docker compose -f a -f b` merges them.
    for (const { merged: model } of files) {
      for (const section of Object.keys(this.declared) as Section[]) {
        for (const decl of model.resources[section]) {
          const before = this.declared[section].get(decl.name);
          this.declared[section].set(decl.name, before ? mergeDecl(before, decl) : decl);
        }
      }
      for (const s of model.services) {
        const list = this.services.get(s.name);
        if (list) list.push(s); else this.services.set(s.name, [s]);
      }
    }
  }

  /** The name a network or volume gets on the engine. */
  engineName(section: 'networks' | 'volumes', name: string): string {
    const decl = this.declared[section].get(name);
    if (decl?.explicitName) return interpolate(decl.explicitName.text, this.env) ?? decl.explicitName.text;
    if (decl?.external) return name;
    return `${this.name}_${name}`;
  }

  /** Network names the services of the project may use: the declared ones, and `default`. */
  hasNetwork(name: string): boolean {
    return name === 'default' || this.declared.networks.has(name);
  }
}

/** An override's declaration of a resource refines the base one: a set `external` or `name` wins. */
function mergeDecl(base: ResourceDecl, over: ResourceDecl): ResourceDecl {
  const overridesShape = over.node.kind === 'map' && over.node.entries.length > 0;
  if (!overridesShape) return { ...base };
  return {
    ...base,
    external: over.external || base.external,
    explicitName: over.explicitName ?? base.explicitName,
    driver: over.driver ?? base.driver,
    internal: over.internal || base.internal,
    attachable: over.attachable || base.attachable,
    labels: { ...base.labels, ...over.labels },
    driverOpts: { ...base.driverOpts, ...over.driverOpts },
    ipam: over.ipam.length ? over.ipam : base.ipam,
  };
}

/**
 * The files of the project that `file` belongs to, as `docker compose` finds them in a folder (compose-go's
 * DefaultFileNames and DefaultOverrideFileNames): the first base file that exists (compose.yaml, compose.yml,
 * docker-compose.yml, docker-compose.yaml), then the first override file that exists (compose.override.yml,
 * compose.override.yaml, docker-compose.override.yml, docker-compose.override.yaml). Any other Compose file beside
 * them (compose.prod.yaml) is an overlay, applied as `docker compose -f <base> -f <it>`: its project is the base and
 * itself, not the default override and not the other overlays (those are alternatives, not layers). A Compose file
 * with no base file beside it is a project of its own.
 */
export function projectFiles(file: string, host: FileHost): string[] {
  const dir = path.dirname(file);
  const names = new Set(host.readDir(dir));
  const baseName = BASE_FILE_NAMES.find((n) => names.has(n));
  if (!baseName) return [file];
  const overrideName = OVERRIDE_FILE_NAMES.find((n) => names.has(n));
  const defaults = [baseName, ...overrideName ? [overrideName] : []].map((n) => path.join(dir, n));
  if (defaults.includes(file)) return defaults;
  const name = path.basename(file);
  return isComposeFileName(name) && name.replace(/\.ya?ml$/, '').includes('.') ? [defaults[0], file] : [file];
}

/**
 * The project a file belongs to (or the one of the files `given`): its files parsed (through the host, so unsaved
 * text is seen), the .env of its folder, and its name (top-level `name`, else COMPOSE_PROJECT_NAME from the
 * environment or .env, else the folder's name, normalised as Compose does).
 */
export function loadProject(file: string, host: FileHost, processEnv: Readonly<Record<string, string | undefined>> = {}, parsed?: Map<string, ComposeModel>, given?: readonly string[]): ComposeProject {
  // `given`: the files named as with `docker compose -f a -f b`, in that order; the project's folder (its .env, its
  // default name, relative paths) is the first one's, as in Compose.
  const ordered = given?.length ? [...given] : projectFiles(file, host);
  const dir = path.dirname(ordered[0]);
  const files: ProjectFile[] = [];
  const read = (f: string): ComposeModel | undefined => {
    const known = parsed?.get(f);
    if (known) return known;
    const text = host.readFile(f);
    return text === undefined ? undefined : modelOf(parseCompose(text));
  };
  for (const f of ordered) {
    const model = read(f);
    if (model) files.push({ file: f, model, merged: model });
  }
  const direct = files.length;
  /** The -f file each file came in with (itself, or the one whose include brought it). */
  const via = files.map((_, i) => i);
  const dotEnvText = host.readFile(path.join(dir, '.env'));
  const dotEnvProblems: DotEnvProblem[] = [];
  const env = { ...(dotEnvText ? parseDotEnv(dotEnvText, processEnv, dotEnvProblems) : {}), ...processEnv };
  const name = projectName(files.map((f) => f.model), dir, env);
  // Local `include`s bring their services, networks, volumes, configs and secrets into the project, as
  // compose-go imports them (breadth first, each file once, a bounded number of files).
  const seen = new Set(files.map((f) => path.resolve(f.file)));
  for (let i = 0; i < files.length && files.length < MAX_INCLUDED_FILES; i++) {
    for (const inc of includePaths(files[i].model.root, path.dirname(files[i].file), (t) => interpolate(t, env))) {
      if (seen.has(inc.file)) continue;
      seen.add(inc.file);
      const model = read(inc.file);
      if (model) {
        files.push({ file: inc.file, model, merged: model, included: true });
        via.push(via[i]);
      }
    }
  }
  // The -f files' !reset and !override remove what the files before them gave (and what those included);
  // an included file's own tags reach no other file (see resets.ts).
  const after: string[][] = [];
  for (let i = direct - 1, paths: string[] = []; i >= 0; i--) {
    after[i] = paths;
    if (mayTag(files[i].model.parsed.text)) paths = paths.concat(resetPaths(files[i].model.parsed.root));
  }
  for (const [i, f] of files.entries()) f.merged = modelWithout(f.model, after[via[i]]);
  const project = new ComposeProject(dir, files, name, env);
  if (dotEnvText) project.dotEnvProblem = firstDotEnvProblem(dotEnvText, dotEnvProblems);
  // extends is followed as each file is loaded, before the files after it reset anything.
  project.extended.push(...extendedFiles(files, read, (t) => interpolate(t, env)));
  return project;
}

const MAX_INCLUDED_FILES = 64;

/**
 * What a service's `extends:` names (`extends: name`, or `{service, file}`): the service and the file as written,
 * interpolated. Undefined when it names nothing, or a name or file that is not known before docker compose runs.
 */
export function extendsReference(service: CNode | undefined, resolve: (s: string) => string | undefined): { service: string; file?: string } | undefined {
  const ext = child(service, 'extends');
  const refText = scalarText(isMapNode(ext) ? child(ext, 'service') : ext);
  const ref = refText === undefined ? undefined : resolve(refText);
  if (ref === undefined) return undefined;
  const fileText = isMapNode(ext) ? scalarText(child(ext, 'file')) : undefined;
  if (fileText === undefined) return { service: ref };
  const file = resolve(fileText);
  return file ? { service: ref, file } : undefined;
}

/**
 * The other files the project's services extend, followed down each chain (a service of an extended file may
 * extend another service of its own file or of a further file), each file read once, a bounded number of files.
 */
function extendedFiles(files: ProjectFile[], read: (file: string) => ComposeModel | undefined, resolve: (s: string) => string | undefined): ExtendedFile[] {
  const own = new Set(files.map((f) => path.resolve(f.file)));
  const byFile = new Map<string, ExtendedFile>();
  const visited = new Set<string>();
  const queue: Array<{ file: string; model: ComposeModel; service: ServiceDecl }> = [];
  for (const f of files) for (const service of f.model.services) queue.push({ file: f.file, model: f.model, service });
  while (queue.length > 0) {
    const { file, model, service } = queue.shift()!;
    const named = extendsReference(service.node, resolve);
    if (!named) continue;
    const ref = named.service;
    const target = named.file === undefined ? file : path.resolve(path.dirname(file), named.file);
    // A chain that stays in the project's own files is the project's already.
    if (own.has(path.resolve(target))) continue;
    const key = `${target}\0${ref}`;
    if (visited.has(key)) continue;
    visited.add(key);
    let entry = byFile.get(target);
    if (!entry) {
      if (byFile.size >= MAX_INCLUDED_FILES) continue;
      const targetModel = target === file ? model : read(target);
      if (!targetModel) continue;
      entry = { file: target, model: targetModel, services: new Set() };
      byFile.set(target, entry);
    }
    entry.services.add(ref);
    const next = entry.model.services.find((s) => s.name === ref);
    if (next) queue.push({ file: target, model: entry.model, service: next });
  }
  return [...byFile.values()];
}

/** git, oci, http and ssh includes are fetched by docker compose; they are not read here. */
export function isRemoteInclude(p: string): boolean {
  return /^(?:git|oci|https?|ssh):/i.test(p) || /^[\w.-]+@[\w.-]+:/.test(p) || /\.git(?:#|$)/.test(p);
}

export interface IncludePath {
  /** The path as written, interpolated. */
  text: string;
  node: CNode;
  /** The included file, absolute. */
  file: string;
}

/**
 * The local files a document's `include` names: the main file of each entry (its first path), or every path with
 * `all`. Relative paths are read from the including file's folder (`project_directory` moves where the included
 * file's own relative paths point, not where it is read from).
 */
export function includePaths(root: CNode | undefined, dir: string, resolve: (s: string) => string | undefined, all = false): IncludePath[] {
  const list = child(root, 'include');
  if (!isSeqNode(list)) return [];
  const nodes: CNode[] = [];
  for (const item of list.items) {
    const p = isMapNode(item) ? child(item, 'path') : item;
    if (isSeqNode(p)) nodes.push(...(all ? p.items : p.items.slice(0, 1)));
    else if (p) nodes.push(p);
  }
  const refs: IncludePath[] = [];
  for (const node of nodes) {
    const raw = scalarText(node);
    const text = raw === undefined ? undefined : resolve(raw);
    if (!text || isRemoteInclude(text)) continue;
    refs.push({ text, node, file: path.resolve(dir, text) });
  }
  return refs;
}

export function projectName(models: ComposeModel[], dir: string, env: Readonly<Record<string, string | undefined>>): string {
  let fromFile: string | undefined;
  for (const m of models) if (m.name) fromFile = interpolate(m.name.text, env) ?? fromFile;
  const chosen = fromFile || env.COMPOSE_PROJECT_NAME || path.basename(dir);
  return normalizeProjectName(chosen) || 'default';
}

/** A project of one in-memory file, for callers without a file system (tests, untitled documents). */
export function singleFileProject(model: ComposeModel, dir = '/', env: Readonly<Record<string, string | undefined>> = {}, file = path.join(dir, 'compose.yaml')): ComposeProject {
  return new ComposeProject(dir, [{ file, model, merged: model }], projectName([model], dir, env), env);
}
