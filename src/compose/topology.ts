/**
 * The topology of a Compose project as its files declare it (before `up`), in the explorer's model shapes so the
 * same graph, layout, reachability and export apply; and what differs from the engine, marked on the nodes:
 * `missing` (declared, not on the engine), `extra` (on the engine with the project's label, not declared) and
 * `subnetDiffers`. Pure: the project is already loaded, the engine's lists are given.
 */
import { buildTopology, type TopologyGraph, type TopologySource } from '../model/topology/graph';
import type { Attachment, ContainerModel, MountModel, NetworkModel, VolumeModel } from '../model/types';
import { joinsNetwork, namedVolumeRefs, type ServiceDecl } from './declarations';
import type { ComposeProject } from './project';

const declaredId = (name: string) => `declared:${name}`;

function network(name: string, fields: Partial<NetworkModel>): NetworkModel {
  return {
    id: declaredId(name), name, driver: 'bridge', scope: 'local', created: 0, internal: false, attachable: false, ingress: false,
    enableIPv6: false, ipamDriver: 'default', subnets: [], options: {}, labels: {}, builtIn: false, ...fields,
  };
}

/** Every network a service joins, across the files that declare it (an override adds to the base). */
function serviceNetworks(decls: ServiceDecl[]): string[] {
  if (decls.some((d) => d.networkMode)) return [];
  const named = [...new Set(decls.flatMap((d) => d.networks.map((r) => r.name)))];
  return named.length ? named : decls.some((d) => joinsNetwork(d, 'default')) ? ['default'] : [];
}

export function declaredSource(project: ComposeProject): TopologySource {
  const networks = new Map<string, NetworkModel>();
  const addNetwork = (key: string) => {
    const engineName = project.engineName('networks', key);
    if (networks.has(engineName)) return engineName;
    const decl = project.declared.networks.get(key);
    networks.set(engineName, network(engineName, {
      driver: decl?.driver?.text ?? 'bridge', internal: decl?.internal ?? false, attachable: decl?.attachable ?? false,
      subnets: (decl?.ipam ?? []).map((p) => ({ subnet: p.subnet?.text, gateway: p.gateway?.text })),
      project: decl?.external ? undefined : project.name, labels: decl?.labels ?? {},
    }));
    return engineName;
  };
  for (const key of project.declared.networks.keys()) addNetwork(key);

  const volumes: VolumeModel[] = [...project.declared.volumes.entries()].map(([key, decl]) => ({
    name: project.engineName('volumes', key), driver: decl.driver?.text ?? 'local', mountpoint: '', created: 0, scope: 'local',
    labels: decl.labels, options: decl.driverOpts, project: decl.external ? undefined : project.name, anonymous: false,
  }));

  const containers: ContainerModel[] = [];
  for (const [service, decls] of project.services) {
    const last = decls[decls.length - 1];
    const name = [...decls].reverse().find((d) => d.containerName)?.containerName?.text ?? `${project.name}-${service}-1`;
    const attachments: Attachment[] = serviceNetworks(decls).map((key) => {
      const engineName = addNetwork(key);
      return { networkId: declaredId(engineName), networkName: engineName, aliases: [service] };
    });
    const mounts: MountModel[] = decls.flatMap((d) => namedVolumeRefs(d)).map((ref) => ({
      type: 'volume', name: project.engineName('volumes', ref.name), destination: '', readOnly: false,
    }));
    containers.push({
      id: declaredId(name), name, image: '', state: 'running', status: 'declared', created: 0,
      labels: { 'com.docker.compose.project': project.name, 'com.docker.compose.service': service },
      project: project.name, service, networkMode: last.networkMode?.text ?? (attachments[0]?.networkName ?? 'none'), attachments, mounts, ports: [],
    });
  }
  return { networks: [...networks.values()], containers, volumes };
}

/**
 * The declared graph, with what differs from the engine marked. Resources match by engine name (containers by
 * their project and service labels first, as Compose names them `<project>-<service>-<n>`).
 */
export function compareWithEngine(project: ComposeProject, engine: TopologySource): TopologyGraph {
  const declared = declaredSource(project);
  const graph = buildTopology(declared, { scope: { kind: 'project', project: project.name }, maxContainers: Number.MAX_SAFE_INTEGER });
  // External networks and volumes are the project's too, here: the scope keeps what its services use.
  const engineNetworks = new Map(engine.networks.map((n) => [n.name, n]));
  const engineVolumes = new Set(engine.volumes.map((v) => v.name));
  const engineServices = new Map(engine.containers.filter((c) => c.project === project.name && c.service).map((c) => [c.service!, c]));
  const declaredNetworks = new Map(declared.networks.map((n) => [n.name, n]));
  for (const node of graph.nodes) {
    if (node.ref?.kind === 'network') {
      const onEngine = engineNetworks.get(node.ref.name);
      if (!onEngine) { node.flags.push('missing'); node.detail.push('not on the engine'); continue; }
      const want = declaredNetworks.get(node.ref.name)?.subnets.map((s) => s.subnet).filter(Boolean) ?? [];
      const have = onEngine.subnets.map((s) => s.subnet).filter(Boolean);
      if (want.length && !want.every((s) => have.includes(s))) {
        node.flags.push('subnetDiffers');
        node.detail.push(`engine: ${have.join(', ') || 'no subnet'}`);
      }
    } else if (node.ref?.kind === 'container') {
      const service = declared.containers.find((c) => c.name === (node.ref as { name: string }).name)?.service;
      if (!service || !engineServices.has(service)) { node.flags.push('missing'); node.detail.push('not created'); }
    } else if (node.ref?.kind === 'volume' && !engineVolumes.has(node.ref.name)) {
      node.flags.push('missing');
      node.detail.push('not on the engine');
    }
  }
  // What the engine holds for the project that the files no longer declare.
  const shown = new Set(graph.nodes.map((n) => n.id));
  const engineGraph = buildTopology(engine, { scope: { kind: 'project', project: project.name }, maxContainers: Number.MAX_SAFE_INTEGER });
  const declaredServiceNames = new Set(declared.containers.map((c) => c.service));
  for (const node of engineGraph.nodes) {
    if (shown.has(node.id)) continue;
    if (node.ref?.kind === 'container') {
      const c = engine.containers.find((x) => x.name === (node.ref as { name: string }).name);
      if (c?.service && declaredServiceNames.has(c.service)) continue; // a second replica of a declared service
    }
    graph.nodes.push({ ...node, flags: [...node.flags, 'extra'], detail: [...node.detail, 'not declared'] });
    shown.add(node.id);
  }
  for (const edge of engineGraph.edges) {
    if (shown.has(edge.from) && shown.has(edge.to) && !graph.edges.some((e) => e.id === edge.id)) graph.edges.push({ ...edge, flags: [...edge.flags, 'extra'] });
  }
  for (const cluster of engineGraph.clusters) if (!graph.clusters.some((c) => c.id === cluster.id)) graph.clusters.push(cluster);
  graph.nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  graph.edges.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return graph;
}
