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
export type PlacedEdge = TopologyEdge & { points: Point[]; labelAt?: Point };

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

export function layoutTopology(graph: TopologyGraph): TopologyLayout {
  const g = new graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, edgesep: 10, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const cluster of graph.clusters) g.setNode(cluster.id, { label: cluster.label, paddingTop: 28, paddingLeft: 12, paddingRight: 12, paddingBottom: 12 } as never);
  for (const node of graph.nodes) {
    g.setNode(node.id, { ...nodeSize(node) });
    if (node.cluster) g.setParent(node.id, node.cluster);
  }
  for (const edge of graph.edges) {
    const label = edge.label ? { width: Math.min(edge.label.length, TEXT.maxChars) * TEXT.detailChar, height: TEXT.lineHeight, labelpos: 'c' } : {};
    g.setEdge(edge.from, edge.to, { ...label, minlen: 1 }, edge.id);
  }
  dagreLayout(g);

  const nodes: PlacedNode[] = graph.nodes.map((node) => {
    const n = g.node(node.id) as unknown as { x: number; y: number; width: number; height: number };
    return { ...node, x: round(n.x - n.width / 2), y: round(n.y - n.height / 2), width: n.width, height: n.height };
  });
  const clusters: PlacedCluster[] = graph.clusters.map((cluster) => {
    const n = g.node(cluster.id) as unknown as { x: number; y: number; width: number; height: number };
    return { ...cluster, x: round(n.x - n.width / 2), y: round(n.y - n.height / 2), width: round(n.width), height: round(n.height) };
  });
  const edges: PlacedEdge[] = graph.edges.map((edge) => {
    const e = g.edge({ v: edge.from, w: edge.to, name: edge.id }) as unknown as { points?: Point[]; x?: number; y?: number };
    const points = (e.points ?? []).map((p) => ({ x: round(p.x), y: round(p.y) }));
    return { ...edge, points, ...(edge.label && e.x !== undefined && e.y !== undefined ? { labelAt: { x: round(e.x), y: round(e.y) } } : {}) };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges, clusters };
}
