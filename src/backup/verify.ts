/**
 * Verify Backup: proves that an archive restores, without touching any volume of the user's. It is restored
 * into a new scratch volume by restoreVolume itself (the same checks and the same path as a real restore, the
 * manifest's checksum included), the volume is read back through the engine's archive API, every entry is
 * compared with the archive's (type, content, size, mode, owner, link target, file times) and the totals with
 * the manifest's, and the scratch volume is removed whatever happened.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header } from 'tar-stream';
import type { EngineClient } from '../engine/client';
import { detectFormat, decompressor } from './formats';
import { MOUNT, withHelper } from './helper';
import { type BackupManifest, readManifest } from './manifest';
import { type RestoreResult, restoreVolume } from './restore';
import type { ProgressListener } from './streams';
import { isAbort, nodeWritable } from './streams';
import { volumeExists } from '../engine/volumes';

export interface VerifyOptions {
  archive: string;
  /** Name of the scratch volume (default: `dnv-verify-<random>`); it must not exist. */
  scratchVolume?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface EntryDifference {
  /** Path in the volume ('' for its root). */
  path: string;
  /** What differs, in plain words. */
  what: string;
}

export interface VerifyResult {
  archive: string;
  /** Restored, read back identical, and (with a manifest) matching it. */
  ok: boolean;
  /** Why it did not restore at all (the restore's own message), when it did not. */
  restoreError?: string;
  restore?: RestoreResult;
  /** Entries compared. */
  entries: number;
  /** The first 100 differences. */
  differences: EntryDifference[];
  differenceCount: number;
  /** none: no manifest beside the archive; else whether the volume's totals match the manifest's. */
  manifest: 'none' | 'matches' | 'differs';
  scratchVolume: string;
  /** Whether the scratch volume is gone (checked, not assumed). */
  scratchRemoved: boolean;
  durationMs: number;
}

export interface InventoryEntry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  linkname?: string;
  mtime?: number;
  /** A hardlink in the tar stream (compared as the file it links to; its bytes are counted once). */
  hardlink?: boolean;
}

export interface Totals {
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
}

/** `./a/b/` -> `a/b`; the root is ''. */
function normalise(name: string): string {
  return name.replace(/^\.\//, '').replace(/^\.$/, '').replace(/\/+$/, '');
}

/** Every entry of a tar stream by path; a hardlink becomes the file it links to (which side the engine makes the link may differ). */
async function inventory(tar: Readable, signal?: AbortSignal): Promise<Map<string, InventoryEntry>> {
  const entries = new Map<string, InventoryEntry>();
  const parser = extract();
  const feeding = pipeline(tar, nodeWritable(parser), { signal });
  feeding.catch(() => undefined);
  for await (const item of parser) {
    const header: Header = item.header;
    const hash = createHash('sha256');
    for await (const chunk of item) hash.update(chunk as Buffer);
    const path = normalise(header.name);
    const base = { mode: (header.mode ?? 0) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0, mtime: header.mtime ? Math.floor(header.mtime.getTime() / 1000) : undefined };
    if (header.type === 'link') {
      const target = entries.get(normalise(header.linkname ?? ''));
      entries.set(path, { ...base, type: 'file', size: target?.size ?? 0, sha256: target?.sha256, hardlink: true });
    } else if (header.type === 'file' || header.type === 'contiguous-file') {
      entries.set(path, { ...base, type: 'file', size: header.size ?? 0, sha256: hash.digest('hex') });
    } else {
      entries.set(path, { ...base, type: header.type ?? 'unknown', size: 0, linkname: header.type === 'symlink' ? header.linkname ?? '' : undefined });
    }
  }
  await feeding;
  return entries;
}

async function archiveStream(file: string): Promise<Readable> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(512);
  try {
    await handle.read(head, 0, 512, 0);
  } finally {
    await handle.close();
  }
  const format = detectFormat(head);
  if (!format) throw new Error(`${file} is not a tar, .tar.gz or .tar.zst archive.`);
  return createReadStream(file).pipe(decompressor(format));
}

function totalsOf(entries: Map<string, InventoryEntry>): Totals {
  const totals: Totals = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
  for (const [path, e] of entries) {
    if (e.type === 'file') { totals.files++; if (!e.hardlink) totals.bytes += e.size; }
    else if (e.type === 'directory' && path !== '') totals.directories++;
    else if (e.type === 'symlink') totals.symlinks++;
  }
  return totals;
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** What differs between the archive's entries and the volume's, path by path. */
export function compareEntries(archive: Map<string, InventoryEntry>, volume: Map<string, InventoryEntry>, options: { owners: boolean }): EntryDifference[] {
  const differences: EntryDifference[] = [];
  for (const [path, want] of archive) {
    // The root folder's owner, mode and time depend on how the engine mounts the volume, not on the archive.
    if (path === '') continue;
    const got = volume.get(path);
    if (!got) { differences.push({ path, what: 'in the archive, missing from the restored volume' }); continue; }
    if (got.type !== want.type) { differences.push({ path, what: `a ${want.type} in the archive, a ${got.type} in the volume` }); continue; }
    if (want.type === 'file' && (got.size !== want.size || got.sha256 !== want.sha256)) {
      differences.push({ path, what: got.size !== want.size ? `${want.size} bytes in the archive, ${got.size} in the volume` : 'same size, different content' });
    }
    if (want.type === 'symlink' && got.linkname !== want.linkname) differences.push({ path, what: `links to ${want.linkname} in the archive, to ${got.linkname} in the volume` });
    if (want.type !== 'symlink' && got.mode !== want.mode) differences.push({ path, what: `mode ${octal(want.mode)} in the archive, ${octal(got.mode)} in the volume` });
    if (options.owners && (got.uid !== want.uid || got.gid !== want.gid)) differences.push({ path, what: `owner ${want.uid}:${want.gid} in the archive, ${got.uid}:${got.gid} in the volume` });
    if (want.type === 'file' && want.mtime !== undefined && got.mtime !== want.mtime) differences.push({ path, what: 'modification time differs' });
  }
  for (const path of volume.keys()) {
    if (path !== '' && !archive.has(path)) differences.push({ path, what: 'in the restored volume, not in the archive' });
  }
  return differences;
}

/** The manifest's totals against what was read back; undefined when they agree. */
export function manifestDifference(manifest: BackupManifest, totals: Totals): string | undefined {
  const c = manifest.content;
  const wanted: Totals = { files: c.files + c.hardlinks, directories: c.directories, symlinks: c.symlinks, bytes: c.bytes };
  const off = (Object.keys(wanted) as Array<keyof Totals>).filter((k) => k !== 'directories' && wanted[k] !== totals[k]);
  // Directories: the manifest may or may not count the root folder (the archive's './' entry).
  if (totals.directories !== wanted.directories && totals.directories + 1 !== wanted.directories) off.push('directories');
  return off.length ? off.map((k) => `${k}: ${wanted[k]} in the manifest, ${totals[k]} restored`).join('; ') : undefined;
}

export async function verifyBackup(client: EngineClient, options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const { archive, signal } = options;
  const scratchVolume = options.scratchVolume ?? `dnv-verify-${randomBytes(6).toString('hex')}`;
  if (await volumeExists(client, scratchVolume, signal)) throw new Error(`The scratch volume ${scratchVolume} exists already: not verifying into it.`);
  const result: VerifyResult = { archive, ok: false, entries: 0, differences: [], differenceCount: 0, manifest: 'none', scratchVolume, scratchRemoved: false, durationMs: 0 };
  try {
    try {
      result.restore = await restoreVolume(client, { archive, volume: scratchVolume, signal, onProgress: options.onProgress });
    } catch (e) {
      if (isAbort(e, signal)) throw e;
      result.restoreError = e instanceof Error ? e.message : String(e);
      return result;
    }
    const fromArchive = await inventory(await archiveStream(archive), signal);
    const fromVolume = await withHelper(client, [{ volume: scratchVolume, readOnly: true }],
      async (helper) => inventory(await client.getArchive(helper, `${MOUNT}/.`, { signal }), signal), signal);
    const differences = compareEntries(fromArchive, fromVolume, { owners: !client.isPodman });
    result.entries = fromArchive.size;
    result.differenceCount = differences.length;
    result.differences = differences.slice(0, 100);
    const manifest = await readManifest(archive);
    if (manifest) result.manifest = manifestDifference(manifest, totalsOf(fromVolume)) ? 'differs' : 'matches';
    if (manifest && result.manifest === 'differs') {
      result.differences.unshift({ path: '', what: `totals differ from the manifest (${manifestDifference(manifest, totalsOf(fromVolume))})` });
      result.differenceCount++;
    }
    result.ok = differences.length === 0 && result.manifest !== 'differs';
    return result;
  } finally {
    await client.removeVolume(scratchVolume, { force: true }).catch(() => undefined);
    result.scratchRemoved = !await volumeExists(client, scratchVolume).catch(() => true);
    result.durationMs = Date.now() - started;
  }
}
