/**
 * Progress of the transfers (backup, restore, clone, verify): a cancellable notification whose bar follows bytes
 * and phases, and whose Cancel aborts the work's AbortSignal.
 */
import * as vscode from 'vscode';
import type { TransferProgress } from '../../backup/streams';
import { formatBytes } from '../../model/format';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';

/**
 * The volume's size for a progress total, when disk usage knows it. Starts a disk-usage call when a volume has
 * no size yet (made after the last one): the transfer does not wait for it, its total appears once known.
 */
export function sizeLookup(store: EngineStore, volumes: string[]): (volume: string) => number | undefined {
  if (volumes.some((v) => store.usageOf(v) === undefined)) void store.computeVolumeSizes().catch(() => undefined);
  return (volume) => {
    const size = store.usageOf(volume)?.size;
    return size !== undefined && size >= 0 ? size : undefined;
  };
}

export function describeProgress(p: TransferProgress): string {
  const done = formatBytes(p.bytes);
  const amount = p.total ? localize('{0} of {1}', done, formatBytes(p.total)) : done;
  const rate = p.rate > 0 ? ` · ${formatBytes(Math.round(p.rate))}/s` : '';
  const phase = p.phase === 'check' ? localize('checking the archive') : p.phase === 'restore' ? localize('restoring') : undefined;
  return `${phase ? `${phase}: ` : ''}${amount}${rate}`;
}

export interface ProgressReporter {
  /** Byte progress; `item` places it in a run over several volumes (the bar covers them all). */
  report(progress: TransferProgress, item?: { index: number; count: number }): void;
  say(message: string): void;
}

/** The share of the bar each phase covers: a restore checks the archive first (fast: no engine), then writes. */
const PHASE_SPAN: Record<TransferProgress['phase'], [number, number]> = {
  check: [0, 0.4], restore: [0.4, 1], backup: [0, 1], clone: [0, 1],
};

/**
 * A cancellable notification whose Cancel aborts the signal given to `work`; byte progress moves the bar
 * when a total is known (held below 100 % until the work returns: sizes from disk usage are estimates).
 */
export function withTransferProgress<T>(title: string, work: (signal: AbortSignal, progress: ProgressReporter) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    let shown = 0;
    const reporter: ProgressReporter = {
      report(p, item = { index: 0, count: 1 }) {
        const [from, to] = PHASE_SPAN[p.phase];
        const within = p.total ? from + (to - from) * Math.min(1, p.bytes / p.total) : from;
        const overall = Math.min(0.99, (item.index + within) / item.count);
        const increment = Math.max(0, overall * 100 - shown);
        shown += increment;
        const prefix = item.count > 1 ? `${p.volume} (${item.index + 1}/${item.count}) · ` : '';
        progress.report({ message: prefix + describeProgress(p), increment });
      },
      say(message) {
        progress.report({ message });
      },
    };
    try {
      return await work(controller.signal, reporter);
    } finally {
      subscription.dispose();
    }
  });
}

