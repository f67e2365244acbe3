/** Composition root: builds the engine client, the store and the adapters, and registers them. No logic. */
import * as vscode from 'vscode';
import { registerCommand } from './commands';
import { computeSizes, configureEngine, groupByProject, refresh, showBuiltIns, sortBy } from './commands/explorer';
import { INSPECT_SCHEME, InspectDocumentProvider, inspect } from './commands/inspect';
import { registerNetworkCommands } from './commands/networks';
import { nothingProtected } from './commands/protection';
import { reveal } from './commands/reveal';
import { affectsEngine, affectsExplorer, engineSettings, explorerSettings } from './config';
import { EngineClient } from './engine/client';
import { resolveEndpointOrError } from './engine/connection';
import { COMMAND } from './ids';
import { log } from './log';
import { ExplorerStore } from './model/store';
import { createExplorer, type Explorer } from './views/explorer';

export interface ExtensionApi {
  store: ExplorerStore;
  explorer: Explorer;
}

function makeClient(): EngineClient {
  const s = engineSettings();
  return new EngineClient(resolveEndpointOrError({ hostSetting: s.host, certPathSetting: s.certPath, tlsVerifySetting: s.tlsVerify }));
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const subscriptions = context.subscriptions;
  subscriptions.push(log());

  const store = new ExplorerStore(makeClient());
  subscriptions.push({ dispose: () => void store.stop() });
  subscriptions.push({ dispose: store.onDidFail((e) => log().error('engine', e instanceof Error ? e : new Error(String(e)))) });

  const explorer = createExplorer(store, explorerSettings, subscriptions);
  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(store)));

  subscriptions.push(
    registerCommand(COMMAND.refresh, () => refresh(store)),
    registerCommand(COMMAND.retryConnection, () => store.retryNow()),
    registerCommand(COMMAND.configureEngine, configureEngine),
    registerCommand(COMMAND.showLog, () => log().show()),
    registerCommand(COMMAND.inspect, (node) => inspect(store, node)),
    registerCommand(COMMAND.showBuiltIns, showBuiltIns(true)),
    registerCommand(COMMAND.hideBuiltIns, showBuiltIns(false)),
    registerCommand(COMMAND.groupByProject, groupByProject(true)),
    registerCommand(COMMAND.ungroup, groupByProject(false)),
    registerCommand(COMMAND.sortByName, sortBy('name')),
    registerCommand(COMMAND.sortByCreated, sortBy('created')),
    registerCommand(COMMAND.computeSizes, () => computeSizes(store)),
    registerCommand(COMMAND.reveal, (arg) => reveal(store, explorer, arg)),
    ...registerNetworkCommands(store, nothingProtected),
  );

  subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (affectsExplorer(e)) explorer.applySettings();
    if (affectsEngine(e)) {
      void store.switchEngine(makeClient());
    }
  }));

  store.start();
  return { store, explorer };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
