/** Reveal a network or volume in its tree (from Compose code lenses and hovers). */
import { engineIdFrom } from '../args';
import type { EngineSet } from '../model/engines';
import type { Explorer } from './explorer';
import { localize } from '../l10n';

export interface RevealArgs {
  kind: 'network' | 'volume';
  /** The engine name. */
  name: string;
}

export async function reveal(engines: EngineSet, explorer: Explorer, arg?: unknown): Promise<boolean> {
  const { kind, name } = (arg ?? {}) as Partial<RevealArgs>;
  const store = engines.store(engineIdFrom(arg));
  const engine = engines.idOf(store) ?? engines.currentId;
  if (!name || (kind !== 'network' && kind !== 'volume')) throw new Error(localize('Reveal needs a network or volume name.'));
  if (kind === 'network') {
    const network = store.networkByName(name);
    if (!network) throw new Error(localize('Network {0} does not exist on the engine.', name));
    if (network.builtIn && !explorer.networksEngineTree.treeOf(store).visibleNetworks().some((n) => n.id === network.id)) {
      throw new Error(localize('{0} is a built-in network, and built-in networks are hidden.', name));
    }
    await explorer.networksView.reveal({ kind: 'network', id: network.id, engine }, { select: true, focus: true, expand: true });
    return true;
  }
  if (!store.volume(name)) throw new Error(localize('Volume {0} does not exist on the engine.', name));
  await explorer.volumesView.reveal({ kind: 'volume', name, engine }, { select: true, focus: true, expand: true });
  return true;
}
