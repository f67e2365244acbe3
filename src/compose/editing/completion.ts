/**
 * Completion in a Compose file: the schema's keys where the cursor is (not those already written), the values
 * a key takes, the project's own names where a reference goes, and what only the live engine knows: existing
 * networks and volumes, a free subnet, free host ports, the drivers in use.
 */
import nodePath from 'node:path';
import type { EngineSnapshot } from '../engineSnapshot';
import type { Section } from '../declarations';
import { child, isMapNode, scalarText, type LineIndex } from '../parse';
import { interpolate } from '../project';
import type { ComposeProject } from '../project';
import { cursorContext, siblingKeys, type CursorContext } from './context';
import { keysAt, valuesOf } from './schema';

export type CompletionKind = 'property' | 'value' | 'service' | 'network' | 'volume' | 'config' | 'secret' | 'engine' | 'snippet';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** Text inserted; a snippet (with ${1} tab stops) when `snippet`. */
  insertText: string;
  snippet?: boolean;
  detail?: string;
  documentation?: string;
  /** Offsets replaced. */
  start: number;
  end: number;
  sortText?: string;
}

export interface CompletionInput {
  /** The document's current text and its line index (no parse: the text may be half-typed). */
  text: string;
  lines: LineIndex;
  /** The project from the last analysis (its names; it may be a version behind the text). */
  project: ComposeProject;
  offset: number;
  engine?: EngineSnapshot;
  /** Typed a space: only value and sequence-item completions (not the key list while indenting). */
  afterSpace?: boolean;
  /** The document's folder and a way to read a file there: build stage names for `build.target`. */
  dir?: string;
  readFile?: (file: string) => string | undefined;
}

interface TextView {
  text: string;
  lines: LineIndex;
}

/** Snippets for blocks people look up every time. */
const SNIPPETS: Array<{ at: string; label: string; body: string; detail: string }> = [
  { at: 'service', label: 'healthcheck', detail: 'healthcheck block', body: 'healthcheck:\n  test: ["CMD", "${1:curl}", "-f", "${2:http://localhost/}"]\n  interval: ${3:30s}\n  timeout: ${4:5s}\n  retries: ${5:3}\n  start_period: ${6:10s}' },
  { at: 'service', label: 'ports (long syntax)', detail: 'ports with target, published, protocol', body: 'ports:\n  - target: ${1:80}\n    published: "${2:8080}"\n    protocol: ${3|tcp,udp|}\n    host_ip: ${4:127.0.0.1}' },
  { at: 'service', label: 'deploy.resources', detail: 'CPU and memory limits and reservations', body: 'deploy:\n  resources:\n    limits:\n      cpus: "${1:0.50}"\n      memory: ${2:512M}\n    reservations:\n      memory: ${3:128M}' },
  { at: 'network', label: 'ipam.config', detail: 'subnet and gateway for this network', body: 'ipam:\n  config:\n    - subnet: ${1:172.28.0.0/16}\n      gateway: ${2:172.28.0.1}' },
];

const NETWORK_DRIVERS = ['bridge', 'overlay', 'host', 'none', 'macvlan', 'ipvlan'];
const REFERENCE_SECTIONS: Record<string, { section: Section | 'services'; kind: CompletionKind }> = {
  depends_on: { section: 'services', kind: 'service' },
  links: { section: 'services', kind: 'service' },
  volumes_from: { section: 'services', kind: 'service' },
  networks: { section: 'networks', kind: 'network' },
  configs: { section: 'configs', kind: 'config' },
  secrets: { section: 'secrets', kind: 'secret' },
};

/** Completions at `offset`. */
export function completions(input: CompletionInput): CompletionEntry[] {
  const model: TextView = { text: input.text, lines: input.lines };
  const text = input.text;
  const ctx = cursorContext(text, input.lines, input.offset);
  if (input.afterSpace && ctx.kind === 'key' && !ctx.inSequence) return [];
  const out: CompletionEntry[] = [];
  const add = (e: Omit<CompletionEntry, 'start' | 'end'>) => out.push({ ...e, start: ctx.replaceStart, end: ctx.replaceEnd });
  const path = ctx.path;
  const inService = path.length >= 2 && path[0] === 'services';
  const service = inService ? path[1] : undefined;
  const sub = inService ? path.slice(2) : [];

  if (ctx.kind === 'key') {
    // Names where a reference goes as a sequence item or a mapping key.
    if (inService && sub.length >= 1) {
      const ref = REFERENCE_SECTIONS[sub[0]];
      const plainItem = sub.length === 2 && sub[1] === '[]' && ctx.inSequence;
      const mapKey = sub.length === 1 && !ctx.inSequence && (sub[0] === 'depends_on' || sub[0] === 'networks');
      if (ref && (plainItem || mapKey)) {
        const present = siblingNames(ctx, model, input.offset);
        for (const name of projectNames(input.project, ref.section)) {
          if (name === service || present.has(name)) continue;
          add({ label: name, kind: ref.kind, insertText: mapKey ? `${name}:` : name, detail: `${ref.kind} of this project` });
        }
        if (ref.section === 'networks' && !present.has('default')) add({ label: 'default', kind: 'network', insertText: mapKey ? 'default:' : 'default', detail: 'the project\'s default network' });
        return out;
      }
      if (sub[0] === 'volumes' && sub.length === 2 && sub[1] === '[]' && ctx.inSequence) {
        for (const name of projectNames(input.project, 'volumes')) add({ label: `${name}:`, kind: 'volume', insertText: `${name}:`, detail: 'named volume of this project' });
        return out.concat(keyEntries(ctx, model, input.offset));
      }
      if (sub[0] === 'ports' && sub.length === 2 && sub[1] === '[]' && ctx.inSequence && input.engine) {
        for (const port of freeHostPorts(input.project, input.engine, 3)) {
          add({ label: `"${port}:`, kind: 'engine', insertText: `"${port}:$1"`, snippet: true, detail: `host port ${port}: free on the engine and in this project` });
        }
        return out.concat(keyEntries(ctx, model, input.offset));
      }
    }
    // Top-level networks/volumes: the engine's existing ones, as external.
    if (path.length === 1 && (path[0] === 'networks' || path[0] === 'volumes') && input.engine && !ctx.inSequence) {
      const section = path[0];
      const declared = input.project.declared[section];
      for (const name of engineNames(input.engine, section)) {
        if (declared.has(name)) continue;
        add({ label: name, kind: 'engine', insertText: `${name}:\n${' '.repeat(ctx.column + 2)}external: true`, detail: `existing ${section === 'networks' ? 'network' : 'volume'} on the engine (external)` });
      }
      return out;
    }
    out.push(...keyEntries(ctx, model, input.offset));
    const at = inService && path.length === 2 ? 'service' : path.length === 2 && path[0] === 'networks' ? 'network' : undefined;
    if (at) {
      const present = siblingKeys(text, model.lines, model.lines.position(input.offset).line, ctx.column);
      for (const s of SNIPPETS) {
        if (s.at !== at || present.has(s.label.split(/[ .]/)[0])) continue;
        add({ label: s.label, kind: 'snippet', insertText: indentBody(s.body, ctx.column), snippet: true, detail: s.detail, sortText: `~${s.label}` });
      }
    }
    return out;
  }

  // Values.
  const key = ctx.key;
  if (key === undefined) return out;
  if (inService && sub.length === 0 && key === 'network_mode') {
    for (const name of projectNames(input.project, 'services')) if (name !== service) add({ label: `service:${name}`, kind: 'service', insertText: `service:${name}`, detail: 'share this service\'s network stack' });
  }
  if (inService && key === 'target' && sub.length === 1 && sub[0] === 'build' && input.dir && input.readFile) {
    const dockerfile = dockerfileOf(input.project, service!, input.dir);
    const text = dockerfile === undefined ? undefined : input.readFile(dockerfile);
    for (const stage of dockerfileStages(text ?? '')) add({ label: stage, kind: 'value', insertText: stage, detail: `build stage in ${nodePath.basename(dockerfile!)}` });
    return out;
  }
  if (inService && key === 'service' && sub.length === 1 && sub[0] === 'extends') {
    for (const name of projectNames(input.project, 'services')) if (name !== service) add({ label: name, kind: 'service', insertText: name });
    return out;
  }
  if (inService && key === 'source' && sub.length === 2 && sub[1] === '[]') {
    const section = sub[0] === 'volumes' ? 'volumes' : sub[0] === 'configs' ? 'configs' : sub[0] === 'secrets' ? 'secrets' : undefined;
    if (section) for (const name of projectNames(input.project, section)) add({ label: name, kind: section.slice(0, -1) as CompletionKind, insertText: name });
  }
  const resourceSection = path.length === 2 && (path[0] === 'networks' || path[0] === 'volumes') ? path[0] : undefined;
  if (resourceSection && input.engine) {
    if (key === 'name') {
      for (const name of engineNames(input.engine, resourceSection)) add({ label: name, kind: 'engine', insertText: name, detail: `existing ${resourceSection === 'networks' ? 'network' : 'volume'} on the engine` });
    } else if (key === 'driver') {
      const drivers = new Set(resourceSection === 'networks' ? NETWORK_DRIVERS : ['local']);
      const live = resourceSection === 'networks' ? input.engine.networks().map((n) => n.driver) : input.engine.volumes().map((v) => v.driver);
      for (const d of live) if (d) drivers.add(d);
      for (const d of drivers) add({ label: d, kind: live.includes(d) ? 'engine' : 'value', insertText: d, detail: live.includes(d) ? 'in use on the engine' : undefined });
      return out;
    }
  }
  if (path.length === 5 && path[0] === 'networks' && path[2] === 'ipam' && path[3] === 'config' && path[4] === '[]' && key === 'subnet') {
    const free = freeSubnet(input.project, input.engine);
    if (free) add({ label: free, kind: 'engine', insertText: free, detail: input.engine ? 'free: overlaps no engine network and no other declared subnet' : 'overlaps no other declared subnet (engine not connected)' });
    return out;
  }
  const { values, description } = valuesOf(path, key);
  for (const v of values) add({ label: v, kind: 'value', insertText: v, documentation: description });
  return out;
}

function keyEntries(ctx: CursorContext, model: TextView, offset: number): CompletionEntry[] {
  const lines = model.lines;
  const present = siblingKeys(model.text, lines, lines.position(offset).line, ctx.column);
  const out: CompletionEntry[] = [];
  for (const k of keysAt(ctx.path)) {
    if (present.has(k.key)) continue;
    const block = k.types.length > 0 && k.types.every((t) => t === 'object' || t === 'array');
    out.push({
      label: k.key, kind: 'property', insertText: block ? `${k.key}:\n${' '.repeat(ctx.column + 2)}` : `${k.key}: `,
      documentation: k.description, start: ctx.replaceStart, end: ctx.replaceEnd,
    });
  }
  return out;
}

/** Names already listed in the sequence or mapping around the cursor. */
function siblingNames(ctx: CursorContext, model: TextView, offset: number): Set<string> {
  const lines = model.lines;
  const line = lines.position(offset).line;
  const names = siblingKeys(model.text, lines, line, ctx.column);
  // Sequence items: scan the `- name` lines next to the cursor's.
  for (const step of [-1, 1]) {
    for (let l = line + step; l >= 0 && l < lines.lineCount; l += step) {
      const t = model.text.slice(lines.lineStart(l), lines.lineEnd(l));
      const m = /^(\s*)-\s+["']?([^"'\s#:]+)/.exec(t);
      if (!m) { if (t.trim() === '' || t.trim().startsWith('#')) continue; break; }
      names.add(m[2]);
    }
  }
  return names;
}

function projectNames(project: ComposeProject, section: Section | 'services'): string[] {
  return section === 'services' ? [...project.services.keys()] : [...project.declared[section].keys()];
}

/** `FROM image AS name` stage names of a Dockerfile, in order. */
export function dockerfileStages(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*FROM\s+(?:--\S+\s+)*\S+\s+AS\s+([A-Za-z0-9_.-]+)\s*$/i.exec(line);
    if (m && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/** The Dockerfile a service builds from (its build context and dockerfile, the last file's that sets them). */
function dockerfileOf(project: ComposeProject, service: string, dir: string): string | undefined {
  let context: string | undefined;
  let dockerfile = 'Dockerfile';
  for (const s of project.services.get(service) ?? []) {
    const build = child(s.node, 'build');
    if (build?.kind === 'scalar') context = scalarText(build) ?? context;
    else if (isMapNode(build)) {
      context = scalarText(child(build, 'context')) ?? context ?? '.';
      dockerfile = scalarText(child(build, 'dockerfile')) ?? dockerfile;
    }
  }
  if (context === undefined) return undefined;
  const ctx = interpolate(context, project.env);
  const file = interpolate(dockerfile, project.env);
  if (ctx === undefined || file === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx)) return undefined;
  return nodePath.resolve(dir, ctx, file);
}

/** Engine networks (not the built-in ones) or volumes, by name. */
export function engineNames(engine: EngineSnapshot, section: 'networks' | 'volumes'): string[] {
  if (section === 'networks') return engine.networks().filter((n) => !['bridge', 'host', 'none'].includes(n.name)).map((n) => n.name).sort();
  return engine.volumes().map((v) => v.name).sort();
}

function indentBody(body: string, column: number): string {
  return body.split('\n').map((l, i) => (i === 0 ? l : ' '.repeat(column) + l)).join('\n');
}

/** Candidate pools, in the order offered: Docker's own default pools first (what users recognise). */
function* subnetCandidates(): Generator<string> {
  for (let b = 20; b <= 31; b++) yield `172.${b}.0.0/16`;
  for (let c = 0; c < 256; c += 16) yield `192.168.${c}.0/20`;
  for (let b = 0; b < 256; b++) yield `10.${b}.0.0/16`;
}

/** An IPv4 subnet as [first, last] address numbers; undefined for IPv6 or anything else. */
function ipv4Range(text: string): [number, number] | undefined {
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})\s*$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const size = 2 ** (32 - prefix);
  const first = address - (address % size);
  return [first, first + size - 1];
}

/**
 * The first subnet that overlaps no engine network and no subnet declared in the project. IPv4 only (the
 * candidates are), compared as number ranges: a parse per engine network on every request would cost more than
 * the rest of completion.
 */
export function freeSubnet(project: ComposeProject, engine: EngineSnapshot | undefined): string | undefined {
  const taken: Array<[number, number]> = [];
  const push = (text: string | undefined) => { const r = text === undefined ? undefined : ipv4Range(text); if (r) taken.push(r); };
  for (const n of engine?.networks() ?? []) for (const s of n.subnets) push(s.subnet);
  for (const f of project.files) for (const d of f.model.resources.networks) for (const pool of d.ipam) push(pool.subnet?.text);
  for (const candidate of subnetCandidates()) {
    const [a, b] = ipv4Range(candidate)!;
    if (!taken.some(([x, y]) => a <= y && x <= b)) return candidate;
  }
  return undefined;
}

/** Host ports from 8080 up that no running container publishes and no service of the project names. */
export function freeHostPorts(project: ComposeProject, engine: EngineSnapshot, count: number): number[] {
  const used = new Set<number>();
  for (const p of engine.publishedPorts?.() ?? []) used.add(p.port);
  for (const decls of project.services.values()) {
    for (const s of decls) {
      for (const item of s.ports) {
        const t = item.kind === 'scalar' ? String(item.value) : '';
        // "[ip:]host:container": the host part is the one before the last colon.
        const parts = t.split(':');
        if (parts.length >= 2) { const host = Number(parts[parts.length - 2].split('-')[0]); if (Number.isInteger(host)) used.add(host); }
        if (item.kind === 'map') {
          const published = item.entries.find((e) => e.key === 'published');
          const n = published && published.value.kind === 'scalar' ? Number(published.value.value) : NaN;
          if (Number.isInteger(n)) used.add(n);
        }
      }
    }
  }
  const out: number[] = [];
  for (let port = 8080; port < 65536 && out.length < count; port++) if (!used.has(port)) out.push(port);
  return out;
}
