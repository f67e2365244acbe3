/**
 * What the code lenses say, as plain data: above each top-level network and volume its live state on the
 * engine and what can be done (reveal, create, back up); above each service its networks and the services it
 * reaches by name. The editor turns these into CodeLenses and refreshes them when engine events arrive.
 */
import type { Analysis } from './analyze';
import type { EngineSnapshot } from './engineSnapshot';
import { joinsNetwork, namedVolumeRefs, type ResourceDecl } from './declarations';
import type { ComposeProject } from './project';
import type { NetworkCreateArgs, VolumeCreateArgs } from './rules/rule';
import { formatBytes, plural } from '../model/format';

export type LensAction =
  | { kind: 'reveal'; title: string; target: { kind: 'network' | 'volume'; name: string } }
  | { kind: 'createNetwork'; title: string; args: NetworkCreateArgs }
  | { kind: 'createVolume'; title: string; args: VolumeCreateArgs }
  | { kind: 'backup'; title: string; volume: string };

export interface ComposeLens {
  /** The key the lens sits above. */
  start: number;
  end: number;
  /** The state, shown first and not clickable. */
  text: string;
  tooltip?: string;
  actions: LensAction[];
}

/** Labels Compose puts on what it creates, so `docker compose up` adopts a network or volume made here. */
function composeLabels(project: ComposeProject, section: 'network' | 'volume', decl: ResourceDecl): Record<string, string> {
  return { 'com.docker.compose.project': project.name, [`com.docker.compose.${section}`]: decl.name, ...decl.labels };
}

export function networkCreateArgs(project: ComposeProject, decl: ResourceDecl): NetworkCreateArgs {
  const name = project.engineName('networks', decl.name);
  const pool = decl.ipam[0];
  const args: NetworkCreateArgs = { name };
  if (decl.driver) args.driver = decl.driver.text;
  if (pool?.subnet) args.subnet = pool.subnet.text;
  if (pool?.gateway) args.gateway = pool.gateway.text;
  if (decl.internal) args.internal = true;
  if (decl.attachable) args.attachable = true;
  if (!decl.external) args.labels = composeLabels(project, 'network', decl);
  return args;
}

export function volumeCreateArgs(project: ComposeProject, decl: ResourceDecl): VolumeCreateArgs {
  const args: VolumeCreateArgs = { name: project.engineName('volumes', decl.name) };
  if (decl.driver) args.driver = decl.driver.text;
  if (Object.keys(decl.driverOpts).length) args.driverOpts = decl.driverOpts;
  if (!decl.external) args.labels = composeLabels(project, 'volume', decl);
  return args;
}

/** Lenses for one analysed file; network and volume state only when an engine snapshot is given. */
export function composeLenses(analysis: Analysis, engine: EngineSnapshot | undefined): ComposeLens[] {
  const { model, project } = analysis;
  const lenses: ComposeLens[] = [];
  if (engine) {
    for (const decl of model.resources.networks) {
      const name = project.engineName('networks', decl.name);
      if (name.includes('$')) continue;
      const live = engine.networkByName(name);
      if (live) {
        const subnet = live.subnets.find((s) => s.subnet)?.subnet;
        const members = engine.membersOf(live).length;
        lenses.push({
          start: decl.keyStart, end: decl.keyEnd,
          text: ['created', live.driver, subnet, plural(members, 'container')].filter(Boolean).join(' · '),
          tooltip: `Network ${name} (${live.id.slice(0, 12)})`,
          actions: [{ kind: 'reveal', title: 'Reveal', target: { kind: 'network', name } }],
        });
      } else {
        lenses.push({
          start: decl.keyStart, end: decl.keyEnd,
          text: decl.external ? 'external · not found on the engine' : 'not created',
          tooltip: `No network named ${name} on the engine`,
          actions: [{ kind: 'createNetwork', title: 'Create', args: networkCreateArgs(project, decl) }],
        });
      }
    }
    for (const decl of model.resources.volumes) {
      const name = project.engineName('volumes', decl.name);
      if (name.includes('$')) continue;
      const live = engine.volume(name);
      if (live) {
        const usage = engine.usageOf?.(name);
        const users = engine.containers().filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === name));
        const usedBy = [...new Set(users.map((c) => c.service ?? c.name))];
        const parts = [
          usage && usage.size >= 0 ? formatBytes(usage.size) : 'created',
          usedBy.length ? `used by ${usedBy.slice(0, 3).join(', ')}${usedBy.length > 3 ? ` +${usedBy.length - 3}` : ''}` : 'unused',
        ];
        lenses.push({
          start: decl.keyStart, end: decl.keyEnd,
          text: parts.join(' · '),
          tooltip: `Volume ${name} (${live.driver})`,
          actions: [
            { kind: 'backup', title: 'Back up', volume: name },
            { kind: 'reveal', title: 'Reveal', target: { kind: 'volume', name } },
          ],
        });
      } else {
        lenses.push({
          start: decl.keyStart, end: decl.keyEnd,
          text: decl.external ? 'external · not found on the engine' : 'not created',
          tooltip: `No volume named ${name} on the engine`,
          actions: [{ kind: 'createVolume', title: 'Create', args: volumeCreateArgs(project, decl) }],
        });
      }
    }
  }
  for (const service of model.services) {
    const networks = service.networkMode ? [] : service.networks.length ? service.networks.map((r) => r.name) : ['default'];
    const reach = new Set<string>();
    for (const [other, decls] of project.services) {
      if (other === service.name) continue;
      if (networks.some((n) => decls.some((d) => joinsNetwork(d, n)))) reach.add(other);
    }
    const via = service.networkMode ? `network_mode: ${service.networkMode.text}` : `networks: ${networks.join(', ')}`;
    const reaches = reach.size ? `reaches ${[...reach].sort().slice(0, 6).join(', ')}${reach.size > 6 ? ` +${reach.size - 6}` : ''}` : 'reaches no other service';
    const volumes = namedVolumeRefs(service).length;
    lenses.push({
      start: service.keyStart, end: service.keyEnd,
      text: [via, reaches, volumes ? plural(volumes, 'named volume') : ''].filter(Boolean).join(' · '),
      actions: [],
    });
  }
  return lenses;
}
