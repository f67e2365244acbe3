/**
 * Restore an archive into a volume: on a volume row, into that volume; from the palette, into a new volume or
 * a chosen one. An existing volume that is not empty needs a choice, replace or merge, in a modal. The archive
 * is checked whole (and against its manifest) before anything is written; progress shows both passes.
 * Called with `{ archive, volume?, mode? }` (another extension, a test) the argument replaces the pickers; a
 * replace or merge of a volume that holds data is still confirmed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { volumeFromArchiveName } from '../../backup/archiveName';
import { listBackups } from '../../backup/catalog';
import { type BackupManifest, readManifest } from '../../backup/manifest';
import { labelsFromManifest, manifestVolumeOptions, needsWriteQuestion, type RestoreMode, type RestoreOptions, type RestoreResult, type RestoreSummary, restoreVolume as restore, volumeIsEmpty, type VolumeOptionRisk } from '../../backup/restore';
import { volumeExists, volumeNameProblem } from '../../engine/volumes';
import { COMMAND } from '../../ids';
import type { EngineStore } from '../../model/store';
import { formatBytes, formatDate, formatSeconds } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import { backupFolder } from '../../config';
import { archiveFrom, givenArgs, volumeNamesFrom } from '../../args';
import { withTransferProgress } from './progress';
import { volumeArchiveFilters } from '../../dialogs';

export interface RestoreArgs {
  archive: string;
  /** Target volume; default: the manifest's volume name, else the archive's name without timestamp and extension. */
  volume: string;
  mode: RestoreMode;
}

/**
 * The archive to restore: the backups in the backup folder (of the row's volume, or of every volume from the
 * palette), newest first, with Browse… for any other archive; the file dialog alone when there are none.
 */
async function pickArchive(prompts: Prompts, volume?: string, browsing = false): Promise<string | undefined> {
  const folder = backupFolder();
  const known = folder ? await listBackups(folder, volume).catch(() => []) : [];
  if (known.length) {
    type Item = vscode.QuickPickItem & { archive?: string; verify?: boolean; browse?: boolean };
    const items: Item[] = [];
    let lastVolume: string | undefined;
    for (const b of known.sort((x, y) => (volume ? 0 : x.volume.localeCompare(y.volume)) || y.created.getTime() - x.created.getTime())) {
      if (!volume && b.volume !== lastVolume) items.push({ label: b.volume, kind: vscode.QuickPickItemKind.Separator });
      lastVolume = b.volume;
      items.push({
        archive: b.archive, label: `$(archive) ${formatDate(b.created.getTime())}`,
        description: [formatBytes(b.bytes), `.${b.format}`, b.files === 1 ? localize('1 file') : localize('{0} files', b.files), b.scheduled ? localize('scheduled') : undefined].filter(Boolean).join(' · '),
        detail: path.basename(b.archive),
      });
    }
    items.push({ label: `$(folder-opened) ${localize('Browse…')}`, description: localize('another archive, also one made with tar') });
    if (!browsing) {
      items.push({ label: `$(verified) ${localize('Verify a Backup…')}`, description: localize('restore one into a scratch volume and compare, without touching yours'), verify: true });
      items.push({ label: `$(files) ${localize('Browse a Backup\'s Files…')}`, description: localize('look inside one, read-only, without restoring it'), browse: true });
    }
    const picked = await prompts.pick(items, {
      title: browsing ? localize('Browse which backup?') : volume ? localize('Restore {0} from which backup?', volume) : localize('Restore which backup?'),
      placeHolder: localize('Backups in {0}', folder!), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.archive) return picked.archive;
    if (picked.browse) {
      // Browse this backup: the same list again; the chosen archive opens in the Volume Files view.
      const archive = await pickArchive(prompts, volume, true);
      if (archive) void vscode.commands.executeCommand(COMMAND.browseBackup, { archive });
      return undefined;
    }
    if (picked.verify) {
      void vscode.commands.executeCommand(COMMAND.verifyBackup, volume ? { kind: 'volume', name: volume } : undefined);
      return undefined;
    }
  }
  return prompts.pickFile({
    title: localize('Archive to restore'), openLabel: localize('Restore'), defaultFolder: folder,
    filters: volumeArchiveFilters(),
  });
}

async function pickTarget(store: EngineStore, prompts: Prompts, suggested: string): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { name?: string };
  const items: Item[] = [
    { label: `$(add) ${localize('New volume…')}`, description: suggested },
    ...store.volumes().filter((v) => !v.anonymous).sort((a, b) => a.name.localeCompare(b.name)).map((v): Item => ({ name: v.name, label: `$(database) ${v.name}`, description: v.name === suggested ? localize('the backed-up volume') : v.driver })),
  ];
  const picked = await prompts.pick(items, { title: localize('Restore into which volume?'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.name) return picked.name;
  const taken = new Set(store.volumes().map((v) => v.name));
  const name = await prompts.input({
    title: localize('Restore into a new volume'), prompt: localize('Name of the new volume'), value: taken.has(suggested) ? `${suggested}-restored` : suggested, ignoreFocusOut: true,
    validateInput: (v) => volumeNameProblem(v.trim()) ?? (taken.has(v.trim()) ? localize('A volume named {0} already exists: pick it from the list instead.', v.trim()) : undefined),
  });
  return name?.trim() || undefined;
}

/** Replace or merge into a volume that holds data; `given` (from an argument) is the only button offered. */
async function askMode(prompts: Prompts, volume: string, given?: RestoreMode): Promise<RestoreMode | undefined> {
  const replace = localize('Replace');
  const merge = localize('Merge');
  const explain = {
    replace: localize('Replace: the volume is emptied (recreated with the same driver, options and labels) and then holds exactly the archive. What it holds now is lost. No container may use it.'),
    merge: localize('Merge: the archive\'s files are added; files with the same path are overwritten, all others stay.'),
  };
  const answer = await prompts.confirm(
    localize('Volume {0} is not empty.', volume),
    {
      detail: given ? explain[given] : [explain.replace, explain.merge].join('\n\n'),
      actions: given === 'replace' ? [replace] : given === 'merge' ? [merge] : [replace, merge],
    },
  );
  return answer === replace ? 'replace' : answer === merge ? 'merge' : undefined;
}

/** One line a risky option gets in the warning. */
function describeRisk(risk: VolumeOptionRisk): string {
  switch (risk.kind) {
    case 'host-folder': return localize('⚠ The volume would be the folder {0} on the engine\'s host: the restore writes the archive\'s files there as root, overwriting files of the same name.', risk.path);
    case 'device': return localize('⚠ The volume would be the device {0} mounted by the engine\'s host: the restore writes onto it as root.', risk.device);
    case 'network-share': return localize('⚠ The volume would be a {0} network share ({1}): the restore writes the archive\'s files onto it with the engine\'s rights.', risk.type, risk.address ?? '?');
    case 'driver': return localize('⚠ The volume would be made by the {0} driver (a plugin), which decides where its data goes.', risk.driver);
  }
}

/**
 * A manifest that asks for a driver other than local or for driver options: they came from a file, so they are
 * shown and used only when the user says so. Undefined when cancelled; `{}` for a plain local volume.
 */
async function askNewVolumeOptions(prompts: Prompts, volume: string, manifest: BackupManifest): Promise<RestoreOptions['create'] | undefined> {
  const { driver, driverOpts, risks } = manifestVolumeOptions(manifest);
  const plain = { labels: labelsFromManifest(manifest) };
  if (driver === 'local' && !Object.keys(driverOpts).length) return plain;
  const withOptions = localize('Create with these options');
  const local = localize('Create a plain local volume');
  const options = Object.entries(driverOpts).map(([k, v]) => `${k}=${v}`).join(', ');
  const answer = await prompts.confirm(localize('The backup\'s manifest asks for volume {0} to be made with driver {1} and options: {2}', volume, driver, options || localize('(none)')), {
    detail: [
      localize('These come from a file next to the archive, not from this editor: use them only if you know where they lead.'),
      ...risks.map(describeRisk),
    ].join('\n\n'),
    actions: [withOptions, local],
  });
  if (answer === withOptions) return { driver, driverOpts, labels: plain.labels };
  if (answer === local) return plain;
  return undefined;
}

/** Shows what the check found and asks when it is large; a small restore goes ahead without a question. */
async function confirmLargeWrite(prompts: Prompts, summary: RestoreSummary): Promise<boolean> {
  const { counts, archiveBytes } = summary;
  if (!needsWriteQuestion(counts, archiveBytes)) return true;
  const go = localize('Restore');
  const answer = await prompts.confirm(localize('{0} expands to {1} in {2} entries ({3} files).', path.basename(summary.archive), formatBytes(counts.bytes), counts.entries, counts.files), {
    detail: [
      localize('The archive file is {0}; it holds {1} of file content, which will be written into volume {2}.', formatBytes(archiveBytes), formatBytes(counts.bytes), summary.volume),
      summary.freeBytes !== undefined ? localize('Free space where the volume\'s data goes: {0}.', formatBytes(summary.freeBytes)) : localize('The engine does not say how much free space it has: make sure it has room.'),
      summary.verified ? localize('Its checksum matches its manifest.') : localize('It has no manifest to check it against.'),
    ].join('\n\n'),
    actions: [go],
  });
  return answer === go;
}

/** `dnv.volume.restore` */
export async function restoreVolume(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<RestoreResult | undefined> {
  const given = givenArgs<RestoreArgs>(arg);
  const onRow = given ? undefined : volumeNamesFrom(store, arg)[0];
  const givenArchive = archiveFrom(arg);
  if (given && !givenArchive) throw new Error(localize('Restore needs an archive file.'));
  const archive = givenArchive ?? await pickArchive(prompts, onRow);
  if (!archive) return undefined;
  const manifest = await readManifest(archive);
  const suggested = manifest?.volume.name ?? volumeFromArchiveName(archive);
  const volume = given?.volume ?? onRow ?? (given ? suggested : await pickTarget(store, prompts, suggested));
  if (!volume) return undefined;

  // Without a mode from an argument the restore itself refuses a volume that holds data.
  let mode = given?.mode;
  if ((mode || !given) && await volumeExists(store.client, volume) && !await volumeIsEmpty(store.client, volume)) {
    mode = await askMode(prompts, volume, mode);
    if (!mode) return undefined;
  }

  // A new volume: the manifest's driver and options only when the user chooses them.
  let create: RestoreOptions['create'];
  if (manifest && !await volumeExists(store.client, volume)) {
    create = await askNewVolumeOptions(prompts, volume, manifest);
    if (!create) return undefined;
  }

  const result = await withTransferProgress(localize('Restoring {0} into {1}', path.basename(archive), volume), (signal, progress) =>
    restore(store.client, {
      archive, volume, mode, create, signal, onProgress: (p) => progress.report(p),
      // A new volume is written while checked (the archive read once) unless the write would need the question below.
      onePassUnless: needsWriteQuestion,
      confirmWrite: async (summary) => {
        progress.say(localize('{0} in {1} entries checked', formatBytes(summary.counts.bytes), summary.counts.entries));
        return confirmLargeWrite(prompts, summary);
      },
    }));

  const how = { new: localize('new volume'), empty: localize('empty volume'), replace: localize('replaced'), merge: localize('merged') }[result.mode];
  const verified = result.verified ? localize('checksum verified against its manifest') : localize('no manifest to verify against');
  void vscode.window.showInformationMessage(localize('Restored {0} files ({1}) into volume {2} ({3}; {4}; {5}).',
    result.counts.files, formatBytes(result.counts.bytes), volume, how, verified, formatSeconds(result.durationMs)));
  return result;
}
