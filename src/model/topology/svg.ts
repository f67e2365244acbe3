/**
 * The laid-out topology as SVG text. The same markup serves the export (standalone: with its own light style
 * sheet, opens in a browser and renders on GitHub) and the webview (interactive: focusable nodes, no style sheet,
 * the panel's CSS colours it with the editor theme). Deterministic: same layout, same text.
 */
import type { PlacedCluster, PlacedEdge, PlacedNode, TopologyLayout } from './layout';
import { TEXT, clip } from './layout';

export interface SvgOptions {
  /** Nodes focusable and announced as buttons (the webview); no embedded style sheet. */
  interactive?: boolean;
  title?: string;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const n = (v: number) => String(Math.round(v * 10) / 10);

/** Colours of the exported file (the webview uses the theme's instead). */
export const STANDALONE_STYLE = [
  'svg{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;font-size:12px;background:#fff}',
  '.cluster rect{fill:#f6f8fa;stroke:#8c959f;stroke-dasharray:4 3}',
  '.cluster text{fill:#57606a;font-weight:600}',
  '.edge path{fill:none;stroke:#8c959f;stroke-width:1.3}',
  '.edge.mount path{stroke:#1a7f37}',
  '.edge.ro path,.edge.shares path{stroke-dasharray:5 3}',
  '.edge.internal path{stroke:#bc4c00}',
  '.edge-label{fill:#57606a;font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}',
  '.node rect,.node path{stroke-width:1.5}',
  '.node.network rect{fill:#ddf4ff;stroke:#0969da}',
  '.node.network.internal rect{fill:#fff1e5;stroke:#bc4c00;stroke-dasharray:6 3}',
  '.node.network.builtin rect{fill:#eaeef2;stroke:#6e7781}',
  '.node.container rect{fill:#fff;stroke:#24292f}',
  '.node.container.stopped{opacity:.6}',
  '.node.container.stopped rect{stroke-dasharray:3 3}',
  '.node.volume path{fill:#dafbe1;stroke:#1a7f37}',
  '.node.collapsed rect{fill:#fbefff;stroke:#8250df}',
  '.node.missing rect,.node.missing path{stroke-dasharray:2 3}',
  '.node.extra rect,.node.extra path{stroke:#cf222e}',
  '.node text{fill:#24292f}',
  '.node text.label{font-weight:600}',
  '.node text.detail{fill:#57606a;font-size:11px}',
].join('');

function cluster(c: PlacedCluster): string {
  return `<g class="cluster" data-id="${escapeXml(c.id)}"><rect x="${n(c.x)}" y="${n(c.y)}" width="${n(c.width)}" height="${n(c.height)}" rx="6"/>`
    + `<text x="${n(c.x + 10)}" y="${n(c.y + 18)}">${escapeXml(clip(c.label, 60))}</text></g>`;
}

function edge(e: PlacedEdge): string {
  if (e.points.length !== 4) return '';
  const [p0, p1, p2, p3] = e.points;
  const d = `M${n(p0.x)} ${n(p0.y)}C${n(p1.x)} ${n(p1.y)} ${n(p2.x)} ${n(p2.y)} ${n(p3.x)} ${n(p3.y)}`;
  const classes = ['edge', e.kind, ...e.flags].join(' ');
  return `<g class="${escapeXml(classes)}" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}"><path d="${d}"/></g>`;
}

/** Labels go over the nodes (with a halo in the background colour), so a long one stays readable. */
function edgeLabel(e: PlacedEdge): string {
  if (!e.label || !e.labelAt) return '';
  return `<text class="edge-label" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}" x="${n(e.labelAt.x)}" y="${n(e.labelAt.y - 4)}" text-anchor="${e.labelAnchor ?? 'middle'}">${escapeXml(clip(e.label))}</text>`;
}

function shape(node: PlacedNode): string {
  const { x, y, width: w, height: h } = node;
  if (node.kind === 'volume') {
    // A cylinder: the drum's outline, then the front edge of its lid.
    const e = 5;
    return `<path d="M${n(x)} ${n(y + e)}A${n(w / 2)} ${e} 0 0 1 ${n(x + w)} ${n(y + e)}V${n(y + h - e)}A${n(w / 2)} ${e} 0 0 1 ${n(x)} ${n(y + h - e)}Z`
      + `M${n(x)} ${n(y + e)}A${n(w / 2)} ${e} 0 0 0 ${n(x + w)} ${n(y + e)}"/>`;
  }
  const rx = node.kind === 'network' ? h / 2 : node.kind === 'collapsed' ? 8 : 3;
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="${n(Math.min(rx, 14))}"/>`;
}

function node(nd: PlacedNode, interactive: boolean): string {
  const classes = ['node', nd.kind, ...nd.flags].join(' ');
  const focus = interactive ? ` tabindex="0" role="button" aria-label="${escapeXml(nd.title)}"` : '';
  const cx = nd.x + nd.width / 2;
  const top = nd.y + TEXT.padY + 11 + (nd.kind === 'volume' ? 2 : 0);
  const lines = [`<text class="label" x="${n(cx)}" y="${n(top)}" text-anchor="middle">${escapeXml(clip(nd.label))}</text>`,
    ...nd.detail.map((d, i) => `<text class="detail" x="${n(cx)}" y="${n(top + TEXT.lineHeight * (i + 1))}" text-anchor="middle">${escapeXml(clip(d))}</text>`)];
  return `<g class="${escapeXml(classes)}" data-id="${escapeXml(nd.id)}"${focus}><title>${escapeXml(nd.title)}</title>${shape(nd)}${lines.join('')}</g>`;
}

/** The drawing's groups only (clusters, edges, nodes): what the webview puts inside its zoomable layer. */
export function renderSvgBody(layout: TopologyLayout, options: SvgOptions = {}): string {
  return [
    `<g class="clusters">${layout.clusters.map(cluster).join('')}</g>`,
    `<g class="edges">${layout.edges.map(edge).join('')}</g>`,
    `<g class="nodes">${layout.nodes.map((nd) => node(nd, Boolean(options.interactive))).join('')}</g>`,
    `<g class="edge-labels">${layout.edges.map(edgeLabel).join('')}</g>`,
  ].join('\n');
}

export function renderSvg(layout: TopologyLayout, options: SvgOptions = {}): string {
  const title = options.title ?? 'Network topology';
  const w = Math.max(1, layout.width);
  const h = Math.max(1, layout.height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    options.interactive ? '' : `<style>${STANDALONE_STYLE}</style>`,
    renderSvgBody(layout, options),
    '</svg>',
    '',
  ].filter((line) => line !== '').join('\n') + '\n';
}
