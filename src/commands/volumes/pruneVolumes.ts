/**
 * Prune volumes with a preview of exactly what goes and the space it frees. Anonymous and named volumes are
 * listed apart: anonymous ones are ticked, named ones (which may hold data someone cares about, and which
 * engines from 23 keep unless asked) are not; volumes the workspace's Compose files use are kept unless ticked.
 * Then a modal confirm, then each ticked volume is removed by name, so what goes is what was shown.
 *
 * Called with `{ include?: 'anonymous' | 'named' | 'all', labels?, includeProtected? }` (another extension, a test)
 * the argument replaces the ticks, and the modal confirm still asks.
 */
import * as vscode from 'vscode';
import { type VolumePruneCandidate, type VolumePruneOutcome, type VolumePrunePreview, volumePrunePreview, pruneVolumes as prune, reclaimable } from '../../model/prune/volumes';
import type { EngineStore } from '../../model/store';
import { formatBytes } from '../../model/format';
import { localize } from '../../l10n';
import type { ProtectedResourcesProvider } from '../protection';
import type { Prompts } from '../prompts';
import { givenArgs } from '../../args';

export interface PruneArgs {
  include: 'anonymous' | 'named' | 'all';
  /** Only volumes with these labels ("key" or "key=value"). */
  labels: string[];
  /** Also the volumes the workspace's Compose files use. */
  includeProtected: boolean;
}

export interface PruneResult {
  preview: VolumePrunePreview;
  chosen: string[];
  outcome: VolumePruneOutcome;
}

function sizeText(c: VolumePruneCandidate): string | undefined {
  return c.size !== undefined ? formatBytes(c.size) : undefined;
}

async function choose(prompts: Prompts, preview: VolumePrunePreview): Promise<VolumePruneCandidate[] | undefined> {
  type Item = vscode.QuickPickItem & { candidate?: VolumePruneCandidate };
  const row = (c: VolumePruneCandidate, picked: boolean): Item => ({
    candidate: c, picked,
    label: c.anonymous ? c.name.slice(0, 12) : c.name,
    description: [c.driver, sizeText(c), c.createdAt && localize('created {0}', c.createdAt.slice(0, 10))].filter(Boolean).join(' · '),
    detail: c.protectedBecause ? localize('Kept unless ticked: {0}', c.protectedBecause) : c.anonymous ? c.name : undefined,
  });
  const header = (label: string, list: VolumePruneCandidate[]): Item => ({
    label: `${label} · ${list.length}${preview.sizesKnown ? ` · ${formatBytes(reclaimable(list))}` : ''}`,
    kind: vscode.QuickPickItemKind.Separator,
  });
  const items: Item[] = [];
  if (preview.anonymous.length) items.push(header(localize('Anonymous'), preview.anonymous), ...preview.anonymous.map((c) => row(c, true)));
  if (preview.named.length) items.push(header(localize('Named (tick to remove)'), preview.named), ...preview.named.map((c) => row(c, false)));
  if (preview.protected.length) items.push(header(localize('Used by the workspace\'s Compose files'), preview.protected), ...preview.protected.map((c) => row(c, false)));
  const total = preview.anonymous.length + preview.named.length + preview.protected.length;
  const picked = await prompts.pickMany(items, {
    title: localize('Prune Volumes: {0} unused', total), ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true,
    placeHolder: localize('No container, running or stopped, uses these. Tick what to remove.'),
  });
  return picked?.map((p) => p.candidate).filter((c): c is VolumePruneCandidate => Boolean(c));
}

/** `dnv.volumes.prune` */
export async function pruneVolumes(store: EngineStore, prompts: Prompts, protectedResources: ProtectedResourcesProvider, arg?: unknown): Promise<PruneResult | undefined> {
  const given = givenArgs<PruneArgs>(arg);
  const { volumes: protectedNames } = await protectedResources();
  const preview = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Finding unused volumes and their sizes…') },
    () => volumePrunePreview(store.client, { protected: protectedNames, labels: given?.labels }),
  );

  let chosen: VolumePruneCandidate[];
  if (given) {
    const include = given.include ?? 'anonymous';
    chosen = [
      ...(include !== 'named' ? preview.anonymous : []),
      ...(include !== 'anonymous' ? preview.named : []),
      ...(given.includeProtected ? preview.protected : []),
    ];
    if (!chosen.length) return { preview, chosen: [], outcome: { removed: [], skipped: [], spaceFreed: 0 } };
  } else {
    if (!preview.anonymous.length && !preview.named.length && !preview.protected.length) {
      void vscode.window.showInformationMessage(localize('No unused volumes: every volume is used by a container, running or stopped.'));
      return { preview, chosen: [], outcome: { removed: [], skipped: [], spaceFreed: 0 } };
    }
    const picked = await choose(prompts, preview);
    if (!picked?.length) return undefined;
    chosen = picked;
  }
  const anonymous = chosen.filter((c) => c.anonymous).length;
  const size = preview.sizesKnown ? localize(', freeing {0}', formatBytes(reclaimable(chosen))) : '';
  const names = chosen.map((c) => (c.anonymous ? `${c.name.slice(0, 12)} (${localize('anonymous')})` : c.name));
  const answer = await prompts.confirm(
    localize('Remove {0} volume(s): {1} anonymous, {2} named{3}?', chosen.length, anonymous, chosen.length - anonymous, size),
    { detail: [localize('Their data cannot be recovered.'), '', ...names.slice(0, 25), ...(names.length > 25 ? [localize('… and {0} more', names.length - 25)] : [])].join('\n'), actions: [localize('Remove')] },
  );
  if (!answer) return undefined;

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Pruning volumes'), cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return prune(store.client, chosen, {
        signal: controller.signal,
        onVolume: (name) => progress.report({ message: name, increment: 100 / Math.max(1, chosen.length) }),
      });
    },
  );

  const freed = preview.sizesKnown ? localize(', {0} freed', formatBytes(outcome.spaceFreed)) : '';
  const message = localize('Removed {0} volume(s){1}.', outcome.removed.length, freed);
  if (outcome.skipped.length) {
    void vscode.window.showWarningMessage(`${message} ${localize('Not removed: {0}.', outcome.skipped.map((s) => `${s.name} (${s.reason})`).join('; '))}`);
  } else {
    void vscode.window.showInformationMessage(message);
  }
  return { preview, chosen: chosen.map((c) => c.name), outcome };
}
