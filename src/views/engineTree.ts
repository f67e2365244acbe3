/**
 * One view over several engines. With one engine it shows that engine's tree as it is; with more, each engine
 * is a top-level row with its own status (version, or why it is not connected) and its tree below. Every node
 * carries the id of its engine (`engine`), so a command run from a row acts on that row's engine.
 */
import * as vscode from 'vscode';
import type { EngineSet } from '../model/engines';
import type { EngineStore } from '../model/store';
import type { ExplorerTree } from './explorerTree';
import { localize } from '../l10n';
import { type Disposable } from '../model/events';

export type EngineRow = { kind: 'engine'; engine: string };
export type Tagged<N> = (N & { engine: string }) | EngineRow;

function isEngineRow<N>(node: Tagged<N>): node is EngineRow {
  return (node as { kind?: string }).kind === 'engine';
}

export function engineRowItem(engines: EngineSet, id: string): vscode.TreeItem {
  const entry = engines.entries().find((e) => e.id === id);
  const item = new vscode.TreeItem(entry?.label ?? id, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `engine:${id}`;
  if (!entry) return item;
  const state = entry.store.state;
  const status = state.status === 'connected' ? localize('Engine {0}', state.version.Version ?? '?')
    : state.status === 'connecting' ? localize('connecting…') : state.error.message;
  item.description = entry.current ? `${status} · ${localize('current')}` : status;
  item.iconPath = new vscode.ThemeIcon(
    state.status === 'connected' ? 'server-environment' : state.status === 'connecting' ? 'loading~spin' : 'debug-disconnect',
    state.status === 'unreachable' ? new vscode.ThemeColor('errorForeground') : undefined,
  );
  item.contextValue = ['engine', entry.current ? 'engine.current' : 'engine.other', `engine.${state.status}`].join(' ');
  item.tooltip = new vscode.MarkdownString([
    `**${entry.label}**`,
    state.status === 'connected' ? localize('Engine {0}, API {1}', state.version.Version ?? '?', entry.store.client.negotiatedApiVersion ?? '?') : status,
    entry.current ? localize('Palette commands and Compose checks use this engine.') : localize('Right-click › Use This Engine to make it current.'),
  ].join('\n\n'));
  return item;
}

/**
 * How long the workbench's request for an engine's first rows may wait for its list (see EngineTree.rootRows). An
 * engine that takes longer gets an empty answer at first and its rows in a redraw when they come.
 */
export const ROWS_WAIT_MS = 5000;

export class EngineTree<N extends object, T extends ExplorerTree<N> = ExplorerTree<N>> implements vscode.TreeDataProvider<Tagged<N>>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Tagged<N> | Array<Tagged<N>> | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly providers = new Map<EngineStore, { tree: T; subscription: vscode.Disposable }>();
  /** The tagged row handed out for an inner tree's row: the same object each time, so it can be refreshed alone. */
  private tagged = new WeakMap<N, Tagged<N>>();
  private readonly enginesSubscription: Disposable;
  /** The root requests waiting for each engine's list (see rootRows): answered with rows, or with none. */
  private readonly waiting = new Map<EngineStore, Set<(gone?: boolean) => void>>();

  constructor(private readonly engines: EngineSet, private readonly make: (store: EngineStore) => T, private readonly rowsWaitMs = ROWS_WAIT_MS) {
    this.enginesSubscription = engines.onDidChange(() => this.sync());
    this.sync();
  }

  /** The tree of one engine's store (made on first use, dropped when the engine goes). */
  treeOf(store: EngineStore): T {
    let entry = this.providers.get(store);
    if (!entry) {
      const tree = this.make(store);
      // The inner tree's redraws are relayed; a redraw of some rows stays one of those rows.
      const relay = tree.onDidChangeTreeData((rows) => {
        if (!rows) {
          // A waiting request for this engine's root rows is answered with them: a redraw now would come after.
          if (!this.waiting.get(store)?.size) this.changed.fire(undefined);
          return;
        }
        const shown = (Array.isArray(rows) ? rows : [rows]).map((n) => this.tagged.get(n)).filter((n): n is Tagged<N> => Boolean(n));
        if (shown.length) this.changed.fire(shown);
      });
      // With several engines each has a row showing its connection state, redrawn on every change of it (the inner
      // tree redraws only when its rows change).
      const states = store.onDidChange((change) => { if (change.kinds.has('connection') && this.several) this.changed.fire(undefined); });
      entry = { tree, subscription: { dispose: () => { relay.dispose(); states.dispose(); } } };
      this.providers.set(store, entry);
    }
    return entry.tree;
  }

  private sync(): void {
    const live = new Set(this.engines.entries().map((e) => e.store));
    for (const [store, entry] of this.providers) {
      if (live.has(store)) continue;
      for (const answer of [...this.waiting.get(store) ?? []]) answer(true);
      entry.subscription.dispose();
      entry.tree.dispose();
      this.providers.delete(store);
    }
    this.changed.fire(undefined);
  }

  private get several(): boolean {
    return this.engines.entries().length > 1;
  }

  private tag(engine: string, nodes: N[]): Array<Tagged<N>> {
    return nodes.map((n) => {
      let tagged = this.tagged.get(n);
      if (!tagged || (tagged as { engine: string }).engine !== engine) { tagged = { ...n, engine }; this.tagged.set(n, tagged); }
      return tagged;
    });
  }

  getChildren(node?: Tagged<N>): Array<Tagged<N>> | Promise<Array<Tagged<N>>> {
    if (!node) {
      if (this.several) return this.engines.entries().map((e): EngineRow => ({ kind: 'engine', engine: e.id }));
      const only = this.engines.entries()[0];
      return this.rootRows(only.id, only.store);
    }
    const store = this.storeOf(node.engine);
    if (!store) return [];
    if (isEngineRow(node)) return this.rootRows(node.engine, store);
    return this.tag(node.engine, this.treeOf(store).getChildren(node as N));
  }

  /**
   * An engine's top rows. While its list is on its way the answer waits for it (up to ROWS_WAIT_MS, or until the
   * engine turns out unreachable): the workbench shows its progress bar meanwhile and draws the rows as soon as
   * they are given. Answered with no rows instead, they would need a redraw, which the workbench holds back for
   * 200 ms after one it made: the first Volumes rows came 150-250 ms after their list (docs/BENCHMARKS.md).
   */
  private rootRows(engine: string, store: EngineStore): Array<Tagged<N>> | Promise<Array<Tagged<N>>> {
    const tree = this.treeOf(store);
    const rows = () => this.tag(engine, tree.getChildren());
    if (!tree.rowsOnTheirWay) return rows();
    return new Promise((resolve) => {
      const waiting = this.waiting.get(store) ?? new Set();
      this.waiting.set(store, waiting);
      const answer = (gone?: boolean) => {
        clearTimeout(timer);
        subscription.dispose();
        waiting.delete(answer);
        if (waiting.size === 0 && this.waiting.get(store) === waiting) this.waiting.delete(store);
        resolve(gone ? [] : rows());
      };
      const timer = setTimeout(answer, this.rowsWaitMs);
      // Subscribed after the tree (made above, or before): the change that brings the list has reached it first.
      const subscription = store.onDidChange(() => { if (!tree.rowsOnTheirWay) answer(); });
      waiting.add(answer);
    });
  }

  private storeOf(engine: string): EngineStore | undefined {
    return this.engines.entries().find((e) => e.id === engine)?.store;
  }

  getTreeItem(node: Tagged<N>): vscode.TreeItem {
    if (isEngineRow(node)) return engineRowItem(this.engines, node.engine);
    const store = this.storeOf(node.engine);
    if (!store) return new vscode.TreeItem(localize('(gone)'));
    const item = this.treeOf(store).getTreeItem(node as N);
    if (item.id) item.id = `${node.engine}/${item.id}`;
    return item;
  }

  getParent(node: Tagged<N>): Tagged<N> | undefined {
    if (isEngineRow(node)) return undefined;
    const store = this.storeOf(node.engine);
    const parent = store && this.treeOf(store).getParent(node as N);
    if (parent) return { ...parent, engine: node.engine };
    return this.several ? { kind: 'engine', engine: node.engine } : undefined;
  }

  resolveTreeItem(item: vscode.TreeItem, node: Tagged<N>): vscode.TreeItem {
    if (isEngineRow(node)) return item;
    const store = this.storeOf(node.engine);
    return store ? this.treeOf(store).resolveTreeItem(item, node as N) : item;
  }

  dispose(): void {
    for (const answers of this.waiting.values()) for (const answer of [...answers]) answer(true);
    this.enginesSubscription.dispose();
    for (const entry of this.providers.values()) { entry.subscription.dispose(); entry.tree.dispose(); }
    this.providers.clear();
    this.changed.dispose();
  }
}
