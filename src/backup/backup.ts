/**
 * Backup of one volume to `<volume>-<UTC timestamp>.<ext>` and its manifest, streamed end to end:
 *
 *   GET /containers/{helper}/archive?path=/data/.  ->  meter  ->  count entries  ->  compress  ->  sha256  ->  file
 *
 * Memory stays constant whatever the volume's size (backpressure all the way to the engine's socket). The
 * archive holds the volume's contents at its top, like `tar -C /data .`, so it also restores with plain tar.
 * The file is written as `<name>.partial` and renamed when complete: a cancel or a failure removes it and
 * leaves no file that looks like a backup. The archive and its manifest land together or not at all (see
 * commitBackup): an archive without its manifest would restore unverified and be missed by the schedule.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { type BackupFormat, compressionStages } from './formats';
import { countEntry, emptyCounts, TarGuard, UnsafeArchiveError } from './guard';
import { MOUNT, withHelper } from './helper';
import { archiveFileName } from './archiveName';
import { type BackupManifest, MANIFEST_KIND, manifestPathFor, type UnrestorableEntries } from './manifest';
import { keepRawPax } from './paxBytes';
import { ByteMeter, HashStream, isAbort, pipelineError, type ProgressListener } from './streams';
import { pauseWhile } from './pauseWriters';

export interface BackupOptions {
  volume: string;
  /** Folder for the archive and its manifest (made when missing). */
  folder: string;
  format: BackupFormat;
  /** Compression level (gzip 1-9, zstd 1-19); the format's fast default when unset. */
  level?: number;
  /** Running containers to pause while the volume is read; they are resumed after, also on failure or cancel. */
  pause?: string[];
  /** Bytes the volume holds (from disk usage), for a progress total. */
  expectedBytes?: number;
  /** Made by the backup schedule (recorded in the manifest: retention deletes only these). */
  scheduled?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface BackupResult {
  archive: string;
  manifestPath: string;
  manifest: BackupManifest;
}

const LISTED_UNRESTORABLE = 100;

/**
 * Passes tar bytes on unchanged while a tar parser beside it counts the entries and runs them past the restore's
 * own guard: whatever a restore would refuse (a device file, a name that is not UTF-8, a symlink to an absolute
 * path) is listed now, in the manifest and the result, instead of being found when the backup is needed.
 */
class TarCounter extends Transform {
  readonly counts = emptyCounts();
  readonly unrestorable: UnrestorableEntries = { count: 0, entries: [] };
  private readonly guard = new TarGuard();
  private readonly parser = keepRawPax(extract());
  private failure: Error | undefined;

  constructor() {
    super();
    this.parser.on('entry', (header, stream, next) => {
      stream.on('error', () => undefined); // a failure reaches the parser, which destroys this stream
      countEntry(this.counts, header);
      try {
        this.guard.check(header);
      } catch (e) {
        if (!(e instanceof UnsafeArchiveError)) {
          stream.resume();
          next(e as Error);
          return;
        }
        this.note(e);
      }
      stream.on('end', () => next());
      stream.resume();
    });
    this.parser.on('error', (e: Error) => {
      this.failure = e;
      this.destroy(e);
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.parser.write(chunk)) callback(this.failure, chunk);
    else this.parser.once('drain', () => callback(this.failure, chunk));
  }

  override _flush(callback: TransformCallback): void {
    this.parser.once('finish', () => {
      if (this.failure) return callback(this.failure);
      this.guard.finishAsync(undefined, (e) => this.note(e)).then(() => callback(), callback);
    });
    this.parser.end(undefined);
  }

  private note(problem: UnsafeArchiveError): void {
    this.unrestorable.count++;
    if (this.unrestorable.entries.length < LISTED_UNRESTORABLE) this.unrestorable.entries.push({ path: problem.entry.replace(/^\.\//, ''), reason: problem.reason });
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.parser.destroy();
    callback(error);
  }
}

/** A file name in `folder` that neither exists nor is being written. */
async function freeName(folder: string, volume: string, format: BackupFormat, date: Date): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const candidate = path.join(folder, archiveFileName(volume, format, date, attempt));
    const taken = await Promise.all([candidate, `${candidate}.partial`, manifestPathFor(candidate), `${manifestPathFor(candidate)}.partial`].map((f) => fs.access(f).then(() => true, () => false)));
    if (!taken.some(Boolean)) return candidate;
  }
}

export async function backupVolume(client: EngineClient, options: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const { volume, format, signal } = options;
  const [info, engineInfo] = await Promise.all([
    client.inspectVolume(volume, { signal }),
    client.info({ signal }).catch(() => undefined),
  ]);
  const createdAt = new Date();
  let archive: string;
  let file: fs.FileHandle;
  try {
    // The file is opened (and so the folder proven writable) before the engine is asked for anything more: a
    // read-only or missing folder fails here, as an error that names it, with no helper made and nothing paused.
    await fs.mkdir(options.folder, { recursive: true });
    archive = await freeName(options.folder, volume, format, createdAt);
    file = await fs.open(`${archive}.partial`, 'wx');
  } catch (e) {
    throw folderError(e, options.folder, volume);
  }
  const partial = `${archive}.partial`;

  const meter = new ByteMeter((bytes, rate) => options.onProgress?.({ phase: 'backup', volume, bytes, rate, total: options.expectedBytes }));
  const counter = new TarCounter();
  const hash = new HashStream();
  // Large writes: with the default 16 KB buffer the file writes, not the engine, set the pace.
  const out = file.createWriteStream({ highWaterMark: 1 << 20 });
  // Until the pipeline takes it over, a write error must not be an unhandled 'error' event (that ends a plain
  // Node process such as the CLI); the pipeline still sees the stream fail.
  out.on('error', () => undefined);

  let paused: string[] = [];
  try {
    await withHelper(client, [{ volume, readOnly: true }], async (helper) => {
      paused = await pauseWhile(client, options.pause ?? [], signal, async () => {
        const tar = await client.getArchive(helper, `${MOUNT}/.`, { signal });
        await pipeline([tar, meter, counter, ...compressionStages(format, { level: options.level }), hash, out], { signal });
      });
    }, signal);
  } catch (e) {
    out.destroy();
    await fs.rm(partial, { force: true });
    if (isAbort(e, signal)) throw new EngineError('cancelled', `Backup of ${volume} cancelled; no file was left.`, client.label, undefined, undefined, { cause: e });
    throw pipelineError(e, client.label, `back up volume ${volume}`);
  }

  const manifest: BackupManifest = {
    kind: MANIFEST_KIND,
    version: 1,
    created: createdAt.toISOString(),
    volume: {
      name: info.Name,
      driver: info.Driver ?? 'local',
      options: info.Options ?? {},
      labels: info.Labels ?? {},
      scope: info.Scope,
      createdAt: info.CreatedAt,
    },
    archive: { file: path.basename(archive), format, bytes: hash.bytes, sha256: hash.digest, tarBytes: meter.bytes },
    content: counter.counts,
    engine: { host: client.label, version: engineInfo?.ServerVersion, apiVersion: client.negotiatedApiVersion, os: engineInfo?.OperatingSystem },
    paused,
    durationMs: Date.now() - started,
    ...(options.scheduled ? { scheduled: true } : {}),
    ...(counter.unrestorable.count ? { unrestorable: counter.unrestorable } : {}),
  };
  const manifestPath = await commitBackup(partial, archive, manifest).catch((e: unknown) => { throw folderError(e, options.folder, volume); });
  return { archive, manifestPath, manifest };
}

/**
 * Puts a finished archive (still at `partial`) and its manifest in place, both or neither: the manifest is
 * written beside it first, then the archive and the manifest are renamed into place. On any failure every file
 * of this backup is removed again, so the folder never holds an archive without its manifest, nor a `.partial`.
 */
export async function commitBackup(partial: string, archive: string, manifest: BackupManifest): Promise<string> {
  const manifestPath = manifestPathFor(archive);
  const manifestPartial = `${manifestPath}.partial`;
  // Only files this backup made are removed on failure (a .partial of someone else's is left alone).
  const ours = [partial];
  try {
    await fs.writeFile(manifestPartial, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' });
    ours.push(manifestPartial);
    await fs.rename(partial, archive);
    ours.push(archive);
    await fs.rename(manifestPartial, manifestPath);
    return manifestPath;
  } catch (e) {
    await Promise.all(ours.map((f) => fs.rm(f, { force: true }).catch(() => undefined)));
    throw e;
  }
}

/** A file-system failure around the backup folder, in words that name the folder and say nothing was left. */
function folderError(error: unknown, folder: string, volume: string): Error {
  const e = error as NodeJS.ErrnoException;
  const why = e?.code === 'EACCES' || e?.code === 'EPERM' || e?.code === 'EROFS' ? 'it is not writable'
    : e?.code === 'ENOSPC' ? 'its disk is full'
    : e?.code === 'ENOTDIR' || e?.code === 'EEXIST' ? 'it is not a folder'
    : e?.message ?? String(error);
  return new Error(`Backup of ${volume} not written to ${folder}: ${why} (${e?.code ?? 'error'}). No file was left there.`, { cause: error });
}
