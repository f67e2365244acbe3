/** Network prune: which networks a prune may remove, decided from the model before the engine is asked. Pure. */
import { isRemovable } from '../networkRules';
import type { NetworkMember, NetworkModel } from '../types';

export interface NetworkPruneCandidate {
  network: NetworkModel;
  /** Why a network is kept unless the user includes it (e.g. "declared in compose.yaml"). */
  protectedBecause?: string;
}

/**
 * Networks a prune may remove: user networks that no container (running or stopped) refers to. The engine's
 * own prune also takes networks of stopped containers, which then fail to start; this list does not.
 * Built-ins are never candidates. Networks in `protectedNames` are listed but marked, so the user can include them.
 */
export function networkPrunePreview(
  networks: NetworkModel[],
  membersOf: (network: NetworkModel) => NetworkMember[],
  protectedNames: ReadonlyMap<string, string> = new Map(),
): NetworkPruneCandidate[] {
  return networks
    .filter((n) => isRemovable(n) && membersOf(n).length === 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((network) => ({ network, protectedBecause: protectedNames.get(network.name) }));
}
