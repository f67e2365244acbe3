/**
 * Restore an archive (ours, or one made by `tar czf ... -C /data .`) into a new or an existing volume.
 *
 * Into a new volume, when the caller allows it (onePassUnless: the Restore command does for any write that needs no
 * question), one pass: the archive is read, hashed, decompressed, checked and uploaded at once, the upload's tar is
 * ended only once every check passed (the last entry, the final symlink check, the manifest's sha256), and the
 * volume, made by this restore, is removed again when anything failed: it is left as it was, absent. That reads
 * and decompresses the archive once instead of twice, with no private copy (restoreInOnePass).
 *
 * Otherwise (an existing volume, whose state could not be put back; a write big enough to ask about first) two
 * passes. The first reads the file once, hashes it, copies those same bytes into a private file (a folder of
 * its own under the OS temp folder, mode 600) and decompresses and checks every entry (see guard.ts): a refused
 * entry, or a hash that differs from the manifest's, stops the restore before anything is created or written.
 * The caller is then shown what the archive expands to and may decline (confirmWrite). The second pass reads the
 * private copy, not the user's file, through the same checks, into the engine, so what is written is exactly what
 * was checked even if the archive changes meanwhile (the copy costs one write of the compressed file):
 *
 *   private copy -> meter -> sha256 -> decompress -> tar parser -> guard -> tar writer -> PUT /containers/{helper}/archive?path=/
 *
 * The tar writer re-encodes each checked entry (same owner, mode, times, link target, extended attributes)
 * rather than forwarding the original bytes, so the engine extracts exactly what was checked: no difference
 * between two tar parsers (GNU long names against PAX paths, for one) can slip an entry past the guard.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header, pack } from 'tar-stream';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { type BackupFormat, decompressor, detectFormat } from './formats';
import { type CheckedEntry, type EntryCounts, TarGuard, UnsafeArchiveError } from './guard';
import { type ArchiveLayout, archiveLayout, helperVolumeIsEmpty, withHelper } from './helper';
import { type BackupManifest, readManifest } from './manifest';
import { keepRawPax, paxValues, writeRawPax } from './paxBytes';
import { ByteMeter, HashStream, isAbort, nodeReadable, nodeWritable, pipelineError, type Phase, type ProgressListener } from './streams';
import { createVolume, VolumeExistsError, VolumeInUseError, volumeExists, volumeUsers } from '../engine/volumes';
import type { VolumeSpec } from '../engine/types';
import type { EngineVolume } from '../engine/types';

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

/** The archive cannot be read to its end as a tar (cut short, changed bytes, not a tar): the library's words translated. */
export class DamagedArchiveError extends Error {
  constructor(readonly archive: string, readonly detail: string, options?: { cause?: unknown }) {
    super(`${archive} is damaged or incomplete: ${detail}. Nothing was written.`, options);
    this.name = 'DamagedArchiveError';
  }
}

/** What zlib, zstd and the tar parser say, in words that tell the user what happened to the file. */
function damageDetail(error: unknown): string | undefined {
  const e = error as { code?: string; message?: string } | undefined;
  const message = e?.message ?? '';
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) return 'it ends too early (the file was cut short, e.g. by a copy or a download that did not finish)';
  if (e?.code === 'Z_DATA_ERROR' || /incorrect (data|header) check|invalid (block|stored|distance|code)|too far back/i.test(message)) return 'its compressed data does not check out (bytes in it were changed or lost)';
  if (typeof e?.code === 'string' && e.code.startsWith('ZSTD_') || /zstd|frame/i.test(message)) return 'its zstd data does not check out (bytes in it were changed or lost)';
  if (/tar header|invalid header|header exceeds/i.test(message)) return 'it holds something that is not a tar entry where one should be';
  return undefined;
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
    if (!format) throw new DamagedArchiveError(file, 'it is not a .tar, .tar.gz or .tar.zst archive (its first bytes are none of these)');
    return format;
  } finally {
    await handle.close();
  }
}

const SLICE_MS = 10;

/**
 * Calls each continuation at once while the current slice of work is short, and after a turn of the event loop once
 * it has run for 10 ms: one decompressed chunk can hold thousands of entries, each checked synchronously, so without
 * this a hostile archive would hold the extension host (and a Cancel) for as long as it likes.
 */
function pacer(): (next: () => void) => void {
  let slice = Date.now();
  return (next) => {
    if (Date.now() - slice < SLICE_MS) return next();
    setImmediate(() => {
      slice = Date.now();
      next();
    });
  };
}

/** A tar parser that runs every entry past the guard and drops the bytes (the first pass). */
function guardSink(guard: TarGuard): Writable {
  const parser = keepRawPax(extract());
  const pace = pacer();
  parser.on('entry', (header, stream, next) => {
    stream.on('error', ignore); // its failure reaches the parser through next()
    try {
      guard.check(header);
    } catch (e) {
      stream.resume();
      next(e as Error);
      return;
    }
    stream.on('end', () => pace(() => next()));
    stream.resume();
  });
  return nodeWritable(parser);
}

/** Writes the bytes that pass into an open file before passing them on: the private copy the second pass reads. */
class SpoolStream extends Transform {
  constructor(private readonly handle: fs.FileHandle) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.handle.write(chunk).then(() => callback(null, chunk), callback);
  }
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
  // Values as the archive's bytes (binary extended attributes stay binary: see paxBytes.ts).
  const pax: Record<string, Buffer | string> = Object.fromEntries(paxValues(h.pax));
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

/** Hooks of a one-pass restore: checks that stop the upload on the way or just before the tar's end. */
interface RepackHooks {
  /** After each entry passed the guard (with the counts so far); throws to stop before the entry is written. */
  afterEntry?: (counts: EntryCounts) => void;
  /** After the last entry and the guard's final check, before the tar is ended; throws to leave it unended. */
  beforeEnd?: () => void;
}

/**
 * Tar in, checked and re-encoded tar out (the write). `failure()` is the first check that failed in it (an entry,
 * the final symlink check or a hook), which may reach the reader or the writer of the streams first.
 */
function guardedRepack(guard: TarGuard, prefix: string | undefined, hooks: RepackHooks = {}): { input: Writable; output: Readable; failure: () => Error | undefined } {
  const parser = keepRawPax(extract());
  const packer = writeRawPax(pack());
  const pace = pacer();
  let failure: Error | undefined;
  const fail = (e: Error) => (failure ??= e);
  parser.on('entry', (header, stream, next) => {
    stream.on('error', ignore); // failures reach the parser through next() and the writer through destroy()
    let entry: CheckedEntry;
    try {
      entry = guard.check(header);
      hooks.afterEntry?.(guard.counts);
    } catch (e) {
      stream.resume();
      next(fail(e as Error));
      return;
    }
    const sink = packer.entry(repackHeader(header, entry, prefix), (err) => (err ? next(err) : pace(() => next())));
    sink.on('error', ignore);
    if (entry.type === 'file') stream.pipe(sink);
    else stream.resume();
  });
  parser.on('finish', () => {
    guard.finishAsync().then(() => {
      hooks.beforeEnd?.();
      packer.finalize();
    }).catch((e: Error) => packer.destroy(fail(e)));
  });
  parser.on('error', (e: Error) => packer.destroy(e));
  return { input: nodeWritable(parser), output: nodeReadable(packer), failure: () => failure };
}

function meterFor(phase: Phase, volume: string, total: number, listener?: ProgressListener): ByteMeter {
  return new ByteMeter((bytes, rate) => listener?.({ phase, volume, bytes, rate, total }));
}

export interface CheckOptions {
  volume?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Copies the bytes read (the ones hashed and checked) into this new file (mode 600; it must not exist). */
  copyTo?: string;
}

/**
 * The first pass: the archive's format, hash and contents, every entry checked. Throws UnsafeArchiveError,
 * ChecksumMismatchError, DamagedArchiveError (or a file-system error naming the file); writes nothing into a volume.
 */
export async function checkArchive(file: string, options: CheckOptions = {}): Promise<ArchiveCheck> {
  const [format, stat, manifest] = await Promise.all([formatOf(file), fs.stat(file), readManifest(file)]).catch((e: unknown) => {
    throw explainCheckFailure(e, file, options.signal, undefined);
  });
  const guard = new TarGuard();
  const hash = new HashStream();
  const copy = options.copyTo ? await fs.open(options.copyTo, 'wx', 0o600) : undefined;
  try {
    await pipeline(
      [
        createReadStream(file, { highWaterMark: 1 << 20 }),
        meterFor('check', options.volume ?? '', stat.size, options.onProgress),
        hash,
        ...(copy ? [new SpoolStream(copy)] : []),
        decompressor(format),
        guardSink(guard),
      ],
      { signal: options.signal },
    );
    await guard.finishAsync(options.signal);
    if (copy) await copy.sync();
  } catch (e) {
    throw explainCheckFailure(e, file, options.signal, options.copyTo);
  } finally {
    await copy?.close();
  }
  if (manifest && manifest.archive.sha256 !== hash.digest) throw new ChecksumMismatchError(file, manifest.archive.sha256, hash.digest);
  return { format, sha256: hash.digest, bytes: stat.size, counts: guard.counts, manifest };
}

/** What went wrong with a file, without Node's "ENOENT: no such file or directory, open '…'". */
function fileProblem(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT': return 'does not exist (any more)';
    case 'EACCES':
    case 'EPERM': return 'cannot be read: permission denied';
    case 'EISDIR': return 'is a folder, not an archive';
    case 'EIO': return 'cannot be read: the disk reports an input/output error';
    default: return `cannot be read (${e.code ?? e.message})`;
  }
}

/** A failure of the first pass in words that name the archive; raw library messages stay in `cause`. */
function explainCheckFailure(error: unknown, file: string, signal: AbortSignal | undefined, copyTo: string | undefined): unknown {
  if (isAbort(error, signal)) return error;
  if (error instanceof UnsafeArchiveError) return new UnsafeArchiveError(error.entry, error.reason, file);
  const e = error as NodeJS.ErrnoException;
  if (copyTo && (e?.path === copyTo || e?.code === 'ENOSPC')) {
    const why = e.code === 'ENOSPC' ? 'there is no room' : fileProblem(e).replace(/^cannot be read/, 'it cannot be written');
    return new Error(`A private copy of ${file} could not be made in ${path.dirname(copyTo)} (${why}): the restore writes from that copy so that what is written is what was checked. Nothing was written.`, { cause: error });
  }
  if (e?.path) return new Error(`${e.path} ${fileProblem(e)}. Nothing was written.`, { cause: error });
  if (error instanceof DamagedArchiveError || !(error instanceof Error) || /manifest/.test(error.message)) return error;
  const detail = damageDetail(error);
  return detail ? new DamagedArchiveError(file, detail, { cause: error }) : new DamagedArchiveError(file, `it could not be read as a tar archive (${e?.message ?? String(error)})`, { cause: error });
}

/** Whether the volume holds anything (a helper container reads the first entry of its archive stream). */
export function volumeIsEmpty(client: EngineClient, volume: string, signal?: AbortSignal): Promise<boolean> {
  return withHelper(client, [{ volume, readOnly: true }], (helper) => helperVolumeIsEmpty(client, helper, signal), signal);
}

/** What the first pass found, shown to the user before anything is created or written. */
export interface RestoreSummary {
  archive: string;
  volume: string;
  /** new: a volume will be created (with `create`); the others as in RestoreResult. */
  mode: RestoreResult['mode'];
  format: BackupFormat;
  /** Size of the archive file. */
  archiveBytes: number;
  /** What it expands to: entries by type and bytes of file content. */
  counts: EntryCounts;
  /** Whether a manifest vouched for the archive (its sha256 matched). */
  verified: boolean;
  /** The new volume's driver, options and labels (only for mode 'new'). */
  create?: Omit<VolumeSpec, 'name'>;
  /**
   * Free bytes where the volume's data goes, when the engine can tell. Neither Docker nor Podman report it
   * (/system/df is usage, not free space), so it is undefined today; the field is where it goes when one does.
   */
  freeBytes?: number;
}

export interface RestoreOptions {
  /** Path of the archive file; a manifest beside it (`<archive>.manifest.json`) is verified when present. */
  archive: string;
  /** Target volume: created when missing. */
  volume: string;
  /** Required when the target exists and is not empty. Replace recreates the volume (same driver, options, labels). */
  mode?: RestoreMode;
  /**
   * For a new volume. Default: the local driver with no options, and the manifest's labels without Compose's.
   * A manifest's driver and driver options are never used on their own (they can point a volume at a host
   * folder or a network share): a caller that wants them shows them to the user and passes them here.
   */
  create?: Omit<VolumeSpec, 'name'>;
  /**
   * Asked after the check, before anything is created or written, with what the archive expands to; nothing is
   * written when it answers false (the restore ends with a 'cancelled' EngineError).
   */
  confirmWrite?: (summary: RestoreSummary) => Promise<boolean>;
  /**
   * Into a volume that does not exist yet: check and write in one pass (the archive is read and decompressed once,
   * no private copy) for as long as this answers false for what the archive expands to so far, and remove the new
   * volume again when any check fails on the way or at the end (a refused entry, damaged data, a sha256 that differs
   * from the manifest's): the volume is then as it was, absent. confirmWrite is not asked in that pass. Once this
   * answers true (the write would need confirmWrite's question: see needsWriteQuestion), the pass is abandoned, its
   * volume removed, and the restore checks the whole archive first and asks, as without this option. Not used for an
   * existing volume, whose state could not be put back.
   */
  onePassUnless?: (counts: EntryCounts, archiveBytes: number) => boolean;
  /** Folder for the private copy of the archive (default: the OS temp folder). */
  scratchFolder?: string;
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

/** Expanded sizes worth a question before writing: a lot of data, or far more than the file (a compression bomb). */
const ASK_ABOVE_BYTES = 1 << 30;
const ASK_ABOVE_RATIO = 50;

/** Whether writing what an archive of `archiveBytes` expands to deserves a question first (monotonic in the counts). */
export function needsWriteQuestion(counts: Pick<EntryCounts, 'bytes'>, archiveBytes: number): boolean {
  return counts.bytes >= ASK_ABOVE_BYTES || (counts.bytes >= 64 << 20 && counts.bytes > archiveBytes * ASK_ABOVE_RATIO);
}

/** Labels a restored volume takes from a manifest: not Compose's (the volume would pass for a project's own). */
export function labelsFromManifest(manifest: BackupManifest | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(manifest?.volume.labels ?? {}).filter(([k]) => !k.startsWith(COMPOSE_LABEL_PREFIX)));
}

/** The spec of a new volume: what the caller gave, else a plain local volume; never the manifest's driver or options. */
export function specForNewVolume(name: string, manifest: BackupManifest | undefined, given: RestoreOptions['create']): VolumeSpec {
  if (given) return { name, ...given };
  return { name, labels: labelsFromManifest(manifest) };
}

/** Why a manifest's driver and options deserve a warning before a volume is created with them. */
export type VolumeOptionRisk =
  /** `o=bind` / `rbind`, or `type=none` with a device: the volume is a host folder, written as root. */
  | { kind: 'host-folder'; path: string }
  /** `device=` of a block device or any other file system the host mounts. */
  | { kind: 'device'; device: string }
  /** `type=nfs`, `cifs`, `smb`...: a network share, written with the engine's rights. */
  | { kind: 'network-share'; type: string; address?: string }
  /** A driver other than local: a plugin decides where the data goes. */
  | { kind: 'driver'; driver: string };

const NETWORK_TYPES = /^(nfs\d?|cifs|smb\d?|ceph|glusterfs|sshfs|fuse\.sshfs|9p)$/i;

/**
 * The driver and options a manifest asks for, and what is risky about them. Empty `risks` and no options: a plain
 * local volume, nothing to ask. Pure, so the command's warning is tested without a window.
 */
export function manifestVolumeOptions(manifest: BackupManifest): { driver: string; driverOpts: Record<string, string>; risks: VolumeOptionRisk[] } {
  const driver = manifest.volume.driver || 'local';
  const driverOpts = { ...(manifest.volume.options ?? {}) };
  return { driver, driverOpts, risks: volumeOptionRisks(driver, driverOpts) };
}

/** Where a volume made with this driver and these options would put its data, when not on the engine's own disk. */
export function volumeOptionRisks(driver: string, driverOpts: Record<string, string>): VolumeOptionRisk[] {
  const risks: VolumeOptionRisk[] = [];
  if (driver !== 'local') risks.push({ kind: 'driver', driver });
  const mountOptions = (driverOpts.o ?? '').split(',').map((o) => o.trim());
  const type = driverOpts.type ?? '';
  const device = driverOpts.device;
  const address = mountOptions.find((o) => o.startsWith('addr='))?.slice(5);
  if (NETWORK_TYPES.test(type) || address) risks.push({ kind: 'network-share', type: type || 'network', address: address ?? device });
  else if (mountOptions.some((o) => o === 'bind' || o === 'rbind')) risks.push({ kind: 'host-folder', path: device ?? '?' });
  else if (device && type !== 'tmpfs') risks.push(type === 'none' ? { kind: 'host-folder', path: device } : { kind: 'device', device });
  return risks;
}

function sameOptions(a: Record<string, string> | null | undefined, b: Record<string, string> | undefined): boolean {
  const x = Object.entries(a ?? {}).sort();
  const y = Object.entries(b ?? {}).sort();
  return x.length === y.length && x.every(([k, v], i) => y[i][0] === k && y[i][1] === v);
}

/** The engine creates a volume that exists "again" without a word: after a create, make sure it is the one asked for. */
function notTheVolumeAskedFor(made: EngineVolume, spec: VolumeSpec): string | undefined {
  const driver = spec.driver ?? 'local';
  if ((made.Driver ?? 'local') !== driver) return `its driver is ${made.Driver}, not ${driver}`;
  if (!sameOptions(made.Options, spec.driverOpts)) return `its driver options are ${JSON.stringify(made.Options ?? {})}, not ${JSON.stringify(spec.driverOpts ?? {})}`;
  return undefined;
}

/** A refusal decided after the check: the volume is not what it was (or should be), and nothing was written. */
export class TargetChangedError extends Error {
  constructor(readonly volume: string, detail: string) {
    super(`Volume ${volume} ${detail}. Nothing was written into it, and it was left as it is.`);
    this.name = 'TargetChangedError';
  }
}

/**
 * What a failed write left behind, found by asking the engine rather than assumed: a volume this restore created
 * is removed and then looked for; an existing one is described by the mode.
 */
async function stateAfterFailure(client: EngineClient, volume: string, mode: RestoreResult['mode'], created: boolean, wroteNothing: boolean): Promise<string> {
  const contents = wroteNothing ? 'is empty (nothing was written)' : 'may hold part of the archive';
  if (created) {
    let removeProblem = '';
    const remove = () => client.removeVolume(volume, { force: true }).then(() => true, (e: unknown) => { removeProblem = e instanceof Error ? e.message : String(e); return false; });
    // The helper that held the volume is removed just before; when the engine was slow to let go, try once more.
    if (!await remove()) await new Promise((r) => setTimeout(r, 1000)).then(remove);
    try {
      if (!await volumeExists(client, volume)) return 'the new volume was removed';
      return `the new volume ${volume} is still there and ${contents}: removing it failed (${removeProblem || 'it came back'}); remove it yourself`;
    } catch (e) {
      return `the new volume ${volume} may still be there and ${contents}: the engine could not be asked (${e instanceof Error ? e.message : String(e)}); check for it and remove it once the engine answers`;
    }
  }
  if (mode === 'replace') return wroteNothing ? `volume ${volume} was emptied (recreated for the replace) and nothing was written into it` : `volume ${volume} was emptied and may hold only part of the archive`;
  if (wroteNothing) return `nothing was written into volume ${volume}`;
  switch (mode) {
    case 'merge': return `volume ${volume} may hold part of the archive beside what it held before`;
    default: return `volume ${volume} may hold part of the archive`;
  }
}

/** The one-pass write outgrew what may be written without a question (onePassUnless answered true). */
class NeedsQuestion extends Error {}

/** A check's message ends with "Nothing was written."; after a one-pass write, what is left is said instead. */
function withState(error: unknown, left: string): unknown {
  if (error instanceof Error) error.message = `${error.message.replace(/\s*Nothing was (written|restored)\.$/, '')} (${left}).`;
  return error;
}

/**
 * The one-pass restore into a new volume (see RestoreOptions.onePassUnless):
 *
 *   archive -> meter -> sha256 -> decompress -> tar parser -> guard -> tar writer -> PUT /containers/{helper}/archive
 *
 * The upload's tar is ended only after the last entry, the guard's final symlink check and the manifest's sha256
 * passed, and the volume is removed when anything failed (whatever the engine made of a cut upload). Undefined:
 * go the two-pass way (the archive outgrew onePassUnless, or a manifest says it will).
 */
async function restoreInOnePass(client: EngineClient, options: RestoreOptions, layout: ArchiveLayout, started: number): Promise<RestoreResult | undefined> {
  const { volume, signal, archive, onePassUnless } = options;
  const [format, stat, manifest] = await Promise.all([formatOf(archive), fs.stat(archive), readManifest(archive)]).catch((e: unknown) => {
    throw explainCheckFailure(e, archive, signal, undefined);
  });
  if (manifest && onePassUnless!(manifest.content, stat.size)) return undefined;
  const spec = specForNewVolume(volume, manifest, options.create);
  const made = await createVolume(client, spec, signal).catch((e: unknown) => {
    throw e instanceof VolumeExistsError ? new TargetChangedError(volume, 'appeared while the restore started') : e;
  });
  const problem = notTheVolumeAskedFor(made, spec);
  if (problem) throw new TargetChangedError(volume, `appeared while the restore started and is not the one asked for (${problem})`);

  const guard = new TarGuard();
  const hash = new HashStream();
  const repack = guardedRepack(guard, layout.entryPrefix, {
    afterEntry: (counts) => {
      if (onePassUnless!(counts, stat.size)) throw new NeedsQuestion();
    },
    beforeEnd: () => {
      if (manifest && manifest.archive.sha256 !== hash.digest) throw new ChecksumMismatchError(archive, manifest.archive.sha256, hash.digest);
    },
  });
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let wroteNothing = true;
  let readFailure: unknown;
  try {
    await withHelper(client, [{ volume, readOnly: false }], async (helper) => {
      if (!await helperVolumeIsEmpty(client, helper, signal)) throw new TargetChangedError(volume, 'was written into by something else right after it was created');
      wroteNothing = false;
      const reading = pipeline(
        createReadStream(archive, { highWaterMark: 1 << 20 }),
        meterFor('restore', volume, stat.size, options.onProgress),
        hash,
        decompressor(format),
        repack.input,
        { signal: both },
      );
      const writing = client.putArchive(helper, layout.uploadPath, repack.output, { signal: both });
      const results = await Promise.allSettled([
        reading.catch((e) => { readFailure = e; stop.abort(); throw e; }),
        writing.catch((e) => { stop.abort(); throw e; }),
      ]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw repack.failure() ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isAbort(r.reason))?.reason ?? failed.reason;
    }, signal);
  } catch (e) {
    if (e instanceof TargetChangedError) throw e;
    const cause = repack.failure() ?? e;
    const left = await stateAfterFailure(client, volume, 'new', true, wroteNothing);
    if (cause instanceof NeedsQuestion) {
      if (left === 'the new volume was removed') return undefined;
      throw new Error(`Restore of ${archive} into ${volume} stopped to ask before writing more than it may without a question, and ${left}.`);
    }
    if (isAbort(cause, signal)) throw new EngineError('cancelled', `Restore of ${archive} into ${volume} cancelled: ${left}.`, client.label, undefined, undefined, { cause });
    if (cause === repack.failure() || cause === readFailure) throw withState(explainCheckFailure(cause, archive, signal, undefined), left);
    const error = pipelineError(cause, client.label, `restore ${archive} into volume ${volume}`);
    error.message = `${error.message.includes(archive) ? '' : `Restore of ${archive} into ${volume} failed: `}${error.message} (${left})`;
    throw error;
  }
  return { volume, mode: 'new', format, counts: guard.counts, verified: Boolean(manifest), archiveBytes: stat.size, durationMs: Date.now() - started };
}

export async function restoreVolume(client: EngineClient, options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const { volume, signal, archive } = options;
  const action = `restore ${archive} into volume ${volume}`;
  const cancelled = (what: string, cause?: unknown) => new EngineError('cancelled', `Restore of ${archive} into ${volume} ${what}`, client.label, undefined, undefined, { cause });

  // Cheap questions first, so a missing choice is reported before a long check.
  const layout = await archiveLayout(client, signal);
  const existing = await volumeExists(client, volume, signal);
  const empty = existing ? await volumeIsEmpty(client, volume, signal) : true;
  if (existing && !empty && !options.mode) throw new TargetNotEmptyError(volume);
  if (existing && !empty && options.mode === 'replace') {
    const users = (await volumeUsers(client, volume, signal));
    if (users.length) throw new VolumeInUseError(volume, users, 'replaced');
  }

  if (!existing && options.onePassUnless) {
    const done = await restoreInOnePass(client, options, layout, started);
    if (done) return done;
  }

  const scratch = await fs.mkdtemp(path.join(options.scratchFolder ?? tmpdir(), 'dnv-restore-'));
  const privateCopy = path.join(scratch, 'archive');
  try {
    let check: ArchiveCheck;
    try {
      check = await checkArchive(archive, { volume, signal, onProgress: options.onProgress, copyTo: privateCopy });
    } catch (e) {
      if (isAbort(e, signal)) throw cancelled('cancelled while checking the archive; nothing was written.', e);
      throw e;
    }

    const plannedMode: RestoreResult['mode'] = !existing ? 'new' : empty ? 'empty' : options.mode!;
    const spec = existing ? undefined : specForNewVolume(volume, check.manifest, options.create);
    if (options.confirmWrite) {
      const { name: _name, ...create } = spec ?? { name: volume };
      const go = await options.confirmWrite({
        archive, volume, mode: plannedMode, format: check.format, archiveBytes: check.bytes, counts: check.counts,
        verified: Boolean(check.manifest), create: spec ? create : undefined,
      });
      if (!go) throw cancelled('not confirmed: nothing was created or written.');
    }
    if (signal?.aborted) throw cancelled('cancelled before writing: nothing was written.', signal.reason);

    let mode: RestoreResult['mode'];
    let created = false;
    if (spec) {
      const made = await createVolume(client, spec, signal).catch((e: unknown) => {
        throw e instanceof VolumeExistsError ? new TargetChangedError(volume, 'appeared while the archive was checked') : e;
      });
      const problem = notTheVolumeAskedFor(made, spec);
      // Someone made a volume of that name between our look and our create: it is theirs, not to write or remove.
      if (problem) throw new TargetChangedError(volume, `appeared while the archive was checked and is not the one asked for (${problem})`);
      created = true;
      mode = 'new';
    } else if (empty) {
      mode = 'empty';
    } else if (options.mode === 'replace') {
      // The archive API can add and overwrite but not delete: replacing means a fresh volume of the same kind.
      await client.removeVolume(volume, { signal });
      await client.createVolume({ name: volume, driver: existing!.Driver, driverOpts: existing!.Options ?? {}, labels: existing!.Labels ?? {} }, { signal });
      mode = 'replace';
    } else {
      mode = 'merge';
    }

    const guard = new TarGuard();
    const hash = new HashStream();
    const stop = new AbortController();
    const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let wroteNothing = true;
    try {
      await withHelper(client, [{ volume, readOnly: false }], async (helper) => {
        // Right before writing: a volume meant to be new or empty still is (nothing wrote into it meanwhile).
        if (mode !== 'merge' && !await helperVolumeIsEmpty(client, helper, signal)) {
          throw new TargetChangedError(volume, mode === 'new' ? 'was written into by something else right after it was created' : 'is no longer empty (something wrote into it while the archive was checked)');
        }
        wroteNothing = false;
        const repack = guardedRepack(guard, layout.entryPrefix);
        const reading = pipeline(
          createReadStream(privateCopy, { highWaterMark: 1 << 20 }),
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
        // The private copy is ours; a difference here means the disk under it failed.
        if (hash.digest !== check.sha256) throw new Error(`The private copy of ${archive} no longer matches what was checked (a disk fault?).`);
      }, signal);
    } catch (e) {
      if (e instanceof TargetChangedError) throw e;
      const left = await stateAfterFailure(client, volume, mode, created, wroteNothing);
      if (isAbort(e, signal)) throw cancelled(`cancelled: ${left}.`, e);
      const error = pipelineError(e, client.label, action);
      error.message = `${error.message.includes(archive) ? '' : `Restore of ${archive} into ${volume} failed: `}${error.message} (${left})`;
      throw error;
    }
    return {
      volume, mode, format: check.format, counts: check.counts, verified: Boolean(check.manifest),
      archiveBytes: check.bytes, durationMs: Date.now() - started,
    };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
