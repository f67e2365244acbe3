/**
 * Hover and go-to-definition over network, volume and service names: which reference (or declaration) is
 * under an offset, where it is declared in the project, and what to say about it.
 */
import type { Analysis } from './analyze';
import type { EngineSnapshot } from './engineSnapshot';
import { formatBytes } from '../model/format';
import { joinsNetwork, namedVolumeRefs, type ComposeModel, type Ref } from './declarations';
import type { ComposeProject } from './project';

export type SymbolKind = 'network' | 'volume' | 'service';

export interface SymbolAt {
  kind: SymbolKind;
  name: string;
  start: number;
  end: number;
}

export interface Location {
  file: string;
  start: number;
  end: number;
  model: ComposeModel;
}

const within = (r: { start: number; end: number }, offset: number) => offset >= r.start && offset <= r.end;

/** The network, volume or service named at `offset`, as a reference or as its own declaration key. */
export function symbolAt(model: ComposeModel, offset: number): SymbolAt | undefined {
  const hit = (kind: SymbolKind, r: Ref): SymbolAt | undefined => (within(r, offset) ? { kind, name: r.name, start: r.start, end: r.end } : undefined);
  for (const s of model.services) {
    const key = hit('service', { name: s.name, start: s.keyStart, end: s.keyEnd });
    if (key) return key;
    const node = s.node;
    if (!node || !within({ start: s.keyStart, end: node.end }, offset)) continue;
    for (const r of s.networks) { const h = hit('network', r); if (h) return h; }
    for (const r of namedVolumeRefs(s)) { const h = hit('volume', r); if (h) return h; }
    for (const r of [...s.dependsOn, ...s.links, ...s.volumesFrom]) { const h = hit('service', r); if (h) return h; }
    const mode = s.networkMode;
    if (mode && mode.text.startsWith('service:') && within(mode, offset)) {
      return { kind: 'service', name: mode.text.slice('service:'.length), start: mode.start, end: mode.end };
    }
  }
  for (const d of model.resources.networks) { const h = hit('network', { name: d.name, start: d.keyStart, end: d.keyEnd }); if (h) return h; }
  for (const d of model.resources.volumes) { const h = hit('volume', { name: d.name, start: d.keyStart, end: d.keyEnd }); if (h) return h; }
  return undefined;
}

/** Where a network, volume or service is declared in the project (every file that declares it). */
export function definitions(project: ComposeProject, kind: SymbolKind, name: string): Location[] {
  const out: Location[] = [];
  for (const f of project.files) {
    if (kind === 'service') {
      for (const s of f.model.services) if (s.name === name) out.push({ file: f.file, start: s.keyStart, end: s.keyEnd, model: f.model });
    } else {
      const section = kind === 'network' ? 'networks' : 'volumes';
      for (const d of f.model.resources[section]) if (d.name === name) out.push({ file: f.file, start: d.keyStart, end: d.keyEnd, model: f.model });
    }
  }
  return out;
}

/** Markdown for a hover over a symbol. */
export function hoverMarkdown(analysis: Analysis, symbol: SymbolAt, engine: EngineSnapshot | undefined): string {
  const { project } = analysis;
  const lines: string[] = [];
  const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
  if (symbol.kind === 'service') {
    const decls = project.services.get(symbol.name);
    if (!decls) return `**service ${code(symbol.name)}**: not defined in this project`;
    lines.push(`**service ${code(symbol.name)}**`);
    const d = decls[decls.length - 1];
    const networks = d.networkMode ? [] : d.networks.length ? d.networks.map((r) => r.name) : ['default'];
    if (d.networkMode) lines.push(`network_mode: ${code(d.networkMode.text)}`);
    else lines.push(`networks: ${networks.map(code).join(', ')}`);
    const deps = decls.flatMap((x) => x.dependsOn.map((r) => r.name));
    if (deps.length) lines.push(`depends on: ${deps.map(code).join(', ')}`);
    if (engine) {
      const running = engine.containers().filter((c) => c.project === project.name && c.service === symbol.name);
      lines.push(running.length ? `containers: ${running.map((c) => `${code(c.name)} (${c.state})`).join(', ')}` : 'no container on the engine');
    }
    return lines.join('  \n');
  }
  const section = symbol.kind === 'network' ? 'networks' : 'volumes';
  const decl = project.declared[section].get(symbol.name);
  const implicitDefault = symbol.kind === 'network' && symbol.name === 'default';
  if (!decl && !implicitDefault) return `**${symbol.kind} ${code(symbol.name)}**: not declared under top-level ${section}`;
  const engineName = project.engineName(section, symbol.name);
  lines.push(`**${symbol.kind} ${code(symbol.name)}** → engine name ${code(engineName)}${decl?.external ? ' (external)' : ''}`);
  if (decl?.driver) lines.push(`driver: ${code(decl.driver.text)}`);
  for (const pool of decl?.ipam ?? []) if (pool.subnet) lines.push(`subnet: ${code(pool.subnet.text)}${pool.gateway ? `, gateway ${code(pool.gateway.text)}` : ''}`);
  if (decl?.internal) lines.push('internal: no traffic leaves this network');
  const users = [...project.services.entries()]
    .filter(([, ds]) => ds.some((s) => (symbol.kind === 'network' ? joinsNetwork(s, symbol.name) : namedVolumeRefs(s).some((r) => r.name === symbol.name))))
    .map(([n]) => n);
  lines.push(users.length ? `${symbol.kind === 'network' ? 'joined' : 'mounted'} by: ${users.map(code).join(', ')}` : `no service ${symbol.kind === 'network' ? 'joins' : 'mounts'} it`);
  if (engine) {
    if (symbol.kind === 'network') {
      const live = engine.networkByName(engineName);
      if (live) {
        const subnet = live.subnets.find((s) => s.subnet)?.subnet;
        lines.push(`on the engine: ${[live.driver, live.scope, subnet, `${engine.membersOf(live).length} containers`].filter(Boolean).join(' · ')}`);
      } else lines.push('on the engine: not created');
    } else {
      const live = engine.volume(engineName);
      if (live) {
        const usage = engine.usageOf?.(engineName);
        lines.push(`on the engine: ${[live.driver, usage && usage.size >= 0 ? formatBytes(usage.size) : undefined].filter(Boolean).join(' · ')}`);
      } else lines.push('on the engine: not created');
    }
  }
  return lines.join('  \n');
}
