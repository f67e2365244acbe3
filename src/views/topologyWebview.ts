/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Runs inside the topology webview (bundled to dist/topologyWebview.js for the browser, loaded with the page's
 * nonce): lays out the graph the extension posts with dagre, draws it, and handles zoom, pan, keyboard and
 * selection. The view transform survives redraws (engine events) and the panel being hidden (webview state).
 */
import type { TopologyGraph } from '../model/topology/graph';
import { layoutTopology, type TopologyLayout } from '../model/topology/layout';
import { renderSvg, renderSvgBody } from '../model/topology/svg';

interface View { x: number; y: number; k: number; fitted: boolean }
interface ReachItem { id: string; network: string; names: string[] }

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const api = acquireVsCodeApi();
const canvas = document.getElementById('canvas') as unknown as SVGSVGElement;
const viewport = document.getElementById('viewport') as unknown as SVGGElement;
const status = document.getElementById('status') as HTMLElement;
let view: View = (api.getState() as View | undefined) ?? { x: 0, y: 0, k: 1, fitted: false };
let layout: TopologyLayout | undefined;
let baseStatus = '';

const apply = () => {
  viewport.setAttribute('transform', `translate(${view.x} ${view.y}) scale(${view.k})`);
  api.setState(view);
};
const report = () => api.postMessage({ type: 'view', transform: { x: view.x, y: view.y, k: view.k } });

function fit(): void {
  if (!layout) return;
  const box = canvas.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) { apply(); return; } // hidden: fit when first drawn visible
  const k = Math.min(2, Math.max(0.05, Math.min(box.width / Math.max(1, layout.width), box.height / Math.max(1, layout.height))));
  view = { x: (box.width - layout.width * k) / 2, y: Math.max(0, (box.height - layout.height * k) / 2), k, fitted: true };
  apply();
}

function zoom(factor: number, cx?: number, cy?: number): void {
  const box = canvas.getBoundingClientRect();
  const px = cx ?? box.width / 2;
  const py = cy ?? box.height / 2;
  const k = Math.min(8, Math.max(0.05, view.k * factor));
  view = { x: px - ((px - view.x) * k) / view.k, y: py - ((py - view.y) * k) / view.k, k, fitted: true };
  apply();
  report();
}

function pan(dx: number, dy: number): void {
  view = { ...view, x: view.x + dx, y: view.y + dy, fitted: true };
  apply();
  report();
}

function nodeOf(target: EventTarget | null): SVGGElement | undefined {
  const el = (target as Element | null)?.closest?.('.node');
  return el ? (el as SVGGElement) : undefined;
}

function select(id: string | undefined): void {
  api.postMessage({ type: 'select', id });
}

function highlight(source: string | undefined, byName: ReachItem[], byAddress: ReachItem[], text: string): void {
  const nodes = viewport.querySelectorAll<SVGGElement>('.node');
  const edges = viewport.querySelectorAll<SVGElement>('.edge, .edge-label');
  const lit = new Set<string>();
  for (const el of [...nodes, ...edges]) el.classList.remove('dim', 'reach', 'ipOnly', 'selected');
  if (source && viewport.querySelector(`.node[data-id="${CSS.escape(source)}"]`)) {
    const reachNodes = new Set(byName.map((r) => r.id));
    const addressNodes = new Set(byAddress.map((r) => r.id));
    const networks = new Set([...byName, ...byAddress].map((r) => r.network));
    for (const el of nodes) {
      const id = el.dataset.id ?? '';
      if (id === source) { el.classList.add('selected'); lit.add(id); } else if (reachNodes.has(id)) { el.classList.add('reach'); lit.add(id); } else if (addressNodes.has(id)) { el.classList.add('ipOnly'); lit.add(id); } else if (networks.has(id)) lit.add(id);
      else el.classList.add('dim');
    }
    for (const el of edges) {
      const from = el.dataset.from ?? '';
      const to = el.dataset.to ?? '';
      const onPath = networks.has(from) && (to === source || reachNodes.has(to));
      el.classList.add(onPath ? 'reach' : 'dim');
    }
  }
  status.textContent = text || baseStatus;
  api.postMessage({ type: 'highlighted', ids: [...lit].filter((id) => id !== source && !id.startsWith('net:')).sort(), status: status.textContent });
}

function draw(graph: TopologyGraph, labels: { empty: string; collapsed: string }, contexts: Record<string, unknown>): void {
  const t0 = performance.now();
  layout = layoutTopology(graph);
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
  viewport.innerHTML = renderSvgBody(layout, { interactive: true });
  const layoutMs = performance.now() - t0;
  // The node's right-click menu (webview/context in package.json) reads this; the argument is the tree row's.
  let withMenus = 0;
  for (const el of viewport.querySelectorAll<SVGGElement>('.node')) {
    const context = contexts[el.dataset.id ?? ''];
    if (context) { el.setAttribute('data-vscode-context', JSON.stringify(context)); withMenus++; }
  }
  baseStatus = graph.nodes.length === 0 ? labels.empty : labels.collapsed;
  status.textContent = baseStatus;
  if (!view.fitted) fit(); else apply();
  if (focused) viewport.querySelector<SVGGElement>(`.node[data-id="${CSS.escape(focused)}"]`)?.focus();
  api.postMessage({ type: 'rendered', nodes: graph.nodes.map((n) => n.id), withMenus, transform: { x: view.x, y: view.y, k: view.k }, layoutMs });
}

function onKey(key: string, shift: boolean, target: Element | null, id?: string): boolean {
  const node = id ? viewport.querySelector<SVGGElement>(`.node[data-id="${CSS.escape(id)}"]`) ?? undefined : nodeOf(target);
  const step = 60;
  switch (key) {
    case '+': case '=': zoom(1.25); return true;
    case '-': case '_': zoom(0.8); return true;
    case '0': fit(); report(); return true;
    case 'ArrowLeft': pan(step, 0); return true;
    case 'ArrowRight': pan(-step, 0); return true;
    case 'ArrowUp': pan(0, step); return true;
    case 'ArrowDown': pan(0, -step); return true;
    case 'Escape': select(undefined); return true;
    case 's': case 'S': api.postMessage({ type: 'narrow' }); return true;
    case 'Enter': case ' ': {
      if (!node) return false;
      const nid = node.dataset.id ?? '';
      if (shift) api.postMessage({ type: 'reveal', id: nid });
      else if (nid.startsWith('grp:')) api.postMessage({ type: 'expand', id: nid });
      else select(nid);
      return true;
    }
    default: return false;
  }
}

document.addEventListener('keydown', (e) => {
  if ((e.target as Element | null)?.tagName === 'BUTTON' && (e.key === 'Enter' || e.key === ' ')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (onKey(e.key, e.shiftKey, e.target as Element | null)) e.preventDefault();
});

viewport.addEventListener('click', (e) => {
  const node = nodeOf(e.target);
  if (!node) return;
  node.focus();
  const id = node.dataset.id ?? '';
  if (id.startsWith('grp:')) api.postMessage({ type: 'expand', id });
  else select(id);
});
viewport.addEventListener('dblclick', (e) => {
  const node = nodeOf(e.target);
  if (node) api.postMessage({ type: 'reveal', id: node.dataset.id });
});

// Zoom with the wheel around the pointer; pan by dragging the background.
canvas.addEventListener('wheel', (e) => {
  e.preventDefault();
  const box = canvas.getBoundingClientRect();
  zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - box.left, e.clientY - box.top);
}, { passive: false });
let drag: { x: number; y: number } | undefined;
canvas.addEventListener('pointerdown', (e) => {
  if (nodeOf(e.target)) return;
  drag = { x: e.clientX, y: e.clientY };
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener('pointermove', (e) => {
  if (!drag) return;
  view = { ...view, x: view.x + e.clientX - drag.x, y: view.y + e.clientY - drag.y, fitted: true };
  drag = { x: e.clientX, y: e.clientY };
  apply();
});
canvas.addEventListener('pointerup', () => { if (drag) report(); drag = undefined; });

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
  button.addEventListener('click', () => {
    switch (button.dataset.action) {
      case 'zoomIn': zoom(1.25); break;
      case 'zoomOut': zoom(0.8); break;
      case 'fit': fit(); report(); break;
      case 'narrow': api.postMessage({ type: 'narrow' }); break;
      case 'mermaid': api.postMessage({ type: 'export', format: 'mermaid' }); break;
      case 'svg': if (layout) api.postMessage({ type: 'svg', text: renderSvg(layout, { title: document.title || 'Network topology' }) }); break;
    }
  });
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as { type: string; [key: string]: unknown };
  if (m.type === 'graph') draw(m.graph as TopologyGraph, m.labels as { empty: string; collapsed: string }, (m.contexts ?? {}) as Record<string, unknown>);
  else if (m.type === 'reach') highlight(m.source as string | undefined, m.byName as ReachItem[], m.byAddress as ReachItem[], m.status as string);
  else if (m.type === 'press') onKey(m.key as string, false, null, m.id as string | undefined);
});

api.postMessage({ type: 'ready' });
