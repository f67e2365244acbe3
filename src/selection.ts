/**
 * What a command run from a tree row acts on, when the views allow selecting several rows.
 *
 * VS Code calls a row's context-menu or inline command with (clickedRow, selectedRows[]). The selection only
 * counts when the clicked row is part of it: a right-click outside the selection acts on that one row, as in the
 * Explorer. A selection can hold rows of several kinds (a network and a container under it, a Compose project
 * group) and, with several engines shown, rows of several engines. A command acts only on the rows it is for, on
 * the clicked row's engine (one engine per run: one connection, one confirmation, one report), and says what it
 * left out, so nothing is dropped silently.
 *
 * Shared by commands (remove, back up) and views (the topology panel), so it lives at src/ and is pure.
 */
import type { Localize } from './model/format';

/** The part every tree row has: its kind, and (for rows of the engine trees) the id of its engine. */
export interface TreeRow {
  kind: string;
  engine?: string;
}

export function isTreeRow(value: unknown): value is TreeRow {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value) && typeof (value as { kind?: unknown }).kind === 'string';
}

/**
 * The same row: the same object (what VS Code hands back), or one with the same keys and values (a caller that
 * rebuilt the row, as a webview context menu or a test does).
 */
function sameRow(a: TreeRow, b: TreeRow): boolean {
  if (a === b) return true;
  const keys = Object.keys(a).sort();
  const other = Object.keys(b).sort();
  return keys.length === other.length && keys.every((k, i) => k === other[i] && (a as unknown as Record<string, unknown>)[k] === (b as unknown as Record<string, unknown>)[k]);
}

/**
 * The rows a command was invoked on: the selection when it includes the clicked row (the clicked row first,
 * each row once), else the clicked row alone. Undefined when the argument is not a tree row (a name, an argument
 * object, nothing): the caller resolves it as before.
 */
export function invokedRows(clicked: unknown, selection?: unknown): TreeRow[] | undefined {
  if (!isTreeRow(clicked)) return undefined;
  if (!Array.isArray(selection) || !selection.some((row) => isTreeRow(row) && sameRow(row, clicked))) return [clicked];
  const rows: TreeRow[] = [clicked];
  for (const row of selection) if (isTreeRow(row) && !rows.some((r) => sameRow(r, row))) rows.push(row);
  return rows;
}

export type SkipReason = 'kind' | 'engine';

export interface SplitRows<R extends TreeRow> {
  /** The rows of the command's kind on the clicked row's engine, in selection order (clicked first). */
  taken: R[];
  /** The rest, and why: another kind of row, or a row of another engine. */
  skipped: Array<{ row: TreeRow; why: SkipReason }>;
}

/**
 * Splits invoked rows into those the command acts on and those it skips. The engine is the first row's (the
 * clicked one); rows without an engine id (one engine shown) all count as that engine.
 */
export function splitRows<R extends TreeRow>(rows: readonly TreeRow[], accepts: (row: TreeRow) => row is R): SplitRows<R> {
  const engine = rows[0]?.engine;
  const out: SplitRows<R> = { taken: [], skipped: [] };
  for (const row of rows) {
    if (row.engine !== engine) out.skipped.push({ row, why: 'engine' });
    else if (accepts(row)) out.taken.push(row);
    else out.skipped.push({ row, why: 'kind' });
  }
  return out;
}

/** A row predicate for the given kinds. */
export function ofKind<R extends TreeRow>(...kinds: string[]): (row: TreeRow) => row is R {
  return (row): row is R => kinds.includes(row.kind);
}

/**
 * One sentence for what was left out, or '' when nothing was: "Skipped web (not a volume); db-data (on another
 * engine: one engine at a time)." `label` names a row as its tree shows it; `what` is the command's kind of
 * item, singular ("a volume").
 */
export function skippedText(skipped: SplitRows<TreeRow>['skipped'], label: (row: TreeRow) => string, what: string, t: Localize): string {
  if (!skipped.length) return '';
  const byKind = skipped.filter((s) => s.why === 'kind').map((s) => label(s.row));
  const byEngine = skipped.filter((s) => s.why === 'engine').map((s) => label(s.row));
  const parts = [
    ...(byKind.length ? [t('{0} (not {1})', byKind.join(', '), what)] : []),
    ...(byEngine.length ? [t('{0} (on another engine: one engine at a time)', byEngine.join(', '))] : []),
  ];
  return t('Skipped {0}.', parts.join('; '));
}

/** What happened to one item of a run over several. */
export interface ItemOutcome {
  name: string;
  status: 'done' | 'refused' | 'failed' | 'notRun';
  /** Why it was refused or failed (the engine's words), or what was done ("→ file"). */
  detail?: string;
}

/**
 * The report of a run over several items, one clause per outcome, so the user reads what really happened to
 * each: "Removed a, b. Not removed, in use: c (by web). Failed: d (reason). Not started: e." `done` is the
 * verb for the items that went through ("Removed {0}."), `refused` for those refused (typically: in use).
 */
export function outcomeReport(outcomes: readonly ItemOutcome[], words: { done: string; refused: string; failed: string; notRun: string }, t: Localize): string {
  const clause = (status: ItemOutcome['status'], template: string) => {
    const items = outcomes.filter((o) => o.status === status);
    // Items with a detail are separated by ';' (a detail may hold commas), plain names by ','.
    const separator = items.some((o) => o.detail) ? '; ' : ', ';
    return items.length ? t(template, items.map((o) => (o.detail ? `${o.name} (${o.detail})` : o.name)).join(separator)) : '';
  };
  return [clause('done', words.done), clause('refused', words.refused), clause('failed', words.failed), clause('notRun', words.notRun)].filter(Boolean).join(' ');
}

/** Enough of the engine's state to name a row (structural, so this module needs no store). */
export interface RowNames {
  network(id: string): { name: string } | undefined;
  container(id: string): { name: string } | undefined;
}

/**
 * What a command run on several rows acts on: the rows of `kinds` on the clicked row's engine, and the sentence
 * that names the rest ('' when none). `what` is the command's kind of item, singular ("a volume").
 */
export function takeRows<R extends TreeRow>(rows: readonly TreeRow[], kinds: string[], what: string, names: RowNames, t: Localize): { taken: R[]; skipped: string } {
  const split = splitRows<R>(rows, ofKind<R>(...kinds));
  return { taken: split.taken, skipped: skippedText(split.skipped, (row) => rowLabel(names, row, t), what, t) };
}

/** A row's name as its tree shows it, for the "skipped" sentence. */
export function rowLabel(names: RowNames, row: TreeRow, t: Localize): string {
  const r = row as TreeRow & { id?: string; name?: string; project?: string; containerId?: string; networkId?: string; volume?: string };
  switch (r.kind) {
    case 'network': return names.network(r.id ?? '')?.name ?? r.id ?? '?';
    case 'member': return t('{0} (a container)', names.container(r.containerId ?? '')?.name ?? r.containerId ?? '?');
    case 'user': return t('{0} (a container)', names.container(r.containerId ?? '')?.name ?? r.containerId ?? '?');
    case 'project': return t('{0} (a Compose project)', r.project ?? '?');
    case 'volume': return r.name ?? '?';
    case 'anonymous': return t('Anonymous volumes');
    case 'range': return t('a range of rows');
    case 'engine': return t('{0} (an engine)', r.engine ?? '?');
    default: return r.name ?? r.kind;
  }
}
