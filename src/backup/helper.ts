/**
 * Reaching into a volume without running anything: a container created (never started) from an empty image,
 * with the volume mounted at /data, whose archive endpoint reads and writes the volume. The empty image is
 * imported from an empty tar by this code (`docker import`), so nothing is pulled and it works offline and on
 * any engine. Its id is cached per engine client.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { HELPER_KIND, HELPER_LABEL, type HelperOwner, OWNER_LABEL, PAUSED_LABEL, thisOwner } from '../engine/helperLabels';

export const EMPTY_IMAGE_REPO = 'docker-networks-volumes/empty';
export const EMPTY_IMAGE_TAG = '1';
/** Where the volume is mounted in a helper container. */
export const MOUNT = '/data';

const imageIds = new WeakMap<EngineClient, Promise<string>>();

async function emptyTar(): Promise<Buffer> {
  const p = pack();
  p.entry({ name: './', type: 'directory', mode: 0o755, mtime: new Date(0) });
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function findOrImport(client: EngineClient, signal?: AbortSignal): Promise<string> {
  const ref = `${EMPTY_IMAGE_REPO}:${EMPTY_IMAGE_TAG}`;
  try {
    return await client.inspectImage(ref, { signal });
  } catch (e) {
    if (!(e instanceof EngineError && e.kind === 'notFound')) throw e;
  }
  return client.importImage(Readable.from([await emptyTar()]), EMPTY_IMAGE_REPO, EMPTY_IMAGE_TAG, { signal });
}

/** The empty image's id on this engine, imported the first time it is needed. */
export function emptyImage(client: EngineClient, signal?: AbortSignal): Promise<string> {
  let id = imageIds.get(client);
  if (!id) {
    id = findOrImport(client, signal);
    imageIds.set(client, id);
    id.catch(() => imageIds.delete(client));
  }
  return id;
}

/**
 * How archives go in and out of a helper's volume on this engine. Docker applies an upload at "/" whose entries
 * are under `data/` through the container's mounts, which also gives the volume's root folder the archive's owner,
 * mode and time (an upload into /data leaves the root as it was). Podman writes such an upload into the
 * container's own file system beside the volume, so there the upload goes into /data, entries relative to it
 * (a `./` entry sets the root's owner, mode and time).
 */
export interface ArchiveLayout {
  /** The path archives are uploaded at. */
  uploadPath: string;
  /** The folder entries are named under in an upload (undefined: relative to uploadPath, the root as `./`). */
  entryPrefix: string | undefined;
  /** The path whose archive an upload at uploadPath takes as it is (clone). */
  clonePath: string;
}

export async function archiveLayout(client: EngineClient, signal?: AbortSignal): Promise<ArchiveLayout> {
  if (!client.negotiatedApiVersion) await client.negotiate({ signal });
  return client.isPodman
    ? { uploadPath: MOUNT, entryPrefix: undefined, clonePath: `${MOUNT}/.` }
    : { uploadPath: '/', entryPrefix: MOUNT.replace(/^\//, ''), clonePath: MOUNT };
}

export interface HelperMount {
  volume: string;
  readOnly: boolean;
}

/** Creates a helper container with the volume at /data (or the volumes at /data/0, /data/1...). */
async function createHelper(client: EngineClient, mounts: HelperMount[], signal?: AbortSignal): Promise<string> {
  const spec = (image: string) => ({
    image,
    name: `dnv-helper-${randomBytes(6).toString('hex')}`,
    cmd: ['/nothing-runs-here'],
    labels: { [HELPER_LABEL]: HELPER_KIND.archive, [OWNER_LABEL]: JSON.stringify(thisOwner()) },
    mounts: mounts.map((m, i) => ({ volume: m.volume, target: mounts.length === 1 ? MOUNT : `${MOUNT}/${i}`, readOnly: m.readOnly })),
  });
  try {
    return await client.createContainer(spec(await emptyImage(client, signal)), { signal });
  } catch (e) {
    // Someone removed the image since it was cached: import it again, once.
    if (!(e instanceof EngineError && e.kind === 'notFound' && /image/i.test(e.message))) throw e;
    imageIds.delete(client);
    return client.createContainer(spec(await emptyImage(client, signal)), { signal });
  }
}

/**
 * Before this process pauses a container it writes that down on the engine: a container (never started, no
 * mounts, hidden like the helpers) labelled with the paused container's id and this process's identity. Labels
 * cannot be added to the helper once it exists, and the containers to pause are only known after it is made;
 * a record per pause also tells our pauses from the user's own. Removed once the container is resumed; if the
 * editor dies first, recovery finds it and resumes the container.
 */
export async function createPauseRecord(client: EngineClient, pausedId: string, signal?: AbortSignal, owner: HelperOwner = thisOwner()): Promise<string> {
  return client.createContainer({
    image: await emptyImage(client, signal),
    name: `dnv-pause-${randomBytes(6).toString('hex')}`,
    cmd: ['/nothing-runs-here'],
    labels: { [HELPER_LABEL]: HELPER_KIND.pauseRecord, [OWNER_LABEL]: JSON.stringify(owner), [PAUSED_LABEL]: pausedId },
    mounts: [],
  }, { signal });
}

/**
 * Runs `work` with a helper container that mounts `mounts`, and removes the container afterwards whatever
 * happens (also after a cancel: the removal does not use the cancelled signal).
 */
export async function withHelper<T>(client: EngineClient, mounts: HelperMount[], work: (containerId: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const id = await createHelper(client, mounts, signal);
  try {
    return await work(id);
  } finally {
    await client.removeContainer(id, { force: true }).catch(() => undefined);
  }
}

/**
 * The running helper's resource limits, given rather than left to the engine. Podman 4 as root gives every
 * container nofile and nproc of 1048576 whatever its own hard limits are, and where it runs without
 * CAP_SYS_RESOURCE (in a container, as on this project's machines: hard limits 20,000 and 96,364) the start fails
 * ("error setting rlimit type 7: operation not permitted"). Lowering a limit is always allowed, and sh, find and
 * stat need few files; nproc does not bind root (uid 0 is exempt), and 4096 leaves room for another user's helper.
 */
export const RUNNING_HELPER_ULIMITS = [
  { name: 'nofile', soft: 1024, hard: 1024 },
  { name: 'nproc', soft: 4096, hard: 4096 },
];

/**
 * A helper that runs, for browsing a volume (src/browse/session.ts): the volume read-only at /data, no network,
 * in a container of `image` (one that has sh, find, stat and readlink, already on the engine: nothing is pulled)
 * running `sleep`, so listings can be run in it with exec. Labelled like every helper, so recovery removes it when
 * the editor that made it is gone; the sleep bounds how long it can outlive that editor on an engine nobody
 * reconnects to.
 */
export async function createRunningHelper(client: EngineClient, image: string, volume: string, signal?: AbortSignal, lifetimeSeconds = 3600): Promise<string> {
  const id = await client.createContainer({
    image,
    name: `dnv-browse-${randomBytes(6).toString('hex')}`,
    cmd: ['sleep', String(lifetimeSeconds)],
    labels: { [HELPER_LABEL]: HELPER_KIND.browse, [OWNER_LABEL]: JSON.stringify(thisOwner()) },
    mounts: [{ volume, target: MOUNT, readOnly: true }],
    ulimits: RUNNING_HELPER_ULIMITS,
  }, { signal });
  try {
    await client.startContainer(id, { signal });
  } catch (e) {
    await client.removeContainer(id, { force: true }).catch(() => undefined);
    throw e;
  }
  return id;
}

/** Whether the volume mounted in the helper holds anything (reads the archive stream up to its first entry). */
export async function helperVolumeIsEmpty(client: EngineClient, helper: string, signal?: AbortSignal): Promise<boolean> {
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const tar = await client.getArchive(helper, `${MOUNT}/.`, { signal: both });
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const settle = (empty: boolean | Error) => {
      if (settled) return;
      settled = true;
      stop.abort();
      tar.destroy();
      parser.destroy();
      if (empty instanceof Error) reject(empty); else resolve(empty);
    };
    const parser = extract();
    parser.on('entry', (header, stream, next) => {
      stream.on('error', () => undefined);
      const rest = header.name.split('/').filter((p) => p !== '' && p !== '.');
      if (rest.length) return settle(false);
      stream.on('end', () => next());
      stream.resume();
    });
    parser.on('finish', () => settle(true));
    parser.on('error', (e: Error) => settle(e));
    tar.on('error', (e: Error) => settle(e));
    tar.on('data', (chunk: Buffer) => { if (!parser.write(chunk)) tar.pause(); });
    parser.on('drain', () => tar.resume());
    tar.on('end', () => parser.end(undefined));
  });
}
