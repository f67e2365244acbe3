/**
 * Prune networks with a preview: exactly the unused user networks, never built-ins; networks the workspace's
 * Compose files declare are listed but left out unless the user ticks them. Then a modal confirm, then each
 * previewed network is removed by name, so what goes is what was shown (the engine's own prune could take a
 * network made in between, or one a stopped container still needs). Called with an argument object (another
 * extension, a test) the argument replaces the ticks; the modal confirm still asks.
 */
import * as vscode from 'vscode';
import { EngineError } from '../../engine/errors';
import { networkPrunePreview } from '../../model/prune/networks';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import { givenArgs } from '../../args';
import type { ProtectedResourcesProvider } from '../protection';
import type { Prompts } from '../prompts';

export interface PruneArgs {
  /** Only these (names); each must be in the preview. Compose-declared ones still need includeProtected. */
  networks?: string[];
  /** Also remove candidates the workspace's Compose files declare. */
  includeProtected?: boolean;
}

export interface PruneResult {
  removed: string[];
  /** Refused by the engine at removal time (a container joined since the preview). */
  skipped: Array<{ name: string; reason: string }>;
  /** Declared by the workspace's Compose files and so left alone. */
  kept: Array<{ name: string; reason: string }>;
}

export async function pruneNetworks(store: EngineStore, prompts: Prompts, protectedResources: ProtectedResourcesProvider, arg?: unknown): Promise<PruneResult | undefined> {
  const given = givenArgs<PruneArgs>(arg);
  const { networks: protectedNames } = await protectedResources();
  const preview = networkPrunePreview(store.networks(), (n) => store.membersOf(n), protectedNames);

  let chosen = preview;
  let kept: PruneResult['kept'] = [];
  if (given) {
    const named = given.networks ? preview.filter((c) => given.networks!.includes(c.network.name)) : preview;
    chosen = named.filter((c) => !c.protectedBecause || given.includeProtected);
    kept = named.filter((c) => c.protectedBecause && !given.includeProtected).map((c) => ({ name: c.network.name, reason: c.protectedBecause! }));
    const unknown = (given.networks ?? []).filter((n) => !preview.some((c) => c.network.name === n));
    if (unknown.length) throw new Error(localize('Not unused user networks, so not pruned: {0}.', unknown.join(', ')));
  } else {
    if (preview.length === 0) {
      void vscode.window.showInformationMessage(localize('No unused networks: every user network has a container on it.'));
      return { removed: [], skipped: [], kept: [] };
    }
    type Item = vscode.QuickPickItem & { name: string };
    const items: Item[] = preview.map((c) => ({
      name: c.network.name,
      label: c.network.name,
      description: [c.network.driver, c.network.subnets[0]?.subnet, c.network.project && localize('project {0}', c.network.project)].filter(Boolean).join(' · '),
      detail: c.protectedBecause ? localize('Kept unless ticked: {0}', c.protectedBecause) : undefined,
      picked: !c.protectedBecause,
    }));
    const picked = await prompts.pickMany(items, {
      title: localize('Prune Networks: {0} unused', preview.length), ignoreFocusOut: true,
      placeHolder: localize('These networks have no container, running or stopped. Untick what to keep.'),
    });
    if (!picked || picked.length === 0) return undefined;
    chosen = preview.filter((c) => picked.some((p) => p.name === c.network.name));
    kept = preview.filter((c) => c.protectedBecause && !chosen.includes(c)).map((c) => ({ name: c.network.name, reason: c.protectedBecause! }));
  }
  if (chosen.length) {
    const names = chosen.map((c) => c.network.name);
    const confirm = await prompts.confirm(localize('Remove {0} network(s)?', names.length), { detail: names.join('\n'), actions: [localize('Remove')] });
    if (!confirm) return undefined;
  }

  const result: PruneResult = { removed: [], skipped: [], kept };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Pruning networks'), cancellable: true },
    async (progress, token) => {
      for (const c of chosen) {
        if (token.isCancellationRequested) break;
        progress.report({ message: c.network.name, increment: 100 / chosen.length });
        // A container may have joined since the preview: the engine refuses then, and we say so.
        try {
          await store.client.removeNetwork(c.network.id);
          result.removed.push(c.network.name);
        } catch (e) {
          result.skipped.push({ name: c.network.name, reason: e instanceof EngineError ? e.engineMessage ?? e.message : String(e) });
        }
      }
    },
  );
  const message = result.skipped.length
    ? localize('Removed {0} network(s); {1} not removed: {2}', result.removed.length, result.skipped.length, result.skipped.map((s) => `${s.name} (${s.reason})`).join('; '))
    : localize('Removed {0} network(s).', result.removed.length);
  if (!given) void (result.skipped.length ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
  return result;
}
