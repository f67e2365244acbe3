/**
 * Back up volumes: the clicked one, the tree's selection, a Compose project's volumes, or `{ volumes: [...] }`
 * (the Compose code lens, tests). Folder from the argument, the backup.folder setting, or a folder picker;
 * format from the argument or the backup.format setting. Running containers that write to a volume can be
 * paused for a consistent copy. Progress shows bytes and rate; Cancel stops and removes the partial file.
 */
import * as path from 'node:path';
import { backupVolume as backup, type BackupResult } from '../../backup/backup';
import type { BackupFormat } from '../../backup/formats';
import { volumeExists } from '../../engine/volumes';
import type { EngineStore } from '../../model/store';
import { formatBytes, formatSeconds } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import { backupFolder, backupFormat } from '../../config';
import { givenArgs, volumeNamesFrom, volumeNamesOfRows } from '../../args';
import { pickBackupFolder, pickVolumes } from '../pick';
import { userMessage } from '../index';
import { EngineError } from '../../engine/errors';
import { invokedRows, type ItemOutcome, outcomeReport, takeRows } from '../../selection';
import { askPause } from './pause';
import { sizeLookup, withTransferProgress } from './progress';

export interface BackupArgs {
  volumes: string[];
  folder: string;
  format: BackupFormat;
  /** Pause running writers (true), do not (false); undefined asks when there are any. */
  pause: boolean;
}

/** `dnv.volume.backup`: the results, one per volume backed up. */
export async function backupVolumes(store: EngineStore, prompts: Prompts, arg?: unknown, selection?: unknown): Promise<BackupResult[] | undefined> {
  const given = givenArgs<BackupArgs>(arg);
  const rows = invokedRows(arg, selection);
  let volumes: string[];
  let skipped = '';
  if (rows) {
    // Volume rows and Compose project rows (the project's volumes, as the project row's own menu does); not
    // container rows or ranges that a selection swept in, nor rows of another engine.
    const take = takeRows(rows, ['volume', 'project'], localize('a volume'), store, localize);
    volumes = volumeNamesOfRows(store, take.taken);
    skipped = take.skipped;
    if (!volumes.length) throw new Error(localize('No volume to back up. {0}', skipped));
  } else volumes = volumeNamesFrom(store, arg);
  if (!volumes.length && !given) volumes = await pickVolumes(store, prompts, localize('Back Up Volumes'), localize('Back up which volumes?'), true) ?? [];
  if (!volumes.length) return undefined;
  // A name from a caller or the picker that is not there: nothing is done, as before. From a selection (rows can
  // outlive their volume by an event's delay) the missing ones are that item's outcome and the rest go ahead.
  const missing: string[] = [];
  for (const v of volumes) {
    if (await volumeExists(store.client, v)) continue;
    if (!rows || volumes.length === 1) throw new Error(localize('No volume {0} on this engine.', v));
    missing.push(v);
  }
  if (missing.length === volumes.length) throw new Error(localize('None of these volumes is on this engine: {0}.', missing.join(', ')));
  volumes = volumes.filter((v) => !missing.includes(v));

  const folder = given?.folder ?? backupFolder() ?? await pickBackupFolder(prompts, localize('Folder for the backup of {0}', volumes.length === 1 ? volumes[0] : localize('{0} volumes', volumes.length)));
  if (!folder) return undefined;
  const { format, fellBack } = backupFormat(given?.format);
  if (fellBack) prompts.report('warning', localize('This editor\'s runtime (Node {0}) has no zstd: writing .tar.gz instead of .tar.zst.', process.versions.node));
  const writers = await askPause(store, prompts, volumes, given?.pause, localize('backup'));
  if (!writers) return undefined;

  // One after the other (they share the engine's disk and this thread's compression); a failure is that
  // volume's outcome, not the end of the run. Cancel stops the run: the rest are reported as not started.
  const results: BackupResult[] = [];
  const outcomes: ItemOutcome[] = missing.map((name) => ({ name, status: 'failed', detail: localize('no such volume on this engine') }));
  const title = volumes.length === 1 ? localize('Backing up {0}', volumes[0]) : localize('Backing up {0} volumes', volumes.length);
  const sizeOf = sizeLookup(store, volumes);
  const describe = (r: BackupResult) => localize('→ {0}, {1}, {2} files, {3}', r.archive, formatBytes(r.manifest.archive.bytes), r.manifest.content.files, formatSeconds(r.manifest.durationMs));
  await withTransferProgress(title, async (signal, progress) => {
    for (const [index, volume] of volumes.entries()) {
      if (signal.aborted) {
        outcomes.push({ name: volume, status: 'notRun' });
        continue;
      }
      try {
        const result = await backup(store.client, {
          volume, folder, format, signal,
          pause: (writers.get(volume) ?? []).map((w) => w.id),
          onProgress: (p) => progress.report({ ...p, total: p.total ?? sizeOf(volume) }, { index, count: volumes.length }),
        });
        results.push(result);
        outcomes.push({ name: volume, status: 'done', detail: describe(result) });
      } catch (e) {
        // One volume asked for: its error is the command's, as it always was.
        if (volumes.length + missing.length === 1) throw e;
        const cancelled = e instanceof EngineError && e.kind === 'cancelled';
        outcomes.push({ name: volume, status: cancelled ? 'notRun' : 'failed', detail: cancelled ? localize('cancelled') : userMessage(e) });
      }
    }
  });
  if (!results.length && outcomes.every((o) => o.status === 'notRun')) return undefined;

  const paused = [...new Set(results.flatMap((r) => r.manifest.paused))].length;
  const pausedText = (paused ? ` ${localize('{0} container(s) were paused during the copy and resumed.', paused)}` : '')
    + (store.client.isPodman ? ` ${localize('Podman reads every file as owned by root: the archive keeps contents, modes, times and links, not owners.')}` : '');
  const report = [
    outcomeReport(outcomes, { done: localize('Backed up {0}.'), refused: localize('Refused: {0}.'), failed: localize('Failed: {0}.'), notRun: localize('Not backed up: {0}.') }, localize),
    skipped,
  ].filter(Boolean).join(' ') + pausedText;
  prompts.report(outcomes.some((o) => o.status !== 'done') ? (results.length ? 'warning' : 'error') : skipped ? 'warning' : 'info', report);
  for (const r of results) {
    const warning = unrestorableWarning(r);
    if (warning) prompts.report('warning', warning);
  }
  return results;
}

/**
 * Said when the backup is made, not when it is needed: entries the restore's checks refuse (listed in the manifest).
 * Undefined when the backup restores whole.
 */
export function unrestorableWarning(r: BackupResult): string | undefined {
  const u = r.manifest.unrestorable;
  if (!u?.count) return undefined;
  const first = u.entries[0];
  return localize('The backup of {0} holds {1} entr(y/ies) that Restore refuses, so this extension cannot restore this backup (first: "{2}" {3}). Remove or replace them in the volume and back up again, or extract the archive with tar. The list is in {4}.',
    r.manifest.volume.name, u.count, first?.path ?? '?', first?.reason ?? '', path.basename(r.manifestPath));
}
