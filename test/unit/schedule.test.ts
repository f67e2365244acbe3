/**
 * The backup schedule's bookkeeping, on real files in a temporary folder: which files count as backups of a
 * volume, which ones retention deletes, and when a volume is due. (Backing up on schedule against the engine is
 * in test/engine/backup.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { archiveFileName } from '../../src/backup/archiveName';
import { type BackupManifest, MANIFEST_KIND, manifestPathFor } from '../../src/backup/manifest';
import { listBackups, type StoredBackup } from '../../src/backup/catalog';
import { applyRetention, INTERVAL_MS, nextDue, RETRY_AFTER_FAILURE_MS, retentionVictims } from '../../src/backup/schedule';

function manifestFor(volume: string, file: string, created: Date, scheduled: boolean): BackupManifest {
  return {
    kind: MANIFEST_KIND, version: 1, created: created.toISOString(),
    volume: { name: volume, driver: 'local', options: {}, labels: {} },
    archive: { file, format: 'tar.gz', bytes: 3, sha256: 'a'.repeat(64), tarBytes: 10 },
    content: { entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0 },
    engine: { host: 'test' }, paused: [], durationMs: 1, ...(scheduled ? { scheduled: true } : {}),
  };
}

/** Writes an archive (3 bytes) and its manifest as a backup would; returns the archive's path. */
async function writeBackup(folder: string, volume: string, created: Date, scheduled: boolean, attempt = 1): Promise<string> {
  const file = archiveFileName(volume, 'tar.gz', created, attempt);
  const archive = path.join(folder, file);
  await fs.writeFile(archive, 'abc');
  await fs.writeFile(manifestPathFor(archive), JSON.stringify(manifestFor(volume, file, created, scheduled)));
  return archive;
}

const at = (hour: number) => new Date(Date.UTC(2026, 10, 20, hour, 0, 0));

suite('backup schedule', () => {
  let folder: string;
  setup(() => { folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-schedule-')); });
  teardown(() => rmSync(folder, { recursive: true, force: true }));

  test('lists a volume\'s backups newest first, and not those of a volume whose name it begins', async () => {
    await writeBackup(folder, 'db', at(1), true);
    await writeBackup(folder, 'db', at(3), false);
    await writeBackup(folder, 'db', at(2), true, 2);
    await writeBackup(folder, 'db-data', at(2), true);
    const found = await listBackups(folder, 'db');
    assert.deepEqual(found.map((b) => [b.created.getUTCHours(), b.scheduled]), [[3, false], [2, true], [1, true]]);
    assert.deepEqual((await listBackups(folder, 'db-data')).map((b) => b.volume), ['db-data']);
  });

  test('a file that only looks like a backup is not one: no manifest, a manifest of another volume, a damaged manifest', async () => {
    await fs.writeFile(path.join(folder, archiveFileName('db', 'tar', at(1))), 'x');
    const other = await writeBackup(folder, 'db', at(2), true);
    await fs.writeFile(manifestPathFor(other), JSON.stringify(manifestFor('web', path.basename(other), at(2), true)));
    const damaged = await writeBackup(folder, 'db', at(3), true);
    await fs.writeFile(manifestPathFor(damaged), '{ not json');
    await fs.writeFile(path.join(folder, 'db-notes.txt'), 'x');
    assert.deepEqual(await listBackups(folder, 'db'), []);
  });

  test('without a volume, every volume\'s backups are listed, each under the volume its manifest names', async () => {
    await writeBackup(folder, 'db', at(1), true);
    await writeBackup(folder, 'db-data', at(2), false);
    const spoof = await writeBackup(folder, 'web', at(3), false);
    await fs.writeFile(manifestPathFor(spoof), JSON.stringify(manifestFor('other', path.basename(spoof), at(3), false)));
    assert.deepEqual((await listBackups(folder)).map((b) => [b.volume, b.format, b.files]), [['db-data', 'tar.gz', 0], ['db', 'tar.gz', 0]]);
  });

  test('a missing folder has no backups', async () => {
    assert.deepEqual(await listBackups(path.join(folder, 'nope'), 'db'), []);
  });

  test('retention picks the scheduled backups beyond the newest N, never one made by hand', () => {
    const b = (hour: number, scheduled: boolean): StoredBackup => ({ archive: `a${hour}`, volume: 'v', created: at(hour), scheduled, bytes: 1, format: 'tar', files: 1 });
    const list = [b(6, true), b(5, false), b(4, true), b(3, true), b(2, false), b(1, true)];
    assert.deepEqual(retentionVictims(list, 2).map((x) => x.archive), ['a3', 'a1']);
    assert.deepEqual(retentionVictims(list, 10), []);
    assert.deepEqual(retentionVictims(list, 0).map((x) => x.archive), ['a4', 'a3', 'a1'], 'keep is at least 1');
  });

  test('applyRetention deletes archives with their manifests and leaves everything else', async () => {
    const kept = [await writeBackup(folder, 'db', at(5), true), await writeBackup(folder, 'db', at(4), true)];
    const manual = await writeBackup(folder, 'db', at(1), false);
    const old = [await writeBackup(folder, 'db', at(3), true), await writeBackup(folder, 'db', at(2), true)];
    const otherVolume = await writeBackup(folder, 'db-data', at(0), true);
    const removed = await applyRetention(folder, 'db', 2);
    assert.deepEqual(removed.map((r) => r.archive), old);
    const left = readdirSync(folder).sort();
    const expected = [...kept, manual, otherVolume].flatMap((a) => [path.basename(a), path.basename(manifestPathFor(a))]).sort();
    assert.deepEqual(left, expected);
  });

  test('a volume is due an interval after its last scheduled backup, at once when it has none', () => {
    const now = at(12).getTime();
    assert.equal(nextDue(undefined, 'daily', now), now);
    assert.equal(nextDue(at(11), 'hourly', now), at(12).getTime());
    assert.equal(nextDue(at(1), 'daily', now), at(1).getTime() + INTERVAL_MS.daily);
    assert.equal(nextDue(at(1), 'weekly', now), at(1).getTime() + 7 * INTERVAL_MS.daily);
  });

  test('after a failure the next attempt waits 15 minutes, even when long overdue', () => {
    const now = at(12).getTime();
    assert.equal(nextDue(undefined, 'daily', now, now), now + RETRY_AFTER_FAILURE_MS);
    assert.equal(nextDue(at(0), 'hourly', now, now - 60_000), now - 60_000 + RETRY_AFTER_FAILURE_MS);
    assert.equal(nextDue(at(11), 'daily', now, now), at(11).getTime() + INTERVAL_MS.daily, 'a due time later than the retry wins');
  });
});
