/** Engine API objects to model objects. Pure, so it is unit-tested without an engine. */
import type {
  EndpointSettings, EngineContainerInspect, EngineContainerSummary, EngineMount, EngineNetwork, EnginePort,
  EnginePortBindings, EngineVolume,
} from '../engine/types';
import { HELPER_LABEL } from '../engine/helperLabels';
import type { Attachment, ContainerModel, MountModel, NetworkModel, PortModel, VolumeModel } from './types';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
const ANONYMOUS_VOLUME_LABEL = 'com.docker.volume.anonymous';

/** The extension's own helper containers: not the user's, so the explorer does not list them as volume users. */
export function isHelperContainer(container: ContainerModel): boolean {
  return HELPER_LABEL in container.labels;
}

const BUILT_IN_NETWORK_NAMES = new Set(['bridge', 'host', 'none', 'docker_gwbridge']);

export function isBuiltInNetwork(name: string, driver: string | undefined, ingress: boolean | undefined): boolean {
  if (ingress) return true;
  if (!BUILT_IN_NETWORK_NAMES.has(name)) return false;
  // A user cannot make networks named host or none, but "bridge" only means the default bridge when the
  // engine made it with the bridge driver; check the driver for the names a user could reuse on Podman.
  return name !== 'bridge' || driver === 'bridge';
}

function time(value: string | number | undefined): number {
  if (typeof value === 'number') return value * 1000;
  if (!value) return 0;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}

export function toNetwork(raw: EngineNetwork): NetworkModel {
  const labels = raw.Labels ?? {};
  return {
    id: raw.Id,
    name: raw.Name,
    driver: raw.Driver ?? '',
    scope: raw.Scope ?? 'local',
    created: time(raw.Created),
    internal: Boolean(raw.Internal),
    attachable: Boolean(raw.Attachable),
    ingress: Boolean(raw.Ingress),
    enableIPv6: Boolean(raw.EnableIPv6),
    ipamDriver: raw.IPAM?.Driver ?? 'default',
    subnets: (raw.IPAM?.Config ?? []).map((c) => ({ subnet: c.Subnet || undefined, gateway: c.Gateway || undefined, ipRange: c.IPRange || undefined })),
    options: raw.Options ?? {},
    labels,
    project: labels[COMPOSE_PROJECT_LABEL] || undefined,
    builtIn: isBuiltInNetwork(raw.Name, raw.Driver, raw.Ingress),
  };
}

export function isAnonymousVolume(name: string, labels: Record<string, string>): boolean {
  return ANONYMOUS_VOLUME_LABEL in labels || /^[0-9a-f]{64}$/.test(name);
}

export function toVolume(raw: EngineVolume): VolumeModel {
  const labels = raw.Labels ?? {};
  return {
    name: raw.Name,
    driver: raw.Driver ?? 'local',
    mountpoint: raw.Mountpoint ?? '',
    created: time(raw.CreatedAt),
    scope: raw.Scope ?? 'local',
    labels,
    options: raw.Options ?? {},
    project: labels[COMPOSE_PROJECT_LABEL] || undefined,
    anonymous: isAnonymousVolume(raw.Name, labels),
  };
}

function toAttachment(networkName: string, ep: EndpointSettings, containerId: string): Attachment {
  // The engine adds the container's 12-character id as an alias on user networks; it is not the user's.
  const shortId = containerId.slice(0, 12);
  const aliases = (ep.Aliases ?? []).filter((a) => a !== shortId && a !== containerId);
  return {
    networkId: ep.NetworkID ?? '',
    networkName,
    ipv4: ep.IPAddress || undefined,
    ipv6: ep.GlobalIPv6Address || undefined,
    mac: ep.MacAddress || undefined,
    aliases: [...new Set(aliases)],
  };
}

function toMount(m: EngineMount): MountModel {
  return {
    type: m.Type ?? 'volume',
    name: m.Name || undefined,
    source: m.Source || undefined,
    destination: m.Destination ?? '',
    readOnly: m.RW === false,
  };
}

function portsFromSummary(ports: EnginePort[]): PortModel[] {
  return ports.filter((p) => p.PublicPort).map((p) => ({
    hostIp: p.IP ?? '', hostPort: p.PublicPort!, containerPort: p.PrivatePort ?? 0, protocol: p.Type ?? 'tcp',
  }));
}

function portsFromInspect(bindings: EnginePortBindings): PortModel[] {
  const out: PortModel[] = [];
  for (const [key, hosts] of Object.entries(bindings)) {
    const [port, protocol = 'tcp'] = key.split('/');
    for (const h of hosts ?? []) {
      const hostPort = Number(h.HostPort);
      if (hostPort) out.push({ hostIp: h.HostIp ?? '', hostPort, containerPort: Number(port), protocol });
    }
  }
  return out;
}

function containerFrom(
  id: string, name: string, image: string, state: string, status: string, created: number,
  labels: Record<string, string>, networkMode: string, networks: Record<string, EndpointSettings>, mounts: EngineMount[],
  ports: PortModel[],
): ContainerModel {
  return {
    id, name, image, state, status, created, labels, networkMode, ports,
    project: labels[COMPOSE_PROJECT_LABEL] || undefined,
    service: labels[COMPOSE_SERVICE_LABEL] || undefined,
    attachments: Object.entries(networks).map(([net, ep]) => toAttachment(net, ep, id)),
    mounts: mounts.map(toMount),
  };
}

export function containerFromSummary(raw: EngineContainerSummary): ContainerModel {
  return containerFrom(
    raw.Id, (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''), raw.Image ?? '', raw.State ?? '', raw.Status ?? '',
    time(raw.Created), raw.Labels ?? {}, raw.HostConfig?.NetworkMode ?? '', raw.NetworkSettings?.Networks ?? {}, raw.Mounts ?? [],
    portsFromSummary(raw.Ports ?? []),
  );
}

export function containerFromInspect(raw: EngineContainerInspect): ContainerModel {
  const s = raw.State ?? {};
  const state = s.Status ?? (s.Running ? 'running' : 'exited');
  return containerFrom(
    raw.Id, (raw.Name ?? raw.Id.slice(0, 12)).replace(/^\//, ''), raw.Config?.Image ?? raw.Image ?? '', state, state,
    time(raw.Created), raw.Config?.Labels ?? {}, raw.HostConfig?.NetworkMode ?? '', raw.NetworkSettings?.Networks ?? {}, raw.Mounts ?? [],
    portsFromInspect(raw.NetworkSettings?.Ports ?? {}),
  );
}

/**
 * The list call gives everything but aliases; a container attached to a user-defined network needs an
 * inspect for them. On the default bridge, host and none there are no aliases to find.
 */
export function needsInspectForAliases(container: ContainerModel): boolean {
  return container.attachments.some((a) => !BUILT_IN_NETWORK_NAMES.has(a.networkName));
}
