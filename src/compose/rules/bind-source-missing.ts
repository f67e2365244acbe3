import path from 'node:path';
import { child, isMapNode, scalarText, type CNode } from '../parse';
import { splitVolumeSpec } from '../declarations';
import type { Rule, RuleContext } from './rule';

/** Bind mounts whose source is not on disk: Docker makes an empty root-owned folder (short syntax) or fails (long). */
export const bindSourceMissing: Rule = {
  id: 'bind-source-missing',
  defaultSeverity: 'warning',
  description: 'A bind mount\'s source path does not exist on disk.',
  needsFiles: true,
  check(ctx) {
    const host = ctx.host;
    if (!host) return;
    for (const service of ctx.model.services) {
      for (const node of service.volumes) {
        const source = bindSource(ctx, node);
        if (!source) continue;
        const full = resolveHostPath(source.text, ctx.project.dir, ctx.project.env);
        if (full === undefined || host.exists(full)) continue;
        ctx.report({
          start: source.at.start, end: source.at.end,
          message: `Bind mount source ${source.text} does not exist: create it, or Docker creates an empty folder owned by root.`,
        });
      }
    }
  },
};

function bindSource(ctx: RuleContext, node: CNode): { text: string; at: { start: number; end: number } } | undefined {
  if (node.kind === 'scalar') {
    const raw = scalarText(node);
    if (raw === undefined) return undefined;
    const spec = ctx.resolve(raw);
    if (spec === undefined) return undefined;
    const parts = splitVolumeSpec(spec);
    if (parts.length < 2 || !isHostPath(parts[0])) return undefined;
    return { text: parts[0], at: node };
  }
  if (!isMapNode(node) || scalarText(child(node, 'type')) !== 'bind') return undefined;
  const src = child(node, 'source');
  const raw = scalarText(src);
  const text = raw === undefined ? undefined : ctx.resolve(raw);
  return src && text ? { text, at: src } : undefined;
}

function isHostPath(source: string): boolean {
  return /^(?:\.{1,2}(?:[/\\]|$)|\/|~(?:[/\\]|$)|[A-Za-z]:[\\/])/.test(source);
}

function resolveHostPath(source: string, dir: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (source.startsWith('~')) {
    const home = env.HOME;
    return home ? path.join(home, source.slice(1)) : undefined;
  }
  // Windows paths cannot be checked from here.
  if (/^[A-Za-z]:[\\/]/.test(source)) return undefined;
  return path.resolve(dir, source);
}
