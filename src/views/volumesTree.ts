/** The Volumes view: named volumes (optionally by Compose project), anonymous ones grouped, and their users. */
import * as vscode from 'vscode';
import type { EngineStore } from '../model/store';
import type { StoreChange, VolumeModel } from '../model/types';
import type { ExplorerSettings } from '../config';
import {
  describeVolume, describeVolumeUser, groupByProject, naturalOrder, type RowDescription, sortBy,
} from './describe';
import { ExplorerTree } from './explorerTree';
import { localize } from '../l10n';
import { formatDate } from '../model/format';
import { groupItem } from './items';
import { type Range, RangePartition, rangeLabel } from './ranges';

export type VolumeNode =
  | { kind: 'project'; project: string }
  | { kind: 'anonymous' }
  /** Consecutive volumes of a large list (`parent`: '' the root, `project:NAME` or `anonymous`); see ranges.ts. */
  | { kind: 'range'; parent: string; id: string }
  | { kind: 'volume'; name: string }
  | { kind: 'user'; volume: string; containerId: string; destination: string };

/** A volume's last scheduled backup and when the next is due, once the schedule has looked at it. */
export type ScheduleTimes = (volume: string) => { last?: number; next?: number } | undefined;
export const noScheduleTimes: ScheduleTimes = () => undefined;

export class VolumesTreeProvider extends ExplorerTree<VolumeNode> {
  /** The last and next scheduled backup of a volume, from the backup scheduler (set once it exists). */

  /** `current`: this is the current engine's tree, whose volumes the workspace's backup schedule is about. */
  constructor(store: EngineStore, private readonly settings: () => ExplorerSettings, private readonly current = true, private readonly scheduleTimes: ScheduleTimes = noScheduleTimes) {
    super(store, ['volumes', 'containers', 'sizes'], 'volumes');
  }

  /**
   * A change that leaves the set of volumes as it was (a mount, a container that mounts volumes starting or
   * stopping) redraws the rows of the volumes it touched, not all 10,000.
   */
  protected override onStoreChange(change: StoreChange): void {
    const { kinds, volumeRows, volumesTouched } = change;
    // The sorted lists stay right while the set of volumes does: what a volume is sorted and grouped by (name,
    // creation time, project label) never changes. A change of the set either patches them or drops them.
    const setMayChange = (kinds.has('volumes') && !volumeRows) || kinds.has('connection');
    if (kinds.has('connection') || kinds.has('sizes')) { if (setMayChange) this.listsCache = undefined; super.onStoreChange(change); return; }
    if (volumeRows) { this.refreshKeyedRows(volumeRows); return; }
    if (volumesTouched && this.settings().groupAbove) { this.relistChangedParents(volumesTouched); return; }
    if (setMayChange) this.listsCache = undefined;
    super.onStoreChange(change);
  }

  /**
   * Volumes came or went: re-lists only what holds them. In a grouped list that is their range (the other
   * ranges, and the root, stay); a Compose project or the anonymous group is redrawn as one row (its count
   * changed); anything else (a list that is shown flat, a range split or merged, a project that came or went)
   * redraws the whole tree as before.
   */
  private relistChangedParents(touched: ReadonlySet<string>): void {
    const before = this.parentKeys;
    const lists = this.patchedLists(touched);
    if (before === undefined || !sameKeys(before, [...lists.keys()])) { this.refresh(); return; }
    const rows: VolumeNode[] = [];
    const keys: string[] = [];
    for (const [parent, sorted] of lists) {
      const { parent: whole, ranges } = this.partition(parent).update(sorted, this.threshold());
      if (parent === '') {
        if (whole) { this.refresh(); return; }
        for (const id of ranges) keys.push(rangeKey(parent, id));
      } else if (this.countOf(parent) !== sorted.length) {
        // Volumes only come and go here, so a group whose count is the same holds the same volumes.
        rows.push(this.groupNode(parent));
      }
      this.counts.set(parent, sorted.length);
    }
    this.refreshRows(rows);
    // A created volume's row is new in its range; a removed one's goes with it; one that stays is redrawn.
    this.refreshKeyedRows([...keys, ...[...touched].filter((name) => this.store.volume(name))]);
  }

  private volumeNode(name: string): VolumeNode {
    return this.keyedRow(name, () => ({ kind: 'volume', name }));
  }

  private rangeNode(parent: string, id: string): VolumeNode {
    return this.keyedRow(rangeKey(parent, id), () => ({ kind: 'range', parent, id }));
  }

  private groupNode(parent: string): VolumeNode {
    return this.keyedRow(`group:${parent}`, () => (parent === 'anonymous' ? { kind: 'anonymous' } : { kind: 'project', project: parent.slice('project:'.length) }));
  }

  // ---- large lists in ranges ------------------------------------------------------------------------------

  /** One partition per parent and sort order: boundaries survive redraws, so range rows keep their ids. */
  private readonly partitions = new Map<string, RangePartition<VolumeModel>>();
  /** The parents at the last layout ('' the root's own volumes, `project:NAME`, `anonymous`). */
  private parentKeys: string[] | undefined;
  /** How many volumes each group row last said it holds. */
  private readonly counts = new Map<string, number>();

  private threshold(): number {
    return this.settings().groupAbove ?? 0;
  }

  private partition(parent: string): RangePartition<VolumeModel> {
    const order = this.settings().sortBy;
    const key = `${order}|${parent}`;
    let partition = this.partitions.get(key);
    if (!partition) {
      partition = order === 'created'
        ? new RangePartition<VolumeModel>((a, b) => b.created - a.created || naturalOrder.compare(a.name, b.name), (v) => `${v.created}:${v.name}`)
        : new RangePartition<VolumeModel>((a, b) => naturalOrder.compare(a.name, b.name), (v) => v.name);
      this.partitions.set(key, partition);
    }
    return partition;
  }

  private countOf(parent: string): number | undefined {
    return this.counts.get(parent);
  }

  /** The last lists parentLists made, for the settings they were made with (patched by patchedLists). */
  private listsCache: { key: string; lists: Map<string, VolumeModel[]> } | undefined;

  private listsKey(): string {
    const { sortBy: order, groupByProject: grouped } = this.settings();
    return `${order}|${grouped}`;
  }

  private parentOf(volume: VolumeModel): string {
    if (volume.anonymous) return 'anonymous';
    return volume.project && this.settings().groupByProject ? `project:${volume.project}` : '';
  }

  /**
   * parentLists after a few volumes came, went or changed: the last lists with those moved (binary insertion),
   * instead of sorting 10,000 names again (Intl.Collator: ~100 ms on a loaded machine). Many: sorted anew.
   */
  private patchedLists(touched: ReadonlySet<string>): Map<string, VolumeModel[]> {
    const cache = this.listsCache;
    if (!cache || cache.key !== this.listsKey() || touched.size > 64) return this.parentLists();
    const lists = new Map(cache.lists);
    const byName = (a: VolumeModel, b: VolumeModel) => naturalOrder.compare(a.name, b.name);
    const compare = this.settings().sortBy === 'created' ? (a: VolumeModel, b: VolumeModel) => b.created - a.created || byName(a, b) : byName;
    for (const name of touched) {
      for (const [key, list] of lists) {
        const i = list.findIndex((v) => v.name === name);
        if (i < 0) continue;
        const copy = list.slice();
        copy.splice(i, 1);
        if (copy.length) lists.set(key, copy); else lists.delete(key);
        break;
      }
      const volume = this.store.volume(name);
      if (!volume) continue;
      const key = this.parentOf(volume);
      const list = (lists.get(key) ?? []).slice();
      let lo = 0;
      let hi = list.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (compare(list[mid], volume) < 0) lo = mid + 1; else hi = mid; }
      list.splice(lo, 0, volume);
      lists.set(key, list);
    }
    // The root's own list is there even when empty (parentLists always makes it).
    if (!lists.has('')) lists.set('', []);
    this.listsCache = { key: cache.key, lists };
    return lists;
  }

  /**
   * The lists as they are: the last ones made while the set of volumes has not changed since (onStoreChange drops
   * them when it does), so the workbench asking for the root again (a container came, the view was shown) does not
   * sort 10,000 names again (~100 ms of the host thread in a profile of the first load at 10,000 volumes).
   */
  private currentLists(): Map<string, VolumeModel[]> {
    const cache = this.listsCache;
    return cache && cache.key === this.listsKey() ? cache.lists : this.parentLists();
  }

  /** Each parent's volumes, sorted: the root's own ('' : all named ones, or those in no project), projects, anonymous. */
  private parentLists(): Map<string, VolumeModel[]> {
    const all = this.store.volumes();
    const named = all.filter((v) => !v.anonymous);
    const anonymous = all.filter((v) => v.anonymous);
    const lists = new Map<string, VolumeModel[]>();
    if (this.settings().groupByProject) {
      const { projects, rest } = groupByProject(named);
      for (const [project, volumes] of projects) lists.set(`project:${project}`, this.sorted(volumes));
      lists.set('', this.sorted(rest));
    } else {
      lists.set('', this.sorted(named));
    }
    if (anonymous.length) lists.set('anonymous', this.sorted(anonymous));
    this.listsCache = { key: this.listsKey(), lists };
    return lists;
  }

  /** The rows under a parent: its volumes, or their ranges when the list is large. */
  private rowsUnder(parent: string, sorted: VolumeModel[]): VolumeNode[] {
    const ranges = this.partition(parent).layout(sorted, this.threshold());
    this.counts.set(parent, sorted.length);
    if (!ranges) return sorted.map((v) => this.volumeNode(v.name));
    return ranges.map((r) => this.rangeNode(parent, r.id));
  }

  private rangeOf(node: { parent: string; id: string }): Range<VolumeModel> | undefined {
    return this.partition(node.parent).ranges?.find((r) => r.id === node.id);
  }

  /** The range row a volume is in, when its list is shown in ranges (for reveal). */
  private rangeHolding(volume: VolumeModel, parent: string): VolumeNode | undefined {
    const sorted = this.currentLists().get(parent);
    const ranges = sorted && this.partition(parent).layout(sorted, this.threshold());
    const range = ranges?.find((r) => r.items.some((v) => v.name === volume.name));
    return range && this.rangeNode(parent, range.id);
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
    if (node?.kind === 'range') return (this.rangeOf(node)?.items ?? []).map((v) => this.volumeNode(v.name));
    // Only the root and the groups walk the whole list: each volume row asks for its own children (to know whether
    // it can be expanded), and doing this for each of 10,000 rows made one redraw take seconds.
    const lists = this.currentLists();
    if (!node) {
      this.parentKeys = [...lists.keys()];
      for (const [parent, list] of lists) this.counts.set(parent, list.length);
      const groups: VolumeNode[] = [...lists.keys()].filter((k) => k.startsWith('project:')).map((k) => this.groupNode(k));
      const tail: VolumeNode[] = lists.has('anonymous') ? [this.groupNode('anonymous')] : [];
      return [...groups, ...this.rowsUnder('', lists.get('') ?? []), ...tail];
    }
    const parent = node.kind === 'project' ? `project:${node.project}` : 'anonymous';
    return this.rowsUnder(parent, lists.get(parent) ?? []);
  }

  getParent(node: VolumeNode): VolumeNode | undefined {
    if (node.kind === 'user') return { kind: 'volume', name: node.volume };
    if (node.kind === 'range') return node.parent ? this.groupNode(node.parent) : undefined;
    if (node.kind === 'volume') {
      const volume = this.store.volume(node.name);
      if (!volume) return undefined;
      const parent = volume.anonymous ? 'anonymous' : volume.project && this.settings().groupByProject ? `project:${volume.project}` : '';
      return this.rangeHolding(volume, parent) ?? (parent ? this.groupNode(parent) : undefined);
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
    if (node.kind === 'range') {
      const items = this.rangeOf(node)?.items ?? [];
      const first = items[0];
      const last = items[items.length - 1];
      const byDate = this.settings().sortBy === 'created' && first && last;
      const label = first && last ? rangeLabel(first.name, last.name) : localize('(gone)');
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `range:${node.parent}:${node.id}`;
      item.description = byDate ? `${items.length} · ${rangeLabel(formatDate(first.created), formatDate(last.created))}` : String(items.length);
      item.contextValue = 'volumeRange';
      item.iconPath = new vscode.ThemeIcon('list-unordered');
      item.tooltip = localize('{0} volumes, from {1} to {2}. Lists this large are shown in ranges (setting: Group Large Lists Above).', items.length, first?.name ?? '', last?.name ?? '');
      return item;
    }
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

function rangeKey(parent: string, id: string): string {
  return `range:${parent}:${id}`;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
