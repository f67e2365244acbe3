/**
 * What may be done to networks, decided before the engine is asked: names and addresses are checked here so a
 * bad or hostile value gets a clear message and never reaches the engine; remove says what it may touch (the
 * prune preview is in prune/networks.ts). Pure: no engine, no editor.
 */
import type { NetworkCreateSpec } from '../engine/types';
import { checkAddressInSubnet, checkRangeInSubnet, overlaps, parseSubnet, type Subnet } from './cidr';
import type { NetworkMember, NetworkModel } from './types';

/** Names the engine reserves for its own networks. */
const RESERVED_NAMES = new Set(['bridge', 'host', 'none', 'default', 'ingress', 'docker_gwbridge', 'container']);

/**
 * Network names as the CLI and Compose produce them: a letter or digit first, then letters, digits, `_`, `.`
 * or `-`. The engine itself takes more, but names with `/`, spaces or shell characters break the CLI, DNS
 * aliases and Compose files alike.
 */
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NAME_MAX = 128;

export function checkNetworkName(name: string, existing: NetworkModel[] = []): string | undefined {
  const value = name.trim();
  if (!value) return 'Give the network a name.';
  if (value.length > NAME_MAX) return `A network name has at most ${NAME_MAX} characters (this one has ${value.length}).`;
  if (!NAME_PATTERN.test(value)) {
    return `"${value}" is not a valid network name: start with a letter or digit and use only letters, digits, "_", "." and "-".`;
  }
  if (RESERVED_NAMES.has(value)) return `"${value}" is reserved by the engine for its own networks.`;
  if (existing.some((n) => n.name === value)) return `A network named "${value}" already exists.`;
  return undefined;
}

/** Drivers a user can create; host and null are built-in, single-instance drivers. */
export type CreatableDriver = 'bridge' | 'overlay' | 'macvlan' | 'ipvlan';

export function creatableDrivers(swarmManager: boolean): CreatableDriver[] {
  return swarmManager ? ['bridge', 'overlay', 'macvlan', 'ipvlan'] : ['bridge', 'macvlan', 'ipvlan'];
}

export interface AddressPlan {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
}

export interface AddressCheck {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
}

/** Subnets of the engine's networks, parsed, with the network they belong to. */
export function existingSubnets(networks: NetworkModel[]): Array<{ network: NetworkModel; subnet: Subnet }> {
  const out: Array<{ network: NetworkModel; subnet: Subnet }> = [];
  for (const network of networks) {
    for (const s of network.subnets) {
      if (!s.subnet) continue;
      const parsed = parseSubnet(s.subnet);
      if (parsed.ok) out.push({ network, subnet: parsed.subnet });
    }
  }
  return out;
}

export function checkSubnet(text: string, networks: NetworkModel[]): string | undefined {
  const parsed = parseSubnet(text);
  if (!parsed.ok) return parsed.error;
  const clash = existingSubnets(networks).filter((e) => overlaps(e.subnet, parsed.subnet));
  if (clash.length) {
    return `${parsed.subnet.text} overlaps ${clash.map((c) => `${c.subnet.text} of network "${c.network.name}"`).join(', ')}.`;
  }
  return undefined;
}

/** Every problem with a subnet / gateway / IP range plan, by field; empty when it can be sent. */
export function checkAddressPlan(plan: AddressPlan, networks: NetworkModel[]): AddressCheck {
  const problems: AddressCheck = {};
  if (!plan.subnet) {
    if (plan.gateway) problems.gateway = 'A gateway needs a subnet.';
    if (plan.ipRange) problems.ipRange = 'An IP range needs a subnet.';
    return problems;
  }
  const subnetProblem = checkSubnet(plan.subnet, networks);
  if (subnetProblem) {
    problems.subnet = subnetProblem;
    return problems;
  }
  const parsed = parseSubnet(plan.subnet);
  if (!parsed.ok) return problems;
  if (plan.gateway) problems.gateway = checkAddressInSubnet(plan.gateway, parsed.subnet, 'Gateway');
  if (plan.ipRange) problems.ipRange = checkRangeInSubnet(plan.ipRange, parsed.subnet);
  for (const key of Object.keys(problems) as Array<keyof AddressCheck>) if (!problems[key]) delete problems[key];
  return problems;
}

/** A static address for a container on a network: inside one of its subnets, and not taken. */
export function checkStaticAddress(text: string, network: NetworkModel, members: NetworkMember[]): string | undefined {
  const subnets = network.subnets.map((s) => s.subnet && parseSubnet(s.subnet)).filter((r): r is { ok: true; subnet: Subnet } => Boolean(r && r.ok));
  if (subnets.length === 0) return `Network "${network.name}" has no subnet of its own: a static address needs a network created with --subnet.`;
  const errors = subnets.map((s) => checkAddressInSubnet(text, s.subnet, 'Address'));
  if (errors.every(Boolean)) return errors[0];
  const taken = members.find((m) => m.attachment.ipv4 === text.trim() || m.attachment.ipv6 === text.trim());
  if (taken) return `${text.trim()} is already used by ${taken.container.name} on "${network.name}".`;
  return undefined;
}

/** Aliases are DNS names: letters, digits, "-", "_" and "." (no spaces or shell characters). */
export function checkAliases(text: string): { aliases: string[]; error?: string } {
  const aliases = text.split(/[\s,]+/).map((a) => a.trim()).filter(Boolean);
  const bad = aliases.find((a) => !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(a) || a.length > 253);
  return bad ? { aliases, error: `"${bad}" is not a valid alias: use letters, digits, "_", "." and "-".` } : { aliases: [...new Set(aliases)] };
}

/** `key=value` pairs separated by commas or new lines (labels, driver options). */
export function parseKeyValues(text: string, what: string): { values: Record<string, string>; error?: string } {
  const values: Record<string, string> = {};
  for (const part of text.split(/[,\n]/).map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { values, error: `${what} "${part}" is not key=value.` };
    values[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { values };
}

/** IPv6 needs an IPv6 subnet: engines before 27 have no IPv6 address pool to choose from. */
export function checkIpv6Plan(spec: Pick<NetworkCreateSpec, 'ipv6' | 'subnet' | 'ipv6Subnet'>, existing: NetworkModel[]): string | undefined {
  const mainIsV6 = Boolean(spec.subnet && parseSubnet(spec.subnet).ok && spec.subnet.includes(':'));
  if (spec.ipv6Subnet) {
    if (!spec.ipv6) return 'An IPv6 subnet needs the IPv6 option on.';
    const parsed = parseSubnet(spec.ipv6Subnet);
    if (!parsed.ok) return parsed.error;
    if (parsed.subnet.family !== 'ipv6') return `${spec.ipv6Subnet} is not an IPv6 subnet (for example fd00:1::/64).`;
    return checkSubnet(spec.ipv6Subnet, existing);
  }
  if (spec.ipv6 && !mainIsV6) return 'IPv6 needs an IPv6 subnet (for example fd00:1::/64): the engine has no IPv6 address pool to choose from.';
  return undefined;
}

/** Every check the create wizard makes, for a spec that comes without it (an argument, a quick fix). */
export function checkCreateSpec(spec: NetworkCreateSpec, existing: NetworkModel[], swarmManager: boolean): string | undefined {
  const nameProblem = checkNetworkName(typeof spec.name === 'string' ? spec.name : '', existing);
  if (nameProblem) return nameProblem;
  const driver = spec.driver ?? 'bridge';
  if (!(creatableDrivers(true) as string[]).includes(driver)) {
    return `Driver "${driver}" cannot be used for a new network: choose bridge, overlay, macvlan or ipvlan.`;
  }
  if (driver === 'overlay' && !swarmManager) return 'Overlay networks need an engine that is a Swarm manager (docker swarm init).';
  if ((driver === 'macvlan' || driver === 'ipvlan') && !spec.parent && !spec.options?.parent) {
    return `A ${driver} network needs the parent host interface (for example eth0).`;
  }
  const problems = checkAddressPlan({ subnet: spec.subnet, gateway: spec.gateway, ipRange: spec.ipRange }, existing);
  if (problems.subnet ?? problems.gateway ?? problems.ipRange) return problems.subnet ?? problems.gateway ?? problems.ipRange;
  const v6Problem = checkIpv6Plan(spec, existing);
  if (v6Problem) return v6Problem;
  for (const [what, values] of [['Label', spec.labels], ['Option', spec.options]] as const) {
    for (const key of Object.keys(values ?? {})) if (!key.trim() || /[\s=]/.test(key)) return `${what} key "${key}" is not valid.`;
  }
  return undefined;
}

/**
 * Whether standalone containers may join: Swarm-scoped overlay networks take only services unless they were
 * created attachable; host and none take no second network.
 */
export function checkConnectable(network: NetworkModel): string | undefined {
  if (network.driver === 'host' || network.driver === 'null') return `${network.name} is the ${network.name} network mode: a container uses it alone and cannot be connected to it.`;
  if (network.scope === 'swarm' && !network.attachable) {
    return `${network.name} is a Swarm overlay network that only services can join: recreate it with the attachable option (docker network create --attachable) to connect containers.`;
  }
  if (network.ingress) return `${network.name} is the Swarm routing mesh: containers cannot be connected to it.`;
  return undefined;
}

export function isRemovable(network: NetworkModel): boolean {
  return !network.builtIn;
}

/** The engine's answer when its default address pools are used up, on 20.10 and later. */
export function isAddressPoolExhausted(message: string): boolean {
  return /could not find an available, non-overlapping (IPv4|IPv6) address pool/i.test(message)
    || /all predefined address pools have been fully subnetted/i.test(message);
}
