/**
 * Remove a network. Built-ins have no remove action. A network in use is not removed: the message lists its
 * containers and offers to disconnect them first. Called with `{ network, disconnect? }` (another extension, a
 * test) it still asks before removing.
 */
import * as vscode from 'vscode';
import { isRemovable } from '../../model/networkRules';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import { EngineError } from '../../engine/errors';
import type { NetworkModel } from '../../model/types';
import { invokedRows, type ItemOutcome, outcomeReport, takeRows, type TreeRow } from '../../selection';
import { givenArgs, networkFrom } from '../../args';
import { pickNetwork } from '../pick';
import type { Prompts } from '../prompts';

export interface RemoveArgs {
  network: string;
  /** Disconnect the containers on it first (the user's "Disconnect and Remove"). */
  disconnect?: boolean;
}

/** Several networks: `{ networks: [names or ids] }`, or the tree's selection. */
export interface RemoveManyArgs {
  networks: string[];
}

export interface RemoveNetworksResult {
  removed: string[];
  /** Kept: in use (with the containers on it), built-in, or refused by the engine (its words). */
  refused: Array<{ name: string; reason: string; inUse?: boolean }>;
  /** The sentence that says which selected rows were not networks or were on another engine ('' if none). */
  skipped: string;
}

/**
 * `dnv.network.remove`: one network (a row, a name, `{ network }`) as before; several (a selection of more than
 * one row, or `{ networks }`) with one preview and one confirmation for the whole set.
 */
export async function removeNetwork(store: EngineStore, prompts: Prompts, arg?: unknown, selection?: unknown): Promise<boolean | RemoveNetworksResult | undefined> {
  const rows = invokedRows(arg, selection);
  if (rows && rows.length > 1) {
    const { taken, skipped } = takeRows<TreeRow & { id: string }>(rows, ['network'], localize('a network'), store, localize);
    const networks = taken.map((r) => store.network(r.id)).filter((n): n is NetworkModel => Boolean(n));
    if (!networks.length) throw new Error(localize('No network to remove. {0}', skipped));
    return removeNetworks(store, prompts, networks, skipped);
  }
  const many = givenArgs<RemoveManyArgs>(arg, 'networks');
  if (many) {
    if (!Array.isArray(many.networks)) throw new Error(localize('"networks" must be a list of network names or ids.'));
    const networks = many.networks.map((ref) => {
      const network = typeof ref === 'string' ? networkFrom(store, ref) : undefined;
      if (!network) throw new Error(localize('No network "{0}" on this engine.', String(ref)));
      return network;
    });
    return removeNetworks(store, prompts, [...new Set(networks)], '');
  }
  return removeOneNetwork(store, prompts, arg);
}

/**
 * Several networks, one question: the preview names what goes, what is in use (with its containers) and stays
 * unless the user picks "Disconnect and Remove", and what cannot go (built-ins). Then each is removed in turn and
 * the report says what happened to each. Called with `{ networks }` it asks all the same: the user chooses
 * whether networks in use go too.
 */
async function removeNetworks(store: EngineStore, prompts: Prompts, networks: NetworkModel[], skipped: string): Promise<RemoveNetworksResult | undefined> {
  const result: RemoveNetworksResult = { removed: [], refused: [], skipped };
  const free: NetworkModel[] = [];
  const inUse: Array<{ network: NetworkModel; members: ReturnType<EngineStore['membersOf']> }> = [];
  for (const network of networks) {
    if (!isRemovable(network)) result.refused.push({ name: network.name, reason: localize('a built-in network of the engine') });
    else {
      const members = store.membersOf(network);
      if (members.length) inUse.push({ network, members });
      else free.push(network);
    }
  }
  if (!free.length && !inUse.length) throw new Error([localize('No network was removed: {0}.', result.refused.map((r) => `${r.name} (${r.reason})`).join('; ')), skipped].filter(Boolean).join(' '));

  const membersText = (members: ReturnType<EngineStore['membersOf']>) => members.map((m) => `${m.container.name} (${m.container.state})`).join(', ');
  const detail = [
    ...(free.length ? [localize('Not used by any container, removed:'), ...free.map((n) => `  ${n.name}`)] : []),
    ...(inUse.length ? ['', localize('In use, kept unless you choose Disconnect and Remove (which disconnects their containers first):'), ...inUse.map((u) => `  ${u.network.name}: ${membersText(u.members)}`)] : []),
    ...(result.refused.length ? ['', localize('Cannot be removed: {0}', result.refused.map((r) => `${r.name} (${r.reason})`).join('; '))] : []),
    ...(skipped ? ['', skipped] : []),
  ].join('\n').replace(/^\n/, '');
  const removeLabel = localize('Remove');
  const disconnectLabel = localize('Disconnect and Remove');
  const actions = [...(free.length ? [removeLabel] : []), ...(inUse.length ? [disconnectLabel] : [])];
  const count = free.length + inUse.length;
  const answer = await prompts.confirm(
    inUse.length && !free.length ? localize('Remove {0} network(s) in use?', count) : localize('Remove {0} network(s)?', free.length),
    { detail, actions },
  );
  if (!answer) return undefined;
  const withInUse = answer === disconnectLabel;
  if (!withInUse) for (const u of inUse) result.refused.push({ name: u.network.name, reason: localize('in use by {0}', membersText(u.members)), inUse: true });

  const targets = [...free.map((network) => ({ network, members: [] as ReturnType<EngineStore['membersOf']> })), ...(withInUse ? inUse : [])];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: localize('Removing networks…') }, async (progress) => {
    for (const { network, members } of targets) {
      progress.report({ message: network.name });
      try {
        for (const m of members) await store.client.disconnectNetwork(network.id, m.container.id, true);
        await store.client.removeNetwork(network.id);
        result.removed.push(network.name);
      } catch (e) {
        // A container joined since the preview: the engine refuses (409, active endpoints); say it is in use.
        const inUseNow = e instanceof EngineError && e.kind === 'conflict';
        result.refused.push({ name: network.name, inUse: inUseNow, reason: inUseNow ? localize('in use (a container joined it since the preview)') : e instanceof EngineError ? e.engineMessage ?? e.message : String(e) });
      }
    }
  });

  const outcomes: ItemOutcome[] = [
    ...result.removed.map((name): ItemOutcome => ({ name, status: 'done' })),
    ...result.refused.map((r): ItemOutcome => ({ name: r.name, status: r.inUse || !r.reason ? 'refused' : 'failed', detail: r.reason })),
  ];
  const report = [outcomeReport(outcomes, {
    done: localize('Removed {0}.'), refused: localize('Not removed: {0}.'), failed: localize('Failed: {0}.'), notRun: localize('Not started: {0}.'),
  }, localize), skipped].filter(Boolean).join(' ');
  prompts.report(!result.removed.length ? 'error' : result.refused.length || skipped ? 'warning' : 'info', report);
  return result;
}

async function removeOneNetwork(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<boolean> {
  const given = givenArgs<RemoveArgs>(arg, 'network');
  const network = networkFrom(store, given?.network ?? arg)
    ?? (given ? undefined : await pickNetwork(prompts, store.networks().filter(isRemovable), localize('Remove which network?')));
  if (!network) {
    if (given) throw new Error(localize('No network "{0}" on this engine.', given.network));
    return false;
  }
  if (!isRemovable(network)) throw new Error(localize('{0} is a built-in network of the engine and cannot be removed.', network.name));

  const members = store.membersOf(network);
  const disconnect = members.length > 0;
  if (members.length) {
    const list = members.map((m) => `${m.container.name} (${m.container.state})`).join(', ');
    const message = localize('Network {0} is in use by {1} container(s): {2}. It was not removed.', network.name, members.length, list);
    if (given && !given.disconnect) throw new Error(message);
    const answer = await prompts.confirm(message, { detail: localize('Disconnect them and remove the network? The containers keep running on their other networks.'), actions: [localize('Disconnect and Remove')] });
    if (!answer) return false;
  } else {
    const answer = await prompts.confirm(localize('Remove network {0}?', network.name), { detail: localize('No container uses it.'), actions: [localize('Remove')] });
    if (!answer) return false;
  }

  const target = network;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Removing network {0}…', target.name) },
    async () => {
      if (disconnect) for (const m of members) await store.client.disconnectNetwork(target.id, m.container.id, true);
      await store.client.removeNetwork(target.id);
    },
  );
  void vscode.window.showInformationMessage(disconnect && members.length
    ? localize('Disconnected {0} container(s) and removed network {1}.', members.length, target.name)
    : localize('Removed network {0}.', target.name));
  return true;
}
