/**
 * Turning a command's argument into the network or container it means: a tree node, an object from a test
 * or a quick fix, a name or id; and asking with a QuickPick when there is none.
 */
import * as vscode from 'vscode';
import type { ExplorerStore } from '../model/store';
import type { ContainerModel, NetworkModel } from '../model/types';
import { localize } from '../l10n';
import type { Prompts } from './prompts';

export function networkFrom(store: ExplorerStore, ref: unknown): NetworkModel | undefined {
  if (!ref) return undefined;
  if (typeof ref === 'string') return store.network(ref) ?? store.networkByName(ref);
  const r = ref as { kind?: string; id?: string; networkId?: string; network?: string };
  if (r.kind === 'network' && r.id) return store.network(r.id);
  if (r.kind === 'member' && r.networkId) return store.network(r.networkId);
  if (typeof r.network === 'string') return networkFrom(store, r.network);
  return undefined;
}

export function containerFrom(store: ExplorerStore, ref: unknown): ContainerModel | undefined {
  if (!ref) return undefined;
  if (typeof ref === 'string') {
    return store.container(ref) ?? store.containers().find((c) => c.name === ref || c.id.startsWith(ref));
  }
  const r = ref as { kind?: string; containerId?: string; container?: string };
  if ((r.kind === 'member' || r.kind === 'user') && r.containerId) return store.container(r.containerId);
  if (typeof r.container === 'string') return containerFrom(store, r.container);
  return undefined;
}

type Pick<T> = vscode.QuickPickItem & { value: T };

export async function pickNetwork(prompts: Prompts, networks: NetworkModel[], placeHolder: string): Promise<NetworkModel | undefined> {
  if (networks.length === 0) {
    void vscode.window.showInformationMessage(localize('There is no network to choose from.'));
    return undefined;
  }
  const items = networks.map((n): Pick<NetworkModel> => ({
    label: n.name, description: [n.driver, n.subnets[0]?.subnet].filter(Boolean).join(' · '), value: n,
  }));
  return (await prompts.pick(items, { placeHolder, matchOnDescription: true }))?.value;
}

export async function pickContainers(prompts: Prompts, containers: ContainerModel[], placeHolder: string, canPickMany: boolean): Promise<ContainerModel[] | undefined> {
  if (containers.length === 0) {
    void vscode.window.showInformationMessage(localize('There is no container to choose from.'));
    return undefined;
  }
  const items = containers.map((c): Pick<ContainerModel> => ({
    label: c.name, description: [c.state, c.image].join(' · '), value: c,
  }));
  if (canPickMany) {
    const picked = await prompts.pickMany(items, { placeHolder, matchOnDescription: true });
    return picked && picked.length ? picked.map((p) => p.value) : undefined;
  }
  const picked = await prompts.pick(items, { placeHolder, matchOnDescription: true });
  return picked ? [picked.value] : undefined;
}

/** A command's argument object, when it was called with one (tests, quick fixes), else undefined. */
export function argsObject<T extends object>(arg: unknown, key: keyof T): T | undefined {
  return arg && typeof arg === 'object' && key in (arg as object) && !('kind' in (arg as object)) ? arg as T : undefined;
}
