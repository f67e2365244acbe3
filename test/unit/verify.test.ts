/** Verify Backup's comparison of an archive's entries with a restored volume's, and with the manifest's totals. */
import assert from 'node:assert/strict';
import type { BackupManifest } from '../../src/backup/manifest';
import { compareEntries, type InventoryEntry, manifestDifference } from '../../src/backup/verify';

const file = (sha256: string, more: Partial<InventoryEntry> = {}): InventoryEntry => ({ type: 'file', mode: 0o644, uid: 0, gid: 0, size: 5, sha256, mtime: 100, ...more });
const dir: InventoryEntry = { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 };

suite('verify: comparing entries', () => {
  test('identical inventories have no difference; the root folder\'s own attributes are not compared', () => {
    const archive = new Map([['', dir], ['a', file('x')], ['d', dir]]);
    const volume = new Map([['', { ...dir, mode: 0o700, uid: 5 }], ['a', file('x')], ['d', dir]]);
    assert.deepEqual(compareEntries(archive, volume, { owners: true }), []);
  });

  test('each kind of difference is named, with its path', () => {
    const archive = new Map<string, InventoryEntry>([
      ['content', file('x')], ['mode', file('x')], ['owner', file('x')], ['time', file('x')], ['gone', file('x')],
      ['link', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'content' }], ['kind', file('x')],
    ]);
    const volume = new Map<string, InventoryEntry>([
      ['content', file('y')], ['mode', file('x', { mode: 0o600 })], ['owner', file('x', { uid: 70 })], ['time', file('x', { mtime: 101 })],
      ['link', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'elsewhere' }], ['kind', dir], ['extra', file('x')],
    ]);
    const found = Object.fromEntries(compareEntries(archive, volume, { owners: true }).map((d) => [d.path, d.what]));
    assert.deepEqual(found, {
      content: 'same size, different content',
      mode: 'mode 0644 in the archive, 0600 in the volume',
      owner: 'owner 0:0 in the archive, 70:0 in the volume',
      time: 'modification time differs',
      gone: 'in the archive, missing from the restored volume',
      link: 'links to content in the archive, to elsewhere in the volume',
      kind: 'a file in the archive, a directory in the volume',
      extra: 'in the restored volume, not in the archive',
    });
  });

  test('owners are not compared where the engine cannot keep them (Podman reads every file as root)', () => {
    const archive = new Map([['a', file('x', { uid: 70 })]]);
    const volume = new Map([['a', file('x')]]);
    assert.deepEqual(compareEntries(archive, volume, { owners: false }), []);
  });

  test('the manifest\'s totals against what was restored', () => {
    const manifest = { content: { entries: 6, files: 2, hardlinks: 1, directories: 2, symlinks: 1, bytes: 11 } } as BackupManifest;
    assert.equal(manifestDifference(manifest, { files: 3, directories: 2, symlinks: 1, bytes: 11 }), undefined);
    assert.equal(manifestDifference(manifest, { files: 3, directories: 1, symlinks: 1, bytes: 11 }), undefined, 'with or without the root folder');
    assert.equal(manifestDifference(manifest, { files: 2, directories: 2, symlinks: 1, bytes: 6 }), 'files: 3 in the manifest, 2 restored; bytes: 11 in the manifest, 6 restored');
  });
});
