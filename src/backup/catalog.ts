/**
 * The backups this extension made in a folder: archives named `<volume>-<UTC timestamp>[-n].<format>` with a
 * manifest beside them that names the volume. What restore offers, and what the schedule counts and rotates.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isArchiveFileName } from './archiveName';
import type { BackupFormat } from './formats';
import { readManifest } from './manifest';

/** A backup of this extension found in a folder. */
export interface StoredBackup {
  archive: string;
  volume: string;
  created: Date;
  /** Made by the schedule (only these are ever deleted by retention). */
  scheduled: boolean;
  /** Size of the archive file. */
  bytes: number;
  format: BackupFormat;
  /** Files in the archive (from the manifest). */
  files: number;
}

/**
 * The backups in `folder`, of `volume` or of every volume, newest first. An archive counts only with a readable
 * manifest that names it and its volume: files that merely look like backups, or whose manifest is damaged, are
 * never listed (so never deleted by retention). A missing folder has no backups.
 */
export async function listBackups(folder: string, volume?: string): Promise<StoredBackup[]> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found = await Promise.all(names.filter((n) => isArchiveFileName(n, volume)).map(async (name): Promise<StoredBackup | undefined> => {
    const archive = path.join(folder, name);
    const manifest = await readManifest(archive).catch(() => undefined);
    if (!manifest || manifest.archive.file !== name) return undefined;
    if (volume !== undefined ? manifest.volume.name !== volume : !name.startsWith(`${manifest.volume.name}-`)) return undefined;
    const created = new Date(manifest.created);
    if (Number.isNaN(created.getTime())) return undefined;
    return {
      archive, volume: manifest.volume.name, created, scheduled: manifest.scheduled === true,
      bytes: manifest.archive.bytes, format: manifest.archive.format, files: manifest.content.files,
    };
  }));
  return found.filter((b): b is StoredBackup => b !== undefined).sort((a, b) => b.created.getTime() - a.created.getTime());
}
