/**
 * Verify Backup on a real engine: a good backup verifies (restored into a scratch volume, read back identical,
 * matching its manifest, scratch volume gone); a tampered one is reported, with what is wrong, in each way an
 * archive can be tampered with: bytes changed under its manifest, and an entry removed with the manifest's
 * checksum made to match (its totals then give it away).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract, pack } from 'tar-stream';
import { backupVolume } from '../../src/backup/backup';
import type { BackupManifest } from '../../src/backup/manifest';
import { runScheduledBackups } from '../../src/backup/schedule';
import { verifyBackup } from '../../src/backup/verify';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { docker, TEST_IMAGE } from '../support/docker';

const P = `dnvtest-verify${process.pid}-`;

function quiet(...args: string[]): string {
  try { return docker(...args); } catch { return ''; }
}

/** The tar without the entry `drop`. */
async function withoutEntry(tar: Buffer, drop: string): Promise<Buffer> {
  const parser = extract();
  const out = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => { for await (const c of out) chunks.push(Buffer.from(c as Uint8Array)); })();
  const feeding = (async () => { parser.end(tar); })();
  for await (const entry of parser) {
    const body: Buffer[] = [];
    for await (const c of entry) body.push(Buffer.from(c as Uint8Array));
    if (entry.header.name.replace(/^\.\//, '') !== drop) out.entry(entry.header, Buffer.concat(body));
  }
  await feeding;
  out.finalize();
  await collected;
  return Buffer.concat(chunks);
}

suite('Verify Backup', function () {
  this.timeout(120_000);
  const client = new EngineClient(resolveEndpoint());
  const volume = `${P}vol`;
  let folder: string;
  let archive: string;
  let manifest: BackupManifest;
  const scratchLeft = () => quiet('volume', 'ls', '-q', '--filter', 'name=^dnv-verify-').split('\n').filter(Boolean);

  suiteSetup(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-verify-'));
    docker('volume', 'create', volume);
    docker('run', '--rm', '-v', `${volume}:/data`, TEST_IMAGE, 'sh', '-c',
      'mkdir -p /data/d/e && echo hello > /data/d/a && echo keep > /data/b && ln /data/d/a /data/hard && ln -s d/a /data/sym && chown -R 70:70 /data/d && chmod 640 /data/d/a');
    const result = await backupVolume(client, { volume, folder, format: 'tar' });
    archive = result.archive;
    manifest = result.manifest;
  });

  suiteTeardown(() => {
    quiet('volume', 'rm', '-f', volume);
    rmSync(folder, { recursive: true, force: true });
    client.close();
  });

  test('a good backup verifies: every entry read back identical, matching its manifest; the scratch volume is gone', async () => {
    const before = scratchLeft();
    const result = await verifyBackup(client, { archive });
    assert.deepEqual(result.differences, []);
    assert.equal(result.ok, true);
    assert.equal(result.manifest, 'matches');
    assert.ok(result.entries >= 7, `entries compared: ${result.entries}`);
    assert.equal(result.restore?.verified, true, 'the restore checked the manifest\'s checksum');
    assert.equal(result.scratchRemoved, true);
    assert.deepEqual(scratchLeft(), before, 'no scratch volume left');
  });

  test('a scheduled backup with verify on is verified before retention deletes the older one', async () => {
    const scheduled = path.join(folder, 'scheduled');
    const settings = { volumes: [volume], interval: 'hourly' as const, keep: 1, folder: scheduled, format: 'tar.gz' as const, pauseWriters: false, verify: true };
    const [first] = await runScheduledBackups(client, settings, { force: true });
    assert.equal(first.status, 'backed-up');
    assert.equal(first.verification?.ok, true, JSON.stringify(first.verification));
    assert.equal(first.verification?.archive, first.result?.archive);
    await new Promise((r) => setTimeout(r, 1100)); // one-second timestamps in the names
    const [second] = await runScheduledBackups(client, settings, { force: true });
    assert.equal(second.verification?.ok, true);
    assert.deepEqual(second.removed.map((b) => b.archive), [first.result!.archive], 'the older one goes once the new one verified');
    const [unverified] = await runScheduledBackups(client, { ...settings, verify: false }, { force: true });
    assert.equal(unverified.verification, undefined, 'off by default: no verification');
  });

  test('an archive changed under its manifest does not verify, and says why', async () => {
    const tampered = path.join(folder, 'tampered-bytes.tar');
    const bytes = readFileSync(archive);
    const at = bytes.indexOf('hello');
    bytes.write('HELLO', at);
    writeFileSync(tampered, bytes);
    writeFileSync(`${tampered}.manifest.json`, JSON.stringify({ ...manifest, archive: { ...manifest.archive, file: path.basename(tampered) } }));
    const result = await verifyBackup(client, { archive: tampered });
    assert.equal(result.ok, false);
    assert.match(result.restoreError ?? '', /checksum|sha256|manifest/i, result.restoreError);
    assert.equal(result.scratchRemoved, true);
  });

  test('an entry removed with the manifest\'s checksum made to match is found by the manifest\'s totals', async () => {
    const tampered = path.join(folder, 'tampered-entry.tar');
    const bytes = await withoutEntry(readFileSync(archive), 'b');
    writeFileSync(tampered, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(`${tampered}.manifest.json`, JSON.stringify({ ...manifest, archive: { ...manifest.archive, file: path.basename(tampered), sha256, bytes: bytes.length, tarBytes: bytes.length } }));
    const result = await verifyBackup(client, { archive: tampered });
    assert.equal(result.ok, false, JSON.stringify(result));
    assert.equal(result.manifest, 'differs');
    assert.match(result.differences[0].what, /files: 3 in the manifest, 2 restored/);
    assert.equal(result.scratchRemoved, true);
  });
});
