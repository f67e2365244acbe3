/**
 * The one backup archive name format (src/backup/archiveName.ts): what a backup is written as is what the catalog
 * recognises as a backup of its volume, and what a restore suggests as the volume.
 */
import assert from 'node:assert/strict';
import { archiveFileName, isArchiveFileName, timestamp, volumeFromArchiveName } from '../../src/backup/archiveName';
import { ALL_FORMATS } from '../../src/backup/formats';

suite('backup archive names', () => {
  const date = new Date('2025-11-22T23:05:01.123Z');

  test('written as <volume>-<UTC timestamp>[-n].<format>', () => {
    assert.equal(timestamp(date), '20251122T230501Z');
    assert.equal(archiveFileName('app_data', 'tar.gz', date), 'app_data-20251122T230501Z.tar.gz');
    assert.equal(archiveFileName('app_data', 'tar', date, 2), 'app_data-20251122T230501Z-2.tar');
    assert.equal(archiveFileName('app_data', 'tar.zst', date, 1), 'app_data-20251122T230501Z.tar.zst');
  });

  test('every name written is read back as a backup of its volume, and of no other', () => {
    for (const volume of ['db', 'db-data', 'app.data_1', 'x-20251122T230501Z']) {
      for (const format of ALL_FORMATS) {
        for (const attempt of [1, 2, 13]) {
          const name = archiveFileName(volume, format, date, attempt);
          assert.ok(isArchiveFileName(name), name);
          assert.ok(isArchiveFileName(name, volume), `${name} of ${volume}`);
          assert.equal(volumeFromArchiveName(`/backups/${name}`), volume, name);
          for (const other of ['d', 'db-', 'db-data-x', `${volume}x`]) if (other !== volume) assert.ok(!isArchiveFileName(name, other), `${name} is not of ${other}`);
        }
      }
    }
  });

  test('other files in the folder are not backups', () => {
    for (const name of [
      'db-20251122T230501Z.tar.gz.manifest.json', 'db-20251122T230501Z.tgz', 'db-20251122T230501Z.zip', 'db.tar.gz',
      'db-2025112T230501Z.tar', 'db-20251122T230501.tar', 'db-20251122T230501Z-.tar', '-20251122T230501Z.tar', 'db-20251122t230501z.tar',
    ]) assert.ok(!isArchiveFileName(name), name);
    assert.ok(!isArchiveFileName('db-data-20251122T230501Z.tar', 'db'), '`db` does not claim `db-data`\'s backups');
    assert.ok(!isArchiveFileName('dbx20251122T230501Z.tar', 'db.'), 'a dot in a volume name is a dot');
  });

  test('an archive made elsewhere suggests its name without the extension', () => {
    assert.equal(volumeFromArchiveName('/tmp/app-data.tgz'), 'app-data');
    assert.equal(volumeFromArchiveName('app-data.tar'), 'app-data');
    assert.equal(volumeFromArchiveName('app-data.tar.zst'), 'app-data');
    assert.equal(volumeFromArchiveName('app-data-20251122T230501Z.tgz'), 'app-data');
    assert.equal(volumeFromArchiveName('notes.txt'), 'notes.txt');
  });
});
