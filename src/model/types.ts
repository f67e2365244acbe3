/** The explorer's view of an engine: plain data, no engine or editor types. */

export interface Subnet {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
}

export interface NetworkModel {
  id: string;
  name: string;
  driver: string;
  scope: string;
  /** Milliseconds since the epoch; 0 when the engine did not say. */
  created: number;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  enableIPv6: boolean;
  ipamDriver: string;
  subnets: Subnet[];
  options: Record<string, string>;
  labels: Record<string, string>;
  /** Compose project from the com.docker.compose.project label. */
  project?: string;
  /** bridge, host, none, Swarm's ingress and docker_gwbridge: made by the engine, never removable. */
  builtIn: boolean;
}

export interface Attachment {
  networkId: string;
  networkName: string;
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  /** User-given aliases, without the container's own short id the engine adds. */
  aliases: string[];
}

export interface MountModel {
  type: string;
  /** Volume name for volume mounts. */
  name?: string;
  source?: string;
  destination: string;
  readOnly: boolean;
}

/** A host port a container publishes. */
export interface PortModel {
  /** '' or 0.0.0.0 / :: for all interfaces. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerModel {
  id: string;
  name: string;
  image: string;
  /** created, running, paused, restarting, removing, exited, dead */
  state: string;
  status: string;
  created: number;
  labels: Record<string, string>;
  project?: string;
  service?: string;
  networkMode: string;
  attachments: Attachment[];
  mounts: MountModel[];
  /** Published host ports (what `docker ps` shows under PORTS). */
  ports: PortModel[];
}

export interface VolumeModel {
  name: string;
  driver: string;
  mountpoint: string;
  created: number;
  scope: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  project?: string;
  /** Made by the engine for an unnamed mount (a 64-hex name, or the anonymous label on Engine 23+). */
  anonymous: boolean;
}

export interface VolumeUsage {
  /** Bytes; -1 when the engine could not compute it (e.g. a remote volume driver). */
  size: number;
  refCount: number;
}

export interface NetworkMember {
  container: ContainerModel;
  attachment: Attachment;
}

export interface VolumeUser {
  container: ContainerModel;
  mount: MountModel;
}

/** The three lists a full load fetches; each is published (a change of its kind) as soon as it arrives. */
export type ListKind = 'networks' | 'volumes' | 'containers';

/** 'aliases': inspects asked for by a view, the topology or a connectivity test filled in containers' network aliases. */
export type ChangeKind = ListKind | 'aliases' | 'sizes' | 'connection';

export interface StoreChange {
  kinds: ReadonlySet<ChangeKind>;
  /**
   * Set when the change leaves the set of volumes as it was: the only volumes whose own row (data, users) may
   * have changed, so a view of 10,000 volumes redraws these rows, not all. Undefined: any volume may have changed.
   */
  volumeRows?: ReadonlySet<string>;
  /**
   * Set when `volumeRows` is not because volumes came or went (not after a prune's reload): every volume the change
   * touched, those created and removed included, so a view that groups volumes re-lists only the groups they are in.
   */
  volumesTouched?: ReadonlySet<string>;
  /**
   * The same for networks: set when the change leaves the set of networks as it was, the ids of the only networks
   * whose row (data, members) may have changed. Undefined: any network may have changed.
   */
  networkRows?: ReadonlySet<string>;
}
