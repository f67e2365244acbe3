/**
 * The parts of the Docker Engine API (1.41 and later) the extension reads. Hand-written so the rest of
 * the code depends on the API's shape, not on dockerode's typings.
 */

export interface IpamConfig {
  Subnet?: string;
  Gateway?: string;
  IPRange?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkContainerEntry {
  Name?: string;
  EndpointID?: string;
  MacAddress?: string;
  IPv4Address?: string;
  IPv6Address?: string;
}

export interface EngineNetwork {
  Id: string;
  Name: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  EnableIPv6?: boolean;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  IPAM?: { Driver?: string; Config?: IpamConfig[] | null; Options?: Record<string, string> | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, NetworkContainerEntry> | null;
}

export interface EngineVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  CreatedAt?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface EndpointSettings {
  NetworkID?: string;
  EndpointID?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  GlobalIPv6Address?: string;
  Gateway?: string;
  MacAddress?: string;
  Aliases?: string[] | null;
  DNSNames?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
}

export interface EngineMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Driver?: string;
  Mode?: string;
  RW?: boolean;
}

/** A published port in a container list row. */
export interface EnginePort {
  IP?: string;
  PrivatePort?: number;
  PublicPort?: number;
  Type?: string;
}

/** Published ports as inspect gives them: "80/tcp" -> host bindings (null when not published). */
export type EnginePortBindings = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;

/** A row of GET /containers/json (aliases are always null there: they need an inspect). */
export interface EngineContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Labels?: Record<string, string> | null;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, EndpointSettings> | null };
  Mounts?: EngineMount[] | null;
  Ports?: EnginePort[] | null;
}

/** The parts of GET /containers/{id}/json we use. */
export interface EngineContainerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Image?: string;
  State?: { Status?: string; Running?: boolean; Paused?: boolean };
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, EndpointSettings> | null; Ports?: EnginePortBindings | null };
  Mounts?: EngineMount[] | null;
}

export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  Os?: string;
  Arch?: string;
  Components?: Array<{ Name: string; Version: string }>;
}

/** One message of GET /events. */
export interface EngineEvent {
  Type: 'network' | 'volume' | 'container' | string;
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
  scope?: string;
}

/** The parts of GET /info we use. */
export interface EngineInfo {
  Name?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
  Plugins?: { Network?: string[]; Volume?: string[] };
}

export interface NetworkCreateSpec {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  ipv6?: boolean;
  /** An IPv6 subnet beside an IPv4 one (the engine has no IPv6 pool of its own before Engine 27). */
  ipv6Subnet?: string;
  internal?: boolean;
  attachable?: boolean;
  /** Parent host interface for macvlan/ipvlan. */
  parent?: string;
  options?: Record<string, string>;
  labels?: Record<string, string>;
}

/** A volume to create: what the engine's create call takes. */
export interface VolumeSpec {
  name: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
