/** Disconnect a container from a network (forced for stopped containers, which the engine otherwise refuses). */
import * as vscode from 'vscode';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import { containerFrom, givenArgs, networkFrom } from '../../args';
import { pickContainers, pickNetwork } from '../pick';
import type { Prompts } from '../prompts';

export async function disconnectNetwork(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<boolean> {
  const given = givenArgs<{ network: string; container: string; force?: boolean }>(arg, 'container');
  let network = networkFrom(store, given?.network ?? arg);
  if (!network) network = await pickNetwork(prompts, store.networks().filter((n) => store.membersOf(n).length > 0), localize('Disconnect from which network?'));
  if (!network) return false;
  const target = network;
  let container = containerFrom(store, given?.container ?? arg);
  if (!container) {
    container = (await pickContainers(prompts, store.membersOf(target).map((m) => m.container), localize('Disconnect which container from {0}?', target.name), false))?.[0];
  }
  if (!container) return false;
  if (given?.network && given.container && !network) throw new Error(localize('No network "{0}" on this engine.', given.network));
  const force = given?.force ?? container.state !== 'running';
  const who = container;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Disconnecting {0} from {1}…', who.name, target.name) },
    () => store.client.disconnectNetwork(target.id, who.id, force),
  );
  void vscode.window.showInformationMessage(localize('Disconnected {0} from {1}.', who.name, target.name));
  return true;
}
