/** The Volumes view: named volumes (optionally by Compose project), anonymous ones grouped, and their users. */
import * as vscode from 'vscode';
import type { ExplorerStore } from '../model/store';
import type { StoreChange, VolumeModel } from '../model/types';
import type { ExplorerSettings } from '../config';
import {
  describeVolume, describeVolumeUser, groupByProject, naturalOrder, type RowDescription, sortBy,
} from './describe';
import { ExplorerTree } from './explorerTree';
import { localize } from '../l10n';
import { groupItem } from './items';

export type VolumeNode =
  | { kind: 'project'; project: string }
  | { kind: 'anonymous' }
  | { kind: 'volume'; name: string }
  | { kind: 'user'; volume: string; containerId: string; destination: string };

export class VolumesTreeProvider extends ExplorerTree<VolumeNode> {
  /** The last and next scheduled backup of a volume, from the backup scheduler (set once it exists). */
  scheduleTimes: (volume: string) => { last?: number; next?: number } | undefined = () => undefined;

  /** `current`: this is the current engine's tree, whose volumes the workspace's backup schedule is about. */
  constructor(store: ExplorerStore, private readonly settings: () => ExplorerSettings, private readonly current = true) {
    super(store, ['volumes', 'containers', 'sizes']);
  }

  /**
   * A change that leaves the set of volumes as it was (a mount, a container that mounts volumes starting or
   * stopping) redraws the rows of the volumes it touched, not all 10,000.
   */
  protected override onStoreChange(change: StoreChange): void {
    const { kinds, volumeRows } = change;
    const full = !volumeRows || kinds.has('connection') || kinds.has('sizes');
    if (full) { super.onStoreChange(change); return; }
    this.refreshKeyedRows(volumeRows);
  }

  private volumeNode(name: string): VolumeNode {
    return this.keyedRow(name, () => ({ kind: 'volume', name }));
  }

  private sorted(volumes: VolumeModel[]): VolumeModel[] {
    return sortBy(volumes, this.settings().sortBy);
  }

  /** Volumes show as soon as their list is in (cold start), without waiting for containers or aliases. */
  getChildren(node?: VolumeNode): VolumeNode[] {
    if (!this.store.listed('volumes')) return [];
    if (node?.kind === 'volume') {
      const volume = this.store.volume(node.name);
      if (!volume) return [];
      return this.store.usersOf(volume)
        .sort((a, b) => naturalOrder.compare(a.container.name, b.container.name))
        .map((u) => ({ kind: 'user', volume: volume.name, containerId: u.container.id, destination: u.mount.destination }));
    }
    if (node?.kind === 'user') return [];
    // Only the root and the groups walk the whole list: each volume row asks for its own children (to know whether
    // it can be expanded), and doing this for each of 10,000 rows made one redraw take seconds.
    const all = this.store.volumes();
    const named = all.filter((v) => !v.anonymous);
    const anonymous = all.filter((v) => v.anonymous);
    if (!node) {
      const tail: VolumeNode[] = anonymous.length ? [{ kind: 'anonymous' }] : [];
      if (!this.settings().groupByProject) return [...this.sorted(named).map((v) => this.volumeNode(v.name)), ...tail];
      const { projects, rest } = groupByProject(named);
      return [
        ...[...projects.keys()].map((project): VolumeNode => ({ kind: 'project', project })),
        ...this.sorted(rest).map((v) => this.volumeNode(v.name)),
        ...tail,
      ];
    }
    if (node.kind === 'project') return this.sorted(named.filter((v) => v.project === node.project)).map((v) => this.volumeNode(v.name));
    return this.sorted(anonymous).map((v) => this.volumeNode(v.name));
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
      const schedule = this.current ? this.settings().backupSchedule : undefined;
      const scheduled = schedule?.volumes.has(node.name) ? { interval: schedule.interval, keep: schedule.keep, ...this.scheduleTimes(node.name) } : undefined;
      if (!volume) return undefined;
      const users = this.store.listed('containers') ? this.store.usersOf(volume) : undefined;
      return describeVolume(volume, users, this.store.usageOf(volume.name), localize, scheduled);
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
    const id = node.kind === 'volume' ? `volume:${node.name}` : `user:${node.volume}:${node.containerId}:${node.destination}`;
    return this.rowItem(id, node, node.kind === 'volume');
  }
}
