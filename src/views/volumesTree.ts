/** The Volumes view: named volumes (optionally by Compose project), anonymous ones grouped, and their users. */
import * as vscode from 'vscode';
import type { ExplorerStore } from '../model/store';
import type { VolumeModel } from '../model/types';
import type { ExplorerSettings } from '../config';
import {
  describeVolume, describeVolumeUser, groupByProject, naturalOrder, type RowDescription, sortBy,
} from './describe';
import { groupItem, localize, markdownTooltip, toTreeItem } from './items';

export type VolumeNode =
  | { kind: 'project'; project: string }
  | { kind: 'anonymous' }
  | { kind: 'volume'; name: string }
  | { kind: 'user'; volume: string; containerId: string; destination: string };

export class VolumesTreeProvider implements vscode.TreeDataProvider<VolumeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VolumeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stopListening: () => void;

  constructor(private readonly store: ExplorerStore, private settings: () => ExplorerSettings) {
    this.stopListening = store.onDidChange((change) => {
      if (change.kinds.has('volumes') || change.kinds.has('containers') || change.kinds.has('sizes') || change.kinds.has('connection')) this.refresh();
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.stopListening();
    this.changed.dispose();
  }

  private sorted(volumes: VolumeModel[]): VolumeModel[] {
    return sortBy(volumes, this.settings().sortBy);
  }

  getChildren(node?: VolumeNode): VolumeNode[] {
    if (!this.store.loaded) return [];
    const all = this.store.volumes();
    const named = all.filter((v) => !v.anonymous);
    const anonymous = all.filter((v) => v.anonymous);
    if (!node) {
      const tail: VolumeNode[] = anonymous.length ? [{ kind: 'anonymous' }] : [];
      if (!this.settings().groupByProject) return [...this.sorted(named).map((v): VolumeNode => ({ kind: 'volume', name: v.name })), ...tail];
      const { projects, rest } = groupByProject(named);
      return [
        ...[...projects.keys()].map((project): VolumeNode => ({ kind: 'project', project })),
        ...this.sorted(rest).map((v): VolumeNode => ({ kind: 'volume', name: v.name })),
        ...tail,
      ];
    }
    if (node.kind === 'project') return this.sorted(named.filter((v) => v.project === node.project)).map((v) => ({ kind: 'volume', name: v.name }));
    if (node.kind === 'anonymous') return this.sorted(anonymous).map((v) => ({ kind: 'volume', name: v.name }));
    if (node.kind === 'volume') {
      const volume = this.store.volume(node.name);
      if (!volume) return [];
      return this.store.usersOf(volume)
        .sort((a, b) => naturalOrder.compare(a.container.name, b.container.name))
        .map((u) => ({ kind: 'user', volume: volume.name, containerId: u.container.id, destination: u.mount.destination }));
    }
    return [];
  }

  getParent(node: VolumeNode): VolumeNode | undefined {
    if (node.kind === 'user') return { kind: 'volume', name: node.volume };
    if (node.kind === 'volume') {
      const volume = this.store.volume(node.name);
      if (volume?.anonymous) return { kind: 'anonymous' };
      if (volume?.project && this.settings().groupByProject) return { kind: 'project', project: volume.project };
    }
    return undefined;
  }

  describe(node: VolumeNode): RowDescription | undefined {
    if (node.kind === 'volume') {
      const volume = this.store.volume(node.name);
      return volume && describeVolume(volume, this.store.usersOf(volume), this.store.usageOf(volume.name), localize);
    }
    if (node.kind === 'user') {
      const volume = this.store.volume(node.volume);
      const user = volume && this.store.usersOf(volume).find((u) => u.container.id === node.containerId && u.mount.destination === node.destination);
      return user && describeVolumeUser(user, localize);
    }
    return undefined;
  }

  getTreeItem(node: VolumeNode): vscode.TreeItem {
    if (node.kind === 'project') {
      const count = this.store.volumes().filter((v) => !v.anonymous && v.project === node.project).length;
      return groupItem(`project:${node.project}`, node.project, localize('Compose project · {0}', count), 'layers', 'volumeProject');
    }
    if (node.kind === 'anonymous') {
      const count = this.store.volumes().filter((v) => v.anonymous).length;
      const item = groupItem('anonymous', localize('Anonymous volumes'), String(count), 'circle-large-outline', 'volumeAnonymousGroup');
      item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
      item.tooltip = localize('Volumes the engine created for unnamed mounts (VOLUME in an image, or -v /path without a name).');
      return item;
    }
    const row = this.describe(node);
    const id = node.kind === 'volume' ? `volume:${node.name}` : `user:${node.volume}:${node.containerId}:${node.destination}`;
    if (!row) return new vscode.TreeItem(localize('(gone)'));
    const collapsible = node.kind === 'volume'
      ? (this.getChildren(node).length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None)
      : vscode.TreeItemCollapsibleState.None;
    return toTreeItem(id, row, collapsible);
  }

  resolveTreeItem(item: vscode.TreeItem, node: VolumeNode): vscode.TreeItem {
    const row = this.describe(node);
    if (row) item.tooltip = markdownTooltip(row.tooltip());
    return item;
  }
}
