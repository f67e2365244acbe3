/**
 * Remove volumes (the clicked one, or the tree's selection). A volume in use is not removed: the message lists
 * its containers. The rest go after a modal confirm, which says their data cannot be recovered.
 * Called with `{ names: [...] }` (another extension, a test) it still asks: the names only replace the picker.
 */
import * as vscode from 'vscode';
import { removeVolume as remove, VolumeInUseError, volumeUsers, type VolumeUserInfo } from '../../engine/volumes';
import { EngineError } from '../../engine/errors';
import { COMMAND } from '../../ids';
import type { EngineStore } from '../../model/store';
import { formatBytes } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import { givenArgs, volumeNamesFrom } from '../../args';
import { pickVolumes } from '../pick';
import { invokedRows, type ItemOutcome, outcomeReport, takeRows, type TreeRow } from '../../selection';

export interface RemoveResult {
  removed: string[];
  /** In use (with their containers) or refused by the engine. */
  refused: Array<{ name: string; reason: string; users?: VolumeUserInfo[] }>;
}

function usersText(users: VolumeUserInfo[]): string {
  return users.map((u) => {
    if (u.browser === 'here') return localize('{0} (the volume browser)', u.name);
    if (u.browser === 'elsewhere') return localize('{0} (the volume browser of another window)', u.name);
    return u.helper ? localize('{0} (a backup, restore or clone in progress)', u.name) : `${u.name} (${u.state})`;
  }).join(', ');
}

/** Held only by this window's volume browser: closing the browser's view of it frees it. */
function onlyBrowsedHere(users: VolumeUserInfo[]): boolean {
  return users.length > 0 && users.every((u) => u.browser === 'here');
}

/**
 * The volumes of the tree rows the command was invoked on (the clicked row, or the selection that holds it) and
 * what it leaves out. Only volume rows: a Compose project's group row or a container row swept into a selection
 * must not turn into volumes to delete.
 */
function volumesOfRows(store: EngineStore, rows: TreeRow[]): { names: string[]; skipped: string } {
  const { taken, skipped } = takeRows<TreeRow & { name: string }>(rows, ['volume'], localize('a volume'), store, localize);
  return { names: [...new Set(taken.map((r) => r.name))], skipped };
}

/** `dnv.volume.remove` */
export async function removeVolume(store: EngineStore, prompts: Prompts, arg?: unknown, selection?: unknown): Promise<RemoveResult | undefined> {
  const given = givenArgs<{ names: string[] }>(arg);
  const rows = invokedRows(arg, selection);
  const fromRows = rows ? volumesOfRows(store, rows) : undefined;
  const skipped = fromRows?.skipped ?? '';
  let names = fromRows?.names ?? volumeNamesFrom(store, arg);
  if (fromRows && !names.length) throw new Error(localize('No volume to remove. {0}', skipped));
  if (!names.length && !given) names = await pickVolumes(store, prompts, localize('Remove Volumes'), localize('Remove which volumes?'), true) ?? [];
  if (!names.length) return undefined;

  const client = store.client;
  const result: RemoveResult = { removed: [], refused: [] };
  const free: string[] = [];
  /** Helper containers of this window's volume browser to close (with its view and editors) before the removal. */
  const browsed = new Map<string, string[]>();
  for (const name of names) {
    const users = await volumeUsers(client, name);
    if (onlyBrowsedHere(users)) {
      browsed.set(name, users.map((u) => u.id));
      free.push(name);
    } else if (users.length) result.refused.push({ name, users, reason: localize('in use by {0}', usersText(users)) });
    else free.push(name);
  }

  if (!free.length && !given) {
    const only = result.refused[0];
    throw new Error([result.refused.length === 1
      ? localize('Volume {0} is in use by {1} container(s): {2}. It was not removed.', only.name, only.users!.length, usersText(only.users!))
      : localize('None of these volumes was removed: {0}.', result.refused.map((r) => `${r.name} (${r.reason})`).join('; ')), skipped].filter(Boolean).join(' '));
  }
  if (free.length) {
    const sizes = free.map((n) => store.usageOf(n)?.size).filter((s): s is number => s !== undefined && s >= 0);
    const total = sizes.length ? localize(' ({0})', formatBytes(sizes.reduce((a, b) => a + b, 0))) : '';
    const open = free.filter((n) => browsed.has(n));
    const detail = [
      localize('Their data is deleted and cannot be recovered. Back them up first if you may need it.'),
      '', ...free,
      ...(open.length ? ['', localize('Open in the volume browser, which closes them first (its view and their files\' editors): {0}', open.join(', '))] : []),
      ...(result.refused.length ? ['', localize('Kept, in use: {0}', result.refused.map((r) => `${r.name} (${usersText(r.users ?? [])})`).join('; '))] : []),
      ...(skipped ? ['', skipped] : []),
    ].join('\n');
    const answer = await prompts.confirm(
      free.length === 1 && open.length === 1
        ? localize('Volume {0} is open in the volume browser. Close it there and remove the volume{1}?', free[0], total)
        : free.length === 1 ? localize('Remove volume {0}{1}?', free[0], total) : localize('Remove {0} volumes{1}?', free.length, total),
      { detail, actions: [open.length ? localize('Close Browser and Remove') : localize('Remove')] },
    );
    if (!answer) return undefined;
    // Through the browser's own command (views and commands meet through ids): it closes the view and the
    // editors of the volume's files, then removes the helper, so nothing asks for a new one.
    for (const ids of browsed.values()) {
      for (const id of ids) await vscode.commands.executeCommand(COMMAND.stopBrowsing, { helperContainer: id });
    }
  }

  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: localize('Removing volumes…') }, async (progress) => {
    for (const name of free) {
      progress.report({ message: name });
      try {
        await remove(client, name);
        result.removed.push(name);
      } catch (e) {
        if (e instanceof VolumeInUseError) result.refused.push({ name, users: e.users, reason: localize('in use by {0}', usersText(e.users)) });
        else result.refused.push({ name, reason: e instanceof EngineError ? e.engineMessage ?? e.message : String(e) });
      }
    }
  });

  // One report for the whole run, one clause per outcome, so each item's fate is read where the user looks.
  const outcomes: ItemOutcome[] = [
    ...result.removed.map((name): ItemOutcome => ({ name, status: 'done' })),
    ...result.refused.map((r): ItemOutcome => ({ name: r.name, status: r.users ? 'refused' : 'failed', detail: r.reason })),
  ];
  const report = [outcomeReport(outcomes, {
    done: localize('Removed {0}.'), refused: localize('Not removed: {0}.'), failed: localize('Failed: {0}.'), notRun: localize('Not started: {0}.'),
  }, localize), skipped].filter(Boolean).join(' ');
  if (result.refused.length && !result.removed.length) {
    throw new Error(result.refused.length === 1 && result.refused[0].users
      ? [localize('Volume {0} is in use by {1} container(s): {2}. It was not removed.', result.refused[0].name, result.refused[0].users.length, usersText(result.refused[0].users)), skipped].filter(Boolean).join(' ')
      : localize('No volume was removed. {0}', report));
  }
  prompts.report(result.refused.length || skipped ? 'warning' : 'info', report);
  return result;
}
