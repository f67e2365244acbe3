/** The Networks view: networks (optionally grouped by Compose project) and the containers on each. */
import * as vscode from 'vscode';
import type { EngineStore } from '../model/store';
import type { NetworkModel, StoreChange } from '../model/types';
import type { ExplorerSettings } from '../config';
import {
  describeNetwork, describeNetworkMember, groupByProject, naturalOrder, type RowDescription, sortBy,
} from './describe';
import { ExplorerTree } from './explorerTree';
import { localize } from '../l10n';
import { groupItem } from './items';

export type NetworkNode =
  | { kind: 'project'; project: string }
  | { kind: 'network'; id: string }
  | { kind: 'member'; networkId: string; containerId: string };

export class NetworksTreeProvider extends ExplorerTree<NetworkNode> {
  constructor(store: EngineStore, private readonly settings: () => ExplorerSettings) {
    super(store, ['networks', 'containers', 'aliases'], 'networks');
  }

  /**
   * A change that leaves the set of networks as it was redraws the rows of the networks it touched (and their
   * members), never the root: the list of networks and the project groups' counts are unchanged.
   */
  protected override onStoreChange(change: StoreChange): void {
    const { kinds, networkRows } = change;
    if (!kinds.has('networks') && !kinds.has('containers') && !kinds.has('aliases') && !kinds.has('connection')) return;
    // Aliases asked for by a view come with the networks whose member rows they change.
    if (!networkRows || kinds.has('connection')) { super.onStoreChange(change); return; }
    this.refreshKeyedRows(networkRows);
  }

  private networkNode(id: string): NetworkNode {
    return this.keyedRow(id, () => ({ kind: 'network', id }));
  }

  /** The networks shown, after the built-ins filter and sorting. */
  visibleNetworks(): NetworkModel[] {
    const { showBuiltIns, sortBy: order } = this.settings();
    return sortBy(this.store.networks().filter((n) => showBuiltIns || !n.builtIn), order);
  }

  /** Each list shows as soon as it is in (cold start): networks first, their members once containers are listed. */
  getChildren(node?: NetworkNode): NetworkNode[] {
    if (!this.store.listed('networks')) return [];
    if (!node) {
      const networks = this.visibleNetworks();
      if (!this.settings().groupByProject) return networks.map((n) => this.networkNode(n.id));
      const { projects, rest } = groupByProject(networks);
      return [
        ...[...projects.keys()].map((project): NetworkNode => ({ kind: 'project', project })),
        ...rest.map((n) => this.networkNode(n.id)),
      ];
    }
    if (node.kind === 'project') {
      return this.visibleNetworks().filter((n) => n.project === node.project).map((n) => this.networkNode(n.id));
    }
    if (node.kind === 'network') {
      const network = this.store.network(node.id);
      if (!network) return [];
      const members = this.store.membersOf(network);
      this.store.wantAliases(members.map((m) => m.container.id));
      return members
        .sort((a, b) => naturalOrder.compare(a.container.name, b.container.name))
        .map((m) => ({ kind: 'member', networkId: network.id, containerId: m.container.id }));
    }
    return [];
  }

  /** A network row can be expanded when it has members; asking does not show them, so no aliases are asked. */
  protected override hasChildren(node: NetworkNode): boolean {
    const network = node.kind === 'network' ? this.store.network(node.id) : undefined;
    return network ? this.store.membersOf(network).length > 0 : this.getChildren(node).length > 0;
  }

  getParent(node: NetworkNode): NetworkNode | undefined {
    if (node.kind === 'member') return this.networkNode(node.networkId);
    if (node.kind === 'network' && this.settings().groupByProject) {
      const project = this.store.network(node.id)?.project;
      if (project) return { kind: 'project', project };
    }
    return undefined;
  }

  describe(node: NetworkNode): RowDescription | undefined {
    if (node.kind === 'network') {
      const network = this.store.network(node.id);
      return network && describeNetwork(network, this.store.listed('containers') ? this.store.membersOf(network) : undefined, localize);
    }
    if (node.kind === 'member') {
      const network = this.store.network(node.networkId);
      const member = network && this.store.membersOf(network).find((m) => m.container.id === node.containerId);
      return member && describeNetworkMember(member, localize);
    }
    return undefined;
  }

  getTreeItem(node: NetworkNode): vscode.TreeItem {
    if (node.kind === 'project') {
      const count = this.visibleNetworks().filter((n) => n.project === node.project).length;
      return groupItem(`project:${node.project}`, node.project, localize('Compose project · {0}', count), 'layers', 'networkProject');
    }
    const id = node.kind === 'network' ? `network:${node.id}` : `member:${node.networkId}:${node.containerId}`;
    return this.rowItem(id, node, node.kind === 'network');
  }
}
