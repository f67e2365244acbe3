/**
 * Paths in a Compose file that name files or folders: `env_file`, `label_file`, `include`, `extends.file`, `build` (context
 * and dockerfile), `secrets`/`configs` `file:` and bind-mount sources. Relative to the file's folder, `~`
 * expanded, `${VAR}` interpolated; paths whose value is not known (an unset variable) are left out.
 */
import path from 'node:path';
import { shortVolumeSource, type ComposeModel } from '../declarations';
import { child, isMapNode, isSeqNode, scalarText, type CNode } from '../parse';
import { includePaths } from '../project';

export interface PathLink {
  start: number;
  end: number;
  /** Absolute path. */
  target: string;
  /** What the path is: a folder is revealed, a file opened. */
  role: 'env_file' | 'label_file' | 'include' | 'extends' | 'build.context' | 'build.dockerfile' | 'bind' | 'file';
}

export interface LinkOptions {
  /** Folder of the file (relative paths start here). */
  dir: string;
  resolve: (text: string) => string | undefined;
  home?: string;
}

export function documentLinks(model: ComposeModel, options: LinkOptions): PathLink[] {
  const out: PathLink[] = [];
  const text = model.parsed.text;
  const abs = (p: string, base = options.dir) => (p.startsWith('~') && options.home ? path.join(options.home, p.slice(1)) : path.resolve(base, p));
  const link = (node: CNode | undefined, role: PathLink['role'], base?: string, only?: (p: string) => boolean) => {
    const raw = scalarText(node);
    if (!node || raw === undefined || raw === '') return;
    const value = options.resolve(raw);
    if (!value || (only && !only(value))) return;
    const quote = text[node.start] === '"' || text[node.start] === "'" ? 1 : 0;
    out.push({ start: node.start + quote, end: node.end - quote, target: abs(value, base), role });
  };
  for (const inc of includePaths(model.root, options.dir, options.resolve, true)) {
    const quote = text[inc.node.start] === '"' || text[inc.node.start] === "'" ? 1 : 0;
    out.push({ start: inc.node.start + quote, end: inc.node.end - quote, target: inc.file, role: 'include' });
  }
  for (const s of model.services) {
    const node = s.node;
    if (!node) continue;
    const env = child(node, 'env_file');
    for (const item of isSeqNode(env) ? env.items : env ? [env] : []) link(isMapNode(item) ? child(item, 'path') : item, 'env_file');
    const labels = child(node, 'label_file');
    for (const item of isSeqNode(labels) ? labels.items : labels ? [labels] : []) link(item, 'label_file');
    link(child(child(node, 'extends'), 'file'), 'extends');
    const build = child(node, 'build');
    if (build?.kind === 'scalar') link(build, 'build.context', undefined, isLocalPath);
    else if (isMapNode(build)) {
      const context = child(build, 'context');
      const contextText = scalarText(context);
      const resolvedContext = contextText === undefined ? '.' : options.resolve(contextText);
      link(context, 'build.context', undefined, isLocalPath);
      if (resolvedContext !== undefined && isLocalPath(resolvedContext)) link(child(build, 'dockerfile'), 'build.dockerfile', abs(resolvedContext));
    }
    for (const item of s.volumes) {
      if (item.kind === 'scalar') {
        const raw = scalarText(item);
        const source = raw === undefined ? undefined : shortVolumeSource(raw);
        if (source === undefined || !isBindPath(source)) continue;
        const value = options.resolve(source);
        if (!value) continue;
        const quote = text[item.start] === '"' || text[item.start] === "'" ? 1 : 0;
        out.push({ start: item.start + quote, end: item.start + quote + source.length, target: abs(value), role: 'bind' });
      } else if (isMapNode(item) && scalarText(child(item, 'type')) === 'bind') link(child(item, 'source'), 'bind');
    }
  }
  for (const section of ['configs', 'secrets'] as const) {
    for (const d of model.resources[section]) link(child(d.node, 'file'), 'file');
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A build context that is a local folder (not a git or http URL). */
function isLocalPath(p: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !/^git@/.test(p) && !p.endsWith('.git');
}

function isBindPath(source: string): boolean {
  return /^(?:\.{1,2}(?:[/\\]|$)|\/|~|\$)/.test(source);
}
