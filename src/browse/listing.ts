/**
 * What a volume browser runs in its helper container and how it reads the answer. Pure: no engine, no editor.
 *
 * Everything in a volume is untrusted: a name may hold newlines, control characters or bytes that are not UTF-8;
 * a symlink may point anywhere. So the output is parsed by structure, never by line:
 * - `stat -c '%f %s %u %g %Y %n/'` on `./NAME` (find's `-exec … {} +`, relative to the folder) writes five
 *   numbers, a space, `./`, the name, then `/` and a newline. A name never holds `/` (nor NUL), so the name runs
 *   from `./` to the next `/`, and that `/` must be followed by a newline: no name can fake a record's end.
 * - the stat records end at a NUL (which no stat record holds); then, for each symlink, four NUL-terminated
 *   fields: `./NAME`, its target (readlink, plus a newline), where it really leads (readlink -f, plus a newline)
 *   and the raw mode of what it leads to (stat -L %f, plus a newline; empty when dangling).
 * Whether a path stays inside the volume is asked of the kernel in the helper (`pwd -P`, `readlink -f`), with the
 * volume at /data: a symlink to `/etc` or `../..` resolves outside /data and is refused.
 */

/** Where the helper mounts the volume (helper.ts MOUNT). */
export const BROWSE_MOUNT = '/data';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block' | 'other';

export interface VolumeEntry {
  /** The name in its folder (decoded as UTF-8; `nameBytes` has the exact bytes). */
  name: string;
  nameBytes: Buffer;
  kind: EntryKind;
  size: number;
  /** Permission bits with setuid, setgid and sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** Symlinks: the link's text, as readlink prints it. */
  linkTarget?: string;
  /** Symlinks: the path inside the volume it leads to ('' = the root), or undefined when it leads outside or nowhere. */
  linkResolved?: string;
  /** Symlinks that lead inside the volume to something that exists: what that is. */
  linkKind?: EntryKind;
}

export class ListingParseError extends Error {}

export function kindOfMode(rawMode: number): EntryKind {
  switch (rawMode & 0o170000) {
    case 0o100000: return 'file';
    case 0o040000: return 'dir';
    case 0o120000: return 'symlink';
    case 0o010000: return 'fifo';
    case 0o140000: return 'socket';
    case 0o020000: return 'char';
    case 0o060000: return 'block';
    default: return 'other';
  }
}

/** `drwxr-xr-x`-style text of a kind and mode. */
export function modeString(kind: EntryKind, mode: number): string {
  const type = { file: '-', dir: 'd', symlink: 'l', fifo: 'p', socket: 's', char: 'c', block: 'b', other: '?' }[kind];
  const bit = (mask: number, c: string) => (mode & mask ? c : '-');
  const exec = (x: number, special: number, on: string, off: string) => (mode & special ? (mode & x ? on : off) : bit(x, 'x'));
  return type
    + bit(0o400, 'r') + bit(0o200, 'w') + exec(0o100, 0o4000, 's', 'S')
    + bit(0o040, 'r') + bit(0o020, 'w') + exec(0o010, 0o2000, 's', 'S')
    + bit(0o004, 'r') + bit(0o002, 'w') + exec(0o001, 0o1000, 't', 'T');
}

/**
 * A path inside the volume as its segments. `..`, `.` and empty segments are refused rather than resolved:
 * the browser's own paths never hold them, so one that does came from somewhere else.
 */
export function volumePathSegments(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  for (const s of segments) {
    if (s === '.' || s === '..' || s.includes('\0')) throw new ListingParseError(`Not a path inside the volume: ${JSON.stringify(path)}`);
  }
  return segments;
}

/** The helper's absolute path of a path inside the volume. */
export function helperPath(path: string): string {
  const segments = volumePathSegments(path);
  return segments.length ? `${BROWSE_MOUNT}/${segments.join('/')}` : BROWSE_MOUNT;
}

/** A path the helper's kernel resolved (readlink -f, pwd -P) back inside the volume, or undefined when outside. */
export function insideVolume(real: string): string | undefined {
  if (real === BROWSE_MOUNT) return '';
  if (real.startsWith(`${BROWSE_MOUNT}/`)) return real.slice(BROWSE_MOUNT.length + 1);
  return undefined;
}

const STAT_FORMAT = '%f %s %u %g %Y %n/';

/** The part that prints symlinks, for names given as "$@" (each `./NAME`). */
const LINKS = `for f do printf '%s\\0' "$f"; readlink "$f"; printf '\\0'; readlink -f "$f"; printf '\\0'; stat -L -c %f "$f" 2>/dev/null; printf '\\0'; done`;

/**
 * Exit codes of the scripts: 2 the path is not there, 3 it leads outside the volume, 4 it is not a folder.
 * Checked by the kernel after `cd`: `pwd -P` is where the folder really is.
 */
export const EXIT = { notFound: 2, outside: 3, notFolder: 4 } as const;

const CD = `[ -e "$1" ] || [ -L "$1" ] || exit ${EXIT.notFound}; [ -d "$1" ] || exit ${EXIT.notFolder}; cd -- "$1" || exit ${EXIT.notFound}; case "$(pwd -P)" in ${BROWSE_MOUNT}|${BROWSE_MOUNT}/*) ;; *) exit ${EXIT.outside};; esac`;

/** The command that lists a folder (helper path as its one argument; never part of the script's text). */
export function listCommand(folder: string): string[] {
  const script = `${CD}; find . -mindepth 1 -maxdepth 1 -exec stat -c '${STAT_FORMAT}' {} +; printf '\\0'; find . -mindepth 1 -maxdepth 1 -type l -exec sh -c '${LINKS.replace(/'/g, `'\\''`)}' sh {} +; exit 0`;
  return ['sh', '-c', script, 'sh', helperPath(folder)];
}

/** The command that describes one entry: the folder it is in and its name (arguments, not script text). */
export function statCommand(path: string): string[] {
  const segments = volumePathSegments(path);
  if (segments.length === 0) {
    // The volume's root: stat of `.` in /data, printed as if its name were `.`.
    const script = `cd -- "$1" || exit ${EXIT.notFound}; stat -c '${STAT_FORMAT}' ./.; printf '\\0'`;
    return ['sh', '-c', script, 'sh', BROWSE_MOUNT];
  }
  const parent = segments.slice(0, -1).join('/');
  const script = `${CD}; [ -e "./$2" ] || [ -L "./$2" ] || exit ${EXIT.notFound}; stat -c '${STAT_FORMAT}' "./$2"; printf '\\0'; if [ -L "./$2" ]; then set -- "./$2"; ${LINKS}; fi; exit 0`;
  return ['sh', '-c', script, 'sh', helperPath(parent), segments[segments.length - 1]];
}

/** Which of a listing's folder-relative names a resolved link text stands for: the part after /data/. */
function resolvedOf(field: Buffer): string | undefined {
  return insideVolume(stripOneNewline(field).toString('utf8'));
}

function stripOneNewline(b: Buffer): Buffer {
  return b.length && b[b.length - 1] === 0x0a ? b.subarray(0, b.length - 1) : b;
}

/**
 * The number written in `buf` from `start` to `stop` (digits of `radix` only, a leading '-' where `signed`).
 * Read from the bytes: a 10,000-entry listing is 50,000 numbers, and a string and a regex for each were most of
 * the parse (85 ms of CPU for 10,000 entries, several times that on a loaded machine).
 */
function numberAt(buf: Buffer, start: number, stop: number, radix: 10 | 16, what: string, signed = false): number {
  let i = start;
  const negative = signed && buf[i] === 0x2d;
  if (negative) i++;
  if (i >= stop || stop - i > 15) throw new ListingParseError(`Bad ${what} in listing: ${JSON.stringify(buf.toString('latin1', start, stop))}`);
  let n = 0;
  for (; i < stop; i++) {
    const c = buf[i];
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (radix === 16 && c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (radix === 16 && c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else throw new ListingParseError(`Bad ${what} in listing: ${JSON.stringify(buf.toString('latin1', start, stop))}`);
    n = n * radix + digit;
  }
  return negative ? -n : n;
}

const FIELD_NAMES = ['mode', 'size', 'uid', 'gid', 'time'] as const;

/**
 * Parses the output of listCommand or statCommand. Records whose name is `.` (statCommand of the root) keep it.
 * Throws ListingParseError on anything that does not follow the format: a listing is never half-believed.
 */
export function parseListing(out: Buffer): VolumeEntry[] {
  const end = out.indexOf(0);
  const recordsEnd = end < 0 ? out.length : end;
  // One copy of the records; every entry's nameBytes is a view of it (not a copy per name).
  const records = Buffer.from(out.subarray(0, recordsEnd));
  const entries: VolumeEntry[] = [];
  const numbers = [0, 0, 0, 0, 0];
  let i = 0;
  while (i < records.length) {
    // Five space-separated numbers, then "./".
    for (let f = 0; f < 5; f++) {
      const space = records.indexOf(0x20, i);
      if (space < 0) throw new ListingParseError('Truncated listing record');
      numbers[f] = numberAt(records, i, space, f === 0 ? 16 : 10, FIELD_NAMES[f], f === 4);
      i = space + 1;
    }
    if (records[i] !== 0x2e || records[i + 1] !== 0x2f) throw new ListingParseError('Listing record without ./');
    i += 2;
    const slash = records.indexOf(0x2f, i);
    if (slash < 0 || records[slash + 1] !== 0x0a) throw new ListingParseError('Listing record without its end');
    const nameBytes = records.subarray(i, slash);
    const raw = numbers[0];
    entries.push({
      name: slash === i ? '.' : records.toString('utf8', i, slash),
      nameBytes,
      kind: kindOfMode(raw),
      mode: raw & 0o7777,
      size: numbers[1],
      uid: numbers[2],
      gid: numbers[3],
      mtimeMs: numbers[4] * 1000,
    });
    i = slash + 2;
  }
  if (end >= 0 && end + 1 < out.length) {
    const byName = new Map<string, VolumeEntry>();
    for (const entry of entries) byName.set(entry.nameBytes.toString('latin1'), entry);
    // Symlinks: groups of four NUL-terminated fields.
    const fields: Buffer[] = [];
    let at = end + 1;
    while (at < out.length) {
      const nul = out.indexOf(0, at);
      if (nul < 0) throw new ListingParseError('Truncated symlink record');
      fields.push(out.subarray(at, nul));
      at = nul + 1;
    }
    if (fields.length % 4 !== 0) throw new ListingParseError('Incomplete symlink record');
    for (let k = 0; k < fields.length; k += 4) {
      const name = fields[k];
      if (name[0] !== 0x2e || name[1] !== 0x2f) throw new ListingParseError('Symlink record without ./');
      const entry = byName.get(name.subarray(2).toString('latin1'));
      if (!entry) continue; // made between the two finds
      entry.linkTarget = stripOneNewline(fields[k + 1]).toString('utf8');
      const resolved = resolvedOf(fields[k + 2]);
      const targetMode = stripOneNewline(fields[k + 3]).toString('latin1');
      if (resolved !== undefined && /^[0-9a-f]+$/.test(targetMode)) {
        entry.linkResolved = resolved;
        entry.linkKind = kindOfMode(parseInt(targetMode, 16));
      }
    }
  }
  return entries;
}
