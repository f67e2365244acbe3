import path from 'node:path';
import { child, isMapNode, isSeqNode, scalarText, type CNode } from '../parse';
import { firstDotEnvProblem, parseDotEnv, type DotEnvProblem } from '../project';
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
  check,
};

/** A service's env_file entries: each path as written, and the file it names (undefined: cannot be told here). */
function envFiles(ctx: RuleContext): Array<{ service: string; pathNode: CNode; file: string; full: string | undefined; required: boolean }> {
  const out = [];
  for (const service of ctx.model.services) {
    const node = child(service.node, 'env_file');
    const items = isSeqNode(node) ? node.items : node ? [node] : [];
    for (const item of items) {
      let pathNode: CNode | undefined = item;
      let required = true;
      if (isMapNode(item)) {
        pathNode = child(item, 'path');
        const r = scalarText(child(item, 'required'));
        if (r !== undefined && (ctx.resolve(r) ?? r).toLowerCase() === 'false') required = false;
      }
      const raw = scalarText(pathNode);
      if (!pathNode || raw === undefined) continue;
      const file = ctx.resolve(raw);
      if (!file) continue;
      // A Windows path cannot be checked from here.
      const full = /^[A-Za-z]:[\\/]/.test(file) ? undefined
        : path.resolve(ctx.project.dir, file.startsWith('~') && ctx.project.env.HOME ? path.join(ctx.project.env.HOME, file.slice(1)) : file);
      out.push({ service: service.name, pathNode, file, full, required });
    }
  }
  return out;
}

const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.dist'];

function check(ctx: RuleContext): void {
  for (const { service, pathNode, file, full, required } of envFiles(ctx)) {
    if (!required || !full || ctx.host!.exists(full)) continue;
    // Projects often ship a template to copy (.env.example): name it.
    const template = TEMPLATE_SUFFIXES.map((suffix) => full + suffix).find((t) => ctx.host!.exists(t));
    const create = template ? `create it (from ${path.basename(template)} beside it)` : 'create it';
    ctx.report({
      start: pathNode.start, end: pathNode.end,
      message: `env_file ${file} of service "${service}" does not exist: ${create}, or use the long syntax with required: false.`,
    });
  }
}

/**
 * A .env file docker compose refuses to read (compose-go's dotenv parser: a character other than letters, digits,
 * `_` and `.` in a name, a space in it, a quote never closed): the project's own .env stops every command (reported
 * once, at the top of the project's first file), a service's env_file stops the commands that start it.
 */
export const envFileSyntax: Rule = {
  id: 'env-file-syntax',
  defaultSeverity: 'error',
  description: 'The project\'s `.env` or a service\'s `env_file` has a line docker compose cannot read.',
  needsFiles: true,
  check(ctx) {
    const first = ctx.project.files[0]?.file;
    if (ctx.project.dotEnvProblem && ctx.file && first && path.resolve(first) === path.resolve(ctx.file)) {
      const lineEnd = ctx.model.parsed.text.indexOf('\n');
      ctx.report({
        start: 0, end: lineEnd === -1 ? ctx.model.parsed.text.length : lineEnd,
        message: `The project's .env (${path.join(ctx.project.dir, '.env')}), ${ctx.project.dotEnvProblem}: docker compose refuses every command of this project until that line is fixed.`,
      });
    }
    const seen = new Map<string, string | undefined>();
    for (const { pathNode, file, full } of envFiles(ctx)) {
      if (!full) continue;
      if (!seen.has(full)) {
        const text = ctx.host!.readFile(full);
        const problems: DotEnvProblem[] = [];
        if (text !== undefined) parseDotEnv(text, {}, problems);
        seen.set(full, text === undefined ? undefined : firstDotEnvProblem(text, problems));
      }
      const problem = seen.get(full);
      if (problem) ctx.report({ start: pathNode.start, end: pathNode.end, message: `env_file ${file}, ${problem}: docker compose cannot read it; fix that line.` });
    }
  },
};

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
