/**
 * Restore an archive (ours, or one made by `tar czf ... -C /data .`) into a new or an existing volume.
 *
 * Two passes over the file. The first decompresses and checks every entry (see guard.ts) and hashes the file:
 * a refused entry, or a hash that differs from the manifest's, stops the restore before anything is created
 * or written. The second streams the file again, through the same checks, into the engine:
 *
 *   file -> meter -> sha256 -> decompress -> tar parser -> guard -> tar writer -> PUT /containers/{helper}/archive?path=/
 *
 * The tar writer re-encodes each checked entry (same owner, mode, times, link target, extended attributes)
 * rather than forwarding the original bytes, so the engine extracts exactly what was checked: no difference
 * between two tar parsers (GNU long names against PAX paths, for one) can slip an entry past the guard.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header, pack } from 'tar-stream';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { type BackupFormat, decompressor, detectFormat } from './formats';
import { type CheckedEntry, type EntryCounts, TarGuard } from './guard';
import { archiveLayout, withHelper } from './helper';
import { type BackupManifest, readManifest } from './manifest';
import { ByteMeter, HashStream, isAbort, nodeReadable, nodeWritable, pipelineError, type Phase, type ProgressListener } from './streams';
import { createVolume, helperVolumeIsEmpty, VolumeInUseError, volumeExists, type VolumeSpec, volumeUsers } from './volumes';

export type RestoreMode = 'replace' | 'merge';

export class TargetNotEmptyError extends Error {
  constructor(readonly volume: string) {
    super(`Volume ${volume} is not empty: choose whether the archive replaces its contents or is merged into them.`);
    this.name = 'TargetNotEmptyError';
  }
}

export class ChecksumMismatchError extends Error {
  constructor(readonly archive: string, readonly expected: string, readonly actual: string) {
    super(`${archive} does not match its manifest (sha256 ${actual.slice(0, 12)}…, manifest says ${expected.slice(0, 12)}…): it was changed or damaged. Nothing was restored.`);
    this.name = 'ChecksumMismatchError';
  }
}

export interface ArchiveCheck {
  format: BackupFormat;
  sha256: string;
  /** Size of the file. */
  bytes: number;
  counts: EntryCounts;
  manifest?: BackupManifest;
}

const COMPOSE_LABEL_PREFIX = 'com.docker.compose.';
const ignore = () => undefined;

/** Reads the first bytes of a file to tell its format. */
async function formatOf(file: string): Promise<BackupFormat> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const format = detectFormat(head.subarray(0, bytesRead));
    if (!format) throw new Error(`${file} is not a .tar, .tar.gz or .tar.zst archive.`);
    return format;
  } finally {
    await handle.close();
  }
}

/** A tar parser that runs every entry past the guard and drops the bytes (the first pass). */
function guardSink(guard: TarGuard): Writable {
  const parser = extract();
  parser.on('entry', (header, stream, next) => {
    stream.on('error', ignore); // its failure reaches the parser through next()
    try {
      guard.check(header);
    } catch (e) {
      stream.resume();
      next(e as Error);
      return;
    }
    stream.on('end', () => next());
    stream.resume();
  });
  return nodeWritable(parser);
}

const TYPE_BITS: Record<CheckedEntry['type'], number> = { file: 0o100000, link: 0o100000, directory: 0o040000, symlink: 0o120000, fifo: 0o010000 };
const MAX_OCTAL_ID = 0o7777777;

/** An entry's name in the upload: under `prefix` (`data/…`, see ArchiveLayout), or relative with the root as `./`. */
function uploadName(path: string, prefix: string | undefined): string {
  if (prefix) return path === '' ? prefix : `${prefix}/${path}`;
  return path === '' ? './' : path;
}

/** The header the checked entry is written with: its normalized path, and no fields the guard did not see. */
function repackHeader(h: Header, entry: CheckedEntry, prefix: string | undefined): Header {
  const pax: Record<string, string> = { ...((h.pax ?? {}) as Record<string, string>) };
  // Names and size come from the checked entry; the writer adds a PAX path when a name needs one.
  delete pax.path;
  delete pax.linkpath;
  delete pax.size;
  if (h.uid > MAX_OCTAL_ID) pax.uid = String(h.uid);
  if (h.gid > MAX_OCTAL_ID) pax.gid = String(h.gid);
  return {
    name: uploadName(entry.path, prefix),
    type: entry.type,
    // The type bits keep a mode of 000 from being read as "no mode" by the writer (which would make it 644).
    mode: (h.mode & 0o7777) | TYPE_BITS[entry.type],
    uid: h.uid,
    gid: h.gid,
    uname: h.uname,
    gname: h.gname,
    mtime: h.mtime,
    size: entry.type === 'file' ? h.size : 0,
    linkname: entry.type === 'symlink' ? h.linkname : entry.type === 'link' ? uploadName(entry.linkPath ?? '', prefix) : '',
    devmajor: 0,
    devminor: 0,
    pax: Object.keys(pax).length ? pax : undefined,
  };
}

/** Tar in, checked and re-encoded tar out (the second pass). */
function guardedRepack(guard: TarGuard, prefix: string | undefined): { input: Writable; output: Readable } {
  const parser = extract();
  const packer = pack();
  parser.on('entry', (header, stream, next) => {
    stream.on('error', ignore); // failures reach the parser through next() and the writer through destroy()
    let entry: CheckedEntry;
    try {
      entry = guard.check(header);
    } catch (e) {
      stream.resume();
      next(e as Error);
      return;
    }
    const sink = packer.entry(repackHeader(header, entry, prefix), (err) => next(err ?? undefined));
    sink.on('error', ignore);
    if (entry.type === 'file') stream.pipe(sink);
    else stream.resume();
  });
  parser.on('finish', () => {
    try {
      guard.finish();
      packer.finalize();
    } catch (e) {
      packer.destroy(e as Error);
    }
  });
  parser.on('error', (e: Error) => packer.destroy(e));
  return { input: nodeWritable(parser), output: nodeReadable(packer) };
}

function meterFor(phase: Phase, volume: string, total: number, listener?: ProgressListener): ByteMeter {
  return new ByteMeter((bytes, rate) => listener?.({ phase, volume, bytes, rate, total }));
}

/**
 * The first pass: the archive's format, hash and contents, every entry checked. Throws UnsafeArchiveError
 * or ChecksumMismatchError; writes nothing.
 */
export async function checkArchive(file: string, options: { volume?: string; signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<ArchiveCheck> {
  const [format, stat, manifest] = await Promise.all([formatOf(file), fs.stat(file), readManifest(file)]);
  const guard = new TarGuard();
  const hash = new HashStream();
  await pipeline(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    meterFor('check', options.volume ?? '', stat.size, options.onProgress),
    hash,
    decompressor(format),
    guardSink(guard),
    { signal: options.signal },
  );
  guard.finish();
  if (manifest && manifest.archive.sha256 !== hash.digest) throw new ChecksumMismatchError(file, manifest.archive.sha256, hash.digest);
  return { format, sha256: hash.digest, bytes: stat.size, counts: guard.counts, manifest };
}

/** Whether the volume holds anything (a helper container reads the first entry of its archive stream). */
export function volumeIsEmpty(client: EngineClient, volume: string, signal?: AbortSignal): Promise<boolean> {
  return withHelper(client, [{ volume, readOnly: true }], (helper) => helperVolumeIsEmpty(client, helper, signal), signal);
}

export interface RestoreOptions {
  /** Path of the archive file; a manifest beside it (`<archive>.manifest.json`) is verified when present. */
  archive: string;
  /** Target volume: created when missing. */
  volume: string;
  /** Required when the target exists and is not empty. Replace recreates the volume (same driver, options, labels). */
  mode?: RestoreMode;
  /**
   * For a new volume. Default: the manifest's driver, options and labels when the target has the backed-up
   * volume's name (it is being brought back), else the local driver and the labels without Compose's.
   */
  create?: Omit<VolumeSpec, 'name'>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface RestoreResult {
  volume: string;
  /** new: the volume was created; empty: it existed and was empty. */
  mode: 'new' | 'empty' | RestoreMode;
  format: BackupFormat;
  counts: EntryCounts;
  /** Whether a manifest vouched for the archive (its sha256 matched). */
  verified: boolean;
  archiveBytes: number;
  durationMs: number;
}

function specForNewVolume(name: string, manifest: BackupManifest | undefined, given: RestoreOptions['create']): VolumeSpec {
  if (given) return { name, ...given };
  if (manifest && manifest.volume.name === name) {
    return { name, driver: manifest.volume.driver, driverOpts: manifest.volume.options, labels: manifest.volume.labels };
  }
  const labels = Object.fromEntries(Object.entries(manifest?.volume.labels ?? {}).filter(([k]) => !k.startsWith(COMPOSE_LABEL_PREFIX)));
  return { name, labels };
}

export async function restoreVolume(client: EngineClient, options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const { volume, signal } = options;
  const action = `restore ${options.archive} into volume ${volume}`;

  // Cheap questions first, so a missing choice is reported before a long check.
  const layout = await archiveLayout(client, signal);
  const existing = await volumeExists(client, volume, signal);
  const empty = existing ? await volumeIsEmpty(client, volume, signal) : true;
  if (existing && !empty && !options.mode) throw new TargetNotEmptyError(volume);
  if (existing && !empty && options.mode === 'replace') {
    const users = (await volumeUsers(client, volume, signal));
    if (users.length) throw new VolumeInUseError(volume, users, 'replaced');
  }

  let check: ArchiveCheck;
  try {
    check = await checkArchive(options.archive, { volume, signal, onProgress: options.onProgress });
  } catch (e) {
    if (isAbort(e, signal)) throw new EngineError('cancelled', `Restore into ${volume} cancelled while checking the archive; nothing was written.`, client.label, undefined, undefined, { cause: e });
    throw e;
  }

  let mode: RestoreResult['mode'];
  let created = false;
  if (!existing) {
    await createVolume(client, specForNewVolume(volume, check.manifest, options.create), signal);
    created = true;
    mode = 'new';
  } else if (empty) {
    mode = 'empty';
  } else if (options.mode === 'replace') {
    // The archive API can add and overwrite but not delete: replacing means a fresh volume of the same kind.
    await client.removeVolume(volume, { signal });
    await client.createVolume({ name: volume, driver: existing.Driver, driverOpts: existing.Options ?? {}, labels: existing.Labels ?? {} }, { signal });
    mode = 'replace';
  } else {
    mode = 'merge';
  }

  const guard = new TarGuard();
  const hash = new HashStream();
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  try {
    await withHelper(client, [{ volume, readOnly: false }], async (helper) => {
      const repack = guardedRepack(guard, layout.entryPrefix);
      const reading = pipeline(
        createReadStream(options.archive, { highWaterMark: 1 << 20 }),
        meterFor('restore', volume, check.bytes, options.onProgress),
        hash,
        decompressor(check.format),
        repack.input,
        { signal: both },
      );
      const writing = client.putArchive(helper, layout.uploadPath, repack.output, { signal: both });
      // Whichever side fails first stops the other.
      const results = await Promise.allSettled([reading.catch((e) => { stop.abort(); throw e; }), writing.catch((e) => { stop.abort(); throw e; })]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        // The first real cause, not the abort it caused on the other side.
        const real = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isAbort(r.reason));
        throw (real ?? failed).reason;
      }
      if (hash.digest !== check.sha256) throw new Error(`${options.archive} changed while it was being restored.`);
    }, signal);
  } catch (e) {
    if (created) await client.removeVolume(volume, { force: true }).catch(() => undefined);
    const left = created ? 'the new volume was removed' : mode === 'replace' ? `volume ${volume} was emptied and is only partly restored` : `volume ${volume} may be partly restored`;
    if (isAbort(e, signal)) throw new EngineError('cancelled', `Restore into ${volume} cancelled: ${left}.`, client.label, undefined, undefined, { cause: e });
    const error = pipelineError(e, client.label, action);
    error.message = `${error.message} (${left})`;
    throw error;
  }
  return {
    volume, mode, format: check.format, counts: check.counts, verified: Boolean(check.manifest),
    archiveBytes: check.bytes, durationMs: Date.now() - started,
  };
}
