/**
 * Every place a service, network, volume, config or secret is named in a project (its declaration keys and
 * every reference in every file, `include`d ones too), for highlight, find all references and rename; and
 * whether a rename is safe.
 */
import type { EngineSnapshot } from '../engineSnapshot';
import { namedVolumeRefs, type ComposeModel, type Ref, type Section } from '../declarations';
import { child, isMapNode, scalarText } from '../parse';
import type { ComposeProject } from '../project';

export type NameKind = 'service' | 'network' | 'volume' | 'config' | 'secret';

export interface Occurrence {
  kind: NameKind;
  name: string;
  /** The name's own text (no quotes, no `service:` prefix). */
  start: number;
  end: number;
  declaration: boolean;
}

export interface ProjectOccurrence extends Occurrence {
  file: string;
  model: ComposeModel;
}

const SECTION_OF: Record<Exclude<NameKind, 'service'>, Section> = { network: 'networks', volume: 'volumes', config: 'configs', secret: 'secrets' };

/** A valid name for a service, network, volume, config or secret (the Compose schema's pattern). */
export const NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** The span of `name` inside the scalar that starts at `start` (after a quote and a prefix such as `service:`). */
function nameSpan(text: string, start: number, name: string, prefix = 0): { start: number; end: number } {
  const quote = text[start] === '"' || text[start] === "'" ? 1 : 0;
  const s = start + quote + prefix;
  return { start: s, end: s + name.length };
}

/** Every occurrence in one file, in text order. */
export function occurrencesIn(model: ComposeModel): Occurrence[] {
  const text = model.parsed.text;
  const out: Occurrence[] = [];
  const ref = (kind: NameKind, r: Ref, prefix = 0) => {
    const span = nameSpan(text, r.start, r.name, prefix);
    if (text.slice(span.start, span.end) === r.name) out.push({ kind, name: r.name, ...span, declaration: false });
  };
  for (const s of model.services) {
    out.push({ kind: 'service', name: s.name, ...nameSpan(text, s.keyStart, s.name), declaration: true });
    for (const r of s.networks) ref('network', r);
    for (const r of namedVolumeRefs(s)) out.push({ kind: 'volume', name: r.name, start: r.start, end: r.end, declaration: false });
    for (const r of [...s.dependsOn, ...s.links, ...s.volumesFrom]) ref('service', r);
    for (const r of s.configs) ref('config', r);
    for (const r of s.secrets) ref('secret', r);
    const mode = s.networkMode;
    if (mode && mode.text.startsWith('service:')) ref('service', { name: mode.text.slice('service:'.length), start: mode.start, end: mode.end }, 'service:'.length);
    const ext = child(s.node, 'extends');
    const extService = isMapNode(ext) && !child(ext, 'file') ? child(ext, 'service') : undefined;
    const extName = scalarText(extService);
    if (extService && extName !== undefined) ref('service', { name: extName, start: extService.start, end: extService.end });
  }
  for (const [kind, section] of Object.entries(SECTION_OF) as Array<[NameKind, Section]>) {
    for (const d of model.resources[section]) out.push({ kind, name: d.name, ...nameSpan(text, d.keyStart, d.name), declaration: true });
  }
  return out.sort((a, b) => a.start - b.start);
}

const cache = new WeakMap<ComposeModel, Occurrence[]>();
function cachedOccurrences(model: ComposeModel): Occurrence[] {
  let list = cache.get(model);
  if (!list) { list = occurrencesIn(model); cache.set(model, list); }
  return list;
}

/** The occurrence under `offset` (cursor at its start, inside or just after it). */
export function occurrenceAt(model: ComposeModel, offset: number): Occurrence | undefined {
  return cachedOccurrences(model).find((o) => offset >= o.start && offset <= o.end);
}

/** Every occurrence of a name across the project's files. */
export function projectOccurrences(project: ComposeProject, kind: NameKind, name: string): ProjectOccurrence[] {
  const out: ProjectOccurrence[] = [];
  for (const f of project.files) {
    for (const o of cachedOccurrences(f.model)) if (o.kind === kind && o.name === name) out.push({ ...o, file: f.file, model: f.model });
  }
  // The services the project extends from other files are copied into it, references and all; their files'
  // own declarations, and what their `extends:` names (that file's services), are not the project's.
  for (const f of project.extended) {
    const spans = f.model.services.filter((s) => f.services.has(s.name) && s.node).map((s) => {
      const ext = child(s.node, 'extends');
      return { start: s.node!.start, end: s.node!.end, extendsStart: ext?.start ?? -1, extendsEnd: ext?.end ?? -1 };
    });
    for (const o of cachedOccurrences(f.model)) {
      if (o.kind !== kind || o.name !== name || o.declaration) continue;
      const inside = spans.some((sp) => o.start >= sp.start && o.end <= sp.end && !(o.start >= sp.extendsStart && o.end <= sp.extendsEnd));
      if (inside) out.push({ ...o, file: f.file, model: f.model });
    }
  }
  return out;
}

export type RenameCheck = { ok: true; occurrence: Occurrence } | { ok: false; reason: string };

/** Whether the name under the cursor can be renamed without changing what runs, and why not. */
export function checkRename(project: ComposeProject, model: ComposeModel, offset: number, engine?: EngineSnapshot): RenameCheck {
  const o = occurrenceAt(model, offset);
  if (!o) return { ok: false, reason: 'Only the name of a service, network, volume, config or secret can be renamed here.' };
  const all = projectOccurrences(project, o.kind, o.name);
  if (!all.some((x) => x.declaration)) return { ok: false, reason: `The ${o.kind} "${o.name}" is not declared in this project, so renaming would not follow its definition.` };
  if (o.kind === 'service') return { ok: true, occurrence: o };
  if (o.kind === 'network' && o.name === 'default') return { ok: false, reason: 'The network "default" is the one every service without `networks:` joins: renaming the key would not move them.' };
  const section = SECTION_OF[o.kind];
  const decl = project.declared[section].get(o.name);
  if (decl?.external && !decl.explicitName) {
    return { ok: false, reason: `The ${o.kind} "${o.name}" is external: its key is the name of the existing ${o.kind} on the engine, so renaming it would point to another one. Add \`name: ${o.name}\` first to rename the key alone.` };
  }
  if (o.kind === 'volume' && !decl?.explicitName && engine) {
    const engineName = project.engineName('volumes', o.name);
    if (engine.volume(engineName)) {
      return { ok: false, reason: `The engine has the volume "${engineName}" with this project's data: after renaming, docker compose would create a new, empty volume. Add \`name: ${engineName}\` first to keep it.` };
    }
  }
  return { ok: true, occurrence: o };
}

/** Why a new name cannot be used, or undefined when it can. */
export function checkNewName(project: ComposeProject, kind: NameKind, oldName: string, newName: string): string | undefined {
  if (!NAME_PATTERN.test(newName)) return `"${newName}" is not a valid ${kind} name (letters, digits, ".", "_" and "-").`;
  if (newName === oldName) return undefined;
  const taken = kind === 'service' ? project.services.has(newName) : project.declared[SECTION_OF[kind]].has(newName);
  return taken ? `The project already has a ${kind} named "${newName}".` : undefined;
}
