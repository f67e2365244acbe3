/**
 * What the engine-dependent rules and the code lenses need to know about a live engine. EngineStore
 * satisfies the required part as it is; the CLI builds one from a single round of list calls.
 */
import type { EngineContainerSummary, EngineNetwork, EngineVolume } from '../engine/types';
import { containerFromSummary, toNetwork, toVolume } from '../model/mapping';
import type { ContainerModel, NetworkMember, NetworkModel, VolumeModel, VolumeUsage } from '../model/types';
import type { Protocol } from './mappings';

export interface PublishedPort {
  /** '' or 0.0.0.0 / :: for all interfaces. */
  hostIp: string;
  port: number;
  protocol: Protocol;
  container: ContainerModel;
}

export interface EngineSnapshot {
  networks(): readonly NetworkModel[];
  volumes(): readonly VolumeModel[];
  containers(): readonly ContainerModel[];
  networkByName(name: string): NetworkModel | undefined;
  volume(name: string): VolumeModel | undefined;
  membersOf(network: NetworkModel): readonly NetworkMember[];
  /** Size from the last disk-usage call, if there was one. */
  usageOf?(name: string): VolumeUsage | undefined;
  /** Host ports that running containers publish; absent when not known. */
  publishedPorts?(): readonly PublishedPort[];
  /** Whether the engine is a Swarm node; undefined when not known. */
  swarmActive?(): boolean | undefined;
}

/** Swarm state when nobody asked /info: a Swarm node has the overlay `ingress` network. */
export function swarmFromNetworks(engine: EngineSnapshot): boolean {
  return engine.networks().some((n) => n.ingress && n.driver === 'overlay');
}

export function isSwarmActive(engine: EngineSnapshot): boolean {
  return engine.swarmActive?.() ?? swarmFromNetworks(engine);
}

/** Host ports that running containers publish. */
export function publishedPortsOf(containers: readonly ContainerModel[]): PublishedPort[] {
  return containers.filter((c) => c.state === 'running').flatMap((container) => container.ports.map((p) => ({
    hostIp: p.hostIp, port: p.hostPort, protocol: p.protocol as Protocol, container,
  })));
}

/** A snapshot from one round of list calls (what the CLI's --engine uses). */
export function snapshotFromLists(
  rawNetworks: readonly EngineNetwork[], rawVolumes: readonly EngineVolume[], rawContainers: readonly EngineContainerSummary[], swarm?: boolean,
): EngineSnapshot {
  const networks = rawNetworks.map(toNetwork);
  const volumes = rawVolumes.map(toVolume);
  const containers = rawContainers.map(containerFromSummary);
  const ports = publishedPortsOf(containers);
  return {
    networks: () => networks,
    volumes: () => volumes,
    containers: () => containers,
    networkByName: (name) => networks.find((n) => n.name === name),
    volume: (name) => volumes.find((v) => v.name === name),
    membersOf: (network) => containers.flatMap((container) => container.attachments
      .filter((a) => a.networkId === network.id || (!a.networkId && a.networkName === network.name))
      .map((attachment) => ({ container, attachment }))),
    usageOf: (name) => {
      const v = rawVolumes.find((x) => x.Name === name);
      return v?.UsageData ? { size: v.UsageData.Size, refCount: v.UsageData.RefCount } : undefined;
    },
    publishedPorts: () => ports,
    swarmActive: () => swarm,
  };
}

/**
 * An engine snapshot as plain data, for the analysis worker (a worker gets copies, not the live store).
 * Members and published ports are derived again on the other side.
 */
export interface EngineData {
  networks: NetworkModel[];
  volumes: VolumeModel[];
  containers: ContainerModel[];
  /** Network id → its members' container ids and attachment index, as the live snapshot answered. */
  members: Record<string, Array<[containerId: string, attachment: number]>>;
  usage: Record<string, VolumeUsage>;
  swarm?: boolean;
}

export function engineData(engine: EngineSnapshot): EngineData {
  const networks = [...engine.networks()];
  const volumes = [...engine.volumes()];
  const containers = [...engine.containers()];
  const members: EngineData['members'] = {};
  for (const n of networks) {
    members[n.id] = engine.membersOf(n).map((m) => [m.container.id, m.container.attachments.indexOf(m.attachment)]);
  }
  const usage: EngineData['usage'] = {};
  for (const v of volumes) {
    const u = engine.usageOf?.(v.name);
    if (u) usage[v.name] = u;
  }
  return { networks, volumes, containers, members, usage, swarm: engine.swarmActive?.() };
}

export function snapshotFromData(data: EngineData): EngineSnapshot {
  const byId = new Map(data.containers.map((c) => [c.id, c]));
  const networkByName = new Map(data.networks.map((n) => [n.name, n]));
  const volumeByName = new Map(data.volumes.map((v) => [v.name, v]));
  const ports = publishedPortsOf(data.containers);
  return {
    networks: () => data.networks,
    volumes: () => data.volumes,
    containers: () => data.containers,
    networkByName: (name) => networkByName.get(name),
    volume: (name) => volumeByName.get(name),
    membersOf: (network) => (data.members[network.id] ?? []).flatMap(([id, i]) => {
      const container = byId.get(id);
      const attachment = container?.attachments[i];
      return container && attachment ? [{ container, attachment }] : [];
    }),
    usageOf: (name) => data.usage[name],
    publishedPorts: () => ports,
    swarmActive: () => data.swarm,
  };
}
