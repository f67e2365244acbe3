/**
 * The compressed backup streams on a real engine: archives of several gzip members (1 MB blocks compressed in
 * parallel on the thread pool) and one zstd frame fed in 1 MB writes are read back file by file by the standard
 * tools and by this project's verify, and a failure or a cancel in the middle of the stream leaves no file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupVolume } from '../../src/backup/backup';
import { type BackupFormat, zstdAvailable } from '../../src/backup/formats';
import { verifyBackup } from '../../src/backup/verify';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { EngineError } from '../../src/engine/errors';
import { docker, TEST_IMAGE } from '../support/docker';

const RUN = randomBytes(3).toString('hex');
const P = `dnvtest-zip-${RUN}-`;

function inVolume(volume: string, script: string): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${volume}:/data`, TEST_IMAGE, 'sh', '-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** sha256 of every regular file, by path, as busybox sees them in the volume (the names hold no spaces). */
function sums(volume: string): string {
  return inVolume(volume, 'cd /data && find . -type f | sort | xargs sha256sum');
}

/** The same list for an extracted folder on the host. */
function sumsOf(folder: string): string {
  return execFileSync('sh', ['-c', 'cd "$1" && find . -type f | sort | xargs sha256sum', 'sh', folder], { encoding: 'utf8' });
}

function gzipMembers(data: Buffer): number {
  let n = 0;
  for (let i = 0; i + 2 < data.length; i++) if (data[i] === 0x1f && data[i + 1] === 0x8b && data[i + 2] === 8) n++;
  return n;
}

const formats: BackupFormat[] = ['tar.gz', ...(zstdAvailable() ? ['tar.zst' as const] : [])];

suite('compressed backup streams on a real engine', function () {
  this.timeout(180_000);
  const client = new EngineClient(resolveEndpoint());
  const volume = `${P}data`;
  const big = `${P}big`;
  let folder: string;

  suiteSetup(async () => {
    await client.negotiate();
    folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-zip-'));
    docker('volume', 'create', volume);
    // About 9 MB: text (compressed) and random data (stored) in several 1 MB blocks, and many small files.
    inVolume(volume, `set -e; cd /data
      i=0; while [ $i -lt 40000 ]; do echo "2025-11-25T20:00:00Z INFO worker-$((i % 7)) GET /api/items/$i status=200"; i=$((i + 1)); done > log.txt
      head -c 4000000 /dev/urandom > random.bin
      mkdir -p small; i=0; while [ $i -lt 100 ]; do head -c $((i * 13 + 1)) log.txt > small/f$i; i=$((i + 1)); done`);
    docker('volume', 'create', big);
    inVolume(big, 'head -c 120000000 /dev/urandom > /data/blob');
  });

  suiteTeardown(() => {
    for (const v of [volume, big]) { try { docker('volume', 'rm', '-f', v); } catch { /* gone */ } }
    rmSync(folder, { recursive: true, force: true });
  });

  for (const format of formats) {
    test(`.${format}: ${format === 'tar.gz' ? 'several gzip members' : 'one zstd frame'}, extracted by ${format === 'tar.gz' ? 'tar -xzf' : 'zstd -d | tar -x'} equal file by file, and verified by the project's verify`, async () => {
      const out = path.join(folder, format);
      const result = await backupVolume(client, { volume, folder: out, format });
      const bytes = readFileSync(result.archive);
      if (format === 'tar.gz') assert.ok(gzipMembers(bytes) >= 5, `members: ${gzipMembers(bytes)}`);
      assert.equal(result.manifest.archive.sha256, execFileSync('sha256sum', [result.archive], { encoding: 'utf8' }).split(' ')[0]);
      const extracted = mkdtempSync(path.join(folder, 'x-'));
      if (format === 'tar.gz') execFileSync('tar', ['-xzf', result.archive, '-C', extracted]);
      else execFileSync('sh', ['-c', 'zstd -dc "$1" | tar -x -C "$2"', 'sh', result.archive, extracted]);
      assert.equal(sumsOf(extracted), sums(volume));
      const verified = await verifyBackup(client, { archive: result.archive, scratchVolume: `${P}verify-${format.replace('.', '-')}` });
      assert.equal(verified.ok, true, verified.restoreError ?? JSON.stringify(verified.differences.slice(0, 3)));
      assert.equal(verified.manifest, 'matches');
      assert.equal(verified.scratchRemoved, true);
    });

    test(`.${format}: a cancel in the middle of the stream leaves no file`, async () => {
      const out = path.join(folder, `cancel-${format}`);
      const controller = new AbortController();
      const running = backupVolume(client, {
        volume: big, folder: out, format, signal: controller.signal,
        onProgress: (p) => { if (p.bytes > 20_000_000) controller.abort(); },
      });
      await assert.rejects(running, (e: unknown) => e instanceof EngineError && e.kind === 'cancelled' && /no file was left/.test(e.message));
      assert.deepEqual(readdirSync(out), []);
    });
  }

  test('a compression failure in the middle of the stream is the backup\'s error and leaves no file', async () => {
    // zlib refuses the level inside the first block's job (on the thread pool's side): it must fail the backup,
    // not hang it or leave a .partial behind.
    const out = path.join(folder, 'failure');
    await assert.rejects(backupVolume(client, { volume: big, folder: out, format: 'tar.gz', level: 42 }), (e: unknown) => /level/i.test(String((e as Error).message)));
    assert.deepEqual(readdirSync(out), []);
  });
});
