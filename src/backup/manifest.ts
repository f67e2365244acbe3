/** The manifest written beside each archive, and the archive's file name. */
import { promises as fs } from 'node:fs';
import type { BackupFormat } from './formats';
import type { EntryCounts } from './guard';

export const MANIFEST_KIND = 'docker-networks-volumes/volume-backup';
export const MANIFEST_SUFFIX = '.manifest.json';

export interface BackupManifest {
  kind: typeof MANIFEST_KIND;
  version: 1;
  /** When the backup was made (ISO 8601, UTC). */
  created: string;
  volume: {
    name: string;
    driver: string;
    options: Record<string, string>;
    labels: Record<string, string>;
    scope?: string;
    createdAt?: string;
  };
  archive: {
    /** File name, without a folder: the manifest stays valid when both files are moved together. */
    file: string;
    format: BackupFormat;
    /** Size of the archive file. */
    bytes: number;
    sha256: string;
    /** Size of the tar stream inside (uncompressed). */
    tarBytes: number;
  };
  /** What the archive holds: entries by type, and bytes of file content. */
  content: EntryCounts;
  engine: { host: string; version?: string; apiVersion?: string; os?: string };
  /** Containers paused while the volume was read. */
  paused: string[];
  durationMs: number;
  /** Made by the backup schedule: only such backups are ever deleted by its retention. */
  scheduled?: boolean;
  /**
   * Entries a restore would refuse (device files, names that are not UTF-8, symlinks to absolute paths or out of
   * the volume), found by the restore's own checks while the backup was made: absent when there are none.
   */
  unrestorable?: UnrestorableEntries;
}

export interface UnrestorableEntries {
  /** How many entries a restore would refuse. */
  count: number;
  /** The first of them (at most 100), with the reason. */
  entries: Array<{ path: string; reason: string }>;
}

export function manifestPathFor(archivePath: string): string {
  return archivePath + MANIFEST_SUFFIX;
}

/** The manifest beside an archive, if there is one; a malformed one is an error (it cannot vouch for anything). */
export async function readManifest(archivePath: string): Promise<BackupManifest | undefined> {
  let text: string;
  try {
    text = await fs.readFile(manifestPathFor(archivePath), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch (e) {
    // JSON.parse's "Unexpected token } in JSON at position 812" says nothing about which file or what it means.
    throw new Error(`${manifestPathFor(archivePath)} is damaged (not valid JSON), so it cannot vouch for ${archivePath}. Nothing was written. Move the manifest away to restore the archive without a check against it.`, { cause: e });
  }
  if (manifest?.kind !== MANIFEST_KIND || !/^[0-9a-f]{64}$/.test(manifest.archive?.sha256 ?? '')) {
    throw new Error(`${manifestPathFor(archivePath)} is not a backup manifest of this extension.`);
  }
  return manifest;
}
