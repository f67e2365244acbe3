/**
 * Connect containers to a network. From a network row: choose among containers not on it. From a container
 * row under a network: choose another network for it. Aliases and a static address are optional and checked
 * against the network before anything is sent.
 */
import * as vscode from 'vscode';
import { checkAliases, checkConnectable, checkStaticAddress } from '../../model/networkRules';
import type { EngineStore } from '../../model/store';
import type { ContainerModel, NetworkModel } from '../../model/types';
import { localize } from '../../l10n';
import { containerFrom, givenArgs, networkFrom } from '../../args';
import { pickContainers, pickNetwork } from '../pick';
import type { Prompts } from '../prompts';

export interface ConnectArgs {
  network: string;
  containers: string[];
  aliases?: string[];
  ipv4?: string;
  ipv6?: string;
}

export async function connectNetwork(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<number> {
  let network: NetworkModel | undefined;
  let containers: ContainerModel[] | undefined;
  let aliases: string[] = [];
  let ipv4: string | undefined;
  let ipv6: string | undefined;

  const given = givenArgs<ConnectArgs>(arg, 'network', 'containers');
  if (given) {
    network = networkFrom(store, given.network);
    if (!network) throw new Error(localize('No network "{0}" on this engine.', given.network));
    containers = given.containers.map((c) => {
      const found = containerFrom(store, c);
      if (!found) throw new Error(localize('No container "{0}" on this engine.', c));
      return found;
    });
    const checked = checkAliases((given.aliases ?? []).join(','));
    if (checked.error) throw new Error(checked.error);
    aliases = checked.aliases;
    ipv4 = given.ipv4;
    ipv6 = given.ipv6;
  } else {
    const fromContainer = (arg as { kind?: string } | undefined)?.kind === 'member' ? containerFrom(store, arg) : undefined;
    if (fromContainer) {
      const current = new Set(fromContainer.attachments.map((a) => a.networkId));
      network = await pickNetwork(prompts, store.networks().filter((n) => !current.has(n.id) && !checkConnectable(n)),
        localize('Connect {0} to which network?', fromContainer.name));
      containers = network && [fromContainer];
    } else {
      network = networkFrom(store, arg) ?? await pickNetwork(prompts, store.networks().filter((n) => !checkConnectable(n)), localize('Connect containers to which network?'));
      if (!network) return 0;
      const target = network;
      const members = new Set(store.membersOf(target).map((m) => m.container.id));
      containers = await pickContainers(prompts, store.containers().filter((c) => !members.has(c.id)), localize('Containers to connect to {0}', target.name), true);
    }
    if (!network || !containers) return 0;
    const aliasText = await prompts.input({
      title: localize('Connect to {0}', network.name),
      prompt: localize('Aliases on this network, separated by commas (optional): other containers on it can use them as host names'),
      validateInput: (v) => checkAliases(v).error,
    });
    if (aliasText === undefined) return 0;
    aliases = checkAliases(aliasText).aliases;
    if (containers.length === 1 && network.subnets.some((s) => s.subnet) && !network.builtIn) {
      const target = network;
      const address = await prompts.input({
        title: localize('Connect to {0}', network.name),
        prompt: localize('Static IP address in {0} (optional; empty lets the engine choose)', network.subnets.map((s) => s.subnet).filter(Boolean).join(', ')),
        validateInput: (v) => (v.trim() ? checkStaticAddress(v, target, store.membersOf(target)) : undefined),
      });
      if (address === undefined) return 0;
      if (address.includes(':')) ipv6 = address.trim() || undefined; else ipv4 = address.trim() || undefined;
    }
  }

  const refused = checkConnectable(network);
  if (refused) throw new Error(localize('Not connected: {0}', refused));

  for (const address of [ipv4, ipv6]) {
    if (!address) continue;
    if (containers.length > 1) throw new Error(localize('A static address can be given to one container at a time.'));
    const problem = checkStaticAddress(address, network, store.membersOf(network));
    if (problem) throw new Error(localize('Not connected: {0}', problem));
  }

  const target = network;
  const list = containers;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Connecting to {0}…', target.name) },
    async () => {
      for (const c of list) await store.client.connectNetwork(target.id, c.id, { aliases, ipv4, ipv6 });
    },
  );
  const names = list.map((c) => c.name).join(', ');
  void vscode.window.showInformationMessage(aliases.length
    ? localize('Connected {0} to {1} with aliases {2}.', names, target.name, aliases.join(', '))
    : localize('Connected {0} to {1}.', names, target.name));
  return list.length;
}
