/**
 * Port and volume mapping strings as Compose reads them (`[ip:][host[-end]:]container[-end][/proto]`,
 * `[source:]target[:mode]`), and the long-syntax maps, with a message that says what is wrong.
 */
import { parseAddress } from '../model/cidr';
import { child, isMapNode, scalarText, type CNode } from './parse';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface PortRange {
  start: number;
  end: number;
}

export interface PortMapping {
  /** As written (after interpolation), to quote it in messages. */
  text: string;
  /** Empty for all interfaces. */
  hostIp: string;
  host?: PortRange;
  container: PortRange;
  protocol: Protocol;
}

export type PortResult = { ok: true; mapping: PortMapping } | { ok: false; error: string };

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/**
 * A big file's ports name a handful of host addresses thousands of times: each text is checked once per process
 * (bounded, so a file of distinct addresses cannot grow it).
 */
const hostIpChecks = new Map<string, boolean>();

function isIpAddress(text: string): boolean {
  let ok = hostIpChecks.get(text);
  if (ok === undefined) {
    ok = parseAddress(text) !== undefined;
    if (hostIpChecks.size < 1024) hostIpChecks.set(text, ok);
  }
  return ok;
}

function parseRange(text: string, what: string, allowZero: boolean): PortRange | string {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return `${what} "${text}" is not a port number or a range like 8000-8010`;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const min = allowZero ? 0 : 1;
  if (start < min || start > 65535 || end < min || end > 65535) return `${what} ${text} is outside ${min}-65535`;
  if (end < start) return `${what} range ${text} ends before it starts`;
  return { start, end };
}

/** A short-syntax port string or number. */
export function parsePortString(raw: string): PortResult {
  const text = raw.trim();
  if (text === '') return { ok: false, error: 'Empty port mapping: write it as [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL].' };
  let rest = text;
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const proto = rest.slice(slash + 1).toLowerCase();
    if (!PROTOCOLS.has(proto)) return { ok: false, error: `Unknown protocol "${rest.slice(slash + 1)}" in port mapping "${text}": use tcp, udp or sctp.` };
    protocol = proto as Protocol;
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1 || rest[close + 1] !== ':') return { ok: false, error: `Port mapping "${text}" has an unclosed IPv6 address: write it as [::1]:8080:80.` };
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
    if (!rest.includes(':')) rest = `:${rest}`;
  }
  let parts = rest.split(':');
  if (!hostIp && parts.length > 3) {
    // An IPv6 host address written without brackets.
    hostIp = parts.slice(0, parts.length - 2).join(':');
    parts = parts.slice(parts.length - 2);
  }
  if (parts.length > 3) return { ok: false, error: `Port mapping "${text}" has too many parts: write it as [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL].` };
  let hostText: string | undefined;
  let containerText: string;
  if (parts.length === 3) {
    if (hostIp) return { ok: false, error: `Port mapping "${text}" has too many parts: write it as [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL].` };
    [hostIp, hostText, containerText] = parts;
  } else if (parts.length === 2) {
    [hostText, containerText] = parts;
  } else {
    containerText = parts[0];
  }
  if (hostIp && !isIpAddress(hostIp)) return { ok: false, error: `"${hostIp}" in port mapping "${text}" is not an IP address.` };
  const container = parseRange(containerText, 'Container port', false);
  if (typeof container === 'string') return { ok: false, error: `${container} in "${text}".` };
  let host: PortRange | undefined;
  if (hostText) {
    // Host port 0 asks the engine for a free port, as docker run -p 0:80 does (compose-go parses it as any port).
    const h = parseRange(hostText, 'Host port', true);
    if (typeof h === 'string') return { ok: false, error: `${h} in "${text}".` };
    host = h;
    const hostLen = h.end - h.start;
    const containerLen = container.end - container.start;
    if (containerLen !== 0 && hostLen !== containerLen) {
      return { ok: false, error: `Host range ${hostText} and container range ${containerText} differ in length in "${text}": make them the same size.` };
    }
  }
  return { ok: true, mapping: { text, hostIp, host, container, protocol } };
}

/** A port entry of either syntax; undefined when a value depends on a variable we cannot resolve. */
export function parsePortNode(node: CNode, resolve: (text: string) => string | undefined): PortResult | undefined {
  if (node.kind === 'scalar') {
    if (node.value === null) return undefined;
    const text = resolve(String(node.value));
    return text === undefined ? undefined : parsePortString(text);
  }
  if (!isMapNode(node)) return undefined;
  const targetText = scalarText(child(node, 'target'));
  // The schema lets target out; compose-go does not ("service ports ... is missing a target port").
  if (targetText === undefined) return child(node, 'target') ? undefined : { ok: false, error: 'A port mapping needs a target (the port in the container): add target:.' };
  const target = resolve(targetText);
  const publishedRaw = scalarText(child(node, 'published'));
  const published = publishedRaw === undefined ? '' : resolve(publishedRaw);
  const ipRaw = scalarText(child(node, 'host_ip'));
  const hostIp = ipRaw === undefined ? '' : resolve(ipRaw);
  const protoRaw = scalarText(child(node, 'protocol'));
  const proto = protoRaw === undefined ? 'tcp' : resolve(protoRaw);
  if (target === undefined || published === undefined || hostIp === undefined || proto === undefined) return undefined;
  const text = `${hostIp ? `${hostIp}:` : ''}${published ? `${published}:` : ''}${target}/${proto}`;
  if (!PROTOCOLS.has(proto.toLowerCase())) return { ok: false, error: `Unknown protocol "${proto}": use tcp, udp or sctp.` };
  if (hostIp && !isIpAddress(hostIp)) return { ok: false, error: `host_ip "${hostIp}" is not an IP address.` };
  const container = parseRange(target, 'Target port', false);
  if (typeof container === 'string') return { ok: false, error: `${container}.` };
  let host: PortRange | undefined;
  if (published) {
    const h = parseRange(published, 'Published port', true);
    if (typeof h === 'string') return { ok: false, error: `${h}.` };
    host = h;
  }
  return { ok: true, mapping: { text, hostIp, host, container, protocol: proto.toLowerCase() as Protocol } };
}

/** Whether two host addresses can clash: equal, or either one is "all interfaces". */
export function hostIpsOverlap(a: string, b: string): boolean {
  const any = (ip: string) => ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '[::]';
  if (any(a) || any(b)) {
    // 0.0.0.0 and an IPv6 address do not clash, nor :: and an IPv4 one (docker binds both families for "").
    if (a === '' || b === '') return true;
    const v6 = (ip: string) => ip.includes(':');
    return v6(a) === v6(b);
  }
  const pa = parseAddress(a);
  const pb = parseAddress(b);
  return pa && pb ? pa.toString() === pb.toString() : a === b;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** A host range mapped to one container port lets the engine pick a free host port in it: not a fixed claim. */
export function claimsFixedHostPorts(m: PortMapping): m is PortMapping & { host: PortRange } {
  if (!m.host || m.host.end === 0) return false; // 0: the engine picks a free port
  return !(m.host.end > m.host.start && m.container.end === m.container.start);
}

export function describePorts(m: PortMapping & { host: PortRange }): string {
  const port = m.host.start === m.host.end ? `${m.host.start}` : `${m.host.start}-${m.host.end}`;
  return `${m.hostIp ? `${m.hostIp}:` : ''}${port}/${m.protocol}`;
}

// ---- volumes -----------------------------------------------------------------------------------------------

const VOLUME_MODES = new Set([
  'ro', 'rw', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated',
  'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate',
]);

export function isAbsoluteContainerPath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** The options of a short-syntax volume string that docker compose drops without a word (format/volume.go). */
export function ignoredVolumeOptions(parts: string[]): string[] {
  if (parts.length !== 3 || !isAbsoluteContainerPath(parts[1])) return [];
  return parts[2].split(',').filter((m) => m !== '' && !VOLUME_MODES.has(m));
}

/** The problem with a short-syntax volume string, or undefined when it is fine. */
export function checkVolumeString(spec: string, parts: string[]): string | undefined {
  if (spec.trim() === '') return 'Empty volume mapping: write it as [SOURCE:]TARGET[:MODE].';
  if (parts.length > 3) return `Volume mapping "${spec}" has too many parts: write it as [SOURCE:]TARGET[:MODE].`;
  if (parts.length === 1) {
    if (!isAbsoluteContainerPath(parts[0])) return `Volume target "${parts[0]}" must be an absolute path in the container: write SOURCE:/path or /path.`;
    return undefined;
  }
  const [source, target, mode] = parts;
  if (source === '') return `Volume mapping "${spec}" has an empty source: write SOURCE:TARGET or just the target.`;
  if (target === '') return `Volume mapping "${spec}" has no target: write SOURCE:/path/in/container.`;
  if (!isAbsoluteContainerPath(target)) {
    if (parts.length === 2 && [...target.split(',')].every((m) => VOLUME_MODES.has(m)) && isAbsoluteContainerPath(source)) {
      return undefined; // "/data:ro": an anonymous volume with a mode
    }
    return `Volume target "${target}" must be an absolute path in the container, for example /data.`;
  }
  if (mode !== undefined) {
    // compose-go (format/volume.go) skips options it does not know (ignored-setting says so) and refuses an empty
    // section between colons.
    if (mode === '') return `Volume mapping "${spec}" has an empty mode: write ro, rw, z, Z, nocopy or a propagation mode after the last colon, or remove it.`;
  }
  return undefined;
}

const MOUNT_TYPES = new Set(['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image']);

/** The problem with a long-syntax volume map, or undefined when it is fine. */
export function checkVolumeMap(node: CNode, resolve: (text: string) => string | undefined): { error: string; at: CNode } | undefined {
  if (!isMapNode(node)) return undefined;
  const typeNode = child(node, 'type');
  const type = scalarText(typeNode);
  if (typeNode && type !== undefined && !type.includes('$') && !MOUNT_TYPES.has(type)) {
    return { error: `Unknown mount type "${type}": use volume, bind, tmpfs, npipe, cluster or image.`, at: typeNode };
  }
  const targetNode = child(node, 'target');
  const target = scalarText(targetNode);
  const resolved = target === undefined ? undefined : resolve(target);
  if (targetNode && resolved !== undefined && !isAbsoluteContainerPath(resolved)) {
    return { error: `Mount target "${resolved}" must be an absolute path in the container, for example /data.`, at: targetNode };
  }
  // The schema lets target out; compose-go does not ("service volume ... is missing a mount target").
  if (!targetNode) return { error: 'A mount needs a target (the path in the container): add target: /path.', at: typeNode ?? node };
  if (type === 'bind' && child(node, 'source') === undefined) {
    return { error: 'A bind mount needs a source: add source: ./path/on/host.', at: typeNode ?? node };
  }
  return undefined;
}
