/**
 * The QuickPicks of the commands: a network, containers, volumes, and the folder a backup goes to; each says so
 * when there is nothing to choose from.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../model/format';
import type { EngineStore } from '../model/store';
import type { ContainerModel, NetworkModel, VolumeModel } from '../model/types';
import { localize } from '../l10n';
import type { Prompts } from './prompts';

/** An item that carries what it stands for. */
type ValueItem<T> = vscode.QuickPickItem & { value: T };

export async function pickNetwork(prompts: Prompts, networks: NetworkModel[], placeHolder: string): Promise<NetworkModel | undefined> {
  if (networks.length === 0) {
    void vscode.window.showInformationMessage(localize('There is no network to choose from.'));
    return undefined;
  }
  const items = networks.map((n): ValueItem<NetworkModel> => ({
    label: n.name, description: [n.driver, n.subnets[0]?.subnet].filter(Boolean).join(' · '), value: n,
  }));
  return (await prompts.pick(items, { placeHolder, matchOnDescription: true }))?.value;
}

export async function pickContainers(prompts: Prompts, containers: ContainerModel[], placeHolder: string, canPickMany: boolean): Promise<ContainerModel[] | undefined> {
  if (containers.length === 0) {
    void vscode.window.showInformationMessage(localize('There is no container to choose from.'));
    return undefined;
  }
  const items = containers.map((c): ValueItem<ContainerModel> => ({
    label: c.name, description: [c.state, c.image].join(' · '), value: c,
  }));
  if (canPickMany) {
    const picked = await prompts.pickMany(items, { placeHolder, matchOnDescription: true });
    return picked && picked.length ? picked.map((p) => p.value) : undefined;
  }
  const picked = await prompts.pick(items, { placeHolder, matchOnDescription: true });
  return picked ? [picked.value] : undefined;
}

export function volumeDescription(store: EngineStore, v: VolumeModel): string {
  const size = store.usageOf(v.name)?.size;
  const users = store.usersOf(v).length;
  return [v.driver, size !== undefined && size >= 0 ? formatBytes(size) : undefined, users ? localize('{0} container(s)', users) : localize('unused'), v.project && localize('project {0}', v.project)]
    .filter(Boolean).join(' · ');
}

export async function pickVolumes(store: EngineStore, prompts: Prompts, title: string, placeHolder: string, canPickMany: boolean, filter: (v: VolumeModel) => boolean = () => true): Promise<string[] | undefined> {
  const volumes = store.volumes().filter(filter).sort((a, b) => Number(a.anonymous) - Number(b.anonymous) || a.name.localeCompare(b.name));
  if (!volumes.length) {
    void vscode.window.showInformationMessage(localize('There is no volume to choose from.'));
    return undefined;
  }
  const items: ValueItem<string>[] = volumes.map((v) => ({
    value: v.name, label: v.anonymous ? `$(circle-large-outline) ${v.name.slice(0, 12)}` : `$(database) ${v.name}`,
    description: volumeDescription(store, v),
  }));
  if (canPickMany) {
    const picked = await prompts.pickMany(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true });
    return picked?.length ? picked.map((p) => p.value) : undefined;
  }
  const picked = await prompts.pick(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true });
  return picked ? [picked.value] : undefined;
}

/** The folder a backup goes to, picked in the file dialog. */
export function pickBackupFolder(prompts: Prompts, title: string, defaultFolder?: string): Promise<string | undefined> {
  return prompts.pickFolder({ title, openLabel: localize('Back Up Here'), defaultFolder });
}
