/**
 * What the Networks and Volumes trees share: refresh on the store changes they show, lazy markdown tooltips,
 * and the row-to-TreeItem step. Subclasses say which nodes exist and how each is described.
 */
import * as vscode from 'vscode';
import type { EngineStore } from '../model/store';
import type { ChangeKind, ListKind, StoreChange } from '../model/types';
import type { RowDescription } from './describe';
import { localize } from '../l10n';
import { markdownTooltip, toTreeItem } from './items';
import { type Disposable } from '../model/events';

export abstract class ExplorerTree<Node> implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | Node[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly storeSubscription: Disposable;
  /** Row objects kept by key until the next whole redraw, so one row can be redrawn alone (see refreshRows). */
  private rowsByKey = new Map<string, Node>();

  /** Whether the tree had rows after the last change (its list in, on a live connection). */
  private hadRows = false;

  /** `rowsKind`: the list without which the tree has no rows at all (getChildren gives none until it is in). */
  constructor(protected readonly store: EngineStore, private readonly shownKinds: ChangeKind[], private readonly rowsKind: ListKind) {
    this.storeSubscription = store.onDidChange((change) => {
      this.onStoreChange(change);
      this.hadRows = store.listed(this.rowsKind);
    });
  }

  /** By default a change of a kind this tree shows redraws it whole; a tree that can do better overrides this. */
  protected onStoreChange(change: StoreChange): void {
    if (this.shownKinds.some((k) => change.kinds.has(k)) || this.connectionChangesRows(change)) this.refresh();
  }

  /**
   * Whether a connection change can change the rows: not while the tree has none before and after (connecting,
   * then connected with the lists still on their way). A redraw then would be for nothing, and worse: the
   * workbench holds back a tree's redraws for 200 ms after one it just made, so the redraw that brings the first
   * rows (the list coming in a few milliseconds later) would wait for it (docs/BENCHMARKS.md).
   */
  protected connectionChangesRows(change: StoreChange): boolean {
    return change.kinds.has('connection') && (this.hadRows || this.store.listed(this.rowsKind));
  }

  /**
   * Whether the root's rows are on their way: the list without which this tree has none is not in yet, and the
   * engine is not known to be unreachable (connecting, or connected with the lists coming).
   */
  get rowsOnTheirWay(): boolean {
    return !this.store.listed(this.rowsKind) && this.store.state.status !== 'unreachable';
  }

  /** Redraws the whole tree (its rows are made anew). */
  refresh(): void {
    this.rowsByKey = new Map();
    this.changed.fire(undefined);
  }

  /** The row for `key`: the same object on every call until the next whole redraw. */
  protected keyedRow<R extends Node>(key: string, make: () => R): R {
    let row = this.rowsByKey.get(key) as R | undefined;
    if (!row) { row = make(); this.rowsByKey.set(key, row); }
    return row;
  }

  /** Redraws the keyed rows of these keys that the workbench has (a row never shown has nothing to redraw). */
  protected refreshKeyedRows(keys: Iterable<string>): void {
    const rows: Node[] = [];
    for (const key of keys) {
      const row = this.rowsByKey.get(key);
      if (row) rows.push(row);
    }
    this.refreshRows(rows);
  }

  /**
   * Redraws these rows (and their children) only. They must be the very objects getChildren returned: VS Code
   * finds rows by identity.
   */
  protected refreshRows(nodes: Node[]): void {
    if (nodes.length) this.changed.fire(nodes);
  }

  dispose(): void {
    this.storeSubscription.dispose();
    this.changed.dispose();
  }

  abstract getChildren(node?: Node): Node[];
  abstract getTreeItem(node: Node): vscode.TreeItem;
  abstract getParent(node: Node): Node | undefined;
  /** The pure description of a row (used by getTreeItem, resolveTreeItem and tests). */
  abstract describe(node: Node): RowDescription | undefined;

  /** A described row; it can be expanded when it has children. */
  protected rowItem(id: string, node: Node, expandable: boolean): vscode.TreeItem {
    const row = this.describe(node);
    if (!row) return new vscode.TreeItem(localize('(gone)'));
    const collapsible = expandable && this.hasChildren(node)
      ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    return toTreeItem(id, row, collapsible);
  }

  /** Whether a row can be expanded (asked for every row drawn: a subclass can answer without listing them). */
  protected hasChildren(node: Node): boolean {
    return this.getChildren(node).length > 0;
  }

  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    const row = this.describe(node);
    if (row) item.tooltip = markdownTooltip(row.tooltip());
    return item;
  }
}
