/**
 * Cold start (issue 11: 1): each view shows its rows as soon as its own list is in, and the aliases, which need a
 * container inspect each, are filled in afterwards without holding up the views or the events.
 *
 * A scripted fake client (test/support/fakeEngine.ts), not a real engine: what is asserted is what the views show
 * in the moment between the list answers and the inspect answers, and what happens when an inspect's answer is
 * overtaken by an event. A real engine answers both within milliseconds and cannot be held in between. The real
 * engine's load stays covered by test/engine/store.test.ts, the real views by test/host/suite/explorer.test.ts.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type { ExplorerSettings } from '../../src/config';
import type { EngineNetwork, EngineVolume } from '../../src/engine/types';
import type { DiscoveredEngine } from '../../src/engine/discovery';
import { EngineSet } from '../../src/model/engines';
import { EngineStore, type StoreOptions } from '../../src/model/store';
import type { ChangeKind } from '../../src/model/types';
import { EngineTree } from '../../src/views/engineTree';
import { NetworksTreeProvider } from '../../src/views/networksTree';
import { VolumesTreeProvider, type VolumeNode } from '../../src/views/volumesTree';
import { FakeEngine, rowsNow, sleep, until } from '../support/fakeEngine';

const FAST: StoreOptions = { coalesceMs: 20, initialBackoffMs: 5, maxBackoffMs: 20 };
const SETTINGS: ExplorerSettings = { showBuiltIns: true, groupByProject: false, sortBy: 'name' };
const NET = { id: 'n1', name: 'backend' };

function engineWith(containers: number): FakeEngine {
  const engine = new FakeEngine();
  engine.networks.set(NET.id, { Id: NET.id, Name: NET.name, Driver: 'bridge' } as EngineNetwork);
  engine.volumes.set('data', { Name: 'data', Driver: 'local' } as EngineVolume);
  for (let i = 0; i < containers; i++) engine.addContainerOn(`c${i}`, NET, [`alias-${i}`]);
  engine.containers.get('c0')!.Mounts = [{ Type: 'volume', Name: 'data', Destination: '/data', RW: true }];
  return engine;
}

suite('cold start: lists first, aliases after (scripted fake engine)', () => {
  const stores: EngineStore[] = [];
  const newStore = (engine: FakeEngine) => {
    const store = new EngineStore(engine.client, FAST);
    stores.push(store);
    return store;
  };
  teardown(async () => {
    await Promise.all(stores.splice(0).map((s) => s.stop()));
  });

  test('the views show their rows from the lists with no inspect; a network\'s members shown ask for their aliases', async () => {
    const engine = engineWith(3);
    const releases = [0, 1, 2].map(() => engine.hold('inspectContainer'));
    const store = newStore(engine);
    const kinds: ChangeKind[][] = [];
    store.onDidChange((c) => kinds.push([...c.kinds]));
    const networks = new NetworksTreeProvider(store, () => SETTINGS);
    const volumes = new VolumesTreeProvider(store, () => SETTINGS);
    let networkRefreshes = 0;
    networks.onDidChangeTreeData(() => networkRefreshes++);
    store.start();

    await until('the three lists in', () => store.listed('networks') && store.listed('volumes') && store.listed('containers'));
    assert.equal(store.loaded, true, 'settled with the three lists: aliases are asked for apart');
    await sleep(30);
    assert.equal(engine.calls.inspectContainer ?? 0, 0, `no inspect for a load: ${engine.log.join(' ')}`);
    assert.deepEqual(volumes.getChildren().map((n) => volumes.describe(n)?.label), ['data']);
    assert.match(volumes.describe({ kind: 'volume', name: 'data' })!.description, /1 container/);
    const [network] = networks.getChildren();
    assert.equal(networks.describe(network)?.label, 'backend');
    // The members shown: their inspects are asked, and held; the rows show everything but the aliases meanwhile.
    const members = networks.getChildren(network);
    await until('the members\' inspects asked', () => engine.calls.inspectContainer === 3);
    assert.equal(members.length, 3);
    assert.ok(members.every((m) => !/aliases/.test(networks.describe(m)!.description)), 'no aliases before the inspects');
    assert.ok(kinds.some((k) => k.includes('volumes')) && kinds.some((k) => k.includes('networks')) && kinds.some((k) => k.includes('containers')),
      `a change per list: ${JSON.stringify(kinds)}`);
    const refreshesBeforeAliases = networkRefreshes;

    releases.forEach((release) => release());
    await until('the aliases change', () => kinds.at(-1)!.includes('aliases'));
    assert.ok(networkRefreshes > refreshesBeforeAliases, 'the Networks view refreshed when the aliases arrived');
    const descriptions = networks.getChildren(network).map((m) => networks.describe(m)!.description).sort();
    assert.deepEqual(descriptions, ['running · 10.0.0.2 · aliases: alias-0', 'running · 10.0.0.2 · aliases: alias-1', 'running · 10.0.0.2 · aliases: alias-2']);
    networks.dispose();
    volumes.dispose();
  });

  test('connecting redraws no tree while it has no rows; the list coming in and the engine going away do', async () => {
    // The workbench holds back a tree's redraws for 200 ms after one it just made: a redraw for "connected" with
    // nothing listed yet would hold back the one that brings the first rows.
    const engine = engineWith(1);
    const release = engine.hold('listNetworks');
    const store = new EngineStore(engine.client, { ...FAST, networksHeadStartMs: 60_000 });
    stores.push(store);
    const networks = new NetworksTreeProvider(store, () => SETTINGS);
    const volumes = new VolumesTreeProvider(store, () => SETTINGS);
    const redraws = { networks: [] as number[], volumes: [] as number[] };
    networks.onDidChangeTreeData(() => redraws.networks.push(networks.getChildren().length));
    volumes.onDidChangeTreeData(() => redraws.volumes.push(volumes.getChildren().length));
    const states: string[] = [];
    store.onDidChange((c) => { if (c.kinds.has('connection')) states.push(store.state.status); });
    store.start();
    await until('the networks list asked', () => engine.calls.listNetworks === 1);
    assert.ok(states.includes('connected'), `connected before the list: ${states.join(' ')}`);
    assert.deepEqual(redraws, { networks: [], volumes: [] }, 'no redraw before a list is in');
    release();
    await until('all three listed', () => store.listed('networks') && store.listed('volumes') && store.listed('containers'));
    assert.equal(redraws.networks[0], 1, `the first Networks redraw has the rows: ${redraws.networks.join(' ')}`);
    assert.equal(redraws.volumes[0], 1, `the first Volumes redraw has the rows: ${redraws.volumes.join(' ')}`);
    await until('settled', () => store.loaded);
    // The engine goes away: both trees lose their rows, and are redrawn for it.
    const before = { networks: redraws.networks.length, volumes: redraws.volumes.length };
    engine.up = false;
    engine.dropStreams();
    await until('unreachable', () => store.state.status === 'unreachable');
    assert.ok(redraws.networks.length > before.networks && redraws.networks.at(-1) === 0, `Networks redrawn empty: ${redraws.networks.join(' ')}`);
    assert.ok(redraws.volumes.length > before.volumes && redraws.volumes.at(-1) === 0, `Volumes redrawn empty: ${redraws.volumes.join(' ')}`);
    // Reconnecting redraws nothing until a list is in again.
    const whileDown = { networks: redraws.networks.length, volumes: redraws.volumes.length };
    const again = engine.hold('listNetworks');
    engine.up = true;
    store.retryNow();
    await until('the networks list asked again', () => engine.calls.listNetworks === 2);
    assert.deepEqual({ networks: redraws.networks.length, volumes: redraws.volumes.length }, whileDown, 'no redraw while reconnecting');
    again();
    await until('networks listed again', () => store.listed('networks'));
    assert.equal(redraws.networks.at(-1), 1);
    networks.dispose();
    volumes.dispose();
  });

  test('the networks list is asked first and alone: the volume and container lists once it is in', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listNetworks');
    // A head start longer than any test: only the networks' answer lets the other lists go.
    const store = new EngineStore(engine.client, { ...FAST, networksHeadStartMs: 60_000 });
    stores.push(store);
    store.start();
    await until('the networks list asked', () => engine.calls.listNetworks === 1);
    await sleep(50);
    assert.equal(engine.calls.listVolumes ?? 0, 0, `no volume list while the networks list is out: ${engine.log.join(' ')}`);
    assert.equal(engine.calls.listContainers ?? 0, 0, `no container list while the networks list is out: ${engine.log.join(' ')}`);
    release();
    await until('all three listed', () => store.listed('networks') && store.listed('volumes') && store.listed('containers'));
  });

  test('a slow networks list holds the other lists back for its head start only', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listNetworks');
    const store = new EngineStore(engine.client, { ...FAST, networksHeadStartMs: 20 });
    stores.push(store);
    const volumes = new VolumesTreeProvider(store, () => SETTINGS);
    store.start();
    await until('volumes listed while the networks list is still out', () => store.listed('volumes'));
    assert.equal(store.listed('networks'), false);
    assert.deepEqual(volumes.getChildren().map((n) => volumes.describe(n)?.label), ['data']);
    release();
    await until('networks listed', () => store.listed('networks'));
    volumes.dispose();
  });

  test('the container list is asked once the volume list is in (the networks list first)', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listVolumes');
    const store = new EngineStore(engine.client, { ...FAST, volumesHeadStartMs: 60_000 });
    stores.push(store);
    store.start();
    await until('the volume list asked', () => engine.calls.listVolumes === 1);
    assert.equal(store.listed('networks'), true, 'the networks list came first');
    await sleep(50);
    assert.equal(engine.calls.listContainers ?? 0, 0, `no container list while the volume list is out: ${engine.log.join(' ')}`);
    release();
    await until('all three listed', () => store.listed('networks') && store.listed('volumes') && store.listed('containers'));
  });

  test('a slow volume list holds the container list back for its head start only', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listVolumes');
    const store = new EngineStore(engine.client, { ...FAST, volumesHeadStartMs: 20 });
    stores.push(store);
    const networks = new NetworksTreeProvider(store, () => SETTINGS);
    store.start();
    await until('containers listed while the volume list is still out', () => store.listed('containers'));
    assert.equal(store.listed('volumes'), false);
    const [network] = networks.getChildren();
    assert.equal(networks.getChildren(network).length, 1, 'the network shows its member');
    release();
    await until('volumes listed', () => store.listed('volumes'));
    networks.dispose();
  });

  test('the Volumes view does not wait for a slow container list', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listContainers');
    const store = newStore(engine);
    const volumes = new VolumesTreeProvider(store, () => SETTINGS);
    store.start();
    await until('volumes listed', () => store.listed('volumes'));
    assert.deepEqual(volumes.getChildren().map((n) => volumes.describe(n)?.label), ['data']);
    // With no containers listed yet the row says nothing about its users (not a false "unused").
    const row = volumes.describe({ kind: 'volume', name: 'data' })!;
    assert.doesNotMatch(row.description, /unused|container/, row.description);
    assert.doesNotMatch(row.contextValue, /volume\.(unused|inUse)/);
    release();
    await until('containers listed', () => store.listed('containers'));
    assert.match(volumes.describe({ kind: 'volume', name: 'data' })!.description, /1 container/);
    volumes.dispose();
  });

  test('events are applied while the aliases are being inspected, and an overtaken inspect answer is dropped', async () => {
    // Before: the inspects were part of the full load, and events waited for all of them. The fill's answer
    // below is read when asked (alias "old") and arrives after an event's inspect read the newer state ("new").
    const engine = engineWith(1);
    engine.readBeforeHold = true;
    const releaseFill = engine.hold('inspectContainer');
    const store = newStore(engine);
    store.start();
    await until('loaded', () => store.loaded);
    store.wantAliases(['c0']);
    await until('the aliases asked', () => engine.calls.inspectContainer === 1);

    engine.volumes.set('late', { Name: 'late', Driver: 'local' } as EngineVolume);
    engine.emit({ Type: 'volume', Action: 'create', Actor: { ID: 'late', Attributes: {} } });
    await until('a volume event applied during the fill', () => Boolean(store.volume('late')));

    engine.containers.get('c0')!.NetworkSettings!.Networks![NET.name].Aliases = ['new'];
    engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: NET.id, Attributes: { container: 'c0' } } });
    const aliases = () => store.container('c0')?.attachments[0].aliases;
    await until('the event brought the new alias', () => aliases()?.[0] === 'new');
    releaseFill();
    await sleep(40);
    assert.deepEqual(aliases(), ['new'], 'the older answer of the fill does not overwrite the newer one');
  });

  test('a reload keeps the known aliases until the new inspects answer', async () => {
    const engine = engineWith(1);
    const store = newStore(engine);
    store.start();
    await until('settled', () => store.loaded);
    await store.aliasesFor(['c0']);
    const release = engine.hold('inspectContainer');
    const reload = store.reload();
    assert.equal(store.loaded, true, 'still loaded during a reload');
    await reload;
    assert.deepEqual(store.container('c0')?.attachments[0].aliases, ['alias-0'], 'not blanked by the new list');
    // Asked again (the view redrawn after the reload), the new inspect is out: the known aliases stay meanwhile.
    const again = store.aliasesFor(['c0']);
    await until('the inspect asked again', () => engine.calls.inspectContainer === 2);
    assert.deepEqual(store.container('c0')?.attachments[0].aliases, ['alias-0'], 'not blanked in between');
    release();
    await again;
    assert.deepEqual(store.container('c0')?.attachments[0].aliases, ['alias-0']);
  });

  // The views ask for their rows as soon as they are drawn, usually before the lists are in.
  const volumesViewOf = (engine: FakeEngine, rowsWaitMs?: number) => {
    const discovered: DiscoveredEngine[] = [{ id: 'fake', preferred: true, endpoint: { label: engine.label } as DiscoveredEngine['endpoint'] }];
    const set = new EngineSet(() => engine.client, discovered, FAST);
    const tree = new EngineTree<VolumeNode, VolumesTreeProvider>(set, (s) => new VolumesTreeProvider(s, () => SETTINGS, false), rowsWaitMs);
    const redraws: unknown[] = [];
    tree.onDidChangeTreeData((e) => redraws.push(e));
    return { set, tree, redraws };
  };

  test('the root asked before its list is in is answered with the rows when they come, with no redraw for them', async () => {
    // Answered with no rows, the rows would need a redraw, and the workbench holds one back for 200 ms after the last.
    const engine = engineWith(1);
    const release = engine.hold('listVolumes');
    const { set, tree, redraws } = volumesViewOf(engine);
    set.start();
    await until('the volume list asked', () => engine.calls.listVolumes === 1);
    const answer = tree.getChildren();
    assert.ok(answer instanceof Promise, 'the answer waits for the list');
    let given: unknown[] | undefined;
    void answer.then((rows) => { given = rows; });
    await sleep(30);
    assert.equal(given, undefined, 'not answered while the list is out');
    release();
    const rows = await answer;
    assert.deepEqual(rows.map((n) => tree.getTreeItem(n).label), ['data']);
    assert.deepEqual(redraws, [], 'no whole-tree redraw for the rows the answer brought');
    await until('settled', () => set.primary.loaded);
    assert.ok(Array.isArray(tree.getChildren()), 'once the list is in, the rows are given at once');
    tree.dispose();
    await set.stop();
  });

  test('the root asked while the engine is out of reach, or turns out to be, is answered with no rows', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listVolumes');
    const { set, tree } = volumesViewOf(engine);
    set.start();
    await until('the volume list asked', () => engine.calls.listVolumes === 1);
    const answer = tree.getChildren();
    assert.ok(answer instanceof Promise);
    engine.up = false;
    engine.dropStreams();
    assert.deepEqual(await answer, [], 'no rows: the welcome content shows, with the reason');
    assert.equal(set.primary.state.status, 'unreachable');
    assert.deepEqual(tree.getChildren(), [], 'asked again while unreachable: no rows, at once');
    release();
    tree.dispose();
    await set.stop();
  });

  test('a list that does not come lets the answer go after the wait; its rows come in a redraw; a disposed view answers at once', async () => {
    const engine = engineWith(1);
    const release = engine.hold('listVolumes');
    const { set, tree, redraws } = volumesViewOf(engine, 100);
    set.start();
    await until('the volume list asked', () => engine.calls.listVolumes === 1);
    const started = Date.now();
    const answer = tree.getChildren();
    assert.ok(answer instanceof Promise);
    assert.deepEqual(await answer, [], 'no rows yet');
    assert.ok(Date.now() - started >= 90, 'after the wait');
    release();
    await until('a redraw with the rows', () => redraws.length > 0 && rowsNow(tree.getChildren()).length === 1);

    const held = engine.hold('listVolumes');
    const reload = set.primary.reload();
    engine.up = false;
    engine.dropStreams();
    await until('unreachable', () => set.primary.state.status === 'unreachable');
    engine.up = true;
    set.primary.retryNow();
    await until('the volume list asked again', () => engine.calls.listVolumes >= 2);
    const waiting = tree.getChildren();
    assert.ok(waiting instanceof Promise, 'waits again for the list after a reconnect');
    tree.dispose();
    assert.deepEqual(await waiting, [], 'answered when the view goes');
    held();
    await reload;
    await set.stop();
  });
});
