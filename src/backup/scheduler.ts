/**
 * Runs a backup schedule against the current engine while the workspace is open. One timer, set for the moment
 * the next volume is due; when it fires, one pass backs up the due volumes and deletes old scheduled backups
 * (schedule.ts), then the timer is set again. Nobody is watching: the host (the editor's, in
 * src/commands/volumes/scheduleHost.ts) shows progress, logs, and tells the user of a failure once per volume
 * until that volume succeeds again (retried every 15 minutes meanwhile). When to plan, retry and tell is decided
 * here; how it is shown, there.
 */
import type { EngineStore } from '../model/store';
import { Emitter, type Disposable } from '../model/events';
import { earliestDue, RETRY_AFTER_FAILURE_MS, runScheduledBackups, type ScheduledRunOptions, type ScheduledVolumeOutcome, type ScheduleSettings } from './schedule';

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

/**
 * What happened, for the host to log and show. `tell` is set when the user is to hear of it: the first failure
 * of a streak (a volume's, or of whole passes), not every retry.
 */
export type SchedulerReport =
  | { kind: 'incomplete'; why: string }
  | { kind: 'passFailed'; error: unknown; tell: boolean }
  | { kind: 'backedUp'; outcome: ScheduledVolumeOutcome }
  | { kind: 'volumeFailed'; outcome: ScheduledVolumeOutcome; tell: boolean }
  | { kind: 'missing'; volume: string; tell: boolean };

/** The scheduler's view of its surroundings: the settings, and where progress and reports go. */
export interface SchedulerHost {
  /** The schedule as the settings describe it now; read at every pass. */
  state(): ScheduleState;
  /** Shows an unattended pass's progress: `onStart` as each volume starts, `done` when the pass ends. */
  passProgress(): { onStart(volume: string, index: number, count: number): void; done(): void };
  report(report: SchedulerReport): void;
}

export class BackupScheduler implements Disposable {
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

  constructor(private readonly store: EngineStore, private readonly host: SchedulerHost) {
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
    const state = this.host.state();
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
    const state = this.host.state();
    if (state.status !== 'on') {
      if (state.status === 'incomplete' && this.toldIncomplete !== state.why) {
        this.toldIncomplete = state.why;
        this.host.report({ kind: 'incomplete', why: state.why });
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
    const progress = this.host.passProgress();
    const pass = runScheduledBackups(this.store.client, settings, { lastFailure: this.lastFailure, signal: controller.signal, onStart: progress.onStart });
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
      const tell = !this.toldPassFailure;
      this.toldPassFailure = true;
      this.host.report({ kind: 'passFailed', error, tell });
      this.plan(RETRY_AFTER_FAILURE_MS);
    } finally {
      progress.done();
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
        case 'backed-up':
          this.lastFailure.delete(o.volume);
          this.told.delete(o.volume);
          this.host.report({ kind: 'backedUp', outcome: o });
          break;
        case 'failed':
          this.lastFailure.set(o.volume, Date.now());
          this.host.report({ kind: 'volumeFailed', outcome: o, tell: this.tellOnce(o.volume) });
          break;
        case 'missing':
          this.host.report({ kind: 'missing', volume: o.volume, tell: this.tellOnce(o.volume) });
          break;
        case 'not-due':
          break;
      }
    }
  }

  /** Whether a volume's problem is news: true the first time after a success (or ever), then false. */
  private tellOnce(volume: string): boolean {
    if (this.told.has(volume)) return false;
    this.told.add(volume);
    return true;
  }
}
