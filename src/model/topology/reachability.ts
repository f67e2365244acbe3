/**
 * "Who can this container reach by name, and over which network?" answered from the model alone, without
 * running anything: the same rules Test Connectivity (connectivity.ts) finds by experiment.
 *
 * - Only running containers resolve and answer.
 * - User-defined networks (bridge, overlay, macvlan, ipvlan; internal ones too: internal only cuts the way
 *   out) resolve every container on them by its name and by its aliases on that network.
 * - The default bridge has no name resolution: containers there reach each other by IP address only.
 * - host and none networks have no container names at all.
 * - network_mode container:<other> shares the other container's network stack, so its networks.
 */
import { findTargets, stackOwner } from '../connectivity';
import type { ContainerModel, NetworkModel } from '../types';
import { hasNoDns } from './graph';

export interface Reach {
  container: ContainerModel;
  network: string;
  /** The names that resolve to the container on that network: its name first, then its aliases. */
  names: string[];
}

export interface ReachAnswer {
  source: ContainerModel;
  running: boolean;
  /** Reachable by name, one entry per (container, network). */
  byName: Reach[];
  /** On the default bridge with the source: reachable by IP address only. */
  byAddressOnly: Reach[];
  /** Whether the source can leave the engine (one of its networks is not internal). */
  outside: boolean;
  /** The source's networks, as seen from it (after network_mode: container:). */
  networks: string[];
}

export type NetworkLookup = (idOrName: { networkId: string; networkName: string }) => NetworkModel | undefined;

export function networkLookup(networks: readonly NetworkModel[]): NetworkLookup {
  const byId = new Map(networks.map((n) => [n.id, n]));
  const byName = new Map(networks.map((n) => [n.name, n]));
  return (a) => byId.get(a.networkId) ?? byName.get(a.networkName);
}

export function reachableFrom(source: ContainerModel, containers: readonly ContainerModel[], lookup: NetworkLookup): ReachAnswer {
  const owner = stackOwner(source, containers);
  const networks = owner.attachments.map((a) => lookup(a)?.name ?? a.networkName);
  const running = source.state === 'running' && owner.state === 'running';
  const answer: ReachAnswer = { source, running, byName: [], byAddressOnly: [], outside: false, networks };
  if (!running) return answer;
  const ordered = [...containers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const attachment of [...owner.attachments].sort((a, b) => (a.networkName < b.networkName ? -1 : 1))) {
    const network = lookup(attachment);
    const name = network?.name ?? attachment.networkName;
    const driver = network?.driver ?? (name === 'host' ? 'host' : name === 'none' ? 'null' : 'bridge');
    const internal = network?.internal ?? false;
    if (driver !== 'null' && !internal) answer.outside = true;
    if (driver === 'host' || driver === 'null') continue;
    const noDns = network ? hasNoDns(network) : name === 'bridge';
    for (const peer of ordered) {
      if (peer.id === source.id || peer.id === owner.id || peer.state !== 'running') continue;
      const peerStack = stackOwner(peer, containers);
      if (peerStack.id === owner.id) continue;
      const on = peer.attachments.find((a) => (network ? lookup(a) === network : a.networkName === name));
      if (!on) continue;
      const reach: Reach = { container: peer, network: name, names: noDns ? [] : [peer.name, ...[...on.aliases].filter((a) => a !== peer.name).sort()] };
      (noDns ? answer.byAddressOnly : answer.byName).push(reach);
    }
  }
  return answer;
}

/**
 * The answer Test Connectivity would give, without running it: whether `target` (a name or alias, as typed)
 * resolves from `source`, and over which networks. Undefined networks: the target does not resolve.
 */
export function predictConnectivity(source: ContainerModel, target: string, containers: readonly ContainerModel[], lookup: NetworkLookup): { resolves: boolean; networks: string[]; onlyDefaultBridge: boolean } {
  const answer = reachableFrom(source, containers, lookup);
  const targets = new Set(findTargets(target, [...containers]).map((c) => c.id));
  const over = answer.byName.filter((r) => targets.has(r.container.id) && r.names.includes(target)).map((r) => r.network);
  const bridgeOnly = answer.byAddressOnly.some((r) => targets.has(r.container.id));
  return { resolves: over.length > 0, networks: [...new Set(over)], onlyDefaultBridge: over.length === 0 && bridgeOnly };
}
