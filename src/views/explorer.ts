/**
 * The two tree views and the context keys that drive their welcome content. The engine's state reaches the
 * user here, as the views' message and welcome content, never as a pop-up per failed request.
 */
import * as vscode from 'vscode';
import type { ExplorerSettings } from '../config';
import { CONTEXT, VIEW } from '../ids';
import { type EngineError, type UnreachableReason, unreachableReason } from '../engine/errors';
import { log } from '../log';
import type { EngineSet } from '../model/engines';
import { EngineTree, type Tagged } from './engineTree';
import { localize } from '../l10n';
import { type NetworkNode, NetworksTreeProvider } from './networksTree';
import { noScheduleTimes, type ScheduleTimes, type VolumeNode, VolumesTreeProvider } from './volumesTree';

export interface Explorer {
  /** The current engine's trees (what the views show when there is one engine). */
  networksTree: NetworksTreeProvider;
  volumesTree: VolumesTreeProvider;
  /** What the views show: every engine, each under its own row when there are several. */
  networksEngineTree: EngineTree<NetworkNode, NetworksTreeProvider>;
  volumesEngineTree: EngineTree<VolumeNode, VolumesTreeProvider>;
  networksView: vscode.TreeView<Tagged<NetworkNode>>;
  volumesView: vscode.TreeView<Tagged<VolumeNode>>;
  /** Re-applies settings (built-ins, grouping, sort) to both trees and their context keys. */
  applySettings(): void;
}

/** Which engine and why, short enough for the view header; the full message is in the log. */
function shortReason(host: string, error: EngineError): string {
  const why: Record<UnreachableReason, string> = {
    noSocket: localize('no socket there'),
    refused: localize('connection refused'),
    closed: localize('connection closed'),
    permission: localize('permission denied'),
    timeout: localize('no answer'),
    misconfigured: localize('invalid configuration'),
    certificate: localize('TLS certificate problem'),
    hostKey: localize('SSH host key not trusted'),
    other: error.message,
  };
  return `${host} · ${why[unreachableReason(error)]}`;
}

/** How long cached sizes count as fresh when the Volumes view is shown again. */
const SIZES_MAX_AGE_MS = 5 * 60_000;

/** `scheduleTimes`: a volume's last and next scheduled backup, shown on the current engine's rows. */
export function createExplorer(engines: EngineSet, readSettings: () => ExplorerSettings, scheduleTimes: ScheduleTimes, subscriptions: vscode.Disposable[]): Explorer {
  const store = engines.primary;
  // Read once per settings change (applySettings), not per tree row: describing a row asks for them.
  let current = readSettings();
  const settings = () => current;
  const networksEngineTree = new EngineTree<NetworkNode, NetworksTreeProvider>(engines, (s) => new NetworksTreeProvider(s, settings));
  const volumesEngineTree = new EngineTree<VolumeNode, VolumesTreeProvider>(engines, (s) => new VolumesTreeProvider(s, settings, s === engines.primary, s === engines.primary ? scheduleTimes : noScheduleTimes));
  const networksTree = networksEngineTree.treeOf(store);
  const volumesTree = volumesEngineTree.treeOf(store);
  // Several rows at once (Ctrl/Shift-click): remove, back up and topology act on the selection (src/selection.ts).
  const networksView = vscode.window.createTreeView(VIEW.networks, { treeDataProvider: networksEngineTree, showCollapseAll: true, canSelectMany: true });
  const volumesView = vscode.window.createTreeView(VIEW.volumes, { treeDataProvider: volumesEngineTree, showCollapseAll: true, canSelectMany: true });
  subscriptions.push(networksEngineTree, volumesEngineTree, networksView, volumesView);

  // Each context key and view description sent goes to the workbench, which redraws the views' title and welcome
  // content for it: only changes are sent (the store changes many times while it loads).
  const sentContext = new Map<string, unknown>();
  const setContext = (key: string, value: unknown) => {
    if (sentContext.has(key) && sentContext.get(key) === value) return;
    sentContext.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  const setDescription = (description: string) => {
    if (networksView.description !== description) networksView.description = description;
    if (volumesView.description !== description) volumesView.description = description;
  };
  let lastState = '';
  let lastReason = '';

  const sizesWhenVisible = () => {
    if (!volumesView.visible) return;
    for (const { store: s } of engines.entries()) {
      if (!s.loaded) continue;
      s.computeVolumeSizes({ maxAgeMs: SIZES_MAX_AGE_MS }).catch((e: unknown) => log().warn(`volume sizes on ${s.client.label}: ${(e as Error).message}`));
    }
  };

  const update = () => {
    const state = store.state;
    if (state.status !== lastState) {
      lastState = state.status;
      setContext(CONTEXT.engineState, state.status);
      log().info(`engine ${store.client.label}: ${state.status}${state.status === 'connected' ? ` (Engine ${state.version.Version}, API ${store.client.negotiatedApiVersion})` : ''}`);
    }
    // Welcome content only shows while a view has no message (none is set), so the exact reason goes in the views'
    // description (beside the title) and the log, and a context key picks the welcome view's hint.
    if (state.status === 'unreachable') {
      const reason = state.error.message;
      if (reason !== lastReason) log().warn(reason);
      lastReason = reason;
      setContext(CONTEXT.engineProblem, unreachableReason(state.error));
    } else {
      lastReason = '';
      setContext(CONTEXT.engineProblem, undefined);
    }
    setContext(CONTEXT.networksEmpty, store.listed('networks') && networksTree.visibleNetworks().length === 0);
    setContext(CONTEXT.volumesEmpty, store.listed('volumes') && store.volumes().length === 0);
    const count = engines.entries().length;
    setDescription(count > 1 ? localize('{0} engines', count)
      : state.status === 'connected' ? localize('Engine {0}', state.version.Version ?? '?')
      : state.status === 'unreachable' ? shortReason(store.client.endpoint.host, state.error)
        : localize('Connecting to {0}…', store.client.label));
  };

  subscriptions.push(store.onDidChange((change) => {
    update();
    if (change.kinds.has('connection')) sizesWhenVisible();
  }));
  subscriptions.push(volumesView.onDidChangeVisibility(sizesWhenVisible));
  subscriptions.push(engines.onDidChange(() => { update(); sizesWhenVisible(); }));

  const settingKeys = () => {
    setContext(CONTEXT.showBuiltIns, current.showBuiltIns);
    setContext(CONTEXT.groupByProject, current.groupByProject);
    setContext(CONTEXT.sortBy, current.sortBy);
  };
  const applySettings = () => {
    current = readSettings();
    settingKeys();
    for (const { store: s } of engines.entries()) {
      networksEngineTree.treeOf(s).refresh();
      volumesEngineTree.treeOf(s).refresh();
    }
    update();
  };
  // The first context keys go out once activation has returned: each is a command round trip, and together they
  // were 15-17 ms of activate in the workbench (a CPU profile of the host, npm run bench:scale). The views are drawn
  // after activate returns anyway, and the settings were just read (current).
  const first = setImmediate(() => { settingKeys(); update(); });
  subscriptions.push({ dispose: () => clearImmediate(first) });
  return { networksTree, volumesTree, networksEngineTree, volumesEngineTree, networksView, volumesView, applySettings };
}
