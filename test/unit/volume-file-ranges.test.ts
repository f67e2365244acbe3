/**
 * Large folders of the Volume Files view in name ranges: the pure grouping of a listing (src/views/listingRanges.ts
 * over the Volumes view's partition, src/views/ranges.ts), then the tree (src/views/volumeBrowser.ts) with a fake
 * browse source that counts listings: a folder above the threshold shows ranges, a range's rows are a slice of the
 * folder's one listing, reveal walks entry → range → folder, and ids stay the same when the folder is listed again.
 * The real view in the real workbench: test/host/suite/browse.test.ts and `npm run bench:browse:workbench`.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { VolumeEntry } from '../../src/browse/listing';
import { folderLike, listingPartition, rangeCounts, sortListing } from '../../src/views/listingRanges';
import { rangeLabel } from '../../src/views/ranges';
import { type FileNode, VolumeFilesTree } from '../../src/views/volumeBrowser';

const ENGINE = 'unix:///var/run/docker.sock';
const THRESHOLD = 500;

const entry = (name: string, over: Partial<VolumeEntry> = {}): VolumeEntry => ({
  name, nameBytes: Buffer.from(name), kind: 'file', size: 102_400, mode: 0o644, uid: 0, gid: 0, mtimeMs: 1_700_000_000_000, ...over,
});
const dir = (name: string) => entry(name, { kind: 'dir', size: 4096, mode: 0o755 });
const files = (n: number, prefix = 'file-') => Array.from({ length: n }, (_, i) => entry(`${prefix}${i}.bin`));
/** A seeded shuffle, so the listing comes in no particular order (as find prints it). */
function shuffled<T>(list: T[], seed = 7): T[] {
  const out = list.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const names = (items: readonly VolumeEntry[]) => items.map((e) => e.name);

suite('volume browser: a listing in name ranges (pure)', () => {
  test('exactly the threshold stays flat; one more is grouped, in ranges of half the threshold (a short tail joins the last)', () => {
    assert.equal(listingPartition().layout(sortListing(files(THRESHOLD)), THRESHOLD), undefined);
    const ranges = listingPartition().layout(sortListing(files(THRESHOLD + 1)), THRESHOLD)!;
    assert.deepEqual(ranges.map((r) => r.items.length), [250, 251]);
    assert.deepEqual(ranges.map((r) => r.id), ['', 'file-250.bin']);
    assert.equal(listingPartition().layout(sortListing(files(10)), 0), undefined, 'threshold 0: never grouped');
  });

  test('10,000 files: 40 ranges of 250 in natural order, every entry once, each range from its first to its last name', () => {
    const sorted = sortListing(shuffled(files(10_000)));
    const ranges = listingPartition().layout(sorted, THRESHOLD)!;
    assert.equal(ranges.length, 40);
    assert.ok(ranges.every((r) => r.items.length === 250));
    assert.deepEqual(ranges.flatMap((r) => names(r.items)), Array.from({ length: 10_000 }, (_, i) => `file-${i}.bin`));
    assert.equal(ranges[0].id, '');
    assert.deepEqual(ranges.slice(1, 4).map((r) => r.id), ['file-250.bin', 'file-500.bin', 'file-750.bin']);
    const labels = ranges.map((r) => rangeLabel(r.items[0].name, r.items.at(-1)!.name));
    assert.equal(labels[0], 'file-0.bin … file-249.bin');
    assert.equal(labels[20], 'file-5000.bin … file-5249.bin');
    assert.equal(labels[39], 'file-9750.bin … file-9999.bin');
  });

  test('folders first (links to folders with them), then the rest, as the explorer sorts; counts are exact', () => {
    const folders = Array.from({ length: 300 }, (_, i) => dir(`dir-${i}`));
    const link = entry('zz-link', { kind: 'symlink', linkKind: 'dir', linkTarget: 'dir-1' });
    const rest = [...files(900), entry('fifo', { kind: 'fifo' }), entry('a-link', { kind: 'symlink', linkKind: 'file' })];
    const sorted = sortListing(shuffled([...folders, link, ...rest]));
    assert.ok(sorted.slice(0, 301).every(folderLike) && !sorted.slice(301).some(folderLike));
    assert.equal(sorted[300].name, 'zz-link');
    assert.deepEqual(names(sorted.slice(301, 304)), ['a-link', 'fifo', 'file-0.bin']);
    const ranges = listingPartition().layout(sorted, THRESHOLD)!;
    assert.deepEqual(ranges.flatMap((r) => r.items), sorted);
    assert.deepEqual(ranges.map((r) => r.items.length), [250, 250, 250, 250, 203]);
    assert.deepEqual(ranges.map((r) => rangeCounts(r.items)), [
      { folders: 250, files: 0 }, { folders: 51, files: 199 }, { folders: 0, files: 250 }, { folders: 0, files: 250 }, { folders: 0, files: 203 },
    ]);
    assert.deepEqual(ranges.map((r) => r.id), ['', 'dir-250', 'file-197.bin', 'file-447.bin', 'file-697.bin']);
  });

  test('ids are stable: the same folder listed again (new objects, another order) or with a file more keeps its ranges', () => {
    const partition = listingPartition();
    const ids = partition.layout(sortListing(files(10_000)), THRESHOLD)!.map((r) => r.id);
    assert.deepEqual(partition.layout(sortListing(shuffled(files(10_000), 3)), THRESHOLD)!.map((r) => r.id), ids);
    const more = partition.layout(sortListing([...files(10_000), entry('file-5000a.bin')]), THRESHOLD)!;
    assert.deepEqual(more.map((r) => r.id), ids, 'a new file lands in its range; no range moves');
    assert.equal(more[20].items.length, 251);
  });
});

/** A browse source that counts the listings the tree asks for. */
function fakeSessions(folders: Record<string, () => VolumeEntry[]>) {
  const listed: string[] = [];
  const source = {
    list: async (p: string) => { listed.push(p); return folders[p]().map((e) => ({ ...e })); },
    stat: async () => { throw new Error('no stat expected'); },
    readFile: async () => { throw new Error('no read expected'); },
    dispose: async () => undefined,
  };
  return { listed, sessions: { session: async () => source } };
}

const root = (volume = 'vol'): Extract<FileNode, { kind: 'root' }> => ({ kind: 'root', engineId: ENGINE, volume, engineLabel: 'local' });

suite('volume browser: large folders in the Volume Files view', () => {
  let many = shuffled(files(10_000));
  const folders = {
    '': () => [entry('.complete', { size: 3 }), dir('many'), dir('small')],
    many: () => many,
    small: () => files(THRESHOLD),
  };

  test('a folder above the threshold shows range rows, folders first, each with its count; opening one lists nothing', async () => {
    const { listed, sessions } = fakeSessions(folders);
    const tree = new VolumeFilesTree(sessions as never, () => THRESHOLD);
    const [folder, small] = await tree.getChildren(root());
    const ranges = await tree.getChildren(folder);
    assert.equal(ranges.length, 40);
    const item = tree.getTreeItem(ranges[20]);
    assert.equal(item.label, 'file-5000.bin … file-5249.bin');
    assert.equal(item.description, '250 files');
    assert.equal(item.contextValue, 'volumeFiles.range');
    assert.equal(item.collapsibleState, 1 /* Collapsed */);
    assert.equal(item.command, undefined);
    assert.equal(item.tooltip, undefined);
    assert.match(String(tree.resolveTreeItem(item, ranges[20]).tooltip), /^250 files, from file-5000\.bin to file-5249\.bin\. Folders this large are shown in ranges/);
    const rows = await tree.getChildren(ranges[20]);
    assert.deepEqual(rows.slice(0, 3).map((n) => tree.getTreeItem(n).label), ['file-5000.bin', 'file-5001.bin', 'file-5002.bin']);
    assert.equal(rows.length, 250);
    const first = await tree.getChildren(ranges[0]);
    assert.equal(tree.getTreeItem(first[0]).label, 'file-0.bin');
    assert.deepEqual(listed, ['', 'many'], 'one listing of the folder; its ranges are slices of it');
    assert.equal((await tree.getChildren(small)).length, THRESHOLD, 'a folder of exactly the threshold is shown flat');
  });

  test('a file in a range is the same row as in a flat folder: its path, id, Open command; reveal walks file → range → folder', async () => {
    const { sessions } = fakeSessions(folders);
    const grouped = new VolumeFilesTree(sessions as never, () => THRESHOLD);
    const flat = new VolumeFilesTree(sessions as never, () => 0);
    const [gFolder] = await grouped.getChildren(root());
    const range = (await grouped.getChildren(gFolder))[20];
    const file = (await grouped.getChildren(range))[7];
    const [fFolder] = await flat.getChildren(root());
    const flatFile = (await flat.getChildren(fFolder)).find((n) => n.kind === 'entry' && n.path === 'many/file-5007.bin')!;
    assert.equal(file.kind === 'entry' && file.path, 'many/file-5007.bin');
    const a = grouped.getTreeItem(file);
    const b = flat.getTreeItem(flatFile);
    for (const k of ['id', 'label', 'description', 'contextValue'] as const) assert.equal(a[k], b[k], k);
    assert.equal(a.contextValue, 'volumeFiles.file');
    assert.equal(a.command?.command, 'vscode.open');
    assert.equal(String((a.command?.arguments?.[0] as vscode.Uri).path), '/vol/many/file-5007.bin');
    assert.equal(grouped.getParent(file), range);
    assert.equal(grouped.getParent(range), gFolder);
    assert.equal(grouped.getParent(gFolder)?.kind, 'root');
  });

  test('listed again (Refresh), a folder keeps its range ids; a new file shows in its range; ids never collide', async () => {
    many = shuffled(files(10_000));
    const { listed, sessions } = fakeSessions(folders);
    const tree = new VolumeFilesTree(sessions as never, () => THRESHOLD);
    const top = await tree.getChildren(root());
    const ids = (nodes: FileNode[]) => nodes.map((n) => tree.getTreeItem(n).id!);
    const before = ids(await tree.getChildren(top[0]));
    many = shuffled([...files(10_000), entry('file-5000a.bin')], 11);
    const again = await tree.getChildren(top[0]);
    assert.deepEqual(ids(again), before);
    assert.deepEqual(listed, ['', 'many', 'many']);
    const rows = await tree.getChildren(again[20]);
    assert.deepEqual(rows.slice(0, 3).map((n) => tree.getTreeItem(n).label), ['file-5000.bin', 'file-5000a.bin', 'file-5001.bin']);
    const all = [...before, ...ids(rows), ...ids(await tree.getChildren(again[0])), tree.getTreeItem(top[0]).id!, tree.getTreeItem(root()).id!];
    assert.equal(new Set(all).size, all.length, 'range ids, entry ids and the root\'s are all distinct');
    assert.equal(before[0], 'e0/many//');
  });

  test('the volume\'s own root in ranges; a folder that shrinks to half the threshold is flat again; Stop forgets the listings', async () => {
    let top = [...files(600, 'top-'), dir('data')];
    const { listed, sessions } = fakeSessions({ '': () => top });
    const tree = new VolumeFilesTree(sessions as never, () => THRESHOLD);
    const ranges = await tree.getChildren(root());
    assert.deepEqual(ranges.map((n) => tree.getTreeItem(n).description), ['1 folder, 249 files', '351 files']);
    const [data] = await tree.getChildren(ranges[0]);
    assert.equal(data.kind === 'entry' && data.path, 'data');
    top = files(250, 'top-');
    assert.equal((await tree.getChildren(root())).every((n) => n.kind === 'entry'), true);
    assert.deepEqual(await tree.getChildren(ranges[1]), [], 'a range of a folder no longer grouped has no rows');
    top = files(600, 'top-');
    const again = await tree.getChildren(root());
    tree.forget(ENGINE, 'vol');
    assert.deepEqual(await tree.getChildren(again[0]), [], 'forgotten: nothing held');
    assert.equal(listed.length, 3);
  });
});
