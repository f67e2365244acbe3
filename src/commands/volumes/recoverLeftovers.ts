/**
 * Each time an engine connects (at start and after every reconnect: an engine restart is when leftovers show),
 * resume the containers a dead editor paused during a backup and remove its helper containers
 * (backup/recovery.ts), and say so in the log. Nothing is asked: only the leftovers of processes that are gone
 * are touched.
 */
import type * as vscode from 'vscode';
import { recoverStaleHelpers } from '../../backup/recovery';
import { log } from '../../log';
import type { EngineSet } from '../../model/engines';
import type { EngineStore } from '../../model/store';

async function recover(store: EngineStore): Promise<void> {
  const engine = store.client.label;
  try {
    const outcome = await recoverStaleHelpers(store.client);
    if (outcome.resumed.length) {
      log().warn(`${engine}: resumed ${outcome.resumed.length} container(s) paused by a backup or clone whose editor stopped before resuming them: ${outcome.resumed.map((r) => r.name).join(', ')}`);
    }
    if (outcome.removed.length) {
      log().warn(`${engine}: removed ${outcome.removed.length} helper container(s) left by a backup, restore or clone whose editor stopped: ${outcome.removed.map((r) => `${r.name} (${r.owner})`).join(', ')}`);
    }
    for (const failure of outcome.failures) log().error(`${engine}: recovering after a stopped backup: ${failure}`);
  } catch (e) {
    log().error(`${engine}: could not look for helper containers left by a stopped backup`, e instanceof Error ? e : new Error(String(e)));
  }
}

/** Watches every engine of the set (also ones added later) and recovers on each connect. */
export function recoverLeftoversOnConnect(engines: EngineSet, subscriptions: vscode.Disposable[]): void {
  const watched = new Set<EngineStore>();
  const watch = () => {
    for (const { store } of engines.entries()) {
      if (watched.has(store)) continue;
      watched.add(store);
      let connected = store.state.status === 'connected';
      if (connected) void recover(store);
      subscriptions.push(store.onDidChange((change) => {
        if (!change.kinds.has('connection')) return;
        const now = store.state.status === 'connected';
        if (now && !connected) void recover(store);
        connected = now;
      }));
    }
  };
  watch();
  subscriptions.push(engines.onDidChange(watch));
}
