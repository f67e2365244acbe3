/**
 * What the Networks and Volumes trees share: refresh on the store changes they show, lazy markdown tooltips,
 * and the row-to-TreeItem step. Subclasses say which nodes exist and how each is described.
 */
import * as vscode from 'vscode';
import type { ExplorerStore } from '../model/store';
import type { ChangeKind } from '../model/types';
import type { RowDescription } from './describe';
import { localize, markdownTooltip, toTreeItem } from './items';

export abstract class ExplorerTree<Node> implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stopListening: () => void;

  constructor(protected readonly store: ExplorerStore, shownKinds: ChangeKind[]) {
    this.stopListening = store.onDidChange((change) => {
      if (shownKinds.some((k) => change.kinds.has(k)) || change.kinds.has('connection')) this.refresh();
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.stopListening();
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
    const collapsible = expandable && this.getChildren(node).length
      ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    return toTreeItem(id, row, collapsible);
  }

  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    const row = this.describe(node);
    if (row) item.tooltip = markdownTooltip(row.tooltip());
    return item;
  }
}
