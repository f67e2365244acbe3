/**
 * The restore guard: which tar entries may be written into a volume, and where exactly each one lands.
 *
 * It simulates the extraction as the kernel performs it. A virtual tree holds what the archive has made so far
 * (folders and symlinks as nodes; regular files as a compact set, see FileSet). For each entry the parent folder is
 * resolved through the archive's own symlinks to a real folder of the tree, with the kernel's rules: `..` goes to
 * the physical parent of where a walk stands (so `a -> .` then `a/x -> ..` puts a `..` link at the root), at most 40
 * symlinks per lookup (ELOOP), a missing folder is made (as tar's MkdirAll does) only for the entry's own path
 * components, never behind a symlink. A symlink's target is resolved from the folder it is made in; a hardlink
 * must name a regular file made earlier (a hardlink to a symlink would copy the link to a new place, where `..`
 * means something else). Anything that leads outside the root is refused, and at the end every symlink is
 * resolved again with the final tree (a later entry can make an earlier link lead elsewhere).
 *
 * Each checked entry comes back with its canonical path (only real folders of the tree, no symlink in it), which is
 * what the restore writes: the engine then follows no symlink of the archive while extracting, so a difference
 * between this model and an extractor cannot move an entry.
 *
 * Also refused: absolute paths, `..` in a name, names over PATH_MAX (4095 bytes) or with a component over NAME_MAX
 * (255 bytes), device files, sparse and unknown entry types, names that are not valid UTF-8, and entries that
 * would replace a folder or a symlink with something else (extractors differ there: GNU tar's --overwrite writes
 * through the symlink, Docker removes it).
 *
 * Cost: each entry is linear in its name's length plus the symlinks it crosses (at most 40, each at most 4095
 * bytes), so one check is bounded; memory is one small object per folder and per symlink, 8 bytes per file.
 */
import type { Header } from 'tar-stream';

export class UnsafeArchiveError extends Error {
  constructor(readonly entry: string, readonly reason: string, readonly archive?: string) {
    super(`${archive ?? 'The archive'} is refused: entry "${entry.length > 200 ? `${entry.slice(0, 200)}…` : entry}" ${reason}. Nothing was written.`);
    this.name = 'UnsafeArchiveError';
  }
}

export interface EntryCounts {
  entries: number;
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  /** Bytes of file content. */
  bytes: number;
}

export const emptyCounts = (): EntryCounts => ({ entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0 });

export function countEntry(counts: EntryCounts, header: Pick<Header, 'type' | 'size'>): void {
  counts.entries++;
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      counts.files++;
      counts.bytes += header.size ?? 0;
      break;
    case 'directory': counts.directories++; break;
    case 'symlink': counts.symlinks++; break;
    case 'link': counts.hardlinks++; break;
    default: break;
  }
}

/** An entry that passed, with its canonical path relative to the volume root ('' for the root itself). */
export interface CheckedEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'link' | 'fifo';
  /** For hardlinks: the canonical path (relative to the root) of the file it links to. */
  linkPath?: string;
}

/** Linux limits (include/uapi/linux/limits.h, fs/namei.c). PATH_MAX counts the terminating NUL. */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const MAX_SYMLINK_HOPS = 40;

/** Splits a name into its components ('' and '.' vanish), after the checks a name must pass. */
function components(raw: string): { parts: string[] } | { problem: string } {
  if (raw.includes('\0')) return { problem: 'has a NUL character in its name' };
  if (raw.includes('\uFFFD')) return { problem: 'has a name that is not valid UTF-8' };
  if (Buffer.byteLength(raw) >= PATH_MAX) return { problem: `has a name longer than ${PATH_MAX - 1} bytes (PATH_MAX)` };
  if (raw.startsWith('/')) return { problem: 'has an absolute path' };
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { problem: 'has ".." in its path' };
  // A UTF-16 unit is at most 3 bytes of UTF-8: only names that could be too long are measured.
  if (parts.some((p) => p.length * 3 > NAME_MAX && Buffer.byteLength(p) > NAME_MAX)) return { problem: `has a path component longer than ${NAME_MAX} bytes (NAME_MAX)` };
  return { parts };
}

class Dir {
  children: Map<string, Dir | Symlink> | undefined;
  constructor(readonly parent: Dir | undefined, readonly name: string, readonly id: number) {}
}

class Symlink {
  /** Replaced by a later symlink of the same name. */
  replaced = false;
  constructor(readonly parent: Dir, readonly name: string, readonly target: string) {}
}

/**
 * The regular files made so far, as 64-bit hashes of (folder, name) in an open-addressing table: 8 bytes a file
 * (16 with the table's slack) instead of a path string. Only hardlinks ask it, and only after the tree said the
 * name is neither a folder nor a symlink, so a false "yes" (odds about n²/2⁶⁴) can only let through a hardlink to
 * a file that does not exist, which the extraction then fails: it cannot lead anywhere.
 */
class FileSet {
  private table = new Uint32Array(2 * 1024);
  private size = 0;

  add(dir: number, name: string): void {
    if ((this.size + 1) * 2 > this.table.length / 2) this.grow();
    const [a, b] = hash64(dir, name);
    if (this.insert(a, b)) this.size++;
  }

  has(dir: number, name: string): boolean {
    const [a, b] = hash64(dir, name);
    const slots = this.table.length / 2;
    for (let i = a % slots; ; i = (i + 1) % slots) {
      const x = this.table[2 * i];
      const y = this.table[2 * i + 1];
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
    }
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  private insert(a: number, b: number): boolean {
    const slots = this.table.length / 2;
    for (let i = a % slots; ; i = (i + 1) % slots) {
      const x = this.table[2 * i];
      const y = this.table[2 * i + 1];
      if (x === a && y === b) return false;
      if (x === 0 && y === 0) {
        this.table[2 * i] = a;
        this.table[2 * i + 1] = b;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i], old[i + 1]);
  }
}

/** Two independent 32-bit hashes (cyrb53's mixing) of a folder id and a name; never both zero (the empty slot). */
function hash64(dir: number, name: string): [number, number] {
  let h1 = 0xdeadbeef ^ dir;
  let h2 = 0x41c6ce57 ^ Math.imul(dir, 0x9e3779b1);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 >>>= 0;
  h2 >>>= 0;
  return h1 === 0 && h2 === 0 ? [1, 0] : [h1, h2];
}

/** How a walk treats a name that is not in the tree. */
type WalkMode =
  /** The parent of an entry: the entry's own components are made as folders; behind a symlink it is refused. */
  | 'make-parents'
  /** The parent of a hardlink's target: everything must exist. */
  | 'existing'
  /** A symlink's target: from a missing name on, the rest is walked by name only (it may be made later). */
  | 'target';

type WalkResult = { dir: Dir } | { problem: string };

const OUTSIDE = 'points outside the volume';

export class TarGuard {
  private nextDirId = 1;
  private readonly root = new Dir(undefined, '', 0);
  private readonly files = new FileSet();
  private readonly symlinks: Symlink[] = [];
  private folders = 1;
  readonly counts = emptyCounts();

  /** Rough bytes of state held (for the memory figures in tests): folders and symlinks as objects, files in the table. */
  get stateBytes(): number {
    return this.folders * 120 + this.symlinks.length * 80 + this.symlinks.reduce((n, s) => n + s.target.length, 0) + this.files.bytes;
  }

  /** Checks one entry; throws UnsafeArchiveError when it must not be written. */
  check(header: Header): CheckedEntry {
    const name = header.name;
    const split = components(name);
    if ('problem' in split) throw new UnsafeArchiveError(name, split.problem);
    const pax = (header.pax ?? {}) as Record<string, string>;
    if (Object.keys(pax).some((k) => k.startsWith('GNU.sparse.'))) throw new UnsafeArchiveError(name, 'is a sparse file (not supported)');

    let type: CheckedEntry['type'];
    switch (header.type) {
      case 'file':
      case 'contiguous-file':
        type = 'file';
        break;
      case 'directory':
      case 'symlink':
      case 'link':
        type = header.type;
        break;
      case 'character-device':
      case 'block-device':
        throw new UnsafeArchiveError(name, 'is a device file');
      case 'fifo':
        // A FIFO (named pipe) is a file-system node with no data that reaches nothing outside the volume: the
        // engine makes it with mknod(S_IFIFO), as harmless as an empty file. Device files are never written.
        type = 'fifo';
        break;
      default:
        throw new UnsafeArchiveError(name, `has an entry type this restore does not write (${String(header.type)})`);
    }

    const parts = split.parts;
    if (parts.length === 0) {
      if (type !== 'directory') throw new UnsafeArchiveError(name, 'replaces the volume root with something that is not a folder');
      countEntry(this.counts, header);
      return { path: '', type };
    }
    const base = parts.pop()!;
    const parent = this.walk(this.root, parts, 'make-parents');
    if ('problem' in parent) throw new UnsafeArchiveError(name, parent.problem === OUTSIDE ? 'is written through a symlink that points outside the volume' : parent.problem);
    const dir = parent.dir;
    const existing = dir.children?.get(base);
    if (existing instanceof Dir && type !== 'directory') throw new UnsafeArchiveError(name, 'replaces a folder made earlier in the archive with something else');
    if (existing instanceof Symlink && type !== 'symlink') throw new UnsafeArchiveError(name, 'replaces a symlink made earlier in the archive with something else');

    let linkPath: string | undefined;
    switch (type) {
      case 'directory':
        if (!existing) this.addChild(dir, new Dir(dir, base, this.nextDirId++));
        this.folders++;
        break;
      case 'file':
      case 'fifo':
        this.files.add(dir.id, base);
        break;
      case 'symlink': {
        const target = header.linkname ?? '';
        const problem = symlinkTargetProblem(target);
        if (problem) throw new UnsafeArchiveError(name, problem);
        const resolved = this.walk(dir, target.split('/'), 'target');
        if ('problem' in resolved) throw new UnsafeArchiveError(name, `is a symlink that ${resolved.problem} (${target})`);
        if (existing instanceof Symlink) existing.replaced = true;
        const link = new Symlink(dir, base, target);
        this.addChild(dir, link);
        this.symlinks.push(link);
        break;
      }
      case 'link': {
        const target = header.linkname ?? '';
        const linkSplit = components(target);
        if ('problem' in linkSplit) {
          const why = linkSplit.problem === 'has an absolute path' ? 'is outside the volume (absolute path)' : linkSplit.problem === 'has ".." in its path' ? 'is outside the volume ("..")' : linkSplit.problem;
          throw new UnsafeArchiveError(name, `is a hardlink to "${target}", which ${why}`);
        }
        const targetParts = linkSplit.parts;
        const targetBase = targetParts.pop();
        const targetDir = targetBase === undefined ? undefined : this.walk(this.root, targetParts, 'existing');
        const node = targetDir && 'dir' in targetDir ? targetDir.dir.children?.get(targetBase!) : undefined;
        if (node instanceof Symlink) throw new UnsafeArchiveError(name, `is a hardlink to "${target}", which is a symlink (the link would land elsewhere)`);
        if (!targetDir || !('dir' in targetDir) || node || !this.files.has(targetDir.dir.id, targetBase!)) {
          throw new UnsafeArchiveError(name, `is a hardlink to "${target}", which is not a file earlier in the archive`);
        }
        linkPath = this.pathOf(targetDir.dir, targetBase!);
        this.files.add(dir.id, base);
        break;
      }
    }
    countEntry(this.counts, header);
    const path = this.pathOf(dir, base);
    if (Buffer.byteLength(path) >= PATH_MAX) throw new UnsafeArchiveError(name, `lands at a path longer than ${PATH_MAX - 1} bytes (PATH_MAX) once its symlinks are resolved`);
    return { path, type, linkPath };
  }

  /**
   * The end of the archive: every symlink must still resolve inside with the final tree. Synchronous; for an
   * archive with many symlinks use finishAsync, which lets the event loop run in between.
   */
  finish(): void {
    for (const link of this.symlinks) this.recheck(link);
  }

  /**
   * finish(), yielding to the event loop every few milliseconds (and honouring a cancel in between). With
   * `onProblem`, a symlink that fails is reported to it and the rest are still checked (a backup lists them all).
   */
  async finishAsync(signal?: AbortSignal, onProblem?: (problem: UnsafeArchiveError) => void): Promise<void> {
    let slice = Date.now();
    for (const link of this.symlinks) {
      try {
        this.recheck(link);
      } catch (e) {
        if (!onProblem || !(e instanceof UnsafeArchiveError)) throw e;
        onProblem(e);
      }
      if (Date.now() - slice > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        signal?.throwIfAborted();
        slice = Date.now();
      }
    }
  }

  private recheck(link: Symlink): void {
    if (link.replaced) return;
    const resolved = this.walk(link.parent, link.target.split('/'), 'target');
    if ('problem' in resolved) throw new UnsafeArchiveError(this.pathOf(link.parent, link.name), `is a symlink that ${resolved.problem} at the end of the archive (${link.target})`);
  }

  private addChild(dir: Dir, child: Dir | Symlink): void {
    (dir.children ??= new Map()).set(child.name, child);
  }

  /** The canonical path of `name` in `dir`: the names of real folders only, walked up through the parents. */
  private pathOf(dir: Dir, name: string): string {
    const names = [name];
    for (let d: Dir | undefined = dir; d && d.parent; d = d.parent) names.push(d.name);
    return names.reverse().join('/');
  }

  /**
   * Walks `parts` from `start` as the kernel's path lookup does: symlinks are expanded in place (their targets are
   * relative to the folder the walk stands in, which is the link's folder), `..` goes to the physical parent.
   * Linear: one step per component, with at most MAX_SYMLINK_HOPS targets pushed, each at most PATH_MAX long.
   */
  private walk(start: Dir, parts: string[], mode: WalkMode): WalkResult {
    const pending: Array<{ parts: string[]; next: number }> = [{ parts, next: 0 }];
    let dir = start;
    let hops = 0;
    // In 'target' mode, how deep the walk is below `dir` in folders that do not exist (yet).
    let missingDepth = 0;
    while (pending.length) {
      const top = pending[pending.length - 1];
      if (top.next >= top.parts.length) {
        pending.pop();
        continue;
      }
      const part = top.parts[top.next++];
      if (part === '' || part === '.') continue;
      if (missingDepth > 0) {
        missingDepth += part === '..' ? -1 : 1;
        continue;
      }
      if (part === '..') {
        if (!dir.parent) return { problem: OUTSIDE };
        dir = dir.parent;
        continue;
      }
      const child = dir.children?.get(part);
      if (child instanceof Dir) {
        dir = child;
        continue;
      }
      if (child instanceof Symlink) {
        if (++hops > MAX_SYMLINK_HOPS) {
          // An entry written through more than 40 links would fail in the kernel (ELOOP): refused. A symlink whose
          // target takes more than 40 links never resolves in the kernel: it dangles, as a loop (`a -> b`, `b -> a`)
          // does, which a volume may well hold, so it is kept. (Docker's own resolver for `docker cp` follows up to
          // 255 but stays inside the container: it cannot reach the host.)
          if (mode === 'target') return { dir };
          return { problem: `goes through more than ${MAX_SYMLINK_HOPS} symlinks (a loop?)` };
        }
        pending.push({ parts: child.target.split('/'), next: 0 });
        continue;
      }
      // Not in the tree: a file, or nothing yet.
      const ownComponent = pending.length === 1;
      switch (mode) {
        case 'make-parents': {
          if (!ownComponent) return { problem: 'is written through a symlink that leads to nothing in the archive' };
          if (this.files.has(dir.id, part)) return { problem: `is written under "${part}", which is a file` };
          const made = new Dir(dir, part, this.nextDirId++);
          this.addChild(dir, made);
          this.folders++;
          dir = made;
          break;
        }
        case 'existing':
          return { problem: 'is not in the archive' };
        case 'target':
          missingDepth = 1;
          break;
      }
    }
    return { dir };
  }
}

const YIELD_EVERY_MS = 10;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function symlinkTargetProblem(target: string): string | undefined {
  if (!target) return 'is a symlink without a target';
  if (target.includes('\0')) return 'is a symlink with a NUL character in its target';
  if (target.includes('\uFFFD')) return 'is a symlink whose target is not valid UTF-8';
  if (Buffer.byteLength(target) >= PATH_MAX) return `is a symlink whose target is longer than ${PATH_MAX - 1} bytes`;
  if (target.startsWith('/')) return `is a symlink to an absolute path (${target}), outside the volume`;
  return undefined;
}
