/**
 * The two tree views and the context keys that drive their welcome content. The engine's state reaches the
 * user here, as the views' message and welcome content, never as a pop-up per failed request.
 */
import * as vscode from 'vscode';
import type { ExplorerSettings } from '../config';
import { CONTEXT, VIEW } from '../ids';
import { type EngineError, type UnreachableReason, unreachableReason } from '../engine/errors';
import { log } from '../log';
import type { ExplorerStore } from '../model/store';
import { localize } from './items';
import { type NetworkNode, NetworksTreeProvider } from './networksTree';
import { type VolumeNode, VolumesTreeProvider } from './volumesTree';

export interface Explorer {
  networksTree: NetworksTreeProvider;
  volumesTree: VolumesTreeProvider;
  networksView: vscode.TreeView<NetworkNode>;
  volumesView: vscode.TreeView<VolumeNode>;
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
    other: error.message,
  };
  return `${host} · ${why[unreachableReason(error)]}`;
}

/** How long cached sizes count as fresh when the Volumes view is shown again. */
const SIZES_MAX_AGE_MS = 5 * 60_000;

export function createExplorer(store: ExplorerStore, settings: () => ExplorerSettings, subscriptions: vscode.Disposable[]): Explorer {
  const networksTree = new NetworksTreeProvider(store, settings);
  const volumesTree = new VolumesTreeProvider(store, settings);
  const networksView = vscode.window.createTreeView(VIEW.networks, { treeDataProvider: networksTree, showCollapseAll: true });
  const volumesView = vscode.window.createTreeView(VIEW.volumes, { treeDataProvider: volumesTree, showCollapseAll: true });
  subscriptions.push(networksTree, volumesTree, networksView, volumesView);

  const setContext = (key: string, value: unknown) => vscode.commands.executeCommand('setContext', key, value);
  let lastState = '';
  let lastReason = '';

  const sizesWhenVisible = () => {
    if (!volumesView.visible || !store.loaded) return;
    store.computeVolumeSizes({ maxAgeMs: SIZES_MAX_AGE_MS }).catch((e: unknown) => log().warn(`volume sizes: ${(e as Error).message}`));
  };

  const update = () => {
    const state = store.state;
    if (state.status !== lastState) {
      lastState = state.status;
      void setContext(CONTEXT.engineState, state.status);
      log().info(`engine ${store.client.label}: ${state.status}${state.status === 'connected' ? ` (Engine ${state.version.Version}, API ${store.client.negotiatedApiVersion})` : ''}`);
    }
    // Welcome content only shows while a view has no message, so the exact reason goes in the views'
    // description (beside the title) and the log, and a context key picks the welcome view's hint.
    networksView.message = volumesView.message = undefined;
    if (state.status === 'unreachable') {
      const reason = state.error.message;
      if (reason !== lastReason) log().warn(reason);
      lastReason = reason;
      void setContext(CONTEXT.engineProblem, unreachableReason(state.error));
    } else {
      lastReason = '';
      void setContext(CONTEXT.engineProblem, undefined);
    }
    const loaded = store.loaded;
    void setContext(CONTEXT.networksEmpty, loaded && networksTree.visibleNetworks().length === 0);
    void setContext(CONTEXT.volumesEmpty, loaded && store.volumes().length === 0);
    networksView.description = volumesView.description = state.status === 'connected' ? localize('Engine {0}', state.version.Version ?? '?')
      : state.status === 'unreachable' ? shortReason(store.client.endpoint.host, state.error)
        : localize('Connecting to {0}…', store.client.label);
  };

  subscriptions.push({ dispose: store.onDidChange((change) => {
    update();
    if (change.kinds.has('connection')) sizesWhenVisible();
  }) });
  subscriptions.push(volumesView.onDidChangeVisibility(sizesWhenVisible));

  const applySettings = () => {
    const s = settings();
    void setContext(CONTEXT.showBuiltIns, s.showBuiltIns);
    void setContext(CONTEXT.groupByProject, s.groupByProject);
    void setContext(CONTEXT.sortBy, s.sortBy);
    networksTree.refresh();
    volumesTree.refresh();
    update();
  };
  applySettings();
  return { networksTree, volumesTree, networksView, volumesView, applySettings };
}
