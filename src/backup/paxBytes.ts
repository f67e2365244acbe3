/**
 * PAX extended headers as bytes. tar-stream (3.x) decodes every PAX value as UTF-8 and encodes them back as UTF-8
 * text, which turns a binary extended attribute (`SCHILY.xattr.security.capability`, the file capabilities of
 * `setcap cap_setuid+ep`) into replacement characters that the kernel then refuses. A restore must write back the
 * bytes the engine gave the backup, so:
 *
 * - `keepRawPax(parser)` makes an extract keep each PAX record's value bytes beside the decoded text (under the
 *   RAW_PAX symbol of `header.pax`; the text values stay for path, linkpath and size, which tar-stream applies).
 * - `writeRawPax(packer)` makes a pack write PAX records whose values are Buffers byte for byte.
 *
 * Both replace one method of one tar-stream object (`_decodeLongHeader`, `_encodePax`): tar-stream has no option for
 * this. The version is pinned by the lockfile, and the unit tests round-trip binary values through both, so a
 * tar-stream that changes these methods fails the tests rather than a user's restore.
 */
import type { Extract, Pack } from 'tar-stream';

/** Raw value bytes of a header's PAX records, by key: `(header.pax as PaxWithRaw)[RAW_PAX]`. */
export const RAW_PAX = Symbol('raw PAX values');

export type PaxWithRaw = Record<string, string> & { [RAW_PAX]?: Map<string, Buffer> };

/** Parses `<length> <key>=<value>\n` records; a malformed record ends the parse, as tar-stream's own parser does. */
export function decodePaxRecords(buf: Buffer): { text: Record<string, string>; raw: Map<string, Buffer> } {
  const text: Record<string, string> = {};
  const raw = new Map<string, Buffer>();
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number.parseInt(buf.toString('latin1', at, space), 10);
    if (!(length > 0) || at + length > buf.length || buf[at + length - 1] !== 0x0a) break;
    const equals = buf.indexOf(0x3d, space + 1);
    if (equals < 0 || equals >= at + length - 1) break;
    const key = buf.toString('utf8', space + 1, equals);
    const value = Buffer.from(buf.subarray(equals + 1, at + length - 1));
    text[key] = value.toString('utf8');
    raw.set(key, value);
    at += length;
  }
  return { text, raw };
}

/** One record: its length counts its own digits, in bytes. */
function paxRecord(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), typeof value === 'string' ? Buffer.from(value, 'utf8') : value, Buffer.from('\n')]);
  let digits = String(body.length).length;
  if (String(body.length + digits).length > digits) digits++;
  return Buffer.concat([Buffer.from(String(body.length + digits), 'latin1'), body]);
}

export function encodePaxRecords(records: Iterable<[string, Buffer | string]>): Buffer {
  return Buffer.concat([...records].map(([k, v]) => paxRecord(k, v)));
}

interface ExtractInternals {
  _header: { type: string } | null;
  _pax: PaxWithRaw | null;
  _paxGlobal: PaxWithRaw | null;
  _decodeLongHeader(buf: Buffer): void;
}

/** Makes `parser` keep the raw bytes of PAX values (see the file's comment). */
export function keepRawPax(parser: Extract): Extract {
  const internals = parser as unknown as ExtractInternals;
  if (typeof internals._decodeLongHeader !== 'function') throw new Error('tar-stream changed: no _decodeLongHeader to keep PAX bytes');
  const original = internals._decodeLongHeader.bind(parser);
  internals._decodeLongHeader = (buf: Buffer) => {
    const type = internals._header?.type;
    if (type !== 'pax-header' && type !== 'pax-global-header') return original(buf);
    const { text, raw } = decodePaxRecords(buf);
    const global = internals._paxGlobal;
    const merged: PaxWithRaw = type === 'pax-header' && global ? { ...global, ...text } : text;
    const mergedRaw = new Map(type === 'pax-header' && global?.[RAW_PAX] ? global[RAW_PAX] : []);
    for (const [k, v] of raw) mergedRaw.set(k, v);
    Object.defineProperty(merged, RAW_PAX, { value: mergedRaw, enumerable: false });
    if (type === 'pax-global-header') internals._paxGlobal = merged;
    else internals._pax = merged;
  };
  return parser;
}

/** The PAX values of a parsed header as bytes where the raw ones are known, text otherwise. */
export function paxValues(pax: unknown): Map<string, Buffer | string> {
  const values = new Map<string, Buffer | string>();
  if (!pax || typeof pax !== 'object') return values;
  const raw = (pax as PaxWithRaw)[RAW_PAX];
  for (const [k, v] of Object.entries(pax as Record<string, string>)) values.set(k, raw?.get(k) ?? v);
  return values;
}

interface PackHeader {
  name: string;
  linkname?: string | null;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  type: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, Buffer | string> | null;
}

interface PackInternals {
  _encodePax(header: PackHeader): void;
  push(chunk: Buffer): boolean;
}

const TYPEFLAGS: Record<string, string> = {
  file: '0', link: '1', symlink: '2', 'character-device': '3', 'block-device': '4', directory: '5', fifo: '6', 'contiguous-file': '7', 'pax-header': 'x',
};

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  // width includes the terminating space; a value that does not fit is written as all 7s (the PAX record has it).
  const digits = Math.max(0, Math.floor(value)).toString(8);
  buf.write(digits.length > width - 1 ? '7'.repeat(width - 1) : digits.padStart(width - 1, '0'), offset, 'latin1');
  buf[offset + width - 1] = 0x20;
}

/** A ustar header block (the PAX record before it carries the full name, link name and large numbers). */
function ustarBlock(h: PackHeader, name: string, size: number, typeflag: string): Buffer {
  const buf = Buffer.alloc(512);
  buf.write(name, 0, 100, 'utf8');
  octal(buf, 100, 8, h.mode & 0o7777);
  octal(buf, 108, 8, h.uid);
  octal(buf, 116, 8, h.gid);
  if (size.toString(8).length > 11) {
    // base-256, as GNU tar and tar-stream write sizes of 8 GiB and more
    buf[124] = 0x80;
    let n = size;
    for (let i = 11; i > 0; i--) {
      buf[124 + i] = n % 256;
      n = Math.floor(n / 256);
    }
  } else {
    octal(buf, 124, 12, size);
  }
  octal(buf, 136, 12, Math.floor(h.mtime.getTime() / 1000));
  buf.write(typeflag, 156, 'latin1');
  if (h.linkname && typeflag !== 'x') buf.write(Buffer.byteLength(h.linkname) <= 100 ? h.linkname : 'PaxHeader', 157, 100, 'utf8');
  buf.write('ustar\u000000', 257, 'latin1');
  if (h.uname) buf.write(h.uname, 265, 31, 'utf8');
  if (h.gname) buf.write(h.gname, 297, 31, 'utf8');
  octal(buf, 329, 8, h.devmajor ?? 0);
  octal(buf, 337, 8, h.devminor ?? 0);
  buf.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(sum.toString(8).padStart(6, '0'), 148, 'latin1');
  buf[154] = 0;
  buf[155] = 0x20;
  return buf;
}

/** Makes `packer` write PAX values given as Buffers byte for byte (see the file's comment). */
export function writeRawPax(packer: Pack): Pack {
  const internals = packer as unknown as PackInternals;
  if (typeof internals._encodePax !== 'function') throw new Error('tar-stream changed: no _encodePax to write PAX bytes');
  internals._encodePax = (header: PackHeader) => {
    const records: Array<[string, Buffer | string]> = [['path', header.name]];
    if (header.linkname) records.push(['linkpath', header.linkname]);
    for (const [k, v] of Object.entries(header.pax ?? {})) if (k !== 'path' && k !== 'linkpath') records.push([k, v]);
    const body = encodePaxRecords(records);
    const padding = (512 - (body.length % 512)) % 512;
    internals.push(ustarBlock(header, 'PaxHeader', body.length, 'x'));
    internals.push(padding ? Buffer.concat([body, Buffer.alloc(padding)]) : body);
    internals.push(ustarBlock(header, 'PaxHeader', header.size, TYPEFLAGS[header.type] ?? '0'));
  };
  return packer;
}
