/**
 * What the volume commands share: turning a command's argument (tree node, multi-selection, object from a test
 * or a quick fix, name) into volume names, volume QuickPicks, the pause question, settings, and progress with
 * bytes, rate and Cancel wired to an AbortSignal.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BackupFormat, formatAvailable, isBackupFormat } from '../../backup/formats';
import type { TransferProgress } from '../../backup/streams';
import { runningWriters, type VolumeUserInfo } from '../../backup/volumes';
import { SETTING, SETTING_SECTION } from '../../ids';
import type { ExplorerStore } from '../../model/store';
import type { VolumeModel } from '../../model/types';
import { formatBytes } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';

type Node = { kind?: string; name?: string; volume?: string; project?: string };

function namesOfNode(store: ExplorerStore, node: Node): string[] {
  switch (node.kind) {
    case 'volume': return node.name ? [node.name] : [];
    case 'user': return node.volume ? [node.volume] : [];
    case 'project': return store.volumes().filter((v) => !v.anonymous && v.project === node.project).map((v) => v.name);
    case 'anonymous': return store.volumes().filter((v) => v.anonymous).map((v) => v.name);
    default: return [];
  }
}

/**
 * The volumes a command was invoked on: the tree's multi-selection when it includes the clicked row, else the
 * clicked row (a Compose project row means its volumes), else a name or `{ volume }` / `{ volumes }` / `{ name }`.
 */
export function volumeNamesFrom(store: ExplorerStore, arg: unknown, selection?: unknown): string[] {
  if (typeof arg === 'string') return [arg];
  if (!arg || typeof arg !== 'object') return [];
  const a = arg as Node & { volumes?: unknown; names?: unknown; source?: unknown };
  if ('kind' in a) {
    const nodes = Array.isArray(selection) && selection.includes(arg) ? selection as Node[] : [a];
    return [...new Set(nodes.flatMap((n) => namesOfNode(store, n)))];
  }
  for (const list of [a.volumes, a.names]) if (Array.isArray(list)) return list.filter((n): n is string => typeof n === 'string');
  for (const one of [a.volume, a.name, a.source]) if (typeof one === 'string') return [one];
  return [];
}

/** An argument object from a test or a quick fix (not a tree node), else undefined. */
export function givenArgs<T extends object>(arg: unknown): Partial<T> | undefined {
  return arg && typeof arg === 'object' && !('kind' in arg) && !Array.isArray(arg) ? arg as Partial<T> : undefined;
}

export function volumeDescription(store: ExplorerStore, v: VolumeModel): string {
  const size = store.usageOf(v.name)?.size;
  const users = store.usersOf(v).length;
  return [v.driver, size !== undefined && size >= 0 ? formatBytes(size) : undefined, users ? localize('{0} container(s)', users) : localize('unused'), v.project && localize('project {0}', v.project)]
    .filter(Boolean).join(' · ');
}

type VolumePick = vscode.QuickPickItem & { name: string };

export async function pickVolumes(store: ExplorerStore, prompts: Prompts, title: string, placeHolder: string, canPickMany: boolean, filter: (v: VolumeModel) => boolean = () => true): Promise<string[] | undefined> {
  const volumes = store.volumes().filter(filter).sort((a, b) => Number(a.anonymous) - Number(b.anonymous) || a.name.localeCompare(b.name));
  if (!volumes.length) {
    void vscode.window.showInformationMessage(localize('There is no volume to choose from.'));
    return undefined;
  }
  const items: VolumePick[] = volumes.map((v) => ({
    name: v.name, label: v.anonymous ? `$(circle-large-outline) ${v.name.slice(0, 12)}` : `$(database) ${v.name}`,
    description: volumeDescription(store, v),
  }));
  if (canPickMany) {
    const picked = await prompts.pickMany(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true });
    return picked?.length ? picked.map((p) => p.name) : undefined;
  }
  const picked = await prompts.pick(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true });
  return picked ? [picked.name] : undefined;
}

/**
 * Running containers that write to these volumes, and whether to pause them while the volumes are read.
 * `given` (from an argument) skips the question. Returns undefined when the user cancels.
 */
export async function askPause(store: ExplorerStore, prompts: Prompts, volumes: string[], given: boolean | undefined, action: string): Promise<Map<string, VolumeUserInfo[]> | undefined> {
  const writers = new Map<string, VolumeUserInfo[]>();
  for (const v of volumes) writers.set(v, await runningWriters(store.client, v));
  const all = [...new Map([...writers.values()].flat().map((w) => [w.id, w])).values()];
  const none = new Map(volumes.map((v) => [v, [] as VolumeUserInfo[]]));
  if (!all.length || given === false) return none;
  if (given === true) return writers;
  const pause = localize('Pause and Continue');
  const dont = localize('Do Not Pause');
  const answer = await prompts.confirm(
    localize('{0} running container(s) write to {1}: {2}', all.length, volumes.length === 1 ? volumes[0] : localize('these volumes'), all.map((w) => w.name).join(', ')),
    { detail: localize('Pause them during the {0} for a consistent copy? They are resumed as soon as the volume has been read, also if it fails or is cancelled.', action), actions: [pause, dont] },
  );
  if (!answer) return undefined;
  return answer === pause ? writers : none;
}

/**
 * The volume's size for a progress total, when disk usage knows it. Starts a disk-usage call when a volume has
 * no size yet (made after the last one): the transfer does not wait for it, its total appears once known.
 */
export function sizeLookup(store: ExplorerStore, volumes: string[]): (volume: string) => number | undefined {
  if (volumes.some((v) => store.usageOf(v) === undefined)) void store.computeVolumeSizes().catch(() => undefined);
  return (volume) => {
    const size = store.usageOf(volume)?.size;
    return size !== undefined && size >= 0 ? size : undefined;
  };
}

// ---- settings

function expandFolder(raw: string): string {
  let value = raw.trim();
  if (value.startsWith('~')) value = path.join(os.homedir(), value.slice(1));
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (workspace) value = value.replace(/\$\{workspaceFolder\}/g, workspace);
  if (!path.isAbsolute(value) && workspace) value = path.join(workspace, value);
  return value;
}

export function configuredFolder(): string | undefined {
  const raw = vscode.workspace.getConfiguration(SETTING_SECTION).get<string>(SETTING.backupFolder, '');
  return raw.trim() ? expandFolder(raw) : undefined;
}

/** The format to write: the argument, else the setting; .tar.zst falls back to .tar.gz where zlib has no zstd. */
export function chosenFormat(given: unknown): { format: BackupFormat; fellBack: boolean } {
  const wanted = isBackupFormat(given) ? given : vscode.workspace.getConfiguration(SETTING_SECTION).get<string>(SETTING.backupFormat, 'tar.gz');
  const format = isBackupFormat(wanted) ? wanted : 'tar.gz';
  return formatAvailable(format) ? { format, fellBack: false } : { format: 'tar.gz', fellBack: true };
}

export function askFolder(prompts: Prompts, title: string, defaultFolder?: string): Promise<string | undefined> {
  return prompts.pickFolder({ title, openLabel: localize('Back Up Here'), defaultFolder });
}

// ---- progress

export function describeProgress(p: TransferProgress): string {
  const done = formatBytes(p.bytes);
  const amount = p.total ? localize('{0} of {1}', done, formatBytes(p.total)) : done;
  const rate = p.rate > 0 ? ` · ${formatBytes(Math.round(p.rate))}/s` : '';
  const phase = p.phase === 'check' ? localize('checking the archive') : p.phase === 'restore' ? localize('restoring') : undefined;
  return `${phase ? `${phase}: ` : ''}${amount}${rate}`;
}

export interface ProgressReporter {
  /** Byte progress; `item` places it in a run over several volumes (the bar covers them all). */
  report(progress: TransferProgress, item?: { index: number; count: number }): void;
  say(message: string): void;
}

/** The share of the bar each phase covers: a restore checks the archive first (fast: no engine), then writes. */
const PHASE_SPAN: Record<TransferProgress['phase'], [number, number]> = {
  check: [0, 0.4], restore: [0.4, 1], backup: [0, 1], clone: [0, 1],
};

/**
 * A cancellable notification whose Cancel aborts the signal given to `work`; byte progress moves the bar
 * when a total is known (held below 100 % until the work returns: sizes from disk usage are estimates).
 */
export function withTransferProgress<T>(title: string, work: (signal: AbortSignal, progress: ProgressReporter) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    let shown = 0;
    const reporter: ProgressReporter = {
      report(p, item = { index: 0, count: 1 }) {
        const [from, to] = PHASE_SPAN[p.phase];
        const within = p.total ? from + (to - from) * Math.min(1, p.bytes / p.total) : from;
        const overall = Math.min(0.99, (item.index + within) / item.count);
        const increment = Math.max(0, overall * 100 - shown);
        shown += increment;
        const prefix = item.count > 1 ? `${p.volume} (${item.index + 1}/${item.count}) · ` : '';
        progress.report({ message: prefix + describeProgress(p), increment });
      },
      say(message) {
        progress.report({ message });
      },
    };
    try {
      return await work(controller.signal, reporter);
    } finally {
      subscription.dispose();
    }
  });
}

