/**
 * One changed volume redraws its own row, not all of them (issue 11: 3, "no tree refresh that rebuilds all
 * 10,000 rows for one changed volume"): counts the rows the Volumes view asks VS Code to refresh.
 *
 * Plain mocha with a stand-in for the vscode module (test/support/vscodeStub.ts) and a scripted fake client
 * (test/support/fakeEngine.ts): what is counted is the payload of onDidChangeTreeData for 10,000 volumes, which the
 * real workbench does not expose and a real engine would take minutes to fill.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type { ExplorerSettings } from '../../src/config';
import type { DiscoveredEngine } from '../../src/engine/discovery';
import type { EngineNetwork, EngineVolume } from '../../src/engine/types';
import { EngineSet } from '../../src/model/engines';
import { EngineTree, type Tagged } from '../../src/views/engineTree';
import { NetworksTreeProvider, type NetworkNode } from '../../src/views/networksTree';
import { VolumesTreeProvider, type VolumeNode } from '../../src/views/volumesTree';
import { FakeEngine, rowsNow, sleep, until } from '../support/fakeEngine';

const SETTINGS: ExplorerSettings = { showBuiltIns: true, groupByProject: false, sortBy: 'name' };
const VOLUMES = 10_000;

suite('Volumes view: one changed volume redraws one row (scripted fake engine)', () => {
  let set: EngineSet | undefined;
  let tree: EngineTree<VolumeNode, VolumesTreeProvider> | undefined;
  teardown(async () => {
    tree?.dispose();
    await set?.stop();
  });

  test('a mount and the start of the container that mounts it refresh that volume\'s row only; a new volume redraws the list', async () => {
    const engine = new FakeEngine();
    for (let i = 0; i < VOLUMES; i++) engine.volumes.set(`v${i}`, { Name: `v${i}`, Driver: 'local' } as EngineVolume);
    engine.addContainer('c0', 'app');
    engine.containers.get('c0')!.Mounts = [{ Type: 'volume', Name: 'v42', Destination: '/data', RW: true }];
    const discovered: DiscoveredEngine[] = [{ id: 'fake', preferred: true, endpoint: { label: engine.label } as DiscoveredEngine['endpoint'] }];
    set = new EngineSet(() => engine.client, discovered, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
    tree = new EngineTree<VolumeNode, VolumesTreeProvider>(set, (s) => new VolumesTreeProvider(s, () => SETTINGS, false));
    const fired: Array<Array<Tagged<VolumeNode>> | Tagged<VolumeNode> | undefined> = [];
    tree.onDidChangeTreeData((e) => fired.push(e));
    set.start();
    await until('loaded', () => set!.primary.loaded, 5000);
    const shown = rowsNow(tree.getChildren());
    assert.equal(shown.length, VOLUMES);
    const v42 = shown.find((n) => n.kind === 'volume' && n.name === 'v42')!;
    assert.match(String(tree.getTreeItem(v42).description), /1 container/);
    // A whole redraw (the root's children, then every row's item, each asking for its own children) walks the
    // list of volumes once, not once per row: 10,000 walks of 10,000 volumes made one redraw take 4 s.
    const store = set.primary;
    const volumes = store.volumes.bind(store);
    let walks = 0;
    store.volumes = () => { walks++; return volumes(); };
    for (const node of rowsNow(tree.getChildren())) tree.getTreeItem(node);
    store.volumes = volumes;
    assert.ok(walks <= 2, `the list of volumes walked ${walks} times for one redraw`);
    await sleep(30);
    fired.length = 0;

    // docker start app: a volume mount event and a container start event, in one coalescing window.
    engine.emit({ Type: 'volume', Action: 'mount', Actor: { ID: 'v42', Attributes: { container: 'c0' } } });
    engine.emit({ Type: 'container', Action: 'start', Actor: { ID: 'c0', Attributes: {} } });
    await until('a refresh', () => fired.length > 0);
    await sleep(40);
    assert.equal(fired.length, 1, `one refresh, saw ${fired.length}`);
    const rows = fired[0];
    assert.ok(Array.isArray(rows), `rows, not the whole tree: ${JSON.stringify(rows)}`);
    assert.equal(rows.length, 1, `rows refreshed: ${rows.length}`);
    assert.equal(rows[0], v42, 'the very row object the view holds (VS Code matches by identity)');

    // A container that mounts nothing changes no volume row.
    engine.addContainer('c1', 'other');
    engine.emit({ Type: 'container', Action: 'create', Actor: { ID: 'c1', Attributes: {} } });
    await until('c1 in the model', () => Boolean(set!.primary.container('c1')));
    await sleep(40);
    assert.equal(fired.length, 1, 'no refresh of the Volumes view for it');

    // A new volume changes the list itself: the whole tree.
    engine.volumes.set('v-new', { Name: 'v-new', Driver: 'local' } as EngineVolume);
    engine.emit({ Type: 'volume', Action: 'create', Actor: { ID: 'v-new', Attributes: {} } });
    await until('a second refresh', () => fired.length === 2);
    assert.equal(fired[1], undefined, 'a whole-tree refresh');
    assert.equal(rowsNow(tree.getChildren()).length, VOLUMES + 1);
  });
});

/**
 * What VS Code does with onDidChangeTreeData: a whole-tree refresh asks for the root's children again, a refresh of
 * some rows asks for those rows' items and (expanded) children. Counts those calls on the tree it is attached to.
 */
function workbenchCalls<N extends object>(tree: EngineTree<N>): { root: number; children: number; items: number; reset(): void } {
  const calls = { root: 0, children: 0, items: 0, reset() { this.root = this.children = this.items = 0; } };
  const getChildren = tree.getChildren.bind(tree);
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getChildren = (node) => { if (node) calls.children++; else calls.root++; return getChildren(node); };
  tree.getTreeItem = (node) => { calls.items++; return getTreeItem(node); };
  tree.onDidChangeTreeData((e) => {
    if (!e) { for (const n of rowsNow(tree.getChildren())) tree.getTreeItem(n); return; }
    for (const n of Array.isArray(e) ? e : [e]) { tree.getTreeItem(n); for (const c of rowsNow(tree.getChildren(n))) tree.getTreeItem(c); }
  });
  return calls;
}

suite('Networks view: one changed network redraws one row (scripted fake engine)', () => {
  let set: EngineSet | undefined;
  let tree: EngineTree<NetworkNode, NetworksTreeProvider> | undefined;
  teardown(async () => {
    tree?.dispose();
    await set?.stop();
  });

  for (const groupByProject of [false, true]) {
    test(`a container joining one of 1,000 networks refreshes that network's row, not the root${groupByProject ? ' (grouped by project)' : ''}; a new network redraws the list`, async () => {
      const NETWORKS = 1000;
      const engine = new FakeEngine();
      for (let i = 0; i < NETWORKS; i++) {
        engine.networks.set(`n${i}`, { Id: `n${i}`, Name: `net-${i}`, Driver: 'bridge', Labels: { 'com.docker.compose.project': `p${i % 7}` }, Containers: {} } as unknown as EngineNetwork);
      }
      engine.addContainerOn('c0', { id: 'n5', name: 'net-5' }, []);
      const discovered: DiscoveredEngine[] = [{ id: 'fake', preferred: true, endpoint: { label: engine.label } as DiscoveredEngine['endpoint'] }];
      set = new EngineSet(() => engine.client, discovered, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
      const settings = { ...SETTINGS, groupByProject };
      tree = new EngineTree<NetworkNode, NetworksTreeProvider>(set, (s) => new NetworksTreeProvider(s, () => settings));
      const fired: Array<Array<Tagged<NetworkNode>> | Tagged<NetworkNode> | undefined> = [];
      tree.onDidChangeTreeData((e) => fired.push(e));
      const calls = workbenchCalls(tree);
      set.start();
      await until('loaded', () => set!.primary.loaded, 5000);
      const top = rowsNow(tree.getChildren());
      const shown = groupByProject ? top.flatMap((g) => rowsNow(tree!.getChildren(g))) : top;
      assert.equal(shown.length, NETWORKS);
      const n7 = shown.find((n) => n.kind === 'network' && n.id === 'n7')!;
      await sleep(30);
      fired.length = 0;
      calls.reset();

      // docker network connect net-7 c1: a network connect event and the container's own.
      engine.addContainerOn('c1', { id: 'n7', name: 'net-7' }, ['web']);
      engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: 'n7', Attributes: { container: 'c1' } } });
      engine.emit({ Type: 'container', Action: 'create', Actor: { ID: 'c1', Attributes: {} } });
      await until('a refresh', () => fired.length > 0);
      await sleep(40);
      assert.equal(fired.length, 1, `one refresh, saw ${fired.length}`);
      const rows = fired[0];
      assert.ok(Array.isArray(rows), `rows, not the whole tree: ${JSON.stringify(rows)}`);
      assert.deepEqual(rows, [n7], 'the very row object the view holds (VS Code matches by identity)');
      assert.equal(calls.root, 0, 'getChildren of the root');
      assert.equal(calls.children, 1, 'getChildren of net-7 only');
      assert.equal(calls.items, 2, 'the network row and its one member');
      assert.deepEqual(rowsNow(tree.getChildren(n7)).map((m) => (m as { containerId: string }).containerId), ['c1']);

      // A created container that names its network but has no network id yet (never started) touches that row.
      calls.reset();
      fired.length = 0;
      engine.addContainer('c2');
      engine.containers.get('c2')!.NetworkSettings = { Networks: { 'net-5': { NetworkID: '', Aliases: null } } } as never;
      engine.emit({ Type: 'container', Action: 'create', Actor: { ID: 'c2', Attributes: {} } });
      await until('a refresh', () => fired.length > 0);
      await sleep(40);
      assert.equal(calls.root, 0, 'getChildren of the root');
      assert.deepEqual((fired[0] as Array<Tagged<NetworkNode>>).map((n) => (n as { id: string }).id), ['n5']);

      // A new network changes the list itself: the whole tree.
      calls.reset();
      engine.networks.set('n-new', { Id: 'n-new', Name: 'net-new', Driver: 'bridge', Labels: {}, Containers: {} } as unknown as EngineNetwork);
      engine.emit({ Type: 'network', Action: 'create', Actor: { ID: 'n-new', Attributes: {} } });
      await until('a whole-tree refresh', () => fired.at(-1) === undefined && calls.root > 0);
      assert.equal(calls.root, 1);
    });
  }
});
