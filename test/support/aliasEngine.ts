/**
 * The scripted engine and watchers the alias tests share (test/unit/aliases-*.test.ts): two user-defined networks,
 * net-a with 200 containers and net-b with 5, each with an alias, and 3 containers on the default bridge (no
 * aliases there, so never inspected), with every container inspect recorded.
 */
import type { EngineNetwork } from '../../src/engine/types';
import type { EngineStore } from '../../src/model/store';
import type { StoreChange } from '../../src/model/types';
import type { NetworkNode, NetworksTreeProvider } from '../../src/views/networksTree';
import { FakeEngine } from './fakeEngine';

export const SETTINGS = { showBuiltIns: true, groupByProject: false, sortBy: 'name' as const };

export function bigEngine(): { engine: FakeEngine; inspected: string[] } {
  const engine = new FakeEngine();
  for (const n of ['a', 'b']) engine.networks.set(n, { Id: n, Name: `net-${n}`, Driver: 'bridge', Containers: {} } as unknown as EngineNetwork);
  engine.networks.set('br', { Id: 'br', Name: 'bridge', Driver: 'bridge', Containers: {} } as unknown as EngineNetwork);
  for (let i = 0; i < 200; i++) engine.addContainerOn(`a${i}`, { id: 'a', name: 'net-a' }, [`alias-a${i}`]);
  for (let i = 0; i < 5; i++) engine.addContainerOn(`b${i}`, { id: 'b', name: 'net-b' }, [`alias-b${i}`]);
  for (let i = 0; i < 3; i++) engine.addContainerOn(`d${i}`, { id: 'br', name: 'bridge' }, []);
  const inspected: string[] = [];
  const inspect = engine.inspectContainer.bind(engine);
  engine.inspectContainer = (id: string) => { inspected.push(id); return inspect(id); };
  return { engine, inspected };
}

/** The row of a network at the tree's root. */
export const netRow = (tree: NetworksTreeProvider, id: string): NetworkNode => tree.getChildren().find((n) => n.kind === 'network' && n.id === id)!;

/** Every store change, and every row the tree redraws (undefined: the whole tree), from now on. */
export function watch(store: EngineStore, tree: NetworksTreeProvider): { changes: StoreChange[]; redrawn: Array<NetworkNode | undefined> } {
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  const redrawn: Array<NetworkNode | undefined> = [];
  tree.onDidChangeTreeData((e) => { for (const row of Array.isArray(e) ? e : [e]) redrawn.push(row); });
  return { changes, redrawn };
}
