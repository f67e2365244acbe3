/**
 * The Volumes view in name ranges (issue 11: 3), in the real workbench on the real engine, at a lowered threshold
 * (explorer.groupLargeListsAbove = 6, ranges of 3): ranges at the root, a volume created with the CLI appearing in
 * its range with only that range re-listed (never the root), and Reveal opening the range that holds a volume.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { VolumeNode } from '../../../src/views/volumesTree';
import { TAG, docker, dockerQuiet, extensionApi, rows, setSetting, sleep, waitFor, waitLoaded } from './helpers';

const THRESHOLD = 6;
const VOLUMES = Array.from({ length: 10 }, (_, i) => `${TAG}-rng-${String(i).padStart(2, '0')}`);
const NEW = `${TAG}-rng-05a`;
const FOLLOW_MS = 8_000;

suite('Volumes in name ranges (real workbench, lowered threshold)', () => {
  let api: ExtensionApi;

  suiteSetup(async function () {
    this.timeout(90_000);
    api = await extensionApi();
    await setSetting('explorer.groupByProject', undefined);
    await setSetting('explorer.sortBy', undefined);
    await api.store.whenSettled();
    await waitLoaded(api);
    for (const v of VOLUMES) docker('volume', 'create', v);
    await waitFor('the volumes in the store', () => VOLUMES.every((v) => api.store.volume(v)), FOLLOW_MS);
    await setSetting('explorer.groupLargeListsAbove', THRESHOLD);
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await setSetting('explorer.groupLargeListsAbove', undefined);
    for (const v of [...VOLUMES, NEW]) dockerQuiet('volume', 'rm', '-f', v);
  });

  /** The range rows of the root and the volumes in each (as the provider VS Code holds gives them). */
  async function ranges(): Promise<Array<{ node: VolumeNode; label: string; description: string; volumes: string[] }>> {
    // The inner provider: the workbench holds the outer one (volumesEngineTree), whose calls a test counts.
    const tree = api.explorer.volumesTree;
    const top = (await rows(tree)).filter((r) => r.item.contextValue === 'volumeRange');
    return Promise.all(top.map(async (r) => ({ node: r.node, label: r.label, description: r.description, volumes: (await rows(tree, r.node)).map((c) => c.label) })));
  }

  test('above the threshold the root shows ranges of consecutive names, each labelled first … last with its count', async () => {
    const shown = await waitFor('range rows', async () => { const r = await ranges(); return r.length ? r : undefined; }, FOLLOW_MS);
    const all = shown.flatMap((r) => r.volumes);
    for (const v of VOLUMES) assert.strictEqual(all.filter((x) => x === v).length, 1, `${v} in exactly one range: ${JSON.stringify(shown)}`);
    for (const r of shown) {
      assert.ok(r.volumes.length > 0 && r.volumes.length <= THRESHOLD, `${r.label}: ${r.volumes.length} rows`);
      assert.strictEqual(r.label, r.volumes.length > 1 ? `${r.volumes[0]} … ${r.volumes.at(-1)}` : r.volumes[0]);
      assert.strictEqual(r.description, String(r.volumes.length));
    }
    assert.deepStrictEqual(all, [...all].sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare), 'in name order across ranges');
  });

  test('a volume created with the CLI appears in its range; the workbench re-lists that range, never the root', async () => {
    const tree = api.explorer.volumesEngineTree;
    await vscode.commands.executeCommand('dnv.volumes.focus');
    // Open the range that will hold the new volume, as a user would, so the workbench has its rows.
    const before = await ranges();
    const holder = before.find((r) => r.volumes.includes(VOLUMES[5]))!;
    await vscode.commands.executeCommand('dnv.reveal', { kind: 'volume', name: VOLUMES[5] });
    await sleep(1000);
    const calls = { root: 0, children: [] as string[] };
    const { getChildren } = tree;
    tree.getChildren = function (node) {
      if (!node) calls.root++;
      else calls.children.push(String(tree.getTreeItem(node).label));
      return getChildren.call(this, node);
    };
    // The engine is shared with other runs: count the store changes that rightly redraw the root (a volume made
    // or removed elsewhere that splits or merges a range, a reconnect), so only our own change is judged.
    let others = 0;
    const off = api.store.onDidChange((c) => {
      if (c.kinds.has('connection') || c.kinds.has('sizes') || (c.kinds.has('volumes') && !c.volumeRows && !c.volumesTouched?.has(NEW))) others++;
    });
    try {
      docker('volume', 'create', NEW);
      await waitFor(`${NEW} under its range`, async () => (await ranges()).find((r) => r.volumes.includes(NEW)), FOLLOW_MS);
      await waitFor('the workbench to re-list the range', () => calls.children.length > 0, FOLLOW_MS);
      await sleep(500);
      const after = await ranges();
      const range = after.find((r) => r.volumes.includes(NEW))!;
      assert.ok(range.volumes.indexOf(NEW) === range.volumes.indexOf(VOLUMES[5]) + 1, `${NEW} right after ${VOLUMES[5]}: ${range.volumes}`);
      if (others === 0) {
        assert.strictEqual(calls.root, 0, `the root was re-listed ${calls.root} times for one volume (re-listed: ${calls.children})`);
        assert.ok(calls.children.every((label) => label === range.label), `re-listed: ${calls.children} (the range: ${range.label}, before: ${holder.label})`);
      }
    } finally {
      off.dispose();
      tree.getChildren = getChildren;
    }
  });

  test('Reveal selects a volume inside its range (the range opened)', async () => {
    const target = VOLUMES[8];
    await vscode.commands.executeCommand('dnv.reveal', { kind: 'volume', name: target });
    const view = api.explorer.volumesView;
    await waitFor(`${target} selected`, () => view.selection.some((n) => n.kind === 'volume' && n.name === target), FOLLOW_MS, 100,
      () => JSON.stringify(view.selection));
    const parent = api.explorer.volumesEngineTree.getParent(view.selection[0]);
    assert.strictEqual(parent?.kind, 'range', `parent ${JSON.stringify(parent)}`);
  });
});
