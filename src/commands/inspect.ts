/**
 * Inspect: the engine's own JSON for a network, volume or container, in a read-only editor. The document
 * is served by a content provider, so it cannot be edited or saved by mistake, and re-opening fetches anew.
 */
import * as vscode from 'vscode';
import type { EngineSet } from '../model/engines';
import type { EngineStore } from '../model/store';
import { localize } from '../l10n';
import type { Prompts } from './prompts';

export const INSPECT_SCHEME = 'dnv-inspect';

type Target = { type: 'network' | 'volume' | 'container'; id: string; name: string };

/** Tree nodes are plain data from either tree; this reads what to inspect from them. */
function targetOf(node: unknown, store: EngineStore): Target | undefined {
  const n = node as { kind?: string; id?: string; name?: string; containerId?: string } | undefined;
  switch (n?.kind) {
    case 'network': {
      const network = n.id ? store.network(n.id) : undefined;
      return network && { type: 'network', id: network.id, name: network.name };
    }
    case 'volume':
      return n.name ? { type: 'volume', id: n.name, name: n.name } : undefined;
    case 'member':
    case 'user': {
      const container = n.containerId ? store.container(n.containerId) : undefined;
      return container && { type: 'container', id: container.id, name: container.name };
    }
    default:
      return undefined;
  }
}

/** The document's address names the engine too, so two engines' objects of the same name stay apart. */
export function inspectUri(target: Target, engine: string): vscode.Uri {
  const query = new URLSearchParams({ id: target.id, engine }).toString();
  return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${target.type}/${target.name}.json`, query });
}

export class InspectDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly engines: EngineSet) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const type = uri.path.split('/')[1];
    const params = new URLSearchParams(uri.query);
    const id = params.get('id') ?? '';
    const client = this.engines.store(params.get('engine') ?? undefined).client;
    const raw = type === 'network' ? await client.inspectNetwork(id)
      : type === 'volume' ? await client.inspectVolume(id)
        : await client.inspectContainer(id);
    return JSON.stringify(raw, null, 2) + '\n';
  }
}

async function pickTarget(store: EngineStore, prompts: Prompts): Promise<Target | undefined> {
  type Pick = vscode.QuickPickItem & { target: Target };
  const items: Pick[] = [
    ...store.networks().map((n): Pick => ({ label: `$(type-hierarchy-sub) ${n.name}`, description: localize('network · {0}', n.driver), target: { type: 'network', id: n.id, name: n.name } })),
    ...store.volumes().map((v): Pick => ({ label: `$(database) ${v.name}`, description: localize('volume · {0}', v.driver), target: { type: 'volume', id: v.name, name: v.name } })),
    ...store.containers().map((c): Pick => ({ label: `$(vm) ${c.name}`, description: localize('container · {0}', c.state), target: { type: 'container', id: c.id, name: c.name } })),
  ];
  const picked = await prompts.pick(items, { placeHolder: localize('Inspect which network, volume or container?'), matchOnDescription: true });
  return picked?.target;
}

export async function inspect(store: EngineStore, engines: EngineSet, prompts: Prompts, node?: unknown): Promise<vscode.TextEditor | undefined> {
  const target = node ? targetOf(node, store) : await pickTarget(store, prompts);
  if (!target) return undefined;
  const document = await vscode.workspace.openTextDocument(inspectUri(target, engines.idOf(store) ?? engines.currentId));
  await vscode.languages.setTextDocumentLanguage(document, 'json');
  return vscode.window.showTextDocument(document, { preview: true });
}
