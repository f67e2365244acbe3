/** Hover documentation for the key under the cursor, from the Compose Specification schema. */
import type { ComposeModel } from '../declarations';
import { lineShape, parentPath } from './context';
import { keyDoc } from './schema';

export interface KeyHover {
  key: string;
  start: number;
  end: number;
  markdown: string;
}

export function keyHoverAt(model: ComposeModel, offset: number): KeyHover | undefined {
  const { text, lines } = model.parsed;
  const line = lines.position(offset).line;
  const lineStart = lines.lineStart(line);
  const shape = lineShape(text.slice(lineStart, lines.lineEnd(line)));
  if (shape.key === undefined) return undefined;
  const start = lineStart + shape.keyColumn;
  const end = start + shape.key.length + (text[start] === '"' || text[start] === "'" ? 2 : 0);
  if (offset < start || offset > end) return undefined;
  const seq = shape.dashes.length;
  const path = parentPath(text, lines, line, seq ? shape.dashes[0] : shape.keyColumn, seq);
  const doc = keyDoc(path, shape.key);
  if (!doc) return undefined;
  const where = [...path, shape.key].filter((p) => p !== '[]').join('.');
  return { key: shape.key, start, end, markdown: `**${where}**\n\n${doc.description}\n\n[Compose reference](${doc.url})` };
}
