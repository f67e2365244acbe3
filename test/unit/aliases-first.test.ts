/**
 * Issue 11: 1, "inspect only what a visible row needs": aliases, which only a container inspect gives, are asked
 * for the containers that need them (the members a view shows, the topology, a connectivity test), never for all
 * of them after a load. On a big engine those inspects were most of the host's memory growth (docs/BENCHMARKS.md).
 *
 * A scripted fake client (test/support/fakeEngine.ts): what is asserted is which inspects are sent, in which
 * numbers at once, and what the views show in the moment before their answers, none of which a real engine lets a
 * test hold. The real engine's aliases stay covered by test/engine/store.test.ts and the host suite.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import { EngineStore } from '../../src/model/store';
import { NetworksTreeProvider } from '../../src/views/networksTree';
import { bigEngine, SETTINGS, watch } from '../support/aliasEngine';
import { sleep, until } from '../support/fakeEngine';

suite('aliases: asked for what is shown, not for every container (scripted fake engine)', () => {
  let store: EngineStore | undefined;
  let tree: NetworksTreeProvider | undefined;
  teardown(async () => { tree?.dispose(); tree = undefined; await store?.stop(); });

  test('a load inspects no container; the view showing a network\'s members inspects those 5 and no other', async () => {
    const { engine, inspected } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    const { changes, redrawn } = watch(store, tree);
    store.start();
    await until('loaded', () => store!.loaded);
    await sleep(50);
    assert.deepEqual(inspected, [], 'a load alone inspects nothing');

    const roots = tree.getChildren();
    const netB = roots.find((n) => n.kind === 'network' && n.id === 'b')!;
    const members = tree.getChildren(netB);
    assert.equal(members.length, 5);
    assert.ok(members.every((m) => !/aliases/.test(tree!.describe(m)!.description)), 'no aliases before their inspects answer');
    const before = redrawn.length;
    await until('the 5 members inspected and their aliases in', () => store!.container('b4')?.attachments[0].aliases[0] === 'alias-b4');
    assert.deepEqual([...inspected].sort(), ['b0', 'b1', 'b2', 'b3', 'b4']);
    await until('the aliases change told', () => changes.some((c) => c.kinds.has('aliases')));
    const aliasChange = changes.find((c) => c.kinds.has('aliases'))!;
    assert.deepEqual([...aliasChange.networkRows ?? []], ['b'], 'the change names net-b\'s row only');
    assert.deepEqual(redrawn.slice(before), [netB], 'net-b\'s row (with its members) redrawn, not the whole tree');
    assert.deepEqual(tree.getChildren(netB).map((m) => tree!.describe(m)!.description).sort(),
      [0, 1, 2, 3, 4].map((i) => `running · 10.0.0.2 · aliases: alias-b${i}`));

    // Shown again (a redraw, the row expanded again): nothing more is asked.
    tree.getChildren(netB);
    await sleep(30);
    assert.equal(inspected.length, 5, `asked once: ${inspected.join(' ')}`);
    // Expanding the default bridge asks nothing either: it has no aliases to give.
    tree.getChildren(roots.find((n) => n.kind === 'network' && n.id === 'br')!);
    await sleep(30);
    assert.equal(inspected.length, 5);
  });

  test('asking for all (the topology) inspects each container once, 8 at a time, shares answers already asked for', async () => {
    const { engine, inspected } = bigEngine();
    engine.inspectDelayMs = 2;
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    store.start();
    await until('loaded', () => store!.loaded);
    const all = store.containers().map((c) => c.id);
    const first = store.aliasesFor(['b0', 'b1']);
    const second = store.aliasesFor(all);
    const third = store.aliasesFor(all);
    await Promise.all([first, second, third]);
    assert.equal(inspected.length, 205, `each container on a user-defined network once: ${inspected.length}`);
    assert.equal(new Set(inspected).size, 205);
    assert.ok(engine.maxInspectsInFlight <= 8, `at most 8 at once across callers: ${engine.maxInspectsInFlight}`);
    assert.deepEqual(store.container('a199')!.attachments[0].aliases, ['alias-a199']);
    await store.aliasesFor(all);
    assert.equal(inspected.length, 205, 'all known: nothing asked again');
  });

  test('a container removed before its inspect is dropped from the model; a failed inspect is retried like an event', async () => {
    const { engine, inspected } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    store.start();
    await until('loaded', () => store!.loaded);
    engine.containers.delete('b0');
    await store.aliasesFor(['b0']);
    assert.equal(store.container('b0'), undefined, 'the engine no longer has b0: gone from the model');
    engine.failNext('inspectContainer', new Error('engine hiccup'));
    await store.aliasesFor(['b1']);
    assert.deepEqual(store.container('b1')?.attachments[0].aliases, [], 'the failed inspect changed nothing');
    await until('b1 has its aliases (the retry)', () => store!.container('b1')?.attachments[0].aliases[0] === 'alias-b1');
    assert.deepEqual(inspected, ['b0', 'b1', 'b1']);
  });
});
