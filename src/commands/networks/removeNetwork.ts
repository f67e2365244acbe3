/**
 * Remove a network. Built-ins have no remove action. A network in use is not removed: the message lists its
 * containers and offers to disconnect them first. Called with `{ network, disconnect? }` (another extension, a
 * test) it still asks before removing.
 */
import * as vscode from 'vscode';
import { isRemovable } from '../../model/networkRules';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import { givenArgs, networkFrom } from '../../args';
import { pickNetwork } from '../pick';
import type { Prompts } from '../prompts';

export interface RemoveArgs {
  network: string;
  /** Disconnect the containers on it first (the user's "Disconnect and Remove"). */
  disconnect?: boolean;
}

export async function removeNetwork(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<boolean> {
  const given = givenArgs<RemoveArgs>(arg, 'network');
  const network = networkFrom(store, given?.network ?? arg)
    ?? (given ? undefined : await pickNetwork(prompts, store.networks().filter(isRemovable), localize('Remove which network?')));
  if (!network) {
    if (given) throw new Error(localize('No network "{0}" on this engine.', given.network));
    return false;
  }
  if (!isRemovable(network)) throw new Error(localize('{0} is a built-in network of the engine and cannot be removed.', network.name));

  const members = store.membersOf(network);
  const disconnect = members.length > 0;
  if (members.length) {
    const list = members.map((m) => `${m.container.name} (${m.container.state})`).join(', ');
    const message = localize('Network {0} is in use by {1} container(s): {2}. It was not removed.', network.name, members.length, list);
    if (given && !given.disconnect) throw new Error(message);
    const answer = await prompts.confirm(message, { detail: localize('Disconnect them and remove the network? The containers keep running on their other networks.'), actions: [localize('Disconnect and Remove')] });
    if (!answer) return false;
  } else {
    const answer = await prompts.confirm(localize('Remove network {0}?', network.name), { detail: localize('No container uses it.'), actions: [localize('Remove')] });
    if (!answer) return false;
  }

  const target = network;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Removing network {0}…', target.name) },
    async () => {
      if (disconnect) for (const m of members) await store.client.disconnectNetwork(target.id, m.container.id, true);
      await store.client.removeNetwork(target.id);
    },
  );
  void vscode.window.showInformationMessage(disconnect && members.length
    ? localize('Disconnected {0} container(s) and removed network {1}.', members.length, target.name)
    : localize('Removed network {0}.', target.name));
  return true;
}
