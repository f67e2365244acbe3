/** Registers the network actions: create, connect, disconnect, remove, prune, test connectivity. */
import * as vscode from 'vscode';
import { COMMAND } from '../ids';
import type { EngineStore } from '../model/store';
import { registerCommand } from './index';
import { connectNetwork } from './networks/connectNetwork';
import { createNetwork } from './networks/createNetwork';
import { disconnectNetwork } from './networks/disconnectNetwork';
import { pruneNetworks } from './networks/pruneNetworks';
import { removeNetwork } from './networks/removeNetwork';
import { testConnectivity } from './networks/testConnectivity';
import type { ProtectedResourcesProvider } from './protection';
import type { Prompts } from './prompts';

/**
 * `storeFor` picks the engine a command acts on: its tree row's engine, or the current one; every question goes
 * through `prompts`; what is registered goes into `subscriptions`.
 */
export function registerNetworkCommands(storeFor: (arg: unknown) => EngineStore, prompts: Prompts, protectedResources: ProtectedResourcesProvider, subscriptions: vscode.Disposable[]): void {
  subscriptions.push(
    registerCommand(COMMAND.createNetwork, (arg) => createNetwork(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.connectNetwork, (arg) => connectNetwork(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.disconnectNetwork, (arg) => disconnectNetwork(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.removeNetwork, (arg, selection) => removeNetwork(storeFor(arg), prompts, arg, selection)),
    registerCommand(COMMAND.pruneNetworks, (arg) => pruneNetworks(storeFor(arg), prompts, protectedResources, arg)),
    registerCommand(COMMAND.testConnectivity, (arg) => testConnectivity(storeFor(arg), prompts, arg)),
  );
}
