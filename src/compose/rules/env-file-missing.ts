import path from 'node:path';
import { child, isMapNode, isSeqNode, scalarText, type CNode } from '../parse';
import type { Rule, RuleContext } from './rule';

/**
 * A required `env_file` that is not on disk: docker compose stops ("env file ... not found"). Entries are
 * required unless `required: false` (long syntax); paths are relative to the project folder.
 */
export const envFileMissing: Rule = {
  id: 'env-file-missing',
  defaultSeverity: 'error',
  description: 'A service\'s `env_file` does not exist (and is not marked `required: false`).',
  needsFiles: true,
  check(ctx) {
    for (const service of ctx.model.services) {
      const node = child(service.node, 'env_file');
      const items = isSeqNode(node) ? node.items : node ? [node] : [];
      for (const item of items) check(ctx, service.name, item);
    }
  },
};

function check(ctx: RuleContext, service: string, item: CNode): void {
  let pathNode: CNode | undefined = item;
  if (isMapNode(item)) {
    pathNode = child(item, 'path');
    const required = child(item, 'required');
    const r = scalarText(required);
    if (required && r !== undefined && (ctx.resolve(r) ?? r).toLowerCase() === 'false') return;
  }
  const raw = scalarText(pathNode);
  if (!pathNode || raw === undefined) return;
  const file = ctx.resolve(raw);
  if (!file) return;
  if (/^[A-Za-z]:[\\/]/.test(file)) return; // a Windows path cannot be checked from here
  const full = path.resolve(ctx.project.dir, file.startsWith('~') && ctx.project.env.HOME ? path.join(ctx.project.env.HOME, file.slice(1)) : file);
  if (ctx.host!.exists(full)) return;
  ctx.report({
    start: pathNode.start, end: pathNode.end,
    message: `env_file ${file} of service "${service}" does not exist: create it, or use the long syntax with required: false.`,
  });
}

/** A `label_file` that is not on disk: compose-go stops ("label file ... not found"); label files are always required. */
export const labelFileMissing: Rule = {
  id: 'label-file-missing',
  defaultSeverity: 'error',
  description: 'A service\'s `label_file` does not exist.',
  needsFiles: true,
  check(ctx) {
    for (const service of ctx.model.services) {
      const node = child(service.node, 'label_file');
      const items = isSeqNode(node) ? node.items : node ? [node] : [];
      for (const item of items) {
        const raw = scalarText(item);
        const file = raw === undefined ? undefined : ctx.resolve(raw);
        if (!file || /^[A-Za-z]:[\\/]/.test(file)) continue;
        if (ctx.host!.exists(path.resolve(ctx.project.dir, file))) continue;
        ctx.report({ start: item.start, end: item.end, message: `label_file ${file} of service "${service.name}" does not exist: create it or fix the path.` });
      }
    }
  },
};
