/**
 * Runs the workspace's backup schedule (the `backup.schedule.*` settings) against the current engine while the
 * workspace is open. One timer, set for the moment the next volume is due; when it fires, one pass backs up the
 * due volumes and deletes old scheduled backups (src/backup/schedule.ts), then the timer is set again. Nobody is
 * watching: progress is a spinner in the status bar, successes go to the log, and a failure is told once per
 * volume until that volume succeeds again (retried every 15 minutes meanwhile).
 */
import * as vscode from 'vscode';
import { earliestDue, RETRY_AFTER_FAILURE_MS, runScheduledBackups, type ScheduledRunOptions, type ScheduledVolumeOutcome, type ScheduleSettings } from '../../backup/schedule';
import { scheduleSettings } from '../../config';
import { SETTING, SETTING_SECTION } from '../../ids';
import { log } from '../../log';
import type { EngineStore } from '../../model/store';
import { formatBytes, formatSeconds } from '../../model/format';
import { localize } from '../../l10n';
import { userMessage } from '../index';
import { unrestorableWarning } from './backupVolume';
import { verificationMessage } from './verifyBackup';
import { backupFolder, backupFormat } from '../../config';
import { Emitter, type Disposable } from '../../model/events';

/** Longest a Node timer can wait; a later due time is reached by waking up and planning again. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After the editor opens, the first pass waits this long so as not to compete with start-up. */
export const STARTUP_DELAY_MS = 20_000;
/** Settings changes arrive key by key; the pass waits for the last of a burst. */
const SETTINGS_SETTLE_MS = 500;

export type ScheduleState =
  | { status: 'off' }
  | { status: 'incomplete'; why: string }
  | { status: 'on'; settings: ScheduleSettings };

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

export class BackupScheduler implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  /** The pass under way (settles when it ends, whatever the outcome). */
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private waitingForEngine = false;
  private disposed = false;
  private toldIncomplete: string | undefined;
  private readonly lastFailure = new Map<string, number>();
  /** Volumes whose failure was told, so that a streak of failures is told once. */
  private readonly told = new Set<string>();
  private toldPassFailure = false;
  private readonly storeSubscription: Disposable;
  /** Each scheduled volume's last scheduled backup and next due time, as of the last pass (ms since the epoch). */
  private readonly times = new Map<string, { last?: number; next?: number }>();
  private readonly changes = new Emitter<void>();

  constructor(private readonly store: EngineStore) {
    this.storeSubscription = store.onDidChange(() => {
      if (this.waitingForEngine && store.loaded) {
        this.waitingForEngine = false;
        this.plan(0);
      }
    });
  }

  /** Starts planning, after a delay that keeps the first pass out of the editor's start-up. */
  start(delayMs = STARTUP_DELAY_MS): void {
    this.plan(delayMs);
  }

  /** The volume's last scheduled backup and when the next is due, once a pass has looked at it. */
  timesOf(volume: string): { last?: number; next?: number } | undefined {
    return this.times.get(volume);
  }

  /** Called after every pass (the times above changed), until the result is disposed. */
  onDidChange(listener: () => void): Disposable {
    return this.changes.on(listener);
  }

  settingsChanged(): void {
    this.lastFailure.clear();
    this.told.clear();
    this.toldPassFailure = false;
    this.toldIncomplete = undefined;
    this.plan(SETTINGS_SETTLE_MS);
  }

  /**
   * Backs up every scheduled volume now, whatever its last backup (Run Scheduled Backups Now, which shows the
   * progress and owns the Cancel). Waits for a pass already under way first.
   */
  async runNow(options: Pick<ScheduledRunOptions, 'signal' | 'onProgress' | 'onStart'> = {}): Promise<ScheduledVolumeOutcome[] | undefined> {
    const state = scheduleState();
    if (state.status !== 'on') return undefined;
    await this.running;
    clearTimeout(this.timer);
    const pass = runScheduledBackups(this.store.client, state.settings, { ...options, force: true });
    this.running = pass.then(() => undefined, () => undefined);
    let next: number | undefined;
    try {
      const outcomes = await pass;
      this.afterPass(outcomes);
      next = earliestDue(outcomes);
      return outcomes;
    } finally {
      this.running = undefined;
      // After a cancel nothing says when the next is due: a pass a moment later works it out from the folder.
      this.plan(next !== undefined ? next - Date.now() : SETTINGS_SETTLE_MS);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.storeSubscription.dispose();
  }

  private plan(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, delayMs));
    this.timer = setTimeout(() => void this.pass(), delay);
  }

  /** One unattended pass: back up what is due, then plan the next one. */
  private async pass(): Promise<void> {
    this.timer = undefined;
    const state = scheduleState();
    if (state.status !== 'on') {
      if (state.status === 'incomplete' && this.toldIncomplete !== state.why) {
        this.toldIncomplete = state.why;
        log().warn(`backup schedule: not running, ${state.why}`);
      }
      return; // a settings change plans again
    }
    if (!this.store.loaded) {
      this.waitingForEngine = true; // the store's next change after a connect plans again
      return;
    }
    if (this.running) return;
    const settings = state.settings;
    const controller = new AbortController();
    this.controller = controller;
    let finishProgress: (() => void) | undefined;
    const onStart = (volume: string, index: number, count: number) => {
      const message = count > 1 ? localize('{0} ({1}/{2})', volume, index + 1, count) : volume;
      if (finishProgress) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: localize('Scheduled backup: {0}', message) }, () => new Promise<void>((resolve) => { finishProgress = resolve; }));
    };
    const pass = runScheduledBackups(this.store.client, settings, { lastFailure: this.lastFailure, signal: controller.signal, onStart });
    this.running = pass.then(() => undefined, () => undefined);
    try {
      const outcomes = await pass;
      this.toldPassFailure = false;
      this.afterPass(outcomes);
      const next = earliestDue(outcomes);
      if (next !== undefined) this.plan(next - Date.now());
    } catch (error) {
      if (controller.signal.aborted) return;
      // Volumes fail one by one inside the pass; this is anything else: tell once, try again later.
      log().error('backup schedule: pass failed', error instanceof Error ? error : new Error(String(error)));
      if (!this.toldPassFailure) {
        this.toldPassFailure = true;
        void this.warn(localize('Scheduled volume backups could not run: {0}', userMessage(error)));
      }
      this.plan(RETRY_AFTER_FAILURE_MS);
    } finally {
      finishProgress?.();
      this.running = undefined;
      this.controller = undefined;
    }
  }

  private afterPass(outcomes: readonly ScheduledVolumeOutcome[]): void {
    this.times.clear();
    for (const o of outcomes) this.times.set(o.volume, { last: o.last?.getTime(), next: o.status === 'missing' ? undefined : o.nextDue });
    this.changes.fire();
    for (const o of outcomes) {
      switch (o.status) {
        case 'backed-up': {
          this.lastFailure.delete(o.volume);
          this.told.delete(o.volume);
          const r = o.result!;
          log().info(`backup schedule: ${o.volume} → ${r.archive} (${formatBytes(r.manifest.archive.bytes)}, ${r.manifest.content.files} files, ${formatSeconds(r.manifest.durationMs)})`
            + (o.removed.length ? `; deleted ${o.removed.length} older: ${o.removed.map((b) => b.archive).join(', ')}` : ''));
          if (o.verification) {
            const verified = verificationMessage(o.verification);
            if (o.verification.ok) log().info(`backup schedule: ${verified}`);
            else {
              log().warn(`backup schedule: ${verified}`);
              void this.warn(`${verified} ${localize('Older scheduled backups of {0} were kept.', o.volume)}`);
            }
          }
          const unrestorable = unrestorableWarning(r);
          if (unrestorable) {
            log().warn(`backup schedule: ${unrestorable}`);
            void this.warn(unrestorable);
          }
          break;
        }
        case 'failed':
          this.lastFailure.set(o.volume, Date.now());
          log().error(`backup schedule: ${o.volume} failed`, o.error instanceof Error ? o.error : new Error(String(o.error)));
          if (!this.told.has(o.volume)) {
            this.told.add(o.volume);
            void this.warn(localize('Scheduled backup of volume {0} failed: {1} It is tried again in 15 minutes.', o.volume, userMessage(o.error)));
          }
          break;
        case 'missing':
          log().warn(`backup schedule: no volume ${o.volume} on ${this.store.client.label}; skipped`);
          if (!this.told.has(o.volume)) {
            this.told.add(o.volume);
            void this.warn(localize('Scheduled backup: there is no volume {0} on {1}; it is skipped.', o.volume, this.store.client.label));
          }
          break;
        case 'not-due':
          break;
      }
    }
  }

  private async warn(message: string): Promise<void> {
    const showLog = localize('Show Log');
    const openSettings = localize('Open Settings');
    const answer = await vscode.window.showWarningMessage(message, showLog, openSettings);
    if (answer === showLog) log().show();
    if (answer === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTING_SECTION}.backup.schedule`);
  }
}
