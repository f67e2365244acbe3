/**
 * Browsing a backup archive on disk (.tar, .tar.gz, .tar.zst: the format from its first bytes, as restore reads
 * it), read-only, with the same entry shape as a volume's listing. One pass indexes the headers (the contents are
 * skipped, not kept); a file is read by a second pass that stops at its entry. Names are untrusted: absolute
 * paths and `..` are left out of the index, `./` prefixes dropped, a later entry of the same name replaces an
 * earlier one (as tar would), and symlinks are never followed out of the archive.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { extract, type Header } from 'tar-stream';
import { decompressor, detectFormat } from '../backup/formats';
import type { EntryKind, VolumeEntry } from './listing';

export class ArchiveBrowseError extends Error {
  constructor(readonly kind: 'notFound' | 'notFolder' | 'notFile' | 'tooLarge' | 'unreadable', message: string, readonly size?: number) {
    super(message);
  }
}

const KINDS: Record<string, EntryKind> = {
  file: 'file', 'contiguous-file': 'file', link: 'file', directory: 'dir', symlink: 'symlink',
  fifo: 'fifo', 'character-device': 'char', 'block-device': 'block',
};

/** An archive entry's path as segments, or undefined when it is not a path inside the volume. */
export function archivePath(name: string): string[] | undefined {
  if (name.startsWith('/') || name.includes('\0')) return undefined;
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  return segments.some((s) => s === '..') ? undefined : segments;
}

async function tarStream(file: string) {
  const handle = await fs.open(file, 'r');
  const head = Buffer.alloc(512);
  const { bytesRead } = await handle.read(head, 0, 512, 0);
  await handle.close();
  const format = detectFormat(head.subarray(0, bytesRead));
  if (!format) throw new ArchiveBrowseError('unreadable', `${file} is not a .tar, .tar.gz or .tar.zst archive.`);
  return { input: createReadStream(file), decompress: decompressor(format) };
}

export class ArchiveIndex {
  /** Folder path ('' the root) → its entries by name. */
  private readonly folders = new Map<string, Map<string, VolumeEntry>>([['', new Map()]]);
  /** Entries left out (absolute paths, `..`). */
  skipped = 0;

  private folder(path: string): Map<string, VolumeEntry> {
    let f = this.folders.get(path);
    if (!f) {
      f = new Map();
      this.folders.set(path, f);
      // Folders named only by their contents still show.
      const cut = path.lastIndexOf('/');
      const parent = cut < 0 ? '' : path.slice(0, cut);
      const name = path.slice(cut + 1);
      const siblings = this.folder(parent);
      if (!siblings.has(name)) siblings.set(name, { name, nameBytes: Buffer.from(name), kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtimeMs: 0 });
    }
    return f;
  }

  add(header: Header): void {
    const segments = archivePath(header.name);
    if (!segments) { this.skipped++; return; }
    if (segments.length === 0) return; // the root itself
    const name = segments[segments.length - 1];
    const parent = segments.slice(0, -1).join('/');
    const kind = KINDS[header.type ?? 'file'] ?? 'other';
    const entry: VolumeEntry = {
      name, nameBytes: Buffer.from(name), kind, size: header.size ?? 0, mode: (header.mode ?? 0) & 0o7777,
      uid: header.uid ?? 0, gid: header.gid ?? 0, mtimeMs: header.mtime ? header.mtime.getTime() : 0,
    };
    if (kind === 'symlink') entry.linkTarget = header.linkname ?? '';
    if (header.type === 'link') {
      // A hardlink: the bytes are those of an earlier entry of the archive.
      const target = archivePath(header.linkname ?? '');
      const of = target && this.stat(target.join('/'));
      if (!target || !of || of.kind !== 'file') { this.skipped++; return; }
      entry.size = of.size;
      entry.linkResolved = of.linkResolved ?? target.join('/');
    }
    this.folder(parent).set(name, entry);
    if (kind === 'dir') this.folder(segments.join('/'));
  }

  list(path: string): VolumeEntry[] {
    const key = (archivePath(path) ?? []).join('/');
    const f = this.folders.get(key);
    if (!f) {
      if (this.stat(path)) throw new ArchiveBrowseError('notFolder', `${path} is not a folder.`);
      throw new ArchiveBrowseError('notFound', `${path} is not in the archive.`);
    }
    return [...f.values()];
  }

  stat(path: string): VolumeEntry | undefined {
    const segments = archivePath(path) ?? [];
    if (segments.length === 0) return { name: '.', nameBytes: Buffer.from('.'), kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtimeMs: 0 };
    return this.folders.get(segments.slice(0, -1).join('/'))?.get(segments[segments.length - 1]);
  }
}

/** Reads every header of the archive once, skipping contents. */
export async function indexArchive(file: string, signal?: AbortSignal): Promise<ArchiveIndex> {
  const index = new ArchiveIndex();
  const { input, decompress } = await tarStream(file);
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    index.add(header);
    stream.on('end', next);
    stream.resume();
  });
  await pipeline(input, decompress, ex, { signal });
  return index;
}

/** A regular file's bytes (the last entry of that path, as tar extracts), up to maxBytes. */
export async function readArchiveFile(file: string, index: ArchiveIndex, path: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  const entry = index.stat(path);
  if (!entry) throw new ArchiveBrowseError('notFound', `${path} is not in the archive.`);
  if (entry.kind !== 'file') throw new ArchiveBrowseError('notFile', `${path} is not a regular file (${entry.kind}).`);
  if (entry.size > maxBytes) throw new ArchiveBrowseError('tooLarge', `${path} is too large to open in the editor.`, entry.size);
  // A hardlink's bytes are under the entry it links to.
  const wanted = entry.linkResolved ?? (archivePath(path) ?? []).join('/');
  const { input, decompress } = await tarStream(file);
  let found: Buffer | undefined;
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const segments = archivePath(header.name);
    if (segments?.join('/') !== wanted || (header.type !== 'file' && header.type !== 'contiguous-file')) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => { found = Buffer.concat(chunks); next(); });
  });
  await pipeline(input, decompress, ex, { signal });
  if (!found) throw new ArchiveBrowseError('notFound', `${path} is not a regular file in the archive.`);
  return found;
}
