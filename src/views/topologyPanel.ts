/**
 * The Network Topology panel: a webview that draws the store's networks, containers and volumes. This side is
 * thin: it builds the graph (src/model/topology, linear and cheap) and posts it; the webview lays it out with
 * dagre and draws it (dist/topologyWebview.js), so the layout (80 ms for 300 collapsed containers, seconds
 * uncollapsed) never runs on the extension host, which every extension shares. Reachability and the Mermaid
 * export are computed here from the model; the SVG export is drawn by the webview from its layout.
 */
import * as vscode from 'vscode';
import { engineIdFrom } from '../args';
import { COMMAND } from '../ids';
import type { EngineSet } from '../model/engines';
import type { EngineStore } from '../model/store';
import { nodeFileHost, loadProject } from '../compose/project';
import { compareWithEngine } from '../compose/topology';
import { buildTopology, nodeId, type TopologyGraph, type TopologyScope } from '../model/topology/graph';
import { toMermaidMarkdown } from '../model/topology/mermaid';
import { networkLookup, reachableFrom } from '../model/topology/reachability';
import type { Explorer } from './explorer';
import { localize } from '../l10n';
import { type Disposable } from '../model/events';
import { invokedRows, takeRows, type TreeRow } from '../selection';

/** What the webview last reported, for the extension-host tests. */
export interface TopologyPanelState {
  renders: number;
  nodes: string[];
  /** Nodes that carry a context menu (data-vscode-context). */
  withMenus: number;
  transform: { x: number; y: number; k: number };
  layoutMs: number;
  selected?: string;
  highlighted: string[];
  status: string;
}

export interface TopologyPanelApi {
  /** `selection`: the tree's selected rows, as VS Code passes them to a context-menu command. */
  show(arg?: unknown, selection?: unknown): Promise<void>;
  /** What the panel's status line says about rows of a selection it did not draw ('' when none). */
  note(): string;
  /** Undefined while no panel is open or it has not drawn yet. */
  state(): TopologyPanelState | undefined;
  /** Sends the webview the keys a user would press (for tests): '+', '-', '0', 'ArrowLeft', ... */
  press(key: string): void;
  /** Selects a node in the webview as Enter on it would. */
  select(id: string): void;
  mermaid(): string | undefined;
  /** The command argument a node's context menu passes (the tree row's shape, plus the webview's menu keys). */
  contextOf(id: string): Record<string, unknown> | undefined;
  close(): void;
}

type FromWebview =
  | { type: 'ready' }
  | { type: 'rendered'; nodes: string[]; withMenus: number; transform: { x: number; y: number; k: number }; layoutMs: number }
  | { type: 'view'; transform: { x: number; y: number; k: number } }
  | { type: 'select'; id?: string }
  | { type: 'highlighted'; ids: string[]; status: string }
  | { type: 'reveal'; id: string }
  | { type: 'expand'; id: string }
  | { type: 'export'; format: 'mermaid' }
  | { type: 'narrow' }
  | { type: 'svg'; text: string };

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += chars.charAt(Math.floor(Math.random() * chars.length));
  return out;
}

/**
 * A tree row or command argument → the part of the engine to draw. `{ names: [...] }` of networks and containers
 * draws that selection: those containers with their networks and volumes, and those networks (its export is
 * the selection's).
 */
function scopeOf(arg: unknown, store: EngineStore): PanelScope {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return { kind: 'compose', file: arg.fsPath };
  const given = (arg as { names?: unknown } | undefined)?.names;
  if (Array.isArray(given) && given.every((n) => typeof n === 'string')) return { kind: 'selection', names: [...new Set(given as string[])].sort() };
  const a = (arg ?? {}) as { kind?: string; id?: string; project?: string };
  if (a.kind === 'network' && a.id) {
    const network = store.network(a.id);
    if (network) return { kind: 'network', name: network.name };
  }
  if (a.kind === 'project' && a.project) return { kind: 'project', project: a.project };
  return { kind: 'engine' };
}

/**
 * Several rows selected in the Networks view: their networks and containers as one selection scope, and a
 * sentence for the rows left out (Compose project groups, rows of another engine), shown in the panel's status
 * line. Undefined when the command was not run on a multi-selection: the single-row scopes apply as before.
 */
function selectionScopeOf(arg: unknown, selection: unknown, store: EngineStore): { scope: PanelScope; note: string } | undefined {
  const rows = invokedRows(arg, selection);
  if (!rows || rows.length < 2) return undefined;
  const { taken, skipped: note } = takeRows<TreeRow & { id?: string; containerId?: string }>(rows, ['network', 'member'], localize('a network or container'), store, localize);
  const names = taken.map((r) => (r.kind === 'network' ? store.network(r.id ?? '')?.name : store.container(r.containerId ?? '')?.name))
    .filter((n): n is string => Boolean(n));
  return { scope: names.length ? { kind: 'selection', names: [...new Set(names)].sort() } : { kind: 'engine' }, note };
}

/** A Compose file (from the Explorer or the editor): its project as declared, compared with the engine. */
type PanelScope = TopologyScope | { kind: 'compose'; file: string };

function scopeTitle(scope: PanelScope): string {
  switch (scope.kind) {
    case 'compose': return localize('Topology: {0}', scope.file.split(/[\\/]/).slice(-2).join('/'));
    case 'network': return localize('Topology: {0}', scope.name);
    case 'project': return localize('Topology: {0}', scope.project);
    case 'selection': return localize('Topology: {0}', scope.names.length <= 3 ? scope.names.join(', ') : localize('{0} and {1} more', scope.names.slice(0, 2).join(', '), scope.names.length - 2));
    default: return localize('Network Topology');
  }
}

export function createTopologyPanel(engines: EngineSet, explorer: Explorer, extensionUri: vscode.Uri, subscriptions: vscode.Disposable[]): TopologyPanelApi {
  let panel: vscode.WebviewPanel | undefined;
  let store: EngineStore = engines.primary;
  let scope: PanelScope = { kind: 'engine' };
  /** Rows of the last multi-selection that are not drawn, and why (see selectionScopeOf). */
  let note = '';
  let graph: TopologyGraph | undefined;
  const expanded = new Set<string>();
  let state: TopologyPanelState | undefined;
  let storeSubscription: Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  let selected: string | undefined;
  const distUri = vscode.Uri.joinPath(extensionUri, 'dist');

  const post = (message: unknown) => void panel?.webview.postMessage(message);

  /**
   * Each node's right-click menu is the tree row's: the same commands get the same argument shape as from the
   * tree ({ kind, id | name | containerId, engine }), through the webview's data-vscode-context.
   */
  let contexts: Record<string, Record<string, unknown>> = {};
  const contextsOf = (g: TopologyGraph) => {
    const engine = engines.idOf(store) ?? engines.currentId;
    const out: Record<string, Record<string, unknown>> = {};
    for (const node of g.nodes) {
      const base = { preventDefaultContextMenuItems: true, engine };
      if (node.ref?.kind === 'network') {
        const network = store.networkByName(node.ref.name);
        if (network) out[node.id] = { ...base, webviewSection: 'network', kind: 'network', id: network.id, name: network.name, dnvBuiltIn: network.builtIn };
      } else if (node.ref?.kind === 'container') {
        const name = node.ref.name;
        const container = store.containers().find((c) => c.name === name);
        if (container) {
          out[node.id] = {
            ...base, webviewSection: 'container', kind: 'member', containerId: container.id,
            networkId: container.attachments.find((a) => store.network(a.networkId))?.networkId ?? '', dnvRunning: container.state === 'running',
          };
        }
      } else if (node.ref?.kind === 'volume') {
        out[node.id] = { ...base, webviewSection: 'volume', kind: 'volume', name: node.ref.name };
      }
    }
    return out;
  };

  const send = () => {
    if (!panel) return;
    const source = { networks: store.networks(), containers: store.containers(), volumes: store.volumes() };
    // The graph names containers by their aliases too: asked for here (a change of kind 'aliases' redraws).
    void store.aliasesFor(source.containers.map((c) => c.id), { bulk: true });
    let problem = '';
    if (scope.kind === 'compose') {
      try {
        graph = compareWithEngine(loadProject(scope.file, nodeFileHost, process.env), source);
      } catch (e) {
        graph = { nodes: [], edges: [], clusters: [], hiddenContainers: 0 };
        problem = localize('{0} could not be read as a Compose file: {1}', scope.file, (e as Error).message);
      }
    } else {
      graph = buildTopology(source, { scope, expanded: [...expanded] });
    }
    contexts = contextsOf(graph);
    post({ type: 'graph', graph, contexts, labels: { empty: problem || localize('Nothing to show: no networks or containers in this scope.'), collapsed: [graph.hiddenContainers ? localize('{0} containers are grouped: press Enter on a group to open it.', graph.hiddenContainers) : '', note].filter(Boolean).join(' ') } });
    if (selected) sendReach(selected);
  };
  // Engine events come in bursts (compose up): one redraw per burst.
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; send(); }, 100);
  };

  /**
   * "Only the selection" (S, or the toolbar): the panel narrows to the selected node, for a container with every
   * container it reaches (by name or address), their networks and volumes; for a network, that network. The
   * exports then are the selection's. Nothing selected: the whole engine again.
   */
  const narrow = () => {
    const name = selected?.startsWith('ctr:') ? selected.slice(4) : undefined;
    const container = name ? store.containers().find((c) => c.name === name) : undefined;
    note = '';
    if (selected?.startsWith('net:')) scope = { kind: 'network', name: selected.slice(4) };
    else if (container) {
      const answer = reachableFrom(container, store.containers(), networkLookup(store.networks()));
      const names = new Set([container.name, ...[...answer.byName, ...answer.byAddressOnly].map((r) => r.container.name)]);
      scope = { kind: 'selection', names: [...names].sort() };
    } else scope = { kind: 'engine' };
    if (panel) panel.title = scopeTitle(scope);
    send();
  };

  const sendReach = (id: string | undefined) => {
    selected = id;
    const name = id?.startsWith('ctr:') ? id.slice(4) : undefined;
    const container = name ? store.containers().find((c) => c.name === name) : undefined;
    if (!container) {
      post({ type: 'reach', source: id, byName: [], byAddress: [], status: '' });
      return;
    }
    const answer = reachableFrom(container, store.containers(), networkLookup(store.networks()));
    const item = (r: { container: { name: string }; network: string; names: string[] }) => ({ id: nodeId.container(r.container.name), network: nodeId.network(r.network), names: r.names });
    const byName = answer.byName.map(item);
    const byAddress = answer.byAddressOnly.map(item);
    let status: string;
    if (!answer.running) status = localize('{0} is not running: it reaches nothing.', container.name);
    else if (byName.length === 0 && byAddress.length === 0) status = localize('{0} reaches no other container.', container.name);
    else {
      const parts = answer.byName.map((r) => localize('{0} over {1}', r.names.join(' / '), r.network));
      const addr = answer.byAddressOnly.map((r) => localize('{0} by IP only (default bridge: no DNS)', r.container.name));
      status = localize('{0} reaches {1}', container.name, [...parts, ...addr].join('; '));
    }
    if (answer.running && !answer.outside) status += ` ${localize('(internal networks only: no way out of the engine)')}`;
    post({ type: 'reach', source: id, byName, byAddress, status });
  };

  const reveal = async (id: string) => {
    const engine = engines.idOf(store) ?? engines.currentId;
    const [kind, ...rest] = id.split(':');
    const name = rest.join(':');
    if (kind === 'net' || kind === 'vol') {
      await vscode.commands.executeCommand(COMMAND.reveal, { kind: kind === 'net' ? 'network' : 'volume', name, engine });
    } else if (kind === 'ctr') {
      const container = store.containers().find((c) => c.name === name);
      const attachment = container?.attachments.find((a) => store.network(a.networkId));
      if (container && attachment) {
        await explorer.networksView.reveal({ kind: 'member', networkId: attachment.networkId, containerId: container.id, engine }, { select: true, focus: true });
      }
    }
  };

  const onMessage = async (m: FromWebview) => {
    switch (m.type) {
      case 'ready': send(); break;
      case 'rendered':
        state = { renders: (state?.renders ?? 0) + 1, nodes: m.nodes, withMenus: m.withMenus, transform: m.transform, layoutMs: m.layoutMs, selected, highlighted: state?.highlighted ?? [], status: state?.status ?? '' };
        break;
      case 'view': if (state) state.transform = m.transform; break;
      case 'select': sendReach(m.id); break;
      case 'narrow': narrow(); break;
      case 'highlighted': if (state) { state.highlighted = m.ids; state.status = m.status; state.selected = selected; } break;
      case 'reveal': await reveal(m.id); break;
      case 'expand':
        if (m.id.startsWith('grp:')) { const project = m.id.slice(4); if (expanded.has(project)) expanded.delete(project); else expanded.add(project); send(); }
        break;
      case 'export': {
        if (!graph) break;
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: toMermaidMarkdown(graph, { title: scopeTitle(scope) }) });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
        break;
      }
      case 'svg': {
        const doc = await vscode.workspace.openTextDocument({ language: 'xml', content: m.text });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
        break;
      }
    }
  };

  const html = (webview: vscode.Webview) => {
    const n = nonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(distUri, 'topologyWebview.js'));
    const t = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    return `<!DOCTYPE html>
<html lang="${t(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">${CSS}</style>
</head>
<body>
<div class="toolbar" role="toolbar" aria-label="${t(localize('Topology'))}">
<button data-action="zoomIn" title="${t(localize('Zoom in (+)'))}" aria-label="${t(localize('Zoom in'))}">+</button>
<button data-action="zoomOut" title="${t(localize('Zoom out (-)'))}" aria-label="${t(localize('Zoom out'))}">−</button>
<button data-action="fit" title="${t(localize('Fit to window (0)'))}">${t(localize('Fit'))}</button>
<button data-action="narrow" title="${t(localize('Show only the selected node and what it reaches (S); with nothing selected, everything'))}">${t(localize('Only Selection'))}</button>
<button data-action="mermaid" title="${t(localize('Open as Mermaid (Markdown)'))}">${t(localize('Export Mermaid'))}</button>
<button data-action="svg" title="${t(localize('Open as SVG'))}">${t(localize('Export SVG'))}</button>
<span class="hint">${t(localize('Tab: next node · Enter: who it reaches · S: only the selection · Shift+Enter: reveal in tree · arrows: pan · +/−/0: zoom'))}</span>
</div>
<div id="status" role="status" aria-live="polite"></div>
<svg id="canvas" tabindex="0" role="application" aria-label="${t(localize('Network topology'))}" xmlns="http://www.w3.org/2000/svg"><g id="viewport"></g></svg>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
  };

  const open = () => {
    panel = vscode.window.createWebviewPanel('dnv.topology', scopeTitle(scope), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [distUri],
    });
    panel.webview.html = html(panel.webview);
    const messages = panel.webview.onDidReceiveMessage((m: FromWebview) => onMessage(m).catch((e: unknown) => void vscode.window.showErrorMessage((e as Error).message)));
    panel.onDidDispose(() => {
      messages.dispose();
      storeSubscription?.dispose();
      storeSubscription = undefined;
      panel = undefined;
      state = undefined;
      selected = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
    });
  };

  subscriptions.push({ dispose: () => panel?.dispose() });
  subscriptions.push(vscode.workspace.onDidSaveTextDocument((doc) => { if (scope.kind === 'compose' && doc.uri.fsPath === scope.file) schedule(); }));

  return {
    async show(arg?: unknown, selection?: unknown) {
      const nextStore = engines.store(engineIdFrom(arg));
      const fromSelection = selectionScopeOf(arg, selection, nextStore);
      scope = fromSelection?.scope ?? scopeOf(arg, nextStore);
      note = fromSelection?.note ?? '';
      if (nextStore !== store || !storeSubscription) {
        storeSubscription?.dispose();
        store = nextStore;
        storeSubscription = store.onDidChange(schedule);
      }
      selected = undefined;
      if (!panel) open();
      else {
        panel.title = scopeTitle(scope);
        panel.reveal();
        send();
      }
      if (panel) panel.title = scopeTitle(scope);
    },
    state: () => state,
    note: () => note,
    press: (key) => post({ type: 'press', key }),
    select: (id) => post({ type: 'press', key: 'Enter', id }),
    mermaid: () => (graph ? toMermaidMarkdown(graph, { title: scopeTitle(scope) }) : undefined),
    contextOf: (id) => contexts[id],
    close: () => panel?.dispose(),
  };
}

/** Colours from the editor theme (light, dark, high contrast) through VS Code's CSS variables. */
const CSS = `
body{margin:0;padding:0;color:var(--vscode-foreground);background:var(--vscode-editor-background);font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);overflow:hidden}
.toolbar{display:flex;gap:4px;padding:6px 8px;align-items:center;flex-wrap:wrap;border-bottom:1px solid var(--vscode-panel-border,transparent)}
button{background:var(--vscode-button-secondaryBackground);color:var(--vscode-button-secondaryForeground);border:1px solid var(--vscode-button-border,transparent);padding:2px 8px;cursor:pointer;font:inherit}
button:hover{background:var(--vscode-button-secondaryHoverBackground)}
button:focus-visible{outline:1px solid var(--vscode-focusBorder);outline-offset:1px}
.hint{color:var(--vscode-descriptionForeground);margin-left:8px}
#status{padding:2px 8px;min-height:1.4em;color:var(--vscode-descriptionForeground)}
#canvas{display:block;width:100vw;height:calc(100vh - 64px);cursor:grab}
#canvas:focus{outline:1px solid var(--vscode-focusBorder);outline-offset:-1px}
.cluster rect{fill:var(--vscode-sideBar-background,transparent);fill-opacity:.5;stroke:var(--vscode-editorWidget-border,var(--vscode-contrastBorder,#888));stroke-dasharray:4 3}
.cluster text{fill:var(--vscode-descriptionForeground);font-weight:600;font-size:12px}
.edge path{fill:none;stroke:var(--vscode-editorLineNumber-foreground,#888);stroke-width:1.3}
.edge.mount path{stroke:var(--vscode-charts-green)}
.edge.ro path,.edge.shares path{stroke-dasharray:5 3}
.edge.internal path{stroke:var(--vscode-charts-orange)}
.edge-label{fill:var(--vscode-descriptionForeground);font-size:11px;paint-order:stroke;stroke:var(--vscode-editor-background);stroke-width:3px;stroke-linejoin:round}
.node{cursor:pointer}
.node rect,.node path{stroke-width:1.5;fill:var(--vscode-editorWidget-background,var(--vscode-editor-background))}
.node.network rect{stroke:var(--vscode-charts-blue)}
.node.network.internal rect{stroke:var(--vscode-charts-orange);stroke-dasharray:6 3}
.node.network.builtin rect{stroke:var(--vscode-disabledForeground,#888)}
.node.container rect{stroke:var(--vscode-foreground)}
.node.container.stopped{opacity:.6}
.node.container.stopped rect{stroke-dasharray:3 3}
.node.volume path{stroke:var(--vscode-charts-green)}
.node.collapsed rect{stroke:var(--vscode-charts-purple);stroke-width:2}
.node text{fill:var(--vscode-foreground);font-size:12px}
.node text.label{font-weight:600}
.node text.detail{fill:var(--vscode-descriptionForeground);font-size:11px}
.node:focus{outline:none}
.node:focus rect,.node:focus path{stroke:var(--vscode-focusBorder);stroke-width:3}
.node.selected rect,.node.selected path{stroke-width:3.5}
.dim{opacity:.25}
body.vscode-high-contrast .dim,body.vscode-high-contrast-light .dim{opacity:.6}
.node.reach rect{stroke:var(--vscode-charts-green);stroke-width:3}
.node.ipOnly rect{stroke:var(--vscode-charts-yellow);stroke-width:3;stroke-dasharray:2 2}
.node.missing rect,.node.missing path{stroke-dasharray:2 3}
.node.missing text.detail,.node.extra text.detail,.node.subnetDiffers text.detail{fill:var(--vscode-charts-red)}
.node.extra rect,.node.extra path{stroke:var(--vscode-charts-red)}
.edge.reach path{stroke:var(--vscode-charts-green);stroke-width:2.5}
body.vscode-high-contrast .node rect,body.vscode-high-contrast .node path{stroke:var(--vscode-contrastBorder)}
body.vscode-high-contrast .node.reach rect{stroke:var(--vscode-contrastActiveBorder)}
`;
