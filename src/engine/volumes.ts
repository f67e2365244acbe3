/**
 * Volume create and remove with the checks the engine does not make (a create never reuses an existing volume,
 * a remove says which containers hold the volume), whether a volume exists, and who uses it (telling this
 * extension's helpers from the user's containers).
 */
import type { EngineClient } from './client';
import { EngineError } from './errors';
import { HELPER_KIND, HELPER_LABEL, OWNER_LABEL, thisOwner } from './helperLabels';
import type { EngineVolume, VolumeSpec } from './types';

export interface VolumeUserInfo {
  id: string;
  name: string;
  /** running, paused, exited, created... */
  state: string;
  readOnly: boolean;
  /** A helper container of this extension: a backup, restore or clone in progress, or a volume browser's. */
  helper: boolean;
  /** The helper of a volume browser (src/browse/session.ts): `here` when this process made it. */
  browser?: 'here' | 'elsewhere';
}

export class VolumeInUseError extends Error {
  constructor(readonly volume: string, readonly users: VolumeUserInfo[], action = 'removed') {
    super(`Volume ${volume} is in use by ${users.length} container(s): ${users.map(describeUser).join(', ')}. It was not ${action}.`);
    this.name = 'VolumeInUseError';
  }
}

export class VolumeExistsError extends Error {
  constructor(readonly volume: string) {
    super(`A volume named ${volume} already exists.`);
    this.name = 'VolumeExistsError';
  }
}

function describeUser(user: VolumeUserInfo): string {
  if (user.browser) return `${user.name} (the volume browser${user.browser === 'elsewhere' ? ' of another window' : ''})`;
  return user.helper ? `${user.name} (a backup, restore or clone in progress)` : `${user.name} (${user.state})`;
}

/** Whether a helper's owner label names this process (see OWNER_LABEL). */
function ownedHere(label: string | undefined): boolean {
  try {
    const owner = JSON.parse(label ?? '') as { host?: unknown; pid?: unknown };
    const me = thisOwner();
    return owner.host === me.host && owner.pid === me.pid;
  } catch {
    return false;
  }
}

/** The engine's rule for volume names (daemon/names: [a-zA-Z0-9][a-zA-Z0-9_.-]+). */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function volumeNameProblem(name: string): string | undefined {
  if (!name) return 'A volume needs a name.';
  if (!VOLUME_NAME.test(name)) return `"${name}" is not a valid volume name: at least 2 characters, letters, digits, "_", "." or "-", not starting with "_", "." or "-".`;
  return undefined;
}

/** Every container (running or not) that mounts the volume. */
export async function volumeUsers(client: EngineClient, volume: string, signal?: AbortSignal): Promise<VolumeUserInfo[]> {
  const containers = await client.listContainers({ volume: [volume] }, { signal });
  return containers.map((c) => {
    const mount = (c.Mounts ?? []).find((m) => m.Type === 'volume' && m.Name === volume);
    return {
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      state: c.State ?? 'unknown',
      readOnly: mount ? mount.RW === false : false,
      helper: Boolean(c.Labels?.[HELPER_LABEL]),
      ...(c.Labels?.[HELPER_LABEL] === HELPER_KIND.browse ? { browser: ownedHere(c.Labels[OWNER_LABEL]) ? 'here' as const : 'elsewhere' as const } : {}),
    };
  });
}

/** Running containers that mount the volume read-write: the ones to pause for a consistent copy. */
export async function runningWriters(client: EngineClient, volume: string, signal?: AbortSignal): Promise<VolumeUserInfo[]> {
  return (await volumeUsers(client, volume, signal)).filter((u) => u.state === 'running' && !u.readOnly && !u.helper);
}

export async function volumeExists(client: EngineClient, name: string, signal?: AbortSignal): Promise<EngineVolume | undefined> {
  try {
    return await client.inspectVolume(name, { signal });
  } catch (e) {
    if (e instanceof EngineError && e.kind === 'notFound') return undefined;
    throw e;
  }
}

/** Creates a new volume; refuses a name that exists (the engine would silently hand back the existing one). */
export async function createVolume(client: EngineClient, spec: VolumeSpec, signal?: AbortSignal): Promise<EngineVolume> {
  const problem = volumeNameProblem(spec.name);
  if (problem) throw new Error(problem);
  if (await volumeExists(client, spec.name, signal)) throw new VolumeExistsError(spec.name);
  return client.createVolume(spec, { signal });
}

/** Removes a volume no container uses; otherwise throws VolumeInUseError naming them, and removes nothing. */
export async function removeVolume(client: EngineClient, name: string, signal?: AbortSignal): Promise<void> {
  const users = await volumeUsers(client, name, signal);
  if (users.length) throw new VolumeInUseError(name, users);
  try {
    await client.removeVolume(name, { signal });
  } catch (e) {
    // A container took the volume between the check and the remove.
    if (e instanceof EngineError && e.kind === 'conflict') {
      const now = await volumeUsers(client, name, signal);
      if (now.length) throw new VolumeInUseError(name, now);
    }
    throw e;
  }
}
