/**
 * The restore guard: which tar entries may be written into a volume.
 *
 * Refused: absolute paths, `..` in a path, symlinks that resolve outside the archive's root (following the
 * archive's own symlinks, so `a -> .` then `b -> a/..` is caught), hardlinks to anything but an earlier entry,
 * device files and FIFOs, sparse and unknown entry types, and names that are not valid UTF-8.
 *
 * A path is checked when its entry appears (against the symlinks made so far, which is what the extraction
 * would follow at that moment) and every symlink is checked again at the end (a later entry can turn a folder
 * a symlink goes through into another symlink).
 */
import type { Header } from 'tar-stream';

export class UnsafeArchiveError extends Error {
  constructor(readonly entry: string, readonly reason: string) {
    super(`The archive is refused: entry "${entry}" ${reason}. Nothing was written.`);
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

/** An entry that passed, with its path relative to the volume root ('' for the root itself). */
export interface CheckedEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'link';
  /** For hardlinks: the path (relative to the root) of the entry it links to. */
  linkPath?: string;
}

const MAX_LINK_HOPS = 64;

/** Splits a path into its components; '' and '.' vanish; undefined for an absolute path or one with `..`. */
function components(raw: string): { parts: string[] } | { problem: string } {
  if (raw.includes('\0')) return { problem: 'has a NUL character in its name' };
  if (raw.includes('\uFFFD')) return { problem: 'has a name that is not valid UTF-8' };
  if (raw.startsWith('/')) return { problem: 'has an absolute path' };
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { problem: 'has ".." in its path' };
  return { parts };
}

export class TarGuard {
  /** Symlinks in the archive so far: path -> target. */
  private readonly links = new Map<string, string>();
  /** Paths of non-directory entries seen so far (hardlink targets). */
  private readonly files = new Set<string>();
  readonly counts = emptyCounts();

  /** Checks one entry; throws UnsafeArchiveError when it must not be written. */
  check(header: Header): CheckedEntry {
    const name = header.name;
    const split = components(name);
    if ('problem' in split) throw new UnsafeArchiveError(name, split.problem);
    const path = split.parts.join('/');
    const pax = (header.pax ?? {}) as Record<string, string>;
    if (Object.keys(pax).some((k) => k.startsWith('GNU.sparse.'))) throw new UnsafeArchiveError(name, 'is a sparse file (not supported)');

    let type: CheckedEntry['type'];
    switch (header.type) {
      case 'file':
      case 'contiguous-file':
        type = 'file';
        break;
      case 'directory':
        type = 'directory';
        break;
      case 'symlink':
        type = 'symlink';
        break;
      case 'link':
        type = 'link';
        break;
      case 'character-device':
      case 'block-device':
        throw new UnsafeArchiveError(name, 'is a device file');
      case 'fifo':
        throw new UnsafeArchiveError(name, 'is a FIFO');
      default:
        throw new UnsafeArchiveError(name, `has an entry type this restore does not write (${String(header.type)})`);
    }
    if (path === '' && type !== 'directory') throw new UnsafeArchiveError(name, 'replaces the volume root with something that is not a folder');

    // Whatever is written goes through its parent folders: none may lead outside at this point.
    const parent = split.parts.slice(0, -1);
    if (this.links.size && parent.length && !this.resolve([], parent.join('/'))) {
      throw new UnsafeArchiveError(name, 'is written through a symlink that points outside the volume');
    }

    let linkPath: string | undefined;
    if (type === 'symlink') {
      const target = header.linkname ?? '';
      if (!target) throw new UnsafeArchiveError(name, 'is a symlink without a target');
      if (target.includes('\0')) throw new UnsafeArchiveError(name, 'is a symlink with a NUL character in its target');
      if (target.startsWith('/')) throw new UnsafeArchiveError(name, `is a symlink to an absolute path (${target}), outside the volume`);
      if (!this.resolve(parent, target)) throw new UnsafeArchiveError(name, `is a symlink that points outside the volume (${target})`);
      this.links.set(path, target);
    } else {
      this.links.delete(path);
    }
    if (type === 'link') {
      const target = header.linkname ?? '';
      const linkSplit = components(target);
      if ('problem' in linkSplit) throw new UnsafeArchiveError(name, `is a hardlink to "${target}", which ${linkSplit.problem.replace(/^has an absolute path$/, 'is outside the volume (absolute path)').replace(/^has "\.\." in its path$/, 'is outside the volume ("..")')}`);
      linkPath = linkSplit.parts.join('/');
      if (!this.files.has(linkPath)) throw new UnsafeArchiveError(name, `is a hardlink to "${target}", which is not a file earlier in the archive`);
    }
    if (type === 'directory') this.files.delete(path);
    else this.files.add(path);
    countEntry(this.counts, header);
    return { path, type, linkPath };
  }

  /** The end of the archive: every symlink must still resolve inside with the final set of symlinks. */
  finish(): void {
    for (const [path, target] of this.links) {
      const parent = path.split('/').slice(0, -1);
      if (!this.resolve(parent, target)) throw new UnsafeArchiveError(path, `is a symlink that points outside the volume (${target})`);
    }
  }

  /**
   * Resolves `target` from the folder `from` (components under the root), following the archive's symlinks
   * as the kernel would. Returns the resolved components, or undefined when the walk leaves the root or loops.
   */
  private resolve(from: string[], target: string, hops = { left: MAX_LINK_HOPS }): string[] | undefined {
    if (target.startsWith('/')) return undefined;
    const stack = [...from];
    for (const part of target.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (stack.length === 0) return undefined;
        stack.pop();
        continue;
      }
      const link = this.links.get([...stack, part].join('/'));
      if (link === undefined) {
        stack.push(part);
        continue;
      }
      if (--hops.left < 0) return undefined;
      const resolved = this.resolve(stack, link, hops);
      if (!resolved) return undefined;
      stack.splice(0, stack.length, ...resolved);
    }
    return stack;
  }
}
