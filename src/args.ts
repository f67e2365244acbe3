/**
 * Turning a command's argument into what it acts on. A command is called with a tree row (it has a `kind`), with
 * the tree's multi-selection, with a name or id, or with an argument object (from a test, a quick fix, another
 * extension: `{ network, containers }`, `{ archive, volume }`, …). One resolver per resource (volume, network,
 * container, backup file, engine) and one test of "is this an argument object?", shared by the commands and the
 * views (the volume browser, the topology panel), so it lives at src/.
 */
import type { EngineStore } from './model/store';
import type { ContainerModel, NetworkModel } from './model/types';

/**
 * The argument object a command was called with (not a tree row, a list or a name), when it has every key in
 * `required`; else undefined. What it holds is the caller's word: the command checks the values it uses.
 */
export function givenArgs<T extends object>(arg: unknown): Partial<T> | undefined;
export function givenArgs<T extends object>(arg: unknown, ...required: Array<keyof T & string>): T | undefined;
export function givenArgs<T extends object>(arg: unknown, ...required: string[]): Partial<T> | undefined {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg) || 'kind' in arg) return undefined;
  return required.every((key) => key in arg) ? arg as Partial<T> : undefined;
}

type VolumeRow = { kind?: string; name?: string; volume?: string; project?: string };

function volumesOfRow(store: EngineStore, row: VolumeRow): string[] {
  switch (row.kind) {
    case 'volume': return row.name ? [row.name] : [];
    case 'user': return row.volume ? [row.volume] : [];
    case 'project': return store.volumes().filter((v) => !v.anonymous && v.project === row.project).map((v) => v.name);
    case 'anonymous': return store.volumes().filter((v) => v.anonymous).map((v) => v.name);
    default: return [];
  }
}

/**
 * The volumes a command was invoked on: a tree row (a Compose project row means its volumes), a name, or
 * `{ volume }` / `{ volumes }` / `{ name }`. A multi-selection is src/selection.ts's, then volumeNamesOfRows.
 */
export function volumeNamesFrom(store: EngineStore, arg: unknown): string[] {
  if (typeof arg === 'string') return [arg];
  if (!arg || typeof arg !== 'object') return [];
  const a = arg as VolumeRow & { volumes?: unknown; names?: unknown; source?: unknown };
  if ('kind' in a) return volumesOfRow(store, a);
  for (const list of [a.volumes, a.names]) if (Array.isArray(list)) return list.filter((n): n is string => typeof n === 'string');
  for (const one of [a.volume, a.name, a.source]) if (typeof one === 'string') return [one];
  return [];
}

/** The volumes of several rows (volume, volume user, Compose project, anonymous group), each once. */
export function volumeNamesOfRows(store: EngineStore, rows: readonly VolumeRow[]): string[] {
  return [...new Set(rows.flatMap((row) => volumesOfRow(store, row)))];
}

/** The network a row (network or member), a name or id, or `{ network }` means. */
export function networkFrom(store: EngineStore, ref: unknown): NetworkModel | undefined {
  if (!ref) return undefined;
  if (typeof ref === 'string') return store.network(ref) ?? store.networkByName(ref);
  const r = ref as { kind?: string; id?: string; networkId?: string; network?: string };
  if (r.kind === 'network' && r.id) return store.network(r.id);
  if (r.kind === 'member' && r.networkId) return store.network(r.networkId);
  if (typeof r.network === 'string') return networkFrom(store, r.network);
  return undefined;
}

/** The container a row (network member, volume user), a name, id or id prefix, or `{ container }` means. */
export function containerFrom(store: EngineStore, ref: unknown): ContainerModel | undefined {
  if (!ref) return undefined;
  if (typeof ref === 'string') {
    return store.container(ref) ?? store.containers().find((c) => c.name === ref || c.id.startsWith(ref));
  }
  const r = ref as { kind?: string; containerId?: string; container?: string };
  if ((r.kind === 'member' || r.kind === 'user') && r.containerId) return store.container(r.containerId);
  if (typeof r.container === 'string') return containerFrom(store, r.container);
  return undefined;
}

/** The backup file an argument object names (`{ archive }`), when it is one. */
export function archiveFrom(arg: unknown): string | undefined {
  const archive = givenArgs<{ archive: unknown }>(arg)?.archive;
  return typeof archive === 'string' ? archive : undefined;
}

/** The engine a row (each carries its engine's id) or `{ engine }` names. */
export function engineIdFrom(arg: unknown): string | undefined {
  return arg && typeof arg === 'object' && 'engine' in arg ? String((arg as { engine: unknown }).engine) : undefined;
}
