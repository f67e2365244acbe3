/**
 * Positions for the topology graph, by dagre's layered layout: networks left, containers in the middle, volumes
 * right, each Compose project a cluster. Pure (no DOM, no Node API), so it runs the same in the unit tests, in the
 * SVG export and in the webview. Sizes come from the text length, not from measuring fonts, and coordinates are
 * rounded, so the result is the same on every machine.
 */
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import type { TopologyCluster, TopologyEdge, TopologyGraph, TopologyNode } from './graph';

export interface Point { x: number; y: number }
export interface Box { x: number; y: number; width: number; height: number }

export type PlacedNode = TopologyNode & Box;
export type PlacedCluster = TopologyCluster & Box;
export type PlacedEdge = TopologyEdge & { points: Point[]; labelAt?: Point; labelAnchor?: 'start' | 'end' };

export interface TopologyLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  clusters: PlacedCluster[];
}

/** Character widths of a 12 px sans-serif, roughly: enough room for the text in any of the usual fonts. */
export const TEXT = { labelChar: 7.4, detailChar: 6.2, lineHeight: 15, padX: 12, padY: 8, maxChars: 38 };

export function clip(text: string, max = TEXT.maxChars): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function nodeSize(node: TopologyNode): { width: number; height: number } {
  const label = clip(node.label).length * TEXT.labelChar;
  const detail = Math.max(0, ...node.detail.map((d) => clip(d).length * TEXT.detailChar));
  const width = Math.ceil(Math.max(90, label, detail) + 2 * TEXT.padX);
  const height = Math.ceil(TEXT.lineHeight * (1 + node.detail.length) + 2 * TEXT.padY);
  return { width, height };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A cubic Bézier (start, two control points, end) between the facing sides of two boxes. */
export function curve(from: Box, to: Box, fromY = from.y + from.height / 2, toY = to.y + to.height / 2): Point[] {
  const fromCx = from.x + from.width / 2;
  const toCx = to.x + to.width / 2;
  const rightward = toCx >= fromCx;
  const start = { x: rightward ? from.x + from.width : from.x, y: fromY };
  const end = { x: rightward ? to.x : to.x + to.width, y: toY };
  const bend = Math.max(20, Math.abs(end.x - start.x) / 2) * (rightward ? 1 : -1);
  return [start, { x: start.x + bend, y: start.y }, { x: end.x - bend, y: end.y }, end].map((p) => ({ x: round(p.x), y: round(p.y) }));
}

/**
 * Where each edge meets its nodes: the edges on one side of a node are spread along that side in the order of the
 * nodes at their other end, so two edges into one container neither start at one point nor share a label spot.
 * Keys: `<edge id>>from` and `<edge id>>to`.
 */
function spreadEnds(edges: readonly TopologyEdge[], placed: Map<string, Box>): Map<string, number> {
  const sides = new Map<string, Array<{ key: string; otherY: number }>>();
  const cy = (b: Box) => b.y + b.height / 2;
  for (const edge of edges) {
    const from = placed.get(edge.from)!;
    const to = placed.get(edge.to)!;
    const rightward = to.x + to.width / 2 >= from.x + from.width / 2;
    const add = (side: string, key: string, otherY: number) => {
      if (!sides.has(side)) sides.set(side, []);
      sides.get(side)!.push({ key, otherY });
    };
    add(`${edge.from}|${rightward ? 'R' : 'L'}`, `${edge.id}>from`, cy(to));
    add(`${edge.to}|${rightward ? 'L' : 'R'}`, `${edge.id}>to`, cy(from));
  }
  const out = new Map<string, number>();
  for (const [side, list] of sides) {
    const box = placed.get(side.slice(0, side.lastIndexOf('|')))!;
    list.sort((a, b) => a.otherY - b.otherY || (a.key < b.key ? -1 : 1));
    // Inside the middle 60 % of the side, clear of rounded corners.
    list.forEach((item, i) => out.set(item.key, round(box.y + box.height * (0.2 + (0.6 * (i + 1)) / (list.length + 1)))));
  }
  return out;
}

/** The curve's point at `t` (0 at the start, 1 at the end). */
export function bezierAt([p0, p1, p2, p3]: Point[], t: number): Point {
  const u = 1 - t;
  const at = (a: number, b: number, c: number, d: number) => u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d;
  return { x: round(at(p0.x, p1.x, p2.x, p3.x)), y: round(at(p0.y, p1.y, p2.y, p3.y)) };
}

export function layoutTopology(graph: TopologyGraph): TopologyLayout {
  const g = new graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, edgesep: 10, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const cluster of graph.clusters) g.setNode(cluster.id, { label: cluster.label, paddingTop: 28, paddingLeft: 12, paddingRight: 12, paddingBottom: 12 } as never);
  for (const node of graph.nodes) {
    g.setNode(node.id, { ...nodeSize(node) });
    if (node.cluster) g.setParent(node.id, node.cluster);
  }
  // Edge labels (aliases, mount paths) are not given to dagre: as label nodes they bend every edge towards a
  // label lane. They are put at the middle of the drawn edge instead.
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to, { minlen: 1 }, edge.id);
  dagreLayout(g);

  const nodes: PlacedNode[] = graph.nodes.map((node) => {
    const n = g.node(node.id) as unknown as { x: number; y: number; width: number; height: number };
    return { ...node, x: round(n.x - n.width / 2), y: round(n.y - n.height / 2), width: n.width, height: n.height };
  });
  const clusters: PlacedCluster[] = graph.clusters.map((cluster) => {
    const n = g.node(cluster.id) as unknown as { x: number; y: number; width: number; height: number };
    return { ...cluster, x: round(n.x - n.width / 2), y: round(n.y - n.height / 2), width: round(n.width), height: round(n.height) };
  });
  const size = g.graph() as { width?: number; height?: number };
  const height = (size.height ?? 0) + roomForClusterTitles(nodes, clusters);
  // Edges are drawn as one curve from the side of one node to the facing side of the other, not along dagre's
  // routes: with Compose clusters those detour around cluster borders and cross the drawing.
  const placed = new Map(nodes.map((nd) => [nd.id, nd]));
  const ends = spreadEnds(graph.edges, placed);
  const edges: PlacedEdge[] = graph.edges.map((edge) => {
    const points = curve(placed.get(edge.from)!, placed.get(edge.to)!, ends.get(`${edge.id}>from`), ends.get(`${edge.id}>to`));
    // Labels sit beside the container they describe, in the gap (an alias is the container's name on the network,
    // at the edge's end; a mount path is inside the container, at the start), where edges fan out.
    const atStart = edge.kind !== 'attach';
    const at = edge.label ? bezierAt(points, atStart ? 0.12 : 0.88) : undefined;
    return { ...edge, points, ...(at ? { labelAt: at, labelAnchor: atStart ? 'start' as const : 'end' as const } : {}) };
  });
  separateLabels(edges);
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(height), nodes, edges, clusters };
}

/** Room above a cluster's first node for its title (dagre ignores paddingTop: the title sat on a node's border). */
const CLUSTER_TITLE = 26;

/**
 * Opens a band under each cluster's top border where its title would touch its topmost node: everything below the
 * border moves down by the missing room, so nothing that did not overlap comes to overlap. Returns the total added.
 */
function roomForClusterTitles(nodes: PlacedNode[], clusters: PlacedCluster[]): number {
  let added = 0;
  for (const cluster of [...clusters].sort((a, b) => a.y - b.y || (a.id < b.id ? -1 : 1))) {
    const inside = nodes.filter((nd) => nd.cluster === cluster.id);
    if (!inside.length) continue;
    const missing = round(cluster.y + CLUSTER_TITLE - Math.min(...inside.map((nd) => nd.y)));
    if (missing <= 0) continue;
    const line = cluster.y;
    for (const nd of nodes) if (nd.y > line) nd.y = round(nd.y + missing);
    for (const c of clusters) {
      if (c === cluster || (c.y <= line && c.y + c.height > line)) c.height = round(c.height + missing);
      else if (c.y > line) c.y = round(c.y + missing);
    }
    added += missing;
  }
  return added;
}

/** Label line height (11 px text) and room between: closer than this, two labels read as one (seen at 12 and 13 px). */
const LABEL_GAP = 16;

/**
 * Labels beside one side of one node (aliases where several networks reach a container, mount paths where it
 * mounts several volumes) are spread at least a line apart, around where they were: the edge ends are spread
 * along the side, but by less than a line when the node is short.
 */
function separateLabels(edges: PlacedEdge[]): void {
  const groups = new Map<string, PlacedEdge[]>();
  for (const edge of edges) {
    if (!edge.labelAt || !edge.label) continue;
    const key = `${edge.labelAnchor === 'start' ? edge.from : edge.to}|${edge.labelAnchor}|${edge.labelAt.x < (edge.labelAnchor === 'start' ? edge.points[0].x : edge.points[3].x) ? 'L' : 'R'}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(edge);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => a.labelAt!.y - b.labelAt!.y || (a.id < b.id ? -1 : 1));
    const ys = group.map((e) => e.labelAt!.y);
    for (let i = 1; i < ys.length; i++) ys[i] = Math.max(ys[i], ys[i - 1] + LABEL_GAP);
    const shift = (group.reduce((sum, e) => sum + e.labelAt!.y, 0) - ys.reduce((a, b) => a + b, 0)) / ys.length;
    group.forEach((e, i) => { e.labelAt = { x: e.labelAt!.x, y: round(ys[i] + shift) }; });
  }
}
