/**
 * Issue 11: 1, "inspect only what a visible row needs where possible": after a load, the containers a view shows
 * (a network's members, asked for by the Networks view) are inspected for their aliases before the others.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type { EngineNetwork } from '../../src/engine/types';
import { EngineStore } from '../../src/model/store';
import { NetworksTreeProvider } from '../../src/views/networksTree';
import { FakeEngine, until } from '../support/fakeEngine';

suite('aliases of the rows shown first', () => {
  let store: EngineStore | undefined;
  teardown(async () => { await store?.stop(); });

  test('the members of a network whose rows the view lists are inspected before the other 200 containers', async () => {
    const engine = new FakeEngine();
    for (const n of ['a', 'b']) engine.networks.set(n, { Id: n, Name: `net-${n}`, Driver: 'bridge', Containers: {} } as unknown as EngineNetwork);
    // 200 containers on net-a first in list order, then 5 on net-b: without a preference net-b's come last.
    for (let i = 0; i < 200; i++) engine.addContainerOn(`a${i}`, { id: 'a', name: 'net-a' }, [`alias-a${i}`]);
    for (let i = 0; i < 5; i++) engine.addContainerOn(`b${i}`, { id: 'b', name: 'net-b' }, [`alias-b${i}`]);
    engine.inspectDelayMs = 5;
    const order: string[] = [];
    const inspect = engine.inspectContainer.bind(engine);
    engine.inspectContainer = (id: string) => { order.push(id); return inspect(id); };
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    const tree = new NetworksTreeProvider(store, () => ({ showBuiltIns: true, groupByProject: false, sortBy: 'name' }));
    // The view lists net-b's members as soon as the containers are in (before any inspect).
    store.onDidChange((c) => {
      if (!c.kinds.has('containers') || order.length) return;
      const netB = tree.getChildren().find((n) => n.kind === 'network' && n.id === 'b')!;
      assert.equal(tree.getChildren(netB).length, 5);
    });
    store.start();
    await until('aliases in', () => store!.loaded, 10_000);
    const firstB = order.filter((id) => id.startsWith('b')).map((id) => order.indexOf(id));
    assert.equal(firstB.length, 5);
    assert.ok(Math.max(...firstB) < 8 + 5, `net-b's members inspected at ${firstB} of ${order.length}`);
    const b0 = store.container('b0')!;
    assert.deepEqual(b0.attachments[0].aliases, ['alias-b0']);
    tree.dispose();
  });
});
