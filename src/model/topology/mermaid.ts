/**
 * The topology as a Mermaid flowchart (renders in Markdown on GitHub and GitLab), for documentation that is
 * committed and diffed: the text depends only on the graph, whose order is by name, so the same state gives the
 * same text.
 */
import type { TopologyGraph, TopologyNode } from './graph';

/** Mermaid's entity codes: a label is quoted, so only quotes and markup characters need escaping. */
export function escapeMermaid(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

const PREFIX: Record<TopologyNode['kind'], string> = { network: 'n', container: 'c', volume: 'v', collapsed: 'g' };

function shape(node: TopologyNode, label: string): string {
  switch (node.kind) {
    case 'network': return `{{"${label}"}}`;
    case 'volume': return `[("${label}")]`;
    case 'collapsed': return `[["${label}"]]`;
    default: return `["${label}"]`;
  }
}

export function toMermaid(graph: TopologyGraph, options: { title?: string } = {}): string {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const idFor = (key: string, prefix: string, name: string) => {
    const base = `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
    taken.add(id);
    ids.set(key, id);
    return id;
  };
  for (const cluster of graph.clusters) idFor(cluster.id, 'p', cluster.label);
  for (const node of graph.nodes) idFor(node.id, PREFIX[node.kind], node.label);

  const lines: string[] = [];
  if (options.title) lines.push('---', `title: ${JSON.stringify(options.title)}`, '---');
  lines.push('flowchart LR');
  const nodeLine = (node: TopologyNode, indent: string) => {
    const label = [escapeMermaid(node.label), ...node.detail.map(escapeMermaid)].join('<br/>');
    return `${indent}${ids.get(node.id)}${shape(node, label)}`;
  };
  for (const cluster of graph.clusters) {
    lines.push(`  subgraph ${ids.get(cluster.id)}["${escapeMermaid(cluster.label)}"]`);
    for (const node of graph.nodes.filter((nd) => nd.cluster === cluster.id)) lines.push(nodeLine(node, '    '));
    lines.push('  end');
  }
  for (const node of graph.nodes.filter((nd) => !nd.cluster)) lines.push(nodeLine(node, '  '));
  for (const edge of graph.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    const label = edge.kind === 'mount' && edge.flags.includes('ro') ? `${edge.label} (ro)`.trim() : edge.label;
    const arrow = edge.kind === 'attach' ? '---' : edge.kind === 'shares' ? '-.-' : edge.flags.includes('ro') ? '-.->' : '-->';
    lines.push(`  ${from} ${arrow}${label ? `|"${escapeMermaid(label)}"|` : ''} ${to}`);
  }
  const classes: Array<[string, string, (nd: TopologyNode) => boolean]> = [
    ['internal', 'stroke:#bc4c00,stroke-dasharray:6 3', (nd) => nd.flags.includes('internal')],
    ['builtin', 'fill:#eaeef2,stroke:#6e7781', (nd) => nd.flags.includes('builtin')],
    ['stopped', 'opacity:0.6,stroke-dasharray:3 3', (nd) => nd.flags.includes('stopped')],
  ];
  for (const [name, style, test] of classes) {
    const members = graph.nodes.filter(test).map((nd) => ids.get(nd.id));
    if (members.length === 0) continue;
    lines.push(`  classDef ${name} ${style}`);
    lines.push(`  class ${members.join(',')} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A Markdown block that renders on GitHub. */
export function toMermaidMarkdown(graph: TopologyGraph, options: { title?: string } = {}): string {
  return `\`\`\`mermaid\n${toMermaid(graph, options)}\`\`\`\n`;
}
