/**
 * Test connectivity: from inside a source container, resolve a target's name and ping it, then say what
 * happened in plain words (shared networks, name resolution, latency), with the details in the log.
 */
import * as vscode from 'vscode';
import { type ConnectivityResult, findTargets, testConnectivity as runTest } from '../../model/connectivity';
import type { EngineStore } from '../../model/store';
import { log } from '../../log';
import { localize } from '../../l10n';
import { containerFrom, givenArgs } from '../../args';
import { pickContainers } from '../pick';
import type { Prompts } from '../prompts';

export async function testConnectivity(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<ConnectivityResult | undefined> {
  const given = givenArgs<{ source: string; target: string }>(arg, 'source', 'target');
  const source = containerFrom(store, given?.source ?? arg)
    ?? (await pickContainers(prompts, store.containers().filter((c) => c.state === 'running'), localize('Test from which container?'), false))?.[0];
  if (!source) {
    if (given) throw new Error(localize('No container "{0}" on this engine.', given.source));
    return undefined;
  }
  // Aliases are asked for as they are needed (src/model/store.ts): here those of the source's neighbours.
  const own = new Set(source.attachments.flatMap((a) => [a.networkId, a.networkName]).filter(Boolean));
  await store.aliasesFor(store.containers().filter((c) => c.attachments.some((a) => own.has(a.networkId) || own.has(a.networkName))).map((c) => c.id));
  let target = given?.target;
  if (!target) {
    // Offer the names this container could reach: containers and aliases on its networks first.
    const ownNetworks = new Set(source.attachments.map((a) => a.networkId));
    const names = new Map<string, string>();
    for (const c of store.containers()) {
      if (c.id === source.id) continue;
      const shared = c.attachments.filter((a) => ownNetworks.has(a.networkId));
      const where = shared.length ? localize('on {0}', shared.map((a) => a.networkName).join(', ')) : localize('no shared network');
      names.set(c.name, where);
      for (const a of shared) for (const alias of a.aliases) if (!names.has(alias)) names.set(alias, localize('alias on {0}', a.networkName));
    }
    const items = [...names].map(([label, description]) => ({ label, description }));
    target = await prompts.pickOrType(items, { placeHolder: localize('Reach which container or alias from {0}? (or type a host name)', source.name) });
    if (!target) return undefined;
  }
  const to = target;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Testing {0} → {1}…', source.name, to) },
    async () => {
      // A name no neighbour has may be an alias on a network the source is not on (the result says which), or a
      // host name: only then are the other containers' aliases asked for.
      if (findTargets(to, store.containers()).length === 0) await store.aliasesFor(store.containers().map((c) => c.id), { bulk: true });
      return runTest({
        source, target: to, containers: store.containers(), network: (id) => store.network(id),
        exec: (container, cmd) => store.client.exec(container, cmd),
      });
    },
  );
  log().info(`connectivity ${source.name} -> ${to}: ${result.summary} ${result.details.join(' ')}`);
  if (!given) {
    const showLog = localize('Show Details');
    const shown = result.ok ? vscode.window.showInformationMessage(result.summary, showLog) : vscode.window.showWarningMessage(result.summary, showLog);
    void shown.then((answer) => { if (answer === showLog) log().show(true); });
  }
  return result;
}
