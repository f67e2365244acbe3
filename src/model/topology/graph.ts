/**
 * The topology as a graph: networks, the containers on them and the volumes they mount, grouped by Compose
 * project, from the store's plain data. Pure and deterministic (everything is keyed and sorted by name, never
 * by engine ids), so the same state gives the same graph, layout, Mermaid and SVG text.
 *
 * Large engines are collapsed instead of drawn as a hairball: above `maxContainers`, each Compose project that
 * is not expanded becomes one node, and if the containers outside projects are still too many, they are
 * gathered into one node per set of networks they share.
 */
import type { ContainerModel, NetworkModel, VolumeModel } from '../types';

export type TopologyScope =
  | { kind: 'engine' }
  | { kind: 'network'; name: string }
  | { kind: 'project'; project: string }
  /** Network names, container names and volume names, mixed. */
  | { kind: 'selection'; names: string[] };

export interface TopologyOptions {
  scope?: TopologyScope;
  /** Above this many containers, projects collapse to one node each (default 60). */
  maxContainers?: number;
  /** Projects kept open however many containers there are. */
  expanded?: readonly string[];
}

export type TopologyRef =
  | { kind: 'network'; name: string }
  | { kind: 'container'; name: string }
  | { kind: 'volume'; name: string }
  | { kind: 'project'; project: string };

export interface TopologyNode {
  /** net:<name>, ctr:<name>, vol:<name>, grp:<project> or set:<networks>. */
  id: string;
  kind: 'network' | 'container' | 'volume' | 'collapsed';
  label: string;
  /** Further lines shown under the label (driver and subnet, image, published ports). */
  detail: string[];
  /** internal, builtin, noDns, stopped, anonymous, project ... (CSS classes in the SVG). */
  flags: string[];
  /** The Compose project cluster the node is drawn in. */
  cluster?: string;
  ref?: TopologyRef;
  /** Longer text for tooltips and screen readers. */
  title: string;
}

export interface TopologyEdge {
  id: string;
  /** network → container, container → volume, container → container (network_mode: container:). */
  from: string;
  to: string;
  kind: 'attach' | 'mount' | 'shares';
  label: string;
  flags: string[];
}

export interface TopologyCluster {
  id: string;
  label: string;
}

export interface TopologyGraph {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  clusters: TopologyCluster[];
  /** Containers drawn inside collapsed nodes rather than as their own node. */
  hiddenContainers: number;
}

export interface TopologySource {
  networks: readonly NetworkModel[];
  containers: readonly ContainerModel[];
  volumes: readonly VolumeModel[];
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export const nodeId = {
  network: (name: string) => `net:${name}`,
  container: (name: string) => `ctr:${name}`,
  volume: (name: string) => `vol:${name}`,
  project: (project: string) => `grp:${project}`,
};

/** Default bridge: no name resolution. host and none: no container names at all. */
export function isDefaultBridge(network: Pick<NetworkModel, 'builtIn' | 'name'>): boolean {
  return network.builtIn && network.name === 'bridge';
}

export function hasNoDns(network: Pick<NetworkModel, 'builtIn' | 'name' | 'driver'>): boolean {
  return isDefaultBridge(network) || network.driver === 'host' || network.driver === 'null';
}

export function formatPort(p: { hostIp: string; hostPort: number; containerPort: number; protocol: string }): string {
  const all = !p.hostIp || p.hostIp === '0.0.0.0' || p.hostIp === '::';
  const host = all ? `${p.hostPort}` : p.hostIp.includes(':') ? `[${p.hostIp}]:${p.hostPort}` : `${p.hostIp}:${p.hostPort}`;
  return `${host}→${p.containerPort}/${p.protocol || 'tcp'}`;
}

function portsOf(container: ContainerModel): string[] {
  const seen = new Set<string>();
  for (const p of container.ports) seen.add(formatPort(p));
  return [...seen].sort();
}

function networkNode(network: NetworkModel, clusterOf: (project: string | undefined) => string | undefined): TopologyNode {
  const subnet = network.subnets.map((s) => s.subnet).filter(Boolean).join(', ');
  const flags: string[] = [];
  if (network.builtIn) flags.push('builtin');
  if (network.internal) flags.push('internal');
  if (hasNoDns(network)) flags.push('noDns');
  const tags = [network.builtIn ? 'built-in' : '', network.internal ? 'internal' : '', hasNoDns(network) ? 'no DNS' : ''].filter(Boolean);
  const detail = [[network.driver, subnet].filter(Boolean).join(' · ')];
  if (tags.length) detail.push(tags.join(' · '));
  return {
    id: nodeId.network(network.name), kind: 'network', label: network.name, detail, flags,
    cluster: clusterOf(network.project), ref: { kind: 'network', name: network.name },
    title: `Network ${network.name} (${[network.driver, subnet, ...tags].filter(Boolean).join(', ')})`,
  };
}

function containerNode(container: ContainerModel, clusterOf: (project: string | undefined) => string | undefined): TopologyNode {
  const ports = portsOf(container);
  const running = container.state === 'running';
  const detail = container.image ? [container.image] : [];
  if (ports.length) detail.push(ports.join(' '));
  const flags = [running ? 'running' : 'stopped'];
  if (ports.length) flags.push('published');
  return {
    id: nodeId.container(container.name), kind: 'container', label: container.name, detail, flags,
    cluster: clusterOf(container.project), ref: { kind: 'container', name: container.name },
    title: `Container ${container.name} (${[container.image, container.status === 'declared' ? 'declared' : container.state || 'unknown'].filter(Boolean).join(', ')}${ports.length ? `, publishes ${ports.join(', ')}` : ''})`,
  };
}

function volumeNode(volume: VolumeModel | { name: string; project?: undefined; driver?: undefined }, clusterOf: (project: string | undefined) => string | undefined): TopologyNode {
  return {
    id: nodeId.volume(volume.name), kind: 'volume', label: volume.name, detail: volume.driver && volume.driver !== 'local' ? [volume.driver] : [],
    flags: [], cluster: clusterOf(volume.project), ref: { kind: 'volume', name: volume.name },
    title: `Volume ${volume.name}${volume.driver ? ` (${volume.driver})` : ''}`,
  };
}

/** The networks a container is on, as the network models (attachments name networks by id and name). */
function networksOf(container: ContainerModel, networks: Map<string, NetworkModel>, byNetworkName: Map<string, NetworkModel>): NetworkModel[] {
  const out: NetworkModel[] = [];
  for (const a of container.attachments) {
    const n = networks.get(a.networkId) ?? byNetworkName.get(a.networkName);
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

export function buildTopology(source: TopologySource, options: TopologyOptions = {}): TopologyGraph {
  const scope = options.scope ?? { kind: 'engine' };
  const maxContainers = options.maxContainers ?? 60;
  const expanded = new Set(options.expanded ?? []);
  const networksById = new Map(source.networks.map((n) => [n.id, n]));
  const networksByName = new Map(source.networks.map((n) => [n.name, n]));
  const volumesByName = new Map(source.volumes.map((v) => [v.name, v]));
  const allContainers = [...source.containers].sort(byName);

  // 1. What is in scope.
  let containers: ContainerModel[];
  let networks: NetworkModel[];
  if (scope.kind === 'engine') {
    containers = allContainers;
    const used = new Set(containers.flatMap((c) => networksOf(c, networksById, networksByName)));
    networks = source.networks.filter((n) => !n.builtIn || used.has(n));
  } else if (scope.kind === 'network') {
    const network = networksByName.get(scope.name);
    networks = network ? [network] : [];
    containers = network ? allContainers.filter((c) => networksOf(c, networksById, networksByName).includes(network)) : [];
  } else if (scope.kind === 'project') {
    containers = allContainers.filter((c) => c.project === scope.project);
    const used = new Set(containers.flatMap((c) => networksOf(c, networksById, networksByName)));
    networks = source.networks.filter((n) => n.project === scope.project || used.has(n));
  } else {
    const names = new Set(scope.names);
    containers = allContainers.filter((c) => names.has(c.name));
    const used = new Set(containers.flatMap((c) => networksOf(c, networksById, networksByName)));
    networks = source.networks.filter((n) => names.has(n.name) || used.has(n));
  }
  networks = [...networks].sort(byName);
  const shownNetworks = new Set(networks);

  // 2. Which containers collapse.
  const collapseProjects = containers.length > maxContainers;
  const projectCollapsed = (c: ContainerModel) => collapseProjects && c.project !== undefined && !expanded.has(c.project);
  const standalone = containers.filter((c) => !projectCollapsed(c));
  const collapseStandalone = collapseProjects && standalone.length > maxContainers;

  const clusters = new Map<string, TopologyCluster>();
  const clusterOf = (project: string | undefined) => {
    if (project === undefined) return undefined;
    const id = `cl:${project}`;
    if (!clusters.has(id)) clusters.set(id, { id, label: project });
    return id;
  };

  const nodes = new Map<string, TopologyNode>();
  const edges = new Map<string, TopologyEdge>();
  const addEdge = (edge: Omit<TopologyEdge, 'id'>) => {
    const id = `${edge.kind}:${edge.from}->${edge.to}`;
    const existing = edges.get(id);
    if (existing) {
      // Aggregated (collapsed) edges: merge labels.
      const labels = new Set([...existing.label.split(', '), ...edge.label.split(', ')].filter(Boolean));
      existing.label = [...labels].sort().join(', ');
      return;
    }
    edges.set(id, { id, ...edge });
  };

  for (const n of networks) {
    // A project's network goes in the project's cluster unless the project is drawn as one node.
    const collapsedProject = n.project !== undefined && collapseProjects && !expanded.has(n.project);
    nodes.set(nodeId.network(n.name), networkNode(n, collapsedProject ? () => undefined : clusterOf));
  }

  let hiddenContainers = 0;
  const volumeTarget = (name: string, project: string | undefined) => {
    const id = nodeId.volume(name);
    if (!nodes.has(id)) {
      const volume = volumesByName.get(name) ?? { name };
      const collapsedProject = project !== undefined && collapseProjects && !expanded.has(project);
      nodes.set(id, volumeNode(volume, collapsedProject ? () => undefined : clusterOf));
    }
    return id;
  };

  const groups = new Map<string, { node: TopologyNode; members: ContainerModel[] }>();
  for (const c of containers) {
    const nets = networksOf(c, networksById, networksByName).filter((n) => shownNetworks.has(n));
    let id: string;
    if (projectCollapsed(c) || collapseStandalone) {
      hiddenContainers++;
      const key = projectCollapsed(c) ? nodeId.project(c.project!) : `set:${nets.map((n) => n.name).join('+') || '(none)'}`;
      let group = groups.get(key);
      if (!group) {
        const label = projectCollapsed(c) ? c.project! : nets.length ? nets.map((n) => n.name).join(', ') : 'no network';
        group = {
          node: {
            id: key, kind: 'collapsed', label, detail: [], flags: projectCollapsed(c) ? ['project'] : ['set'], title: '',
            ref: projectCollapsed(c) ? { kind: 'project', project: c.project! } : undefined,
          },
          members: [],
        };
        groups.set(key, group);
        nodes.set(key, group.node);
      }
      group.members.push(c);
      id = key;
    } else {
      id = nodeId.container(c.name);
      nodes.set(id, containerNode(c, clusterOf));
    }
    for (const n of nets) {
      const attachment = c.attachments.find((a) => a.networkId === n.id) ?? c.attachments.find((a) => a.networkName === n.name);
      const aliases = id.startsWith('ctr:') ? [...(attachment?.aliases ?? [])].filter((a) => a !== c.name).sort() : [];
      addEdge({ kind: 'attach', from: nodeId.network(n.name), to: id, label: aliases.join(', '), flags: n.internal ? ['internal'] : [] });
    }
    for (const m of [...c.mounts].sort((a, b) => (a.destination < b.destination ? -1 : 1))) {
      if (m.type !== 'volume' || !m.name) continue;
      if (volumesByName.get(m.name)?.anonymous) continue;
      const target = volumeTarget(m.name, c.project);
      addEdge({ kind: 'mount', from: id, to: target, label: id.startsWith('ctr:') ? m.destination : '', flags: m.readOnly ? ['ro'] : [] });
    }
  }
  // network_mode: container:<name or id> shares that container's network stack.
  const containerByRef = (ref: string) => allContainers.find((c) => c.name === ref || c.id === ref || c.id.startsWith(ref));
  for (const c of containers) {
    if (!c.networkMode.startsWith('container:') || !nodes.has(nodeId.container(c.name))) continue;
    const other = containerByRef(c.networkMode.slice('container:'.length));
    if (other && nodes.has(nodeId.container(other.name))) {
      addEdge({ kind: 'shares', from: nodeId.container(other.name), to: nodeId.container(c.name), label: 'network stack', flags: [] });
    }
  }
  for (const { node, members } of groups.values()) {
    const running = members.filter((m) => m.state === 'running').length;
    node.detail = [`${members.length} containers · ${running} running`];
    node.title = node.flags.includes('project')
      ? `Compose project ${node.label}: ${members.length} containers (${running} running), collapsed`
      : `${members.length} containers on ${node.label}, collapsed`;
  }

  const sortedNodes = [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sortedEdges = [...edges.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const usedClusters = new Set(sortedNodes.map((n) => n.cluster).filter(Boolean));
  const sortedClusters = [...clusters.values()].filter((c) => usedClusters.has(c.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  return { nodes: sortedNodes, edges: sortedEdges, clusters: sortedClusters, hiddenContainers };
}
