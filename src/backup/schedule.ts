/**
 * Scheduled backups with retention. No state is kept apart from the backups themselves: when a volume was last
 * backed up on schedule is read from the manifests in the backup folder, so a schedule survives restarts, an
 * editor that was closed when a backup was due catches up when it opens, and two windows of one workspace agree.
 *
 * Retention only ever deletes backups the schedule made (their manifest says so) of the same volume in the same
 * folder: a backup made by hand before a risky change is never rotated away.
 */
import { promises as fs } from 'node:fs';
import type { EngineClient } from '../engine/client';
import { backupVolume, type BackupResult } from './backup';
import { listBackups, type StoredBackup } from './catalog';
import type { BackupFormat } from './formats';
import { manifestPathFor } from './manifest';
import type { ProgressListener } from './streams';
import { runningWriters, volumeExists } from '../engine/volumes';
import { type VerifyResult, verifyBackup } from './verify';

export type BackupInterval = 'hourly' | 'daily' | 'weekly';

export const BACKUP_INTERVALS: readonly BackupInterval[] = ['hourly', 'daily', 'weekly'];

export const INTERVAL_MS: Record<BackupInterval, number> = {
  hourly: 60 * 60_000,
  daily: 24 * 60 * 60_000,
  weekly: 7 * 24 * 60 * 60_000,
};

/** After a failed scheduled backup, the next attempt waits this long (or the interval, when shorter). */
export const RETRY_AFTER_FAILURE_MS = 15 * 60_000;

export function isBackupInterval(value: unknown): value is BackupInterval {
  return typeof value === 'string' && (BACKUP_INTERVALS as readonly string[]).includes(value);
}

/** The scheduled backups beyond the newest `keep` (given newest first): the ones retention deletes. */
export function retentionVictims(backups: readonly StoredBackup[], keep: number): StoredBackup[] {
  const scheduled = backups.filter((b) => b.scheduled).sort((a, b) => b.created.getTime() - a.created.getTime());
  return scheduled.slice(Math.max(1, Math.floor(keep)));
}

/** Deletes the scheduled backups of `volume` in `folder` beyond the newest `keep`, each with its manifest. */
export async function applyRetention(folder: string, volume: string, keep: number): Promise<StoredBackup[]> {
  const victims = retentionVictims(await listBackups(folder, volume), keep);
  for (const victim of victims) {
    // The manifest goes first: an archive left without one is never listed again, so never half-counted.
    await fs.rm(manifestPathFor(victim.archive), { force: true });
    await fs.rm(victim.archive, { force: true });
  }
  return victims;
}

/** When a volume is next due: its last scheduled backup plus the interval, or now when it has none. */
export function nextDue(lastScheduled: Date | undefined, interval: BackupInterval, now: number, lastFailure?: number): number {
  const due = lastScheduled ? lastScheduled.getTime() + INTERVAL_MS[interval] : now;
  const retry = lastFailure !== undefined ? lastFailure + Math.min(RETRY_AFTER_FAILURE_MS, INTERVAL_MS[interval]) : -Infinity;
  return Math.max(due, retry);
}

export interface ScheduleSettings {
  volumes: string[];
  interval: BackupInterval;
  /** Scheduled backups kept per volume (at least 1). */
  keep: number;
  folder: string;
  format: BackupFormat;
  /** Pause running containers that write to a volume while it is read (nobody is there to be asked). */
  pauseWriters: boolean;
  /** Verify each new backup (verify.ts) before retention deletes older ones; one that fails deletes nothing. */
  verify?: boolean;
}

export interface ScheduledVolumeOutcome {
  volume: string;
  status: 'backed-up' | 'not-due' | 'missing' | 'failed';
  result?: BackupResult;
  error?: unknown;
  /** Scheduled backups deleted by retention after this one. */
  removed: StoredBackup[];
  /** With `verify`: how the new backup verified (older ones are kept when it did not). */
  verification?: VerifyResult;
  /** When the volume's newest scheduled backup was made, after this pass. */
  last?: Date;
  /** When the volume is next due (ms since the epoch). */
  nextDue: number;
}

export interface ScheduledRunOptions {
  /** Back up every volume whatever its last backup (Run Scheduled Backups Now). */
  force?: boolean;
  now?: () => number;
  /** Last failed attempt per volume, to space out retries. */
  lastFailure?: ReadonlyMap<string, number>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Called before each volume is backed up. */
  onStart?: (volume: string, index: number, count: number) => void;
}

/**
 * One pass of the schedule: every volume that is due (or all, with `force`) is backed up in turn and its old
 * scheduled backups beyond `keep` are deleted. A volume that fails does not stop the others; a cancel stops the
 * pass. Returns what happened to each volume and when it is next due.
 */
export async function runScheduledBackups(client: EngineClient, settings: ScheduleSettings, options: ScheduledRunOptions = {}): Promise<ScheduledVolumeOutcome[]> {
  const now = options.now ?? Date.now;
  const outcomes: ScheduledVolumeOutcome[] = [];
  const volumes = [...new Set(settings.volumes)];
  for (const [index, volume] of volumes.entries()) {
    options.signal?.throwIfAborted();
    let last: StoredBackup | undefined;
    try {
      last = (await listBackups(settings.folder, volume)).find((b) => b.scheduled);
      const due = nextDue(last?.created, settings.interval, now(), options.lastFailure?.get(volume));
      if (!options.force && due > now()) {
        outcomes.push({ volume, status: 'not-due', removed: [], nextDue: due, last: last?.created });
        continue;
      }
      if (!await volumeExists(client, volume, options.signal)) {
        outcomes.push({ volume, status: 'missing', removed: [], nextDue: now() + INTERVAL_MS[settings.interval] });
        continue;
      }
      options.onStart?.(volume, index, volumes.length);
      const pause = settings.pauseWriters ? (await runningWriters(client, volume, options.signal)).map((w) => w.id) : [];
      const result = await backupVolume(client, {
        volume, folder: settings.folder, format: settings.format, pause, scheduled: true,
        signal: options.signal, onProgress: options.onProgress,
      });
      // Verified before retention: the older backups go only once the new one is known to restore.
      const verification = settings.verify ? await verifyBackup(client, { archive: result.archive, signal: options.signal }) : undefined;
      const removed = !verification || verification.ok ? await applyRetention(settings.folder, volume, settings.keep) : [];
      const made = new Date(result.manifest.created);
      outcomes.push({ volume, status: 'backed-up', result, removed, verification, nextDue: made.getTime() + INTERVAL_MS[settings.interval], last: made });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failedAt = now();
      outcomes.push({ volume, status: 'failed', error, removed: [], nextDue: nextDue(last?.created, settings.interval, failedAt, failedAt), last: last?.created });
    }
  }
  return outcomes;
}

/** The earliest time any of the outcomes' volumes is due again (undefined when there are none). */
export function earliestDue(outcomes: readonly ScheduledVolumeOutcome[]): number | undefined {
  return outcomes.length ? Math.min(...outcomes.map((o) => o.nextDue)) : undefined;
}
