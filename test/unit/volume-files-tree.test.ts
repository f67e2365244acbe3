/**
 * The Volume Files view's rows (src/views/volumeBrowser.ts VolumeFilesTree) in plain mocha, with the vscode stand-in:
 * what one folder's rows carry to the workbench. A folder shown flat (here: the threshold 0; above it a large folder
 * shows name ranges, test/unit/volume-file-ranges.test.ts) sends all its rows when it is opened, so each row holds
 * what the row shows and no more: one listing, no tooltip until the row is hovered (resolveTreeItem), short ids. The real view in the real workbench: test/host/suite/browse.test.ts and `npm run bench:browse:workbench`.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { VolumeEntry } from '../../src/browse/listing';
import { type FileNode, VolumeFilesTree } from '../../src/views/volumeBrowser';

const ENGINE = 'unix:///var/run/docker.sock';

const entry = (name: string, over: Partial<VolumeEntry> = {}): VolumeEntry => ({
  name, nameBytes: Buffer.from(name), kind: 'file', size: 102_400, mode: 0o644, uid: 0, gid: 0, mtimeMs: 1_700_000_000_000, ...over,
});

/** A browse source that counts what the tree asks of it. */
function fakeSessions(folders: Record<string, VolumeEntry[]>) {
  const calls = { list: [] as string[], stat: [] as string[], readFile: [] as string[] };
  const source = {
    list: async (p: string) => { calls.list.push(p); return folders[p].map((e) => ({ ...e })); },
    stat: async (p: string) => { calls.stat.push(p); throw new Error('no stat expected'); },
    readFile: async (p: string) => { calls.readFile.push(p); throw new Error('no read expected'); },
    dispose: async () => undefined,
  };
  return { calls, sessions: { session: async () => source } };
}

const root = (volume: string): Extract<FileNode, { kind: 'root' }> => ({ kind: 'root', engineId: ENGINE, volume, engineLabel: 'local' });

suite('volume browser: the Volume Files rows', () => {
  const many = Array.from({ length: 10_000 }, (_, i) => entry(`file-${i}.bin`)).reverse();
  const folders = {
    '': [entry('.complete', { size: 3 }), entry('many', { kind: 'dir', mode: 0o755, size: 4096 })],
    many,
  };

  test('a folder of 10,000 files is one listing, no stat, folders first then natural order', async () => {
    const { calls, sessions } = fakeSessions(folders);
    const tree = new VolumeFilesTree(sessions as never);
    const top = await tree.getChildren(root('vol'));
    assert.deepEqual(top.map((n) => tree.getTreeItem(n).label), ['many', '.complete']);
    const rows = await tree.getChildren(top[0]);
    assert.equal(rows.length, 10_000);
    assert.deepEqual(rows.slice(0, 12).map((n) => tree.getTreeItem(n).label), [...Array(12).keys()].map((i) => `file-${i}.bin`));
    assert.equal(tree.getTreeItem(rows[9_999]).label, 'file-9999.bin');
    assert.deepEqual(calls, { list: ['', 'many'], stat: [], readFile: [] });
  });

  test('a row carries no tooltip; hovering it (resolveTreeItem) builds it with size, mode, owner and time', async () => {
    const { sessions } = fakeSessions({ '': [entry('site.conf', { size: 1536, mode: 0o640, uid: 101, gid: 101 }), entry('out', { kind: 'symlink', size: 4, linkTarget: '/etc' })] });
    const tree = new VolumeFilesTree(sessions as never);
    const [out, conf] = await tree.getChildren(root('vol'));
    assert.deepEqual([out, conf].map((n) => tree.getTreeItem(n).label), ['out', 'site.conf']);
    const item = tree.getTreeItem(conf);
    assert.equal(item.tooltip, undefined, 'no tooltip sent with the row');
    assert.equal(item.description, '1.5 KB · -rw-r----- · 101:101');
    const resolved = tree.resolveTreeItem(item, conf);
    const text = (resolved.tooltip as vscode.MarkdownString).value;
    assert.match(text, /\*\*site\.conf\*\*/);
    assert.match(text, /1,536 B/);
    assert.match(text, /-rw-r-----` \(0640\)/);
    assert.match(text, /user 101, group 101/);
    assert.match(String((tree.resolveTreeItem(tree.getTreeItem(out), out).tooltip as vscode.MarkdownString).value), /Symlink to: `"\/etc"` \(outside the volume, or missing: not followed\)/);
  });

  test('row ids are short, unique across browsed volumes, and the same for the same place', async () => {
    const { sessions } = fakeSessions(folders);
    const tree = new VolumeFilesTree(sessions as never);
    const idsOf = async (volume: string) => {
      const [folder] = await tree.getChildren(root(volume));
      return [tree.getTreeItem(folder).id!, ...(await tree.getChildren(folder)).slice(0, 3).map((n) => tree.getTreeItem(n).id!)];
    };
    const a = await idsOf('vol-a');
    const b = await idsOf('vol-b');
    assert.equal(new Set([...a, ...b]).size, 8, 'no id shared between two volumes');
    assert.deepEqual(await idsOf('vol-a'), a, 'the same place keeps its ids');
    for (const id of [...a, ...b]) assert.ok(!id.includes(ENGINE) && !id.includes('vol-'), `${id}: neither the engine nor the volume in a row id`);
    assert.notEqual(tree.getTreeItem(root('vol-a')).id, a[0], 'the root row\'s id is not an entry\'s');
  });
});
