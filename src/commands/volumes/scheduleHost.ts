/**
 * The backup scheduler's editor side: the schedule read from the `backup.schedule.*` settings, progress as a
 * spinner in the status bar, successes and failures in the log, and the failures the scheduler says to tell as
 * a warning with a way to the log and the settings. The timing lives in src/backup/scheduler.ts.
 */
import * as vscode from 'vscode';
import { BackupScheduler, type ScheduleState, type SchedulerReport } from '../../backup/scheduler';
import { backupFolder, backupFormat, scheduleSettings } from '../../config';
import { SETTING, SETTING_SECTION } from '../../ids';
import { localize } from '../../l10n';
import { log } from '../../log';
import { formatBytes, formatSeconds } from '../../model/format';
import type { EngineStore } from '../../model/store';
import { userMessage } from '../index';
import { unrestorableWarning } from './backupVolume';
import { verificationMessage } from './verifyBackup';

/** The schedule as the settings describe it. */
export function scheduleState(): ScheduleState {
  const { interval, volumes, keep, pauseWriters, verify } = scheduleSettings();
  if (!interval) return { status: 'off' };
  if (!volumes.length) return { status: 'incomplete', why: localize('no volume is listed in {0}', `${SETTING_SECTION}.${SETTING.scheduleVolumes}`) };
  const folder = backupFolder();
  if (!folder) return { status: 'incomplete', why: localize('{0} is empty', `${SETTING_SECTION}.${SETTING.backupFolder}`) };
  // backupFormat falls back to .tar.gz where this runtime has no zstd.
  return { status: 'on', settings: { volumes, interval, keep, folder, format: backupFormat(undefined).format, pauseWriters, verify } };
}

export function affectsSchedule(e: vscode.ConfigurationChangeEvent): boolean {
  return [SETTING.scheduleInterval, SETTING.scheduleVolumes, SETTING.scheduleKeep, SETTING.schedulePauseWriters, SETTING.scheduleVerify, SETTING.backupFolder, SETTING.backupFormat]
    .some((key) => e.affectsConfiguration(`${SETTING_SECTION}.${key}`));
}

/** The scheduler of `store`'s engine, reading the settings and reporting to the editor. */
export function createBackupScheduler(store: EngineStore): BackupScheduler {
  return new BackupScheduler(store, {
    state: scheduleState,
    passProgress() {
      let finishProgress: (() => void) | undefined;
      return {
        onStart(volume, index, count) {
          const message = count > 1 ? localize('{0} ({1}/{2})', volume, index + 1, count) : volume;
          if (finishProgress) return;
          void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: localize('Scheduled backup: {0}', message) }, () => new Promise<void>((resolve) => { finishProgress = resolve; }));
        },
        done: () => finishProgress?.(),
      };
    },
    report: (report) => reportToEditor(store, report),
  });
}

function reportToEditor(store: EngineStore, report: SchedulerReport): void {
  switch (report.kind) {
    case 'incomplete':
      log().warn(`backup schedule: not running, ${report.why}`);
      break;
    case 'passFailed':
      log().error('backup schedule: pass failed', report.error instanceof Error ? report.error : new Error(String(report.error)));
      if (report.tell) void warn(localize('Scheduled volume backups could not run: {0}', userMessage(report.error)));
      break;
    case 'backedUp': {
      const o = report.outcome;
      const r = o.result!;
      log().info(`backup schedule: ${o.volume} → ${r.archive} (${formatBytes(r.manifest.archive.bytes)}, ${r.manifest.content.files} files, ${formatSeconds(r.manifest.durationMs)})`
        + (o.removed.length ? `; deleted ${o.removed.length} older: ${o.removed.map((b) => b.archive).join(', ')}` : ''));
      if (o.verification) {
        const verified = verificationMessage(o.verification);
        if (o.verification.ok) log().info(`backup schedule: ${verified}`);
        else {
          log().warn(`backup schedule: ${verified}`);
          void warn(`${verified} ${localize('Older scheduled backups of {0} were kept.', o.volume)}`);
        }
      }
      const unrestorable = unrestorableWarning(r);
      if (unrestorable) {
        log().warn(`backup schedule: ${unrestorable}`);
        void warn(unrestorable);
      }
      break;
    }
    case 'volumeFailed': {
      const o = report.outcome;
      log().error(`backup schedule: ${o.volume} failed`, o.error instanceof Error ? o.error : new Error(String(o.error)));
      if (report.tell) void warn(localize('Scheduled backup of volume {0} failed: {1} It is tried again in 15 minutes.', o.volume, userMessage(o.error)));
      break;
    }
    case 'missing':
      log().warn(`backup schedule: no volume ${report.volume} on ${store.client.label}; skipped`);
      if (report.tell) void warn(localize('Scheduled backup: there is no volume {0} on {1}; it is skipped.', report.volume, store.client.label));
      break;
  }
}

async function warn(message: string): Promise<void> {
  const showLog = localize('Show Log');
  const openSettings = localize('Open Settings');
  const answer = await vscode.window.showWarningMessage(message, showLog, openSettings);
  if (answer === showLog) log().show();
  if (answer === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTING_SECTION}.backup.schedule`);
}
