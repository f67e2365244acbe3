/**
 * Large lists in name ranges (issue 11: 3, "no tree refresh that rebuilds all 10,000 rows for one changed volume"):
 * the pure partition (src/views/ranges.ts), then the Volumes view on a scripted fake engine of 10,000 volumes,
 * counting what one created or removed volume makes the workbench re-list.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type { ExplorerSettings } from '../../src/config';
import type { DiscoveredEngine } from '../../src/engine/discovery';
import type { EngineVolume } from '../../src/engine/types';
import { EngineSet } from '../../src/model/engines';
import { naturalOrder } from '../../src/views/describe';
import { EngineTree, type Tagged } from '../../src/views/engineTree';
import { RangePartition, type Range, rangeLabel } from '../../src/views/ranges';
import { VolumesTreeProvider, type VolumeNode } from '../../src/views/volumesTree';
import { FakeEngine, rowsNow, sleep, until } from '../support/fakeEngine';

const names = (n: number, prefix = 'vol-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`).sort((a, b) => naturalOrder.compare(a, b));
const partition = () => new RangePartition<string>((a, b) => naturalOrder.compare(a, b), (s) => s);
const ids = (ranges: Array<Range<string>> | undefined) => ranges?.map((r) => r.id);
const sizes = (ranges: Array<Range<string>> | undefined) => ranges?.map((r) => r.items.length);
const sorted = (list: string[]) => [...list].sort((a, b) => naturalOrder.compare(a, b));

suite('name ranges (pure)', () => {
  test('flat up to the threshold, grouped above it in ranges of half the threshold, covering every row once in order', () => {
    const p = partition();
    assert.equal(p.layout(names(500), 500), undefined);
    const list = names(10_000);
    const ranges = p.layout(list, 500)!;
    assert.equal(ranges.length, 40);
    assert.deepEqual(ranges.flatMap((r) => r.items), list);
    assert.ok(ranges.every((r) => r.items.length === 250));
    assert.equal(ranges[0].id, '');
    assert.equal(ranges[1].id, 'vol-250');
    assert.equal(rangeLabel(ranges[1].items[0], ranges[1].items.at(-1)!), 'vol-250 … vol-499');
  });

  test('a short tail joins the range before it', () => {
    const ranges = partition().layout(names(1010), 500)!;
    assert.deepEqual(sizes(ranges), [250, 250, 250, 260]);
  });

  test('an insert or a removal changes the one range that holds it; no label elsewhere moves', () => {
    const p = partition();
    const list = names(10_000);
    const before = p.layout(list, 500)!;
    const withNew = sorted([...list, 'vol-5000a']);
    const change = p.update(withNew, 500);
    assert.deepEqual(change, { parent: false, ranges: ['vol-5000'] });
    const after = p.ranges!;
    assert.deepEqual(ids([...after]), ids(before));
    after.forEach((r, i) => {
      if (r.id === 'vol-5000') return;
      assert.equal(r.items[0], before[i].items[0]);
      assert.equal(r.items.at(-1), before[i].items.at(-1));
    });
    // The range's first row removed: the boundary stays (the id is stable), the range's label moves on.
    const change2 = p.update(withNew.filter((n) => n !== 'vol-5000'), 500);
    assert.deepEqual(change2, { parent: false, ranges: ['vol-5000'] });
    assert.equal(p.ranges!.find((r) => r.id === 'vol-5000')!.items[0], 'vol-5000a');
    // A name before every boundary goes to the first range; nothing changed: nothing to re-list.
    assert.deepEqual(p.update(sorted([...withNew.filter((n) => n !== 'vol-5000'), 'aaa']), 500), { parent: false, ranges: [''] });
    assert.deepEqual(p.update(sorted([...withNew.filter((n) => n !== 'vol-5000'), 'aaa']), 500), { parent: false, ranges: [] });
  });

  test('a range that grows past the threshold splits (the others keep their ids); one that empties merges', () => {
    const p = partition();
    let list = names(2000);
    const before = ids(p.layout(list, 500))!;
    assert.deepEqual(before, ['', 'vol-250', 'vol-500', 'vol-750', 'vol-1000', 'vol-1250', 'vol-1500', 'vol-1750']);
    // 251 more names inside the range that starts at vol-500 (vol-500 … vol-749): 501 rows, above 500.
    const extra = Array.from({ length: 251 }, (_, i) => `vol-500x${i}`);
    list = sorted([...list, ...extra]);
    assert.equal(p.update(list, 500).parent, true);
    const after = p.ranges!;
    assert.equal(after.length, before.length + 1);
    for (const id of before) assert.ok(after.some((r) => r.id === id), `range ${id} kept`);
    assert.ok(after.every((r) => r.items.length <= 500));
    assert.deepEqual(after.flatMap((r) => r.items), list);
    // Hysteresis: removing a few rows from a range changes that range only; emptying one merges it.
    const range = after.find((r) => r.id === 'vol-1500')!.items;
    list = list.filter((n) => !range.slice(0, 150).includes(n));
    assert.deepEqual(p.update(list, 500), { parent: false, ranges: ['vol-1500'] });
    list = list.filter((n) => !range.includes(n));
    assert.equal(p.update(list, 500).parent, true);
    assert.ok(!p.ranges!.some((r) => r.id === 'vol-1500'));
    assert.deepEqual(p.ranges!.flatMap((r) => r.items), list);
    assert.ok(p.ranges!.every((r) => r.items.length > 0));
  });

  test('stays grouped until the list falls to 80 % of the threshold; then flat', () => {
    const p = partition();
    assert.ok(p.layout(names(501), 500));
    assert.ok(p.layout(names(450), 500), 'still grouped at 450');
    assert.equal(p.layout(names(400), 500), undefined);
    assert.equal(p.layout(names(450), 500), undefined, 'flat again until above the threshold');
    assert.equal(p.layout(names(10_000), 0), undefined, 'threshold 0: never grouped');
  });

  test('random inserts and removals: every row in exactly one range, in order, none empty or above the threshold', () => {
    let seed = 7;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const p = partition();
    let list = names(3000);
    p.layout(list, 200);
    for (let step = 0; step < 300; step++) {
      const set = new Set(list);
      for (let k = Math.floor(rand() * 40); k > 0; k--) set.add(`vol-${Math.floor(rand() * 4000)}${rand() < 0.5 ? 'b' : ''}`);
      for (let k = Math.floor(rand() * 40); k > 0; k--) set.delete(list[Math.floor(rand() * list.length)]);
      list = sorted([...set]);
      p.update(list, 200);
      const ranges = p.ranges!;
      assert.deepEqual(ranges.flatMap((r) => r.items), list);
      assert.ok(ranges.every((r) => r.items.length > 0 && r.items.length <= 200), `sizes ${sizes([...ranges])}`);
      assert.equal(new Set(ranges.map((r) => r.id)).size, ranges.length);
    }
  });
});

suite('Volumes view in ranges (scripted fake engine, 10,000 volumes)', () => {
  let set: EngineSet | undefined;
  let tree: EngineTree<VolumeNode, VolumesTreeProvider> | undefined;
  teardown(async () => {
    tree?.dispose();
    await set?.stop();
  });

  for (const groupByProject of [false, true]) {
    test(`a created or removed volume re-lists its range only, not the root${groupByProject ? ' (grouped by project, the volumes in none)' : ''}; reveal finds the range`, async () => {
      const engine = new FakeEngine();
      for (let i = 0; i < 10_000; i++) engine.volumes.set(`v${i}`, { Name: `v${i}`, Driver: 'local' } as EngineVolume);
      engine.volumes.set('p-data', { Name: 'p-data', Driver: 'local', Labels: { 'com.docker.compose.project': 'p' } } as unknown as EngineVolume);
      const discovered: DiscoveredEngine[] = [{ id: 'fake', preferred: true, endpoint: { label: engine.label } as DiscoveredEngine['endpoint'] }];
      set = new EngineSet(() => engine.client, discovered, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
      const settings: ExplorerSettings = { showBuiltIns: true, groupByProject, sortBy: 'name', groupAbove: 500 };
      tree = new EngineTree<VolumeNode, VolumesTreeProvider>(set, (s) => new VolumesTreeProvider(s, () => settings, false));
      const fired: Array<Array<Tagged<VolumeNode>> | Tagged<VolumeNode> | undefined> = [];
      tree.onDidChangeTreeData((e) => fired.push(e));
      set.start();
      await until('loaded', () => set!.primary.loaded, 5000);
      const top = rowsNow(tree.getChildren());
      const ranges = top.filter((n) => n.kind === 'range');
      assert.equal(ranges.length, 40);
      assert.equal(top.length, groupByProject ? 41 : 40);
      const labels = ranges.map((r) => tree!.getTreeItem(r).label);
      assert.equal(labels[0], groupByProject ? 'v0 … v249' : 'p-data … v248');
      const target = ranges.find((r) => rowsNow(tree!.getChildren(r)).some((n) => n.kind === 'volume' && n.name === 'v5000'))!;
      assert.equal(rowsNow(tree.getChildren(target)).length, 250);
      await sleep(30);
      fired.length = 0;

      engine.volumes.set('v5000a', { Name: 'v5000a', Driver: 'local' } as EngineVolume);
      engine.emit({ Type: 'volume', Action: 'create', Actor: { ID: 'v5000a', Attributes: {} } });
      await until('a refresh', () => fired.length > 0);
      await sleep(40);
      assert.equal(fired.length, 1, `one refresh: ${fired.length}`);
      assert.ok(Array.isArray(fired[0]), 'rows, not the whole tree');
      assert.deepEqual((fired[0] as Array<Tagged<VolumeNode>>), [target], 'the range that holds it, the very row object');
      assert.equal(rowsNow(tree.getChildren(target)).length, 251);
      assert.equal(tree.getTreeItem(target).description, '251');

      // Reveal: the volume's parent is its range, whose parent is the root.
      const node = rowsNow(tree.getChildren(target)).find((n) => n.kind === 'volume' && n.name === 'v5000a')!;
      const parent = tree.getParent(node)!;
      assert.equal(tree.getTreeItem(parent).id, tree.getTreeItem(target).id);
      assert.equal(tree.getParent(parent), undefined);

      engine.volumes.delete('v5000a');
      engine.emit({ Type: 'volume', Action: 'destroy', Actor: { ID: 'v5000a', Attributes: {} } });
      await until('a second refresh', () => fired.length > 1);
      await sleep(40);
      assert.deepEqual(fired.slice(1), [[target]]);
      assert.equal(rowsNow(tree.getChildren(target)).length, 250);
    });
  }

  test('the root asked again while the set of volumes is the same is not sorted again; a new volume is there', async () => {
    const engine = new FakeEngine();
    for (let i = 0; i < 2_000; i++) engine.volumes.set(`v${i}`, { Name: `v${i}`, Driver: 'local' } as EngineVolume);
    const discovered: DiscoveredEngine[] = [{ id: 'fake', preferred: true, endpoint: { label: engine.label } as DiscoveredEngine['endpoint'] }];
    set = new EngineSet(() => engine.client, discovered, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
    const settings: ExplorerSettings = { showBuiltIns: true, groupByProject: false, sortBy: 'name', groupAbove: 0 };
    tree = new EngineTree<VolumeNode, VolumesTreeProvider>(set, (s) => new VolumesTreeProvider(s, () => settings, false));
    set.start();
    await until('loaded', () => set!.primary.loaded, 5000);
    // Every sort starts from the store's list: count those.
    const store = set.primary;
    const volumes = store.volumes.bind(store);
    let walked = 0;
    store.volumes = () => { walked++; return volumes(); };
    assert.equal(rowsNow(tree.getChildren()).length, 2_000);
    const afterFirst = walked;
    assert.ok(afterFirst <= 1);
    // The workbench asks again (the view shown again, a container's change redrawn): the same volumes.
    assert.equal(rowsNow(tree.getChildren()).length, 2_000);
    assert.equal(walked, afterFirst, 'the same volumes: the sorted list is reused');

    engine.volumes.set('v1000a', { Name: 'v1000a', Driver: 'local' } as EngineVolume);
    engine.emit({ Type: 'volume', Action: 'create', Actor: { ID: 'v1000a', Attributes: {} } });
    await until('the new volume listed', () => rowsNow(tree!.getChildren()).length === 2_001, 5000);
    const rows = rowsNow(tree.getChildren()).map((n) => (n.kind === 'volume' ? n.name : ''));
    assert.equal(rows[rows.indexOf('v1000') + 1], 'v1000a', 'in its place');
  });
});
