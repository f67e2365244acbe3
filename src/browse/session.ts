/**
 * Browsing one volume on one engine: a helper container (backup/helper.ts createRunningHelper) with the volume
 * read-only at /data, in which folders are listed with exec (listing.ts), and from which single files are read
 * through the archive API. The helper is made on the first request and removed after `idleMs` without one, or
 * when the session is disposed; recovery (backup/recovery.ts) removes it if the editor dies first.
 *
 * Why exec and not the archive API alone: `GET /containers/{id}/archive` of a folder sends everything under it
 * (a 1 GB volume's root came back as 1.08 GB in 10.7 s), while `find … -exec stat` lists 10,000 entries in a
 * fraction of a second (docs/BENCHMARKS.md). The archive API is still what reads a file: one path, one entry.
 */
import { extract } from 'tar-stream';
import type { Readable } from 'node:stream';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { createRunningHelper } from '../backup/helper';
import { EXIT, helperPath, listCommand, parseListing, statCommand, type VolumeEntry, volumePathSegments } from './listing';

export type BrowseErrorKind = 'notFound' | 'outside' | 'notFolder' | 'notFile' | 'tooLarge' | 'noImage' | 'failed';

export class BrowseError extends Error {
  constructor(readonly kind: BrowseErrorKind, message: string, readonly size?: number) {
    super(message);
  }
}

/** Images tried, in order, when none is configured: small ones that have sh, find, stat and readlink -f. */
export const DEFAULT_HELPER_IMAGES = ['busybox:latest', 'busybox', 'alpine:latest', 'alpine', 'debian:latest', 'ubuntu:latest'];

/**
 * The first of `candidates` the engine already has (nothing is pulled), or undefined. The caller asks the user
 * before a helper of it runs.
 */
export async function findHelperImage(client: EngineClient, candidates: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
  for (const image of candidates) {
    try {
      await client.inspectImage(image, { signal });
      return image;
    } catch (e) {
      if (!(e instanceof EngineError && e.kind === 'notFound')) throw e;
    }
  }
  return undefined;
}

export interface SessionOptions {
  /** Remove the helper after this long without a request (ms). */
  idleMs?: number;
  /** Largest file `readFile` returns (bytes); larger ones are refused with kind 'tooLarge' (use download). */
  maxReadBytes?: number;
}

export const DEFAULT_MAX_READ_BYTES = 50 * 1024 * 1024;

export class VolumeBrowseSession {
  private helper: Promise<string> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private busy = 0;
  private disposed = false;
  private readonly idleMs: number;
  readonly maxReadBytes: number;

  constructor(readonly client: EngineClient, readonly volume: string, readonly image: string, options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? 120_000;
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
  }

  /** The helper container's id, when one runs (tests). */
  async helperId(): Promise<string | undefined> {
    return this.helper?.catch(() => undefined);
  }

  private async withHelper<T>(work: (id: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.disposed) throw new BrowseError('failed', `Browsing ${this.volume} has ended.`);
    this.busy++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      for (let attempt = 0; ; attempt++) {
        if (!this.helper) {
          const made = createRunningHelper(this.client, this.image, this.volume, signal);
          this.helper = made;
          made.catch(() => { if (this.helper === made) this.helper = undefined; });
        }
        const id = await this.helper;
        try {
          return await work(id);
        } catch (e) {
          // The helper was removed or stopped under us (its sleep ended, someone removed it): make a new one, once.
          if (attempt === 0 && e instanceof EngineError && (e.kind === 'notFound' || e.kind === 'conflict')) {
            this.helper = undefined;
            await this.client.removeContainer(id, { force: true }).catch(() => undefined);
            continue;
          }
          throw e;
        }
      }
    } finally {
      this.busy--;
      if (this.busy === 0 && !this.disposed) {
        this.idleTimer = setTimeout(() => void this.release(), this.idleMs);
        this.idleTimer.unref?.();
      }
    }
  }

  /** Removes the helper (the next request makes a new one). */
  async release(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const helper = this.helper;
    this.helper = undefined;
    const id = await helper?.catch(() => undefined);
    if (id) await this.client.removeContainer(id, { force: true }).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.release();
  }

  private async run(cmd: string[], path: string, signal?: AbortSignal): Promise<Buffer> {
    const result = await this.withHelper((id) => this.client.execBytes(id, cmd, { signal }), signal);
    if (result.exitCode === EXIT.notFound) throw new BrowseError('notFound', `${path || '/'} is not in volume ${this.volume}.`);
    if (result.exitCode === EXIT.outside) throw new BrowseError('outside', `${path} leads outside volume ${this.volume}.`);
    if (result.exitCode === EXIT.notFolder) throw new BrowseError('notFolder', `${path} is not a folder.`);
    if (result.exitCode === 126 || result.exitCode === 127) {
      throw new BrowseError('noImage', `The helper image ${this.image} cannot list files (${result.stderr.trim() || `exit ${result.exitCode}`}).`);
    }
    if (result.exitCode !== 0) throw new BrowseError('failed', `Listing ${path || '/'} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    return result.stdout;
  }

  /** The entries of a folder (path inside the volume, '' for the root), in no particular order. */
  async list(path: string, signal?: AbortSignal): Promise<VolumeEntry[]> {
    return parseListing(await this.run(listCommand(path), path, signal));
  }

  /** One entry (the root's name is '.'). */
  async stat(path: string, signal?: AbortSignal): Promise<VolumeEntry> {
    const [entry] = parseListing(await this.run(statCommand(path), path, signal));
    if (!entry) throw new BrowseError('notFound', `${path} is not in volume ${this.volume}.`);
    return entry;
  }

  /**
   * What a path stands for once symlinks are followed, inside the volume: the entry and its real path. A link
   * that leads outside or nowhere is refused.
   */
  async resolve(path: string, signal?: AbortSignal): Promise<{ entry: VolumeEntry; path: string }> {
    let current = volumePathSegments(path).join('/');
    for (let hops = 0; hops < 40; hops++) {
      const entry = await this.stat(current, signal);
      if (entry.kind !== 'symlink') return { entry, path: current };
      if (entry.linkResolved === undefined) throw new BrowseError('outside', `${path} is a symlink to ${entry.linkTarget ?? '?'}, outside volume ${this.volume} (or to nothing).`);
      current = entry.linkResolved;
    }
    throw new BrowseError('failed', `${path}: too many levels of symlinks.`);
  }

  /**
   * A regular file's bytes, through the archive API (one path, one entry), up to maxReadBytes. Symlinks are
   * followed inside the volume only; fifos, devices and sockets are refused (reading one would block or never end).
   */
  async readFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    const { entry, path: real } = await this.resolve(path, signal);
    if (entry.kind === 'dir') throw new BrowseError('notFile', `${path} is a folder.`);
    if (entry.kind !== 'file') throw new BrowseError('notFile', `${path} is not a regular file (${entry.kind}); it cannot be opened.`);
    if (entry.size > this.maxReadBytes) throw new BrowseError('tooLarge', `${path} is too large to open in the editor.`, entry.size);
    return this.withHelper(async (id) => {
      const tar = await this.client.getArchive(id, helperPath(real), { signal });
      return firstFileOf(tar, this.maxReadBytes, path);
    }, signal);
  }

  /** The archive API's tar stream of a path (for Download: the caller checks every entry it writes). */
  async archive(path: string, signal?: AbortSignal): Promise<Readable> {
    const { path: real } = await this.resolve(path, signal);
    return this.withHelper((id) => this.client.getArchive(id, helperPath(real), { signal }), signal);
  }
}

/** The first entry's bytes from a tar stream that should hold exactly one regular file. */
async function firstFileOf(tar: Readable, maxBytes: number, path: string): Promise<Uint8Array> {
  const ex = extract();
  return new Promise<Uint8Array>((resolve, reject) => {
    let done = false;
    const finish = (e: Error | undefined, data?: Uint8Array) => {
      if (done) return;
      done = true;
      tar.destroy();
      ex.destroy();
      if (e) reject(e); else resolve(data!);
    };
    ex.on('entry', (header, stream, next) => {
      if (header.type !== 'file') { finish(new BrowseError('notFile', `${path} is not a regular file.`)); return; }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: unknown) => {
        const c = chunk as Buffer;
        size += c.length;
        if (size > maxBytes) finish(new BrowseError('tooLarge', `${path} is too large to open in the editor.`, size));
        else chunks.push(c);
      });
      stream.on('end', () => { finish(undefined, Buffer.concat(chunks)); next(); });
      stream.on('error', (e) => finish(e));
    });
    ex.on('finish', () => finish(new BrowseError('notFound', `${path} was not in the archive the engine sent.`)));
    ex.on('error', (e) => finish(e));
    tar.on('error', (e) => finish(e));
    tar.pipe(ex);
  });
}
