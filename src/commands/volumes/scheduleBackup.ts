/**
 * Schedule Volume Backups… and Run Scheduled Backups Now. The schedule lives in the workspace's settings
 * (`backup.schedule.*`, with `backup.folder` and `backup.format`), so it can be read, edited and committed like
 * any other setting; these commands only write those settings and report.
 *
 * On a volume row (or a selection, or a Compose project row) the clicked volumes are added to the schedule; from
 * the palette a list of every volume, the scheduled ones ticked, sets the whole list. Then how often, how many
 * to keep, and the folder when `backup.folder` is empty. `{ volumes, interval, keep, folder }` skips the questions.
 */
import * as vscode from 'vscode';
import { BACKUP_INTERVALS, type BackupInterval, type ScheduledVolumeOutcome } from '../../backup/schedule';
import { scheduleConfiguration, scheduleSettings } from '../../config';
import { SETTING, SETTING_SECTION } from '../../ids';
import type { EngineStore } from '../../model/store';
import { intervalWord } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import type { BackupScheduler } from '../../backup/scheduler';
import { scheduleState } from './scheduleHost';
import { backupFolder } from '../../config';
import { givenArgs, volumeNamesFrom, volumeNamesOfRows } from '../../args';
import { invokedRows, takeRows } from '../../selection';
import { pickBackupFolder, volumeDescription } from '../pick';
import { sizeLookup, withTransferProgress } from './progress';

export interface ScheduleArgs {
  volumes: string[];
  /** 'off' takes the volumes out of the schedule. */
  interval: BackupInterval | 'off';
  keep: number;
  folder: string;
}

export interface ScheduleResult {
  volumes: string[];
  interval: BackupInterval | 'off';
  keep: number;
  folder?: string;
}

const INTERVAL_LABEL: Record<BackupInterval, string> = {
  hourly: localize('Every hour'),
  daily: localize('Every day'),
  weekly: localize('Every week'),
};

/** Every volume of the engine, the scheduled ones ticked (and ones no longer there kept ticked, marked so). */
async function pickScheduledVolumes(store: EngineStore, prompts: Prompts): Promise<string[] | undefined> {
  const scheduled = new Set(scheduleSettings().volumes);
  const present = store.volumes().filter((v) => !v.anonymous).sort((a, b) => a.name.localeCompare(b.name));
  const items: Array<vscode.QuickPickItem & { name: string }> = [
    ...present.map((v) => ({ name: v.name, label: `$(database) ${v.name}`, description: volumeDescription(store, v), picked: scheduled.has(v.name) })),
    ...[...scheduled].filter((n) => !present.some((v) => v.name === n))
      .map((n) => ({ name: n, label: `$(warning) ${n}`, description: localize('not on this engine'), picked: true })),
  ];
  if (!items.length) {
    void vscode.window.showInformationMessage(localize('There is no named volume to schedule.'));
    return undefined;
  }
  const picked = await prompts.pickMany(items, {
    title: localize('Schedule Volume Backups (1/3)'), placeHolder: localize('Back up which volumes on schedule? (untick to stop)'),
    matchOnDescription: true, ignoreFocusOut: true,
  });
  return picked?.map((p) => p.name);
}

async function pickInterval(prompts: Prompts, title: string, volumes: string[], current: BackupInterval | undefined, anyScheduled: boolean): Promise<BackupInterval | 'off' | undefined> {
  type Item = vscode.QuickPickItem & { value: BackupInterval | 'off' };
  const items: Item[] = BACKUP_INTERVALS.map((value) => ({
    value, label: INTERVAL_LABEL[value], description: value === current ? localize('current') : undefined,
  }));
  if (anyScheduled) items.push({ value: 'off', label: localize('Stop scheduled backups of {0}', volumes.length === 1 ? volumes[0] : localize('these volumes')) });
  const picked = await prompts.pick(items, {
    title, placeHolder: localize('How often? A backup that falls due while the editor is closed runs when it opens.'), ignoreFocusOut: true,
    active: items.find((i) => i.value === (current ?? 'daily')),
  });
  return picked?.value;
}

async function askKeep(prompts: Prompts, title: string, current: number): Promise<number | undefined> {
  const answer = await prompts.input({
    title,
    prompt: localize('How many scheduled backups to keep per volume? Older ones are deleted after each new one; backups made by hand are never deleted.'),
    value: String(current), ignoreFocusOut: true,
    validateInput: (v) => /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 1000 ? undefined : localize('A whole number from 1 to 1000.'),
  });
  return answer === undefined ? undefined : Number(answer.trim());
}

/** `dnv.volume.scheduleBackup`: writes the schedule to the workspace settings; the scheduler picks it up. */
export async function scheduleBackup(store: EngineStore, prompts: Prompts, arg?: unknown, selection?: unknown): Promise<ScheduleResult | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showWarningMessage(localize('Open a folder or workspace first: a backup schedule is kept in its settings.'));
    return undefined;
  }
  const given = givenArgs<ScheduleArgs>(arg);
  const current = scheduleSettings();
  const before = current.volumes;
  // A selection: its volume and Compose project rows on the clicked row's engine, as Back Up Volume takes them.
  const rows = invokedRows(arg, selection);
  const take = rows ? takeRows(rows, ['volume', 'project'], localize('a volume'), store, localize) : undefined;
  const clicked = take ? volumeNamesOfRows(store, take.taken) : volumeNamesFrom(store, arg);
  const skipped = take?.skipped ?? '';
  if (take && !clicked.length) throw new Error(localize('No volume to schedule. {0}', skipped));
  // From a row the clicked volumes join the schedule; from the palette the ticked list replaces it.
  let volumes: string[] | undefined = clicked.length ? clicked : given?.volumes;
  const fromPalette = !volumes;
  if (!volumes) volumes = await pickScheduledVolumes(store, prompts);
  if (!volumes) return undefined;

  // Step titles: the palette asks three questions, a row two (its volumes are known).
  const step = (n: number) => fromPalette ? localize('Schedule Volume Backups ({0}/3)', n + 1) : localize('Schedule Backups of {0} ({1}/2)', volumes!.join(', '), n);
  const interval = given?.interval ?? (fromPalette && !volumes.length ? 'off'
    : await pickInterval(prompts, step(1), volumes, current.interval, volumes.some((v) => before.includes(v))));
  if (!interval) return undefined;

  const config = scheduleConfiguration();
  const target = vscode.ConfigurationTarget.Workspace;
  if (interval === 'off') {
    const remaining = fromPalette ? [] : before.filter((v) => !volumes!.includes(v));
    const stopped = fromPalette ? before : before.filter((v) => volumes!.includes(v));
    await config.update(SETTING.scheduleVolumes, remaining, target);
    if (!remaining.length) await config.update(SETTING.scheduleInterval, 'off', target);
    void vscode.window.showInformationMessage(stopped.length
      ? localize('Scheduled backups stopped for {0}. Existing backups are kept.', stopped.join(', '))
      : localize('No volume was on the backup schedule.'));
    return { volumes: remaining, interval: remaining.length ? current.interval ?? 'off' : 'off', keep: current.keep };
  }

  const keep = given?.keep ?? await askKeep(prompts, step(2), current.keep);
  if (keep === undefined) return undefined;
  // Fewer to keep deletes scheduled backups that exist now: a caller's argument does that only after the user agrees.
  if (given?.keep !== undefined && keep < current.keep) {
    const agree = localize('Keep {0}', keep);
    const answer = await prompts.confirm(localize('Keep only the newest {0} scheduled backups of each volume (now {1})?', keep, current.keep), {
      detail: localize('After the next scheduled backup, older scheduled backups beyond the newest {0} are deleted with their manifests. Backups made by hand are never deleted.', keep),
      actions: [agree],
    });
    if (answer !== agree) return undefined;
  }
  let folder = given?.folder ?? backupFolder();
  if (!folder) {
    folder = await pickBackupFolder(prompts, localize('Folder for scheduled backups'));
    if (!folder) return undefined;
  }
  const list = fromPalette ? volumes : [...new Set([...before, ...volumes])];
  if (given?.folder || !backupFolder()) await config.update(SETTING.backupFolder, folder, target);
  await config.update(SETTING.scheduleKeep, keep, target);
  await config.update(SETTING.scheduleVolumes, list, target);
  await config.update(SETTING.scheduleInterval, interval, target);

  const openSettings = localize('Open Settings');
  void vscode.window.showInformationMessage(
    [localize('{0} backed up {1} to {2}, keeping the last {3}. Volumes not backed up on schedule yet are backed up now.', list.join(', '), intervalWord(interval, localize), folder, keep), skipped].filter(Boolean).join(' '),
    openSettings,
  ).then((answer) => answer === openSettings && vscode.commands.executeCommand('workbench.action.openSettings', `${SETTING_SECTION}.backup.schedule`));
  return { volumes: list, interval, keep, folder };
}

/** `dnv.volume.runScheduledBackups`: every scheduled volume now, with progress and Cancel; then a summary. */
export async function runScheduledBackupsNow(store: EngineStore, scheduler: BackupScheduler): Promise<ScheduledVolumeOutcome[] | undefined> {
  const state = scheduleState();
  if (state.status !== 'on') {
    void vscode.window.showInformationMessage(state.status === 'off'
      ? localize('No volume backups are scheduled in this workspace.')
      : localize('The backup schedule is incomplete: {0}.', state.why));
    return undefined;
  }
  let item = { index: 0, count: state.settings.volumes.length };
  const sizeOf = sizeLookup(store, state.settings.volumes);
  const outcomes = await withTransferProgress(localize('Running scheduled backups'), (signal, progress) => scheduler.runNow({
    signal,
    onStart: (_volume, index, count) => { item = { index, count }; },
    onProgress: (p) => progress.report({ ...p, total: p.total ?? sizeOf(p.volume) }, item),
  }));
  if (!outcomes) return undefined;
  const done = outcomes.filter((o) => o.status === 'backed-up');
  const removed = done.reduce((n, o) => n + o.removed.length, 0);
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'missing');
  const summary = localize('{0} of {1} scheduled volume(s) backed up to {2}.', done.length, outcomes.length, state.settings.folder)
    + (removed ? ` ${localize('{0} older scheduled backup(s) deleted (keeping {1}).', removed, state.settings.keep)}` : '');
  if (failed.length) {
    void vscode.window.showWarningMessage(`${summary} ${localize('Not backed up: {0}.', failed.map((o) => o.status === 'missing' ? localize('{0} (no such volume)', o.volume) : o.volume).join(', '))}`);
  } else {
    void vscode.window.showInformationMessage(summary);
  }
  return outcomes;
}
