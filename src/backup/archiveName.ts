/**
 * The one format of a backup archive's file name: `<volume>-<UTC timestamp>[-n].<format>`, e.g.
 * `app-data-20251122T230501Z.tar.gz`, with `-2`, `-3`… when the name is taken. Backups are written under it;
 * the catalog (what restore offers, what retention counts) and the volume a restore suggests read it back here.
 */
import path from 'node:path';
import { ALL_FORMATS, type BackupFormat } from './formats';

/** 2025-11-22T23:05:01.123Z -> 20251122T230501Z: sortable, no characters a file system objects to. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function archiveFileName(volume: string, format: BackupFormat, date: Date, attempt = 1): string {
  return `${volume}-${timestamp(date)}${attempt > 1 ? `-${attempt}` : ''}.${format}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What follows the volume: `-<timestamp>` and the attempt, if any. */
const STAMP = '-\\d{8}T\\d{6}Z(?:-\\d+)?';
const FORMATS = ALL_FORMATS.map(escapeRegExp).join('|');

/** `<volume>-<timestamp>[-n].<format>` and nothing else: the volume `db` does not match `db-data-…`. */
export function isArchiveFileName(name: string, volume?: string): boolean {
  return new RegExp(`^${volume === undefined ? '.+' : escapeRegExp(volume)}${STAMP}\\.(?:${FORMATS})$`).test(name);
}

/**
 * The volume an archive's file name suggests: `app-data-20251122T230501Z.tar.gz` -> `app-data`; an archive made
 * elsewhere (`app-data.tgz`, `app-data.tar`) gives its name without the extension.
 */
export function volumeFromArchiveName(file: string): string {
  return path.basename(file).replace(/\.(tar(\.(gz|zst))?|tgz)$/, '').replace(new RegExp(`${STAMP}$`), '');
}
