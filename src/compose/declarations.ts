/**
 * What a Compose file declares and refers to, read off the parsed tree once, with the source span of every
 * name so that rules, lenses, hovers and go-to-definition point at exactly the right text.
 */
import { child, entry, isMapNode, isSeqNode, parseCompose, scalarText, withoutResets, type CEntry, type CMap, type CNode, type ParsedCompose, type Span } from './parse';
import { withoutResetPaths } from './resets';

export type Section = 'networks' | 'volumes' | 'configs' | 'secrets';
export const SECTIONS: readonly Section[] = ['networks', 'volumes', 'configs', 'secrets'];

/** A name used somewhere, and where. */
export interface Ref extends Span {
  name: string;
}

/** A scalar's text and where it is. */
export interface TextAt extends Span {
  text: string;
}

export interface IpamPool {
  subnet?: TextAt;
  gateway?: TextAt;
  ipRange?: TextAt;
}

export interface ResourceDecl {
  section: Section;
  /** The key under the top-level section. */
  name: string;
  keyStart: number;
  keyEnd: number;
  /** The whole entry, key to end of value. */
  end: number;
  node: CNode;
  external: boolean;
  /** `name:` (the engine name, used as is). */
  explicitName?: TextAt;
  driver?: TextAt;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  driverOpts: Record<string, string>;
  ipam: IpamPool[];
}

export interface ServiceDecl {
  name: string;
  keyStart: number;
  keyEnd: number;
  node: CMap | undefined;
  /** Networks the service joins (short or long syntax). */
  networks: Ref[];
  networksEntry?: CEntry;
  networkMode?: TextAt & { entry: CEntry };
  portsEntry?: CEntry;
  ports: CNode[];
  volumes: CNode[];
  dependsOn: Ref[];
  links: Ref[];
  volumesFrom: Ref[];
  configs: Ref[];
  /** The service's secrets, then its build's secrets. */
  secrets: Ref[];
  containerName?: TextAt;
  /** The value of the service's `extends:`, when it has one. */
  extendsNode?: CNode;
}

export interface ComposeModel {
  parsed: ParsedCompose;
  /** The document's mapping without its !reset values: what the rules read (parsed.root is the file as written). */
  root: CMap | undefined;
  services: ServiceDecl[];
  servicesEntry?: CEntry;
  resources: Record<Section, ResourceDecl[]>;
  sectionEntries: Partial<Record<Section, CEntry>>;
  versionEntry?: CEntry;
  name?: TextAt;
}

export function readModel(text: string): ComposeModel {
  return modelOf(parseCompose(text));
}

export function modelOf(parsed: ParsedCompose): ComposeModel {
  // The rules read the file as Compose does, without its !reset values (the text test spares the walk).
  const read = parsed.root && parsed.text.includes('!reset') ? withoutResets(parsed.root) : parsed.root;
  return modelFromRoot(parsed, read);
}

/**
 * What a project keeps of a file once the files after it applied their `!reset` and `!override` (`paths`, see
 * resets.ts): `model` without the values at those paths. `model` itself when they remove nothing; otherwise the
 * declarations of the services and resources they leave alone are the same objects.
 */
export function modelWithout(model: ComposeModel, paths: readonly string[]): ComposeModel {
  const root = withoutResetPaths(model.root, paths);
  return root === model.root ? model : modelFromRoot(model.parsed, root, model);
}

function modelFromRoot(parsed: ParsedCompose, read: CNode | undefined, before?: ComposeModel): ComposeModel {
  const root = isMapNode(read) ? read : undefined;
  const resources: Record<Section, ResourceDecl[]> = { networks: [], volumes: [], configs: [], secrets: [] };
  const sectionEntries: Partial<Record<Section, CEntry>> = {};
  for (const section of SECTIONS) {
    const e = entry(root, section);
    if (!e) continue;
    sectionEntries[section] = e;
    if (!isMapNode(e.value)) continue;
    const reuse = byEntry(before?.sectionEntries[section], before?.resources[section]);
    for (const r of e.value.entries) resources[section].push(reuse?.get(r) ?? resourceOf(section, r));
  }
  const servicesEntry = entry(root, 'services');
  const reuse = byEntry(before?.servicesEntry, before?.services);
  const services = isMapNode(servicesEntry?.value) ? servicesEntry.value.entries.map((e) => reuse?.get(e) ?? serviceOf(e)) : [];
  const nameEntry = entry(root, 'name');
  const nameText = scalarText(nameEntry?.value);
  return {
    parsed, root, services, servicesEntry, resources, sectionEntries,
    versionEntry: entry(root, 'version'),
    name: nameEntry && nameText !== undefined ? { text: nameText, start: nameEntry.value.start, end: nameEntry.value.end } : undefined,
  };
}

/** The declarations of a section by the entry they were read from (each entry gave one, in order). */
function byEntry<T>(section: CEntry | undefined, decls: readonly T[] | undefined): Map<CEntry, T> | undefined {
  if (!section || !decls || !isMapNode(section.value) || section.value.entries.length !== decls.length) return undefined;
  const entries = section.value.entries;
  return new Map(entries.map((e, i) => [e, decls[i]]));
}

export function textAt(node: CNode | undefined): TextAt | undefined {
  const text = scalarText(node);
  return node && text !== undefined ? { text, start: node.start, end: node.end } : undefined;
}

function stringMap(node: CNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMapNode(node)) {
    for (const e of node.entries) out[e.key] = scalarText(e.value) ?? '';
  } else if (isSeqNode(node)) {
    // labels: ["a=b"]
    for (const item of node.items) {
      const t = scalarText(item);
      if (t === undefined) continue;
      const eq = t.indexOf('=');
      if (eq === -1) out[t] = ''; else out[t.slice(0, eq)] = t.slice(eq + 1);
    }
  }
  return out;
}

function isTrue(node: CNode | undefined): boolean {
  return node?.kind === 'scalar' && (node.value === true || node.value === 'true');
}

function resourceOf(section: Section, e: CEntry): ResourceDecl {
  const node = e.value;
  const externalNode = child(node, 'external');
  // Compose 1.x allowed `external: { name: x }`.
  const external = isTrue(externalNode) || isMapNode(externalNode);
  const ipam: IpamPool[] = [];
  const config = child(child(node, 'ipam'), 'config');
  if (isSeqNode(config)) {
    for (const pool of config.items) {
      ipam.push({ subnet: textAt(child(pool, 'subnet')), gateway: textAt(child(pool, 'gateway')), ipRange: textAt(child(pool, 'ip_range')) });
    }
  }
  return {
    section, name: e.key, keyStart: e.keyStart, keyEnd: e.keyEnd, end: Math.max(e.keyEnd, node.end), node, external,
    explicitName: textAt(child(node, 'name')) ?? textAt(child(externalNode, 'name')),
    driver: textAt(child(node, 'driver')),
    internal: isTrue(child(node, 'internal')),
    attachable: isTrue(child(node, 'attachable')),
    labels: stringMap(child(node, 'labels')),
    driverOpts: stringMap(child(node, 'driver_opts')),
    ipam,
  };
}

/** Names listed as a sequence of strings or as the keys of a map (both are allowed for most references). */
function namesOf(node: CNode | undefined, longKey?: string): Ref[] {
  const refs: Ref[] = [];
  if (isSeqNode(node)) {
    for (const item of node.items) {
      if (item.kind === 'scalar') {
        const t = scalarText(item);
        if (t !== undefined) refs.push({ name: t, start: item.start, end: item.end });
      } else if (longKey && isMapNode(item)) {
        const v = child(item, longKey);
        const t = scalarText(v);
        if (v && t !== undefined) refs.push({ name: t, start: v.start, end: v.end });
      }
    }
  } else if (isMapNode(node)) {
    for (const e of node.entries) refs.push({ name: e.key, start: e.keyStart, end: e.keyEnd });
  }
  // An array grown by push() keeps room for 16: the model of a big file holds tens of thousands of these.
  return refs.length > 0 ? refs.slice() : refs;
}

/** `secrets` of the service and of its `build` (compose-go checkConsistency: "refers to undefined build secret"). */
function serviceSecrets(secrets: CNode | undefined, build: CNode | undefined): Ref[] {
  const own = namesOf(secrets, 'source');
  const forBuild = isMapNode(build) ? namesOf(child(build, 'secrets'), 'source') : [];
  return forBuild.length === 0 ? own : own.concat(forBuild);
}

/** The entries of a service that the model reads, found in one pass over its keys (the first of a key counts). */
interface ServiceEntries {
  networks?: CEntry;
  network_mode?: CEntry;
  ports?: CEntry;
  volumes?: CEntry;
  links?: CEntry;
  volumes_from?: CEntry;
  extends?: CEntry;
  depends_on?: CEntry;
  configs?: CEntry;
  secrets?: CEntry;
  build?: CEntry;
  container_name?: CEntry;
}

/**
 * One pass instead of a lookup per key: a big file's model reads twelve keys of each of 20,000 services, and a
 * scan of the entries per key compared each service's keys a dozen times over.
 */
function serviceEntries(node: CMap | undefined): ServiceEntries {
  const found: ServiceEntries = {};
  if (!node) return found;
  for (const e of node.entries) {
    switch (e.key) {
      case 'networks': case 'network_mode': case 'ports': case 'volumes': case 'links': case 'volumes_from':
      case 'extends': case 'depends_on': case 'configs': case 'secrets': case 'build': case 'container_name':
        found[e.key] ??= e;
    }
  }
  return found;
}

function serviceOf(e: CEntry): ServiceDecl {
  const node = isMapNode(e.value) ? e.value : undefined;
  const found = serviceEntries(node);
  const networksEntry = found.networks;
  const modeEntry = found.network_mode;
  const mode = textAt(modeEntry?.value);
  const portsEntry = found.ports;
  const volumes = found.volumes?.value;
  const links = namesOf(found.links?.value).map((r) => {
    // "service:alias"
    const colon = r.name.indexOf(':');
    return colon === -1 ? r : { name: r.name.slice(0, colon), start: r.start, end: r.end };
  });
  const volumesFrom: Ref[] = [];
  for (const r of namesOf(found.volumes_from?.value)) {
    // "service[:ro]" or "container:name[:ro]"
    if (r.name.startsWith('container:')) continue;
    const name = r.name.split(':')[0];
    volumesFrom.push({ name, start: r.start, end: r.end });
  }
  const ext = found.extends?.value;
  return {
    name: e.key, keyStart: e.keyStart, keyEnd: e.keyEnd, node,
    networks: namesOf(networksEntry?.value),
    networksEntry,
    networkMode: mode && modeEntry ? { ...mode, entry: modeEntry } : undefined,
    portsEntry,
    ports: isSeqNode(portsEntry?.value) ? portsEntry.value.items : [],
    volumes: isSeqNode(volumes) ? volumes.items : [],
    dependsOn: namesOf(found.depends_on?.value),
    links,
    volumesFrom,
    configs: namesOf(found.configs?.value, 'source'),
    secrets: serviceSecrets(found.secrets?.value, found.build?.value),
    containerName: textAt(found.container_name?.value),
    extendsNode: ext,
  };
}

/** The services that join a network, given the implicit `default` network of services that name none. */
export function joinsNetwork(service: ServiceDecl, network: string): boolean {
  if (service.networkMode) return false;
  if (service.networks.length === 0) return network === 'default';
  return service.networks.some((r) => r.name === network);
}

/** Named volumes a service mounts: short syntax `name:/path[:mode]` and long syntax `{ type: volume, source }`. */
export function namedVolumeRefs(service: ServiceDecl): Ref[] {
  const refs: Ref[] = [];
  for (const item of service.volumes) {
    if (item.kind === 'scalar') {
      const t = scalarText(item);
      if (t === undefined) continue;
      const source = shortVolumeSource(t);
      if (source !== undefined && isVolumeName(source)) {
        // The span of the name inside the string, quotes included in the offset.
        const inner = item.quoted ? 1 : 0;
        refs.push({ name: source, start: item.start + inner, end: item.start + inner + source.length });
      }
    } else if (isMapNode(item)) {
      const type = scalarText(child(item, 'type'));
      const src = child(item, 'source');
      const name = scalarText(src);
      if (src && name !== undefined && (type === 'volume' || (type === undefined && isVolumeName(name))) && !name.includes('$')) {
        refs.push({ name, start: src.start, end: src.end });
      }
    }
  }
  return refs;
}

/** The source part of a short volume string, or undefined for an anonymous volume (`/data`). */
export function shortVolumeSource(spec: string): string | undefined {
  // A Windows drive letter (C:\...) is a path, not a "source:" prefix.
  const parts = splitVolumeSpec(spec);
  return parts.length >= 2 ? parts[0] : undefined;
}

export function splitVolumeSpec(spec: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = spec.indexOf(':'); i !== -1; i = spec.indexOf(':', i + 1)) {
    // "C:\data" and "C:/data" at the start of a part are a path with a drive letter, not a part "C".
    if (i - from === 1 && /[A-Za-z]/.test(spec[from]) && (spec[i + 1] === '\\' || spec[i + 1] === '/')) continue;
    parts.push(spec.slice(from, i));
    from = i + 1;
  }
  parts.push(spec.slice(from));
  return parts;
}

/** Whether a volume source is a named volume rather than a host path. */
export function isVolumeName(source: string): boolean {
  if (source === '' || source.includes('$')) return false;
  return !/^[./~\\]/.test(source) && !/^[A-Za-z]:[\\/]/.test(source) && !source.includes('/');
}
