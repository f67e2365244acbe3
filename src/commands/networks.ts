/** Registers the network actions: create, connect, disconnect, remove, prune, test connectivity. */
import * as vscode from 'vscode';
import { COMMAND } from '../ids';
import type { ExplorerStore } from '../model/store';
import { registerCommand } from './index';
import { connectNetwork } from './networks/connectNetwork';
import { createNetwork } from './networks/createNetwork';
import { disconnectNetwork } from './networks/disconnectNetwork';
import { pruneNetworks } from './networks/pruneNetworks';
import { removeNetwork } from './networks/removeNetwork';
import { testConnectivity } from './networks/testConnectivity';
import type { ProtectedResourcesProvider } from './protection';

export function registerNetworkCommands(store: ExplorerStore, protectedResources: ProtectedResourcesProvider): vscode.Disposable[] {
  return [
    registerCommand(COMMAND.createNetwork, (arg) => createNetwork(store, arg)),
    registerCommand(COMMAND.connectNetwork, (arg) => connectNetwork(store, arg)),
    registerCommand(COMMAND.disconnectNetwork, (arg) => disconnectNetwork(store, arg)),
    registerCommand(COMMAND.removeNetwork, (arg) => removeNetwork(store, arg)),
    registerCommand(COMMAND.pruneNetworks, (arg) => pruneNetworks(store, protectedResources, arg)),
    registerCommand(COMMAND.testConnectivity, (arg) => testConnectivity(store, arg)),
  ];
}
