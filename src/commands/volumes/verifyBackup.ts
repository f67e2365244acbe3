/**
 * Verify Backup…: restores a backup into a scratch volume, compares it with the archive and its manifest, removes
 * the scratch volume and says in plain words whether the backup restores (backup/verify.ts). From a volume row,
 * that volume's backups; from the palette or the restore picker, every backup in the backup folder; Browse… for
 * any other archive. Called with `{ archive }` it verifies that archive (nothing it does changes the user's data).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listBackups } from '../../backup/catalog';
import { type VerifyResult, verifyBackup as verify } from '../../backup/verify';
import { log } from '../../log';
import type { EngineStore } from '../../model/store';
import { formatBytes, formatDate, formatSeconds } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import { backupFolder } from '../../config';
import { archiveFrom, givenArgs, volumeNamesFrom } from '../../args';
import { withTransferProgress } from './progress';
import { volumeArchiveFilters } from '../../dialogs';

async function pickBackup(prompts: Prompts, volume?: string): Promise<string | undefined> {
  const folder = backupFolder();
  const known = folder ? await listBackups(folder, volume).catch(() => []) : [];
  type Item = vscode.QuickPickItem & { archive?: string };
  const items: Item[] = known.sort((a, b) => a.volume.localeCompare(b.volume) || b.created.getTime() - a.created.getTime()).map((b) => ({
    archive: b.archive, label: `$(archive) ${b.volume} · ${formatDate(b.created.getTime())}`,
    description: [formatBytes(b.bytes), `.${b.format}`, b.scheduled ? localize('scheduled') : undefined].filter(Boolean).join(' · '),
    detail: path.basename(b.archive),
  }));
  if (items.length) {
    items.push({ label: `$(folder-opened) ${localize('Browse…')}` });
    const picked = await prompts.pick(items, { title: localize('Verify which backup?'), placeHolder: localize('It is restored into a scratch volume, compared and removed; no volume of yours is touched.'), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.archive) return picked.archive;
  }
  return prompts.pickFile({
    title: localize('Archive to verify'), openLabel: localize('Verify'), defaultFolder: folder,
    filters: volumeArchiveFilters(),
  });
}

/** What a verification found, in plain words. */
export function verificationMessage(r: VerifyResult): string {
  const name = path.basename(r.archive);
  const scratch = r.scratchRemoved ? '' : ` ${localize('The scratch volume {0} could not be removed: remove it by hand.', r.scratchVolume)}`;
  if (r.restoreError) return localize('{0} does not restore: {1}', name, r.restoreError) + scratch;
  if (r.ok) {
    return (r.manifest === 'matches'
      ? localize('{0} restores: all {1} entries read back identical, matching its manifest ({2}).', name, r.entries, formatSeconds(r.durationMs))
      : localize('{0} restores: all {1} entries read back identical; there is no manifest to compare with ({2}).', name, r.entries, formatSeconds(r.durationMs))) + scratch;
  }
  const shown = r.differences.slice(0, 5).map((d) => `${d.path || localize('(the volume)')}: ${d.what}`).join('; ');
  return localize('{0} restores, but {1} difference(s) were found: {2}', name, r.differenceCount, shown + (r.differenceCount > 5 ? '; …' : '')) + scratch;
}

/** `dnv.volume.verifyBackup` */
export async function verifyBackup(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<VerifyResult | undefined> {
  const archive = archiveFrom(arg) ?? await pickBackup(prompts, givenArgs(arg) ? undefined : volumeNamesFrom(store, arg)[0]);
  if (!archive) return undefined;
  const result = await withTransferProgress(localize('Verifying {0}', path.basename(archive)), (signal, progress) =>
    verify(store.client, { archive, signal, onProgress: (p) => progress.report(p) }));
  const message = verificationMessage(result);
  log().info(`verify ${archive}: ${message}`);
  for (const d of result.differences) log().info(`verify ${archive}: ${d.path || '(volume)'}: ${d.what}`);
  if (result.ok) void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(message);
  return result;
}
