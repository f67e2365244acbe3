/**
 * Download…: writes what the engine's archive API sends for a volume path into a folder the user chose, and
 * nowhere else. The archive's content is untrusted (it is the volume's), so:
 * - everything goes into a new folder `<chosen>/<name>` (or `<name> (2)`…) that this code creates; nothing that
 *   was there before is opened, followed or overwritten;
 * - only folders and regular files are written; symlinks, hardlinks, devices and fifos are counted as left out
 *   (a symlink written to disk could point a later entry, or the user, anywhere);
 * - entry names are checked segment by segment: no absolute paths, no `..`, no NUL; files are created with
 *   O_EXCL, so an entry cannot replace or write through something already written.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { extract } from 'tar-stream';

export interface DownloadResult {
  /** The folder or file made inside the chosen folder. */
  target: string;
  files: number;
  folders: number;
  bytes: number;
  /** Entries not written (their archive names), with why. */
  skipped: Array<{ name: string; reason: string }>;
}

/** A free name in `folder`: `name`, else `name (2)`, `name (3)`… */
async function freeName(folder: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    try {
      await fs.lstat(candidate);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw e;
    }
  }
}

/** Safe local name for a volume's base name (which may hold anything but `/`). */
export function localName(name: string): string {
  const cleaned = [...name].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 ? '_' : c)).join('');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}

/**
 * The archive's path of an entry, relative to the top entry's name, as segments; undefined when it is not safe.
 * The archive API names entries `<base>/<rest>` for a folder `<base>`, `<base>` for a file.
 */
export function entrySegments(name: string): string[] | undefined {
  if (name.startsWith('/') || name.includes('\0') || name.includes('\\')) return undefined;
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  return segments;
}

export async function downloadInto(tar: Readable, folder: string, name: string, options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}): Promise<DownloadResult> {
  const chosen = await fs.realpath(folder);
  const target = await freeName(chosen, localName(name));
  const result: DownloadResult = { target, files: 0, folders: 0, bytes: 0, skipped: [] };
  const made = new Set<string>();
  let top: string | undefined;
  const ex = extract();

  const ensureFolder = async (dir: string) => {
    // Every folder on the way is one this download made (or the target itself): nothing pre-existing is entered.
    const rel = path.relative(target, dir);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`Refusing to write outside ${target}`);
    const parts = rel ? rel.split(path.sep) : [];
    let at = target;
    for (const part of ['', ...parts]) {
      at = part ? path.join(at, part) : at;
      if (made.has(at)) continue;
      await fs.mkdir(at, { mode: 0o755 });
      made.add(at);
    }
  };

  ex.on('entry', (header, stream, next) => {
    void (async () => {
      const segments = entrySegments(header.name);
      if (!segments || segments.length === 0) { result.skipped.push({ name: header.name, reason: 'unsafe name' }); stream.resume(); return; }
      top ??= segments[0];
      if (segments[0] !== top) { result.skipped.push({ name: header.name, reason: 'outside the downloaded path' }); stream.resume(); return; }
      const relative = segments.slice(1).map(localName);
      const dest = path.join(target, ...relative);
      if (header.type === 'directory') {
        await ensureFolder(dest);
        result.folders++;
        stream.resume();
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        result.skipped.push({ name: header.name, reason: header.type ?? 'unknown' });
        stream.resume();
        return;
      }
      if (relative.length === 0) {
        // A single file: the target is the file.
        await fs.mkdir(path.dirname(target), { recursive: true });
      } else {
        await ensureFolder(path.dirname(dest));
      }
      let out: fs.FileHandle;
      try {
        out = await fs.open(relative.length === 0 ? target : dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // The same name twice in one archive: the first stays.
        result.skipped.push({ name: header.name, reason: 'duplicate' });
        stream.resume();
        return;
      }
      try {
        const meter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            result.bytes += chunk.length;
            options.onProgress?.(result.bytes);
            done(null, chunk);
          },
        });
        await pipeline(stream, meter, out.createWriteStream(), { signal: options.signal });
      } finally {
        await out.close().catch(() => undefined);
      }
      if (header.mtime) await fs.utimes(relative.length === 0 ? target : dest, header.mtime, header.mtime).catch(() => undefined);
      result.files++;
    })().then(() => next(), (e: unknown) => ex.destroy(e as Error));
  });
  await pipeline(tar, ex, { signal: options.signal });
  return result;
}
