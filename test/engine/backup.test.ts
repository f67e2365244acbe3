/**
 * Volume backup, restore, clone, remove and prune on a real engine. Test data is written by test/busybox:1
 * containers with known owners, modes, times and links, and read back the same way (find, stat, sha256sum,
 * readlink), so a round trip is compared file by file by tools that know nothing of this code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import * as zlib from 'node:zlib';
import { backupVolume } from '../../src/backup/backup';
import { cloneVolume } from '../../src/backup/clone';
import { type BackupFormat, zstdAvailable } from '../../src/backup/formats';
import { TarGuard, UnsafeArchiveError } from '../../src/backup/guard';
import { withHelper } from '../../src/backup/helper';
import { HELPER_LABEL } from '../../src/engine/helperLabels';
import { manifestPathFor, readManifest } from '../../src/backup/manifest';
import { keepRawPax, paxValues, writeRawPax } from '../../src/backup/paxBytes';
import { nodeWritable } from '../../src/backup/streams';
import { planVolumePrune, volumePrunePreview, pruneVolumes } from '../../src/model/prune/volumes';
import { ChecksumMismatchError, DamagedArchiveError, needsWriteQuestion, type RestoreSummary, restoreVolume, TargetChangedError, TargetNotEmptyError } from '../../src/backup/restore';
import { listBackups } from '../../src/backup/catalog';
import { INTERVAL_MS, RETRY_AFTER_FAILURE_MS, runScheduledBackups, type ScheduleSettings } from '../../src/backup/schedule';
import { createVolume, removeVolume, VolumeExistsError, VolumeInUseError } from '../../src/engine/volumes';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { EngineError } from '../../src/engine/errors';
import { docker, TEST_IMAGE } from '../support/docker';
import { hostileArchiveCases } from '../support/hostileArchives';
import { type TarEntry, tarOf } from '../support/tar';

const RUN = randomBytes(3).toString('hex');
const P = `dnvtest-vol-${RUN}-`;
const LABEL = `dnvtest-vol-run=${RUN}`;

/** Runs a shell script in a busybox container with the volume at /data; returns stdout. */
function inVolume(volume: string, script: string, extra: string[] = []): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${volume}:/data`, ...extra, TEST_IMAGE, 'sh', '-c', script], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20,
  });
}

function makeVolume(name: string, labels: string[] = []): string {
  docker('volume', 'create', '--label', LABEL, ...labels.flatMap((l) => ['--label', l]), name);
  return name;
}

/** A volume with the cases a backup must keep: owners, modes (setuid, sticky, 000), times, links, empty dirs. */
const FILL = `set -e
cd /data
mkdir -p dir/sub empty-dir 'with space' deep/aaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbb/cccccccccccccccccccc/dddddddddddddddddddd/eeeeeeeeeeeeeeeeeeee
echo hello > dir/a.txt
head -c 300000 /dev/urandom > dir/random.bin
yes 'compressible line of text' | head -c 200000 > 'with space/file name.txt'
echo deep > deep/aaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbb/cccccccccccccccccccc/dddddddddddddddddddd/eeeeeeeeeeeeeeeeeeee/a-file-with-a-rather-long-name-to-need-more-than-one-hundred-characters.txt
echo unicode > 'caf\u00e9-\u00f1.txt'
: > zero-mode
ln dir/a.txt dir/hard-a
ln dir/a.txt hard-top
ln -s a.txt dir/sym-a
ln -s ../dir dir/sub/up
ln -s does-not-exist dangling
chown 1234:5678 dir/a.txt
chown -h 42:43 dir/sym-a
chown 65534:65534 empty-dir
chmod 600 dir/a.txt
chmod 4755 dir/random.bin
chmod 1777 empty-dir
chmod 000 zero-mode
chmod 2750 dir/sub
touch -d '2001-02-03 04:05:06' dir/a.txt 'with space/file name.txt'
touch -h -d '2002-03-04 05:06:07' dir/sym-a
touch -d '2003-04-05 06:07:08' empty-dir dir/sub dir
chown 999:998 /data
chmod 750 /data
touch -d '2004-05-06 07:08:09' /data
`;

/** Each path's type, mode, owner, size, mtime, content hash or link target, and the hardlink groups. */
function listing(volume: string): { entries: Map<string, string>; hardlinks: string[] } {
  const out = inVolume(volume, `cd /data && find . -exec stat -c '%n|%F|%a|%u|%g|%s|%Y|%i|%h' {} + && echo @@ && find . -type f -exec sha256sum {} + && echo @@ && find . -type l | while read -r l; do echo "$l|$(readlink "$l")"; done`);
  const [stats, sums, links] = out.split('@@\n');
  const hash = new Map(sums.trim().split('\n').filter(Boolean).map((l) => { const [h, ...n] = l.split('  '); return [n.join('  '), h]; }));
  const target = new Map(links.trim().split('\n').filter(Boolean).map((l) => { const i = l.indexOf('|'); return [l.slice(0, i), l.slice(i + 1)]; }));
  const entries = new Map<string, string>();
  const inodes = new Map<string, string[]>();
  for (const line of stats.trim().split('\n')) {
    const [name, type, mode, uid, gid, size, mtime, inode, nlink] = line.split('|');
    const isDir = type === 'directory';
    entries.set(name, [type, mode, uid, gid, isDir ? '-' : size, mtime, hash.get(name) ?? target.get(name) ?? ''].join(' '));
    if (!isDir && Number(nlink) > 1) inodes.set(inode, [...(inodes.get(inode) ?? []), name]);
  }
  const hardlinks = [...inodes.values()].map((names) => names.sort().join(' = ')).sort();
  return { entries, hardlinks };
}

function assertSameContents(actual: ReturnType<typeof listing>, expected: ReturnType<typeof listing>): void {
  assert.deepEqual([...actual.entries.keys()].sort(), [...expected.entries.keys()].sort(), 'same paths');
  for (const [name, want] of expected.entries) assert.equal(actual.entries.get(name), want, `${name}: type mode uid gid size mtime sha256/target`);
  assert.deepEqual(actual.hardlinks, expected.hardlinks, 'same hardlink groups');
}

/** Helper containers of this run: the engine is shared with other suites, which make (and leave, on purpose) their own. */
/** A tar whose PAX values may be bytes (binary xattrs), made with the restore's own writer (paxBytes.ts). */
async function rawPaxTar(entries: Array<{ name: string; body?: string; type?: 'file' | 'fifo'; mode?: number; uid?: number; gid?: number; pax?: Record<string, Buffer | string> }>): Promise<Buffer> {
  const p = writeRawPax(pack());
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    p.entry({ name: e.name, type: e.type ?? 'file', mode: e.mode ?? 0o644, uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: new Date(0), size: body.length, pax: (e.pax ?? {}) as never }, body);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Every entry of a plain .tar: header fields, PAX records as hex bytes, content hash. */
async function tarEntries(file: string): Promise<Array<{ name: string; type: string; mode: number; uid: number; gid: number; mtime: string; linkname: string | null; pax: Record<string, string>; sha256: string }>> {
  const entries: Awaited<ReturnType<typeof tarEntries>> = [];
  const parser = keepRawPax(extract());
  parser.on('entry', (h, stream, next) => {
    const hash = createHash('sha256');
    stream.on('data', (c: unknown) => { hash.update(c as Buffer); });
    stream.on('end', () => {
      const pax = Object.fromEntries([...paxValues(h.pax)].filter(([k]) => !['path', 'linkpath', 'size'].includes(k)).map(([k, v]) => [k, Buffer.from(v).toString('hex')]));
      entries.push({ name: h.name, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime.toISOString(), linkname: h.linkname, pax, sha256: hash.digest('hex') });
      next();
    });
  });
  await pipeline(createReadStream(file), nodeWritable(parser));
  return entries;
}

function helperContainers(): string[] {
  const ids = docker('ps', '-aq', '--filter', `label=${HELPER_LABEL}`).split('\n').filter(Boolean);
  return ids.filter((id) => {
    try {
      return docker('inspect', '-f', '{{range .Mounts}}{{.Name}} {{end}}', id).split(' ').some((name) => name.startsWith(P));
    } catch {
      return false; // removed meanwhile
    }
  });
}

function volumeExists(name: string): boolean {
  return docker('volume', 'ls', '-q', '--filter', `name=^${name}$`) === name;
}

function cleanup(): void {
  const containers = docker('ps', '-aq', '--filter', `name=^/${P}`).split('\n').filter(Boolean);
  if (containers.length) docker('rm', '-f', ...containers);
  const volumes = docker('volume', 'ls', '-q', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  const named = docker('volume', 'ls', '-q', '--filter', `name=^${P}`).split('\n').filter(Boolean);
  const all = [...new Set([...volumes, ...named])];
  if (all.length) docker('volume', 'rm', '-f', ...all);
}

/** A tar (as bytes) from entries made with tar-stream: hostile ones included, written as given. */
suite('volume backup, restore and clone on a real engine', function () {
  this.timeout(180_000);
  let client: EngineClient;
  let folder: string;
  const source = `${P}source`;
  let expected: ReturnType<typeof listing>;

  suiteSetup(async () => {
    client = new EngineClient(resolveEndpoint());
    await client.negotiate();
    folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-backup-'));
    makeVolume(source, ['purpose=roundtrip']);
    inVolume(source, FILL);
    expected = listing(source);
    assert.ok(expected.entries.size >= 18, `test data written (${expected.entries.size} entries)`);
    assert.ok(expected.hardlinks.length === 1, 'one hardlink group');
  });

  suiteTeardown(() => {
    cleanup();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  teardown(async () => {
    // A helper's removal can trail the promise it served by a moment.
    const deadline = Date.now() + 5_000;
    while (helperContainers().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(helperContainers(), [], 'no helper container is left behind');
  });

  const formats: Array<{ format: BackupFormat; title: string }> = [
    { format: 'tar', title: '.tar' },
    { format: 'tar.gz', title: '.tar.gz' },
    { format: 'tar.zst', title: `.tar.zst (needs zstd in zlib: ${zstdAvailable() ? 'present' : `absent in Node ${process.versions.node}, skipped, not passed`})` },
  ];
  for (const { format, title } of formats) {
    test(`backup -> restore into a new volume is equal file by file: ${title}`, async function () {
      if (!zstdAvailable() && format === 'tar.zst') this.skip();
      const progress: number[] = [];
      const result = await backupVolume(client, { volume: source, folder, format, onProgress: (p) => progress.push(p.bytes) });
      assert.match(path.basename(result.archive), new RegExp(`^${source}-\\d{8}T\\d{6}Z(-\\d+)?\\.${format.replace('.', '\\.')}$`));
      assert.ok(existsSync(result.archive) && existsSync(result.manifestPath));
      assert.ok(!readdirSync(folder).some((f) => f.endsWith('.partial')), 'no partial file');
      const manifest = (await readManifest(result.archive))!;
      assert.equal(manifest.archive.sha256, execFileSync('sha256sum', [result.archive], { encoding: 'utf8' }).split(' ')[0]);
      assert.equal(manifest.archive.bytes, (await fs.stat(result.archive)).size);
      assert.equal(manifest.archive.format, format);
      assert.equal(manifest.volume.driver, 'local');
      assert.equal(manifest.volume.labels.purpose, 'roundtrip');
      assert.equal(manifest.unrestorable, undefined, 'everything in it restores');
      // Three names of one inode: the first is a file in the tar, the other two are links to it.
      assert.equal(manifest.content.files, [...expected.entries.values()].filter((e) => e.startsWith('regular')).length - 2);
      assert.equal(manifest.content.hardlinks, 2);
      assert.equal(manifest.content.entries, expected.entries.size);
      assert.ok(progress.length > 0 && progress[progress.length - 1] === manifest.archive.tarBytes, 'progress ends at the tar size');

      const target = `${P}restored-${format.replace('.', '-')}`;
      const restored = await restoreVolume(client, { archive: result.archive, volume: target });
      assert.equal(restored.mode, 'new');
      assert.equal(restored.verified, true);
      assertSameContents(listing(target), expected);
      docker('volume', 'rm', target);
    });
  }

  test('.tar.gz archives extract with plain tar (GNU tar: equal file by file; busybox tar: same files, owners and modes)', async () => {
    const result = await backupVolume(client, { volume: source, folder, format: 'tar.gz' });
    const extracted = mkdtempSync(path.join(tmpdir(), 'dnvtest-gnutar-'));
    try {
      execFileSync('tar', ['-xzpf', result.archive, '--numeric-owner', '-C', extracted]);
      assertSameContents(listing(extracted), expected);
    } finally {
      rmSync(extracted, { recursive: true, force: true });
    }
    const target = makeVolume(`${P}plain-tar`);
    inVolume(target, `tar xzf /backup/${path.basename(result.archive)} -C /data`, ['-v', `${folder}:/backup:ro`]);
    // busybox tar does not set folder times after writing into them, nor symlink owners and times.
    const withoutTimes = (l: ReturnType<typeof listing>) => ({
      hardlinks: l.hardlinks,
      entries: new Map([...l.entries].map(([k, v]) => {
        const f = v.replace(/^symbolic link/, 'symlink').split(' ');
        return [k, f[0] === 'directory' ? [...f.slice(0, 5)].join(' ') : f[0] === 'symlink' ? [f[0], f[6]].join(' ') : f.join(' ')];
      })),
    });
    assertSameContents(withoutTimes(listing(target)), withoutTimes(expected));
  });

  test('a read-only backup folder: a clear error naming it, no crash, no file and no helper left', async () => {
    // Root ignores file modes, so the folder is a read-only mount, as a full or read-only disk would be.
    const readOnly = mkdtempSync(path.join(tmpdir(), 'dnvtest-ro-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]);
    try {
      await assert.rejects(backupVolume(client, { volume: source, folder: readOnly, format: 'tar.gz' }), (e: Error) => {
        assert.equal(e.message, `Backup of ${source} not written to ${readOnly}: it is not writable (EROFS). No file was left there.`);
        return true;
      });
      assert.deepEqual(readdirSync(readOnly), []);
    } finally {
      execFileSync('umount', [readOnly]);
      rmSync(readOnly, { recursive: true, force: true });
    }
  });

  test('an archive made by the usual recipe (busybox tar czf -C /data .) restores', async () => {
    const recipeFolder = mkdtempSync(path.join(tmpdir(), 'dnvtest-recipe-'));
    try {
      execFileSync('docker', ['run', '--rm', '-v', `${source}:/data`, '-v', `${recipeFolder}:/backup`, TEST_IMAGE, 'tar', 'czf', '/backup/x.tar.gz', '-C', '/data', '.']);
      const target = `${P}from-recipe`;
      const restored = await restoreVolume(client, { archive: path.join(recipeFolder, 'x.tar.gz'), volume: target });
      assert.equal(restored.verified, false, 'no manifest, nothing to verify against');
      assertSameContents(listing(target), expected);
    } finally {
      rmSync(recipeFolder, { recursive: true, force: true });
    }
  });

  test('cancel midway leaves no file, the volume unchanged, and paused writers resumed', async () => {
    const big = makeVolume(`${P}big`);
    inVolume(big, 'head -c 150000000 /dev/urandom > /data/blob && echo small > /data/small');
    const before = listing(big);
    const writer = `${P}writer`;
    docker('run', '-d', '--name', writer, '-v', `${big}:/data:ro`, TEST_IMAGE, 'sleep', '600');
    const writerId = docker('inspect', '-f', '{{.Id}}', writer);
    const cancelFolder = path.join(folder, 'cancel');
    const controller = new AbortController();
    let pausedDuring = '';
    const started = backupVolume(client, {
      volume: big, folder: cancelFolder, format: 'tar.gz', signal: controller.signal, pause: [writerId],
      onProgress: (p) => {
        if (p.bytes > 20_000_000 && !controller.signal.aborted) {
          pausedDuring = docker('inspect', '-f', '{{.State.Status}}', writer);
          controller.abort();
        }
      },
    });
    await assert.rejects(started, (e: unknown) => e instanceof EngineError && e.kind === 'cancelled' && /no file was left/.test(e.message));
    assert.equal(pausedDuring, 'paused', 'the writer was paused during the backup');
    assert.equal(docker('inspect', '-f', '{{.State.Status}}', writer), 'running', 'and resumed after the cancel');
    assert.deepEqual(readdirSync(cancelFolder), [], 'no archive, partial file or manifest');
    assertSameContents(listing(big), before);
  });

  test('cancel during a restore into a new volume removes that volume', async () => {
    const big = `${P}big`;
    const archive = (await backupVolume(client, { volume: big, folder, format: 'tar' })).archive;
    const target = `${P}cancelled-restore`;
    const controller = new AbortController();
    const running = restoreVolume(client, {
      archive, volume: target, signal: controller.signal,
      onProgress: (p) => { if (p.phase === 'restore' && p.bytes > 20_000_000) controller.abort(); },
    });
    await assert.rejects(running, (e: unknown) => e instanceof EngineError && e.kind === 'cancelled' && /new volume was removed/.test(e.message));
    assert.equal(volumeExists(target), false);
  });

  test('restore into an existing non-empty volume needs a choice; merge keeps, replace removes what was there', async () => {
    const archive = (await backupVolume(client, { volume: source, folder, format: 'tar.gz' })).archive;
    const target = makeVolume(`${P}existing`, ['keep=me']);
    inVolume(target, 'echo before > /data/extra.txt && mkdir /data/dir && echo old > /data/dir/a.txt');
    await assert.rejects(restoreVolume(client, { archive, volume: target }), TargetNotEmptyError);
    assert.equal(inVolume(target, 'cat /data/dir/a.txt').trim(), 'old', 'nothing was written without a choice');

    const merged = await restoreVolume(client, { archive, volume: target, mode: 'merge' });
    assert.equal(merged.mode, 'merge');
    const afterMerge = listing(target);
    assert.ok(afterMerge.entries.has('./extra.txt'), 'merge keeps files the archive does not have');
    assert.equal(inVolume(target, 'cat /data/dir/a.txt').trim(), 'hello', 'and overwrites those it has');

    const user = `${P}user`;
    docker('create', '--name', user, '-v', `${target}:/data`, TEST_IMAGE, 'true');
    await assert.rejects(restoreVolume(client, { archive, volume: target, mode: 'replace' }), (e: unknown) => e instanceof VolumeInUseError && e.users.some((u) => u.name === user));
    docker('rm', user);

    const replaced = await restoreVolume(client, { archive, volume: target, mode: 'replace' });
    assert.equal(replaced.mode, 'replace');
    assertSameContents(listing(target), expected);
    assert.equal(docker('volume', 'inspect', '-f', '{{index .Labels "keep"}}', target), 'me', 'replace keeps the volume\'s labels');
  });

  test('a changed archive does not match its manifest and nothing is restored', async () => {
    const result = await backupVolume(client, { volume: source, folder, format: 'tar' });
    const manifest = JSON.parse(await fs.readFile(manifestPathFor(result.archive), 'utf8'));
    manifest.archive.sha256 = '0'.repeat(64);
    await fs.writeFile(manifestPathFor(result.archive), JSON.stringify(manifest));
    const target = `${P}tampered`;
    await assert.rejects(restoreVolume(client, { archive: result.archive, volume: target }), ChecksumMismatchError);
    assert.equal(volumeExists(target), false);
  });

  suite('hostile archives are refused before anything is written', () => {
    const hostFile = `/tmp/dnvtest-escape-${RUN}`;
    const cases = hostileArchiveCases(hostFile);
    let target: string;
    let before: ReturnType<typeof listing>;

    suiteSetup(() => {
      target = makeVolume(`${P}hostile-target`);
      inVolume(target, 'echo precious > /data/precious.txt');
      before = listing(target);
    });

    for (const c of cases) {
      test(c.name, async () => {
        const archive = path.join(folder, `hostile-${c.name.replace(/\W+/g, '-')}.tar.gz`);
        await fs.writeFile(archive, zlib.gzipSync(await tarOf(c.entries)));
        const newTarget = `${P}hostile-new`;
        for (const [volume, mode] of [[target, 'merge'], [target, 'replace'], [newTarget, undefined]] as const) {
          await assert.rejects(restoreVolume(client, { archive, volume, mode }), (e: unknown) => {
            assert.ok(e instanceof UnsafeArchiveError, `UnsafeArchiveError, got ${String(e)}`);
            assert.match(e.message, c.reason);
            return true;
          });
        }
        assert.equal(volumeExists(newTarget), false, 'no volume was created');
        assertSameContents(listing(target), before);
        assert.equal(existsSync(hostFile), false, 'nothing written on this machine');
      });
    }
  });

  test('a backup says at once which entries a restore would refuse (device files, names that are not UTF-8, absolute links)', async () => {
    const odd = makeVolume(`${P}odd-entries`);
    inVolume(odd, `set -e; cd /data; echo ok > fine.txt; mknod null c 1 3; mkfifo pipe; touch "$(printf 'bad\\377name')"; touch "$(printf 'odd\\357\\277\\275name')"; ln -s /etc/passwd abs-link`);
    const result = await backupVolume(client, { volume: odd, folder, format: 'tar.gz' });
    const listed = await readManifest(result.archive);
    const reasons = Object.fromEntries((listed!.unrestorable?.entries ?? []).map((e) => [e.path.replace(/[^\x20-\x7e]+/g, '?'), e.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['abs-link', 'bad?name', 'null', 'odd?name'], 'the FIFO restores, the rest is listed');
    assert.match(reasons.null, /device file/);
    assert.match(reasons['bad?name'], /not valid UTF-8/);
    assert.match(reasons['abs-link'], /absolute path/);
    assert.equal(result.manifest.unrestorable?.count, 4, 'the result says so too');
    // And the restore indeed refuses it: the warning was true.
    await assert.rejects(restoreVolume(client, { archive: result.archive, volume: `${P}odd-restored` }), UnsafeArchiveError);
  });

  test('a FIFO restores as a FIFO (harmless: a node with no data that reaches nothing outside the volume)', async () => {
    const archive = path.join(folder, 'fifo.tar');
    await fs.writeFile(archive, await tarOf([{ name: 'd/', type: 'directory', mode: 0o755 }, { name: 'd/pipe', type: 'fifo', mode: 0o640 }, { name: 'd/file', body: 'x' }]));
    const target = `${P}fifo`;
    await restoreVolume(client, { archive, volume: target });
    assert.equal(inVolume(target, 'stat -c "%F %a" /data/d/pipe').trim(), 'fifo 640');
  });

  test('a manifest never chooses the new volume\'s driver or options; a caller may pass them explicitly', async () => {
    const result = await backupVolume(client, { volume: source, folder, format: 'tar' });
    const hostFolder = mkdtempSync(path.join(tmpdir(), 'dnvtest-bind-'));
    try {
      const target = `${P}from-hostile-manifest`;
      // A self-consistent manifest (the archive's hash is right) that names the target and binds it to a host folder.
      const manifest = JSON.parse(await fs.readFile(result.manifestPath, 'utf8'));
      manifest.volume = { ...manifest.volume, name: target, driver: 'local', options: { type: 'none', o: 'bind', device: hostFolder }, labels: { purpose: 'x', 'com.docker.compose.project': 'p' } };
      await fs.writeFile(result.manifestPath, JSON.stringify(manifest));
      const restored = await restoreVolume(client, { archive: result.archive, volume: target });
      assert.equal(restored.verified, true);
      assert.equal(docker('volume', 'inspect', '-f', '{{json .Options}}', target), '{}', 'a plain local volume');
      assert.equal(docker('volume', 'inspect', '-f', '{{json .Labels}}', target), '{"purpose":"x"}', 'labels without Compose\'s');
      assert.deepEqual(readdirSync(hostFolder), [], 'nothing written into the host folder');
      assertSameContents(listing(target), expected);

      const explicit = `${P}explicit-options`;
      await restoreVolume(client, { archive: result.archive, volume: explicit, create: { driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=20m' } } });
      assert.equal(docker('volume', 'inspect', '-f', '{{.Options.type}}', explicit), 'tmpfs', 'given options are used');
    } finally {
      rmSync(hostFolder, { recursive: true, force: true });
    }
  });

  test('a "new" volume made by someone else between the check and the create is neither written nor removed', async () => {
    const archive = (await backupVolume(client, { volume: source, folder, format: 'tar' })).archive;
    // Someone else creates the volume in the last moment, right before the restore's create (which the engine then
    // answers with their volume, without a word).
    const racing = (before: (name: string) => void) => new Proxy(client, {
      get(real, key) {
        if (key === 'createVolume') return (spec: { name: string }, opts: object) => { before(spec.name); return real.createVolume(spec, opts); };
        const value = Reflect.get(real, key, real);
        return typeof value === 'function' ? value.bind(real) : value;
      },
    });
    const other = `${P}raced-options`;
    await assert.rejects(restoreVolume(racing((name) => docker('volume', 'create', '--label', LABEL, '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=5m', name)), { archive, volume: other }),
      (e: unknown) => e instanceof TargetChangedError && /not the one asked for \(its driver options are/.test(e.message) && /left as it is/.test(e.message));
    assert.equal(docker('volume', 'inspect', '-f', '{{.Options.type}}', other), 'tmpfs', 'their volume stays, untouched');

    const written = `${P}raced-contents`;
    await assert.rejects(restoreVolume(racing((name) => { makeVolume(name); inVolume(name, 'echo theirs > /data/theirs.txt'); }), { archive, volume: written }),
      (e: unknown) => e instanceof TargetChangedError && /written into by something else/.test(e.message));
    assert.equal(inVolume(written, 'ls /data').trim(), 'theirs.txt', 'nothing was written into it');

    const appeared = `${P}raced-early`;
    await assert.rejects(restoreVolume(client, { archive, volume: appeared, confirmWrite: async () => { makeVolume(appeared); return true; } }),
      (e: unknown) => e instanceof TargetChangedError && /appeared while the archive was checked/.test(e.message));
    assert.ok(volumeExists(appeared));
  });

  test('the caller sees what the archive expands to before anything is written, and can decline', async () => {
    const result = await backupVolume(client, { volume: source, folder, format: 'tar.gz' });
    const target = `${P}declined`;
    const seen: RestoreSummary[] = [];
    await assert.rejects(restoreVolume(client, { archive: result.archive, volume: target, confirmWrite: async (s) => { seen.push(s); return false; } }),
      (e: unknown) => e instanceof EngineError && e.kind === 'cancelled' && /not confirmed: nothing was created or written/.test(e.message));
    assert.equal(volumeExists(target), false);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].counts, result.manifest.content, 'entries and expanded bytes, from the check');
    assert.equal(seen[0].mode, 'new');
    assert.equal(seen[0].verified, true);
    assert.deepEqual(seen[0].create, { labels: { purpose: 'roundtrip', [LABEL.split('=')[0]]: RUN } }, 'a plain local volume, with the backed-up labels');
  });

  test('what is written is what was checked, even when the archive file changes in between', async () => {
    const result = await backupVolume(client, { volume: source, folder, format: 'tar' });
    await fs.rm(result.manifestPath); // no manifest: nothing else would notice the swap
    const target = makeVolume(`${P}swapped`);
    inVolume(target, 'echo mine > /data/mine.txt');
    const restored = await restoreVolume(client, {
      archive: result.archive, volume: target, mode: 'merge',
      confirmWrite: async () => {
        // Checked as harmless, then replaced by one that overwrites a file the merge keeps.
        await fs.writeFile(result.archive, await tarOf([{ name: 'mine.txt', body: 'swapped' }, { name: 'dir/a.txt', body: 'swapped' }]));
        return true;
      },
    });
    assert.equal(restored.mode, 'merge');
    assert.equal(inVolume(target, 'cat /data/mine.txt /data/dir/a.txt').trim(), 'mine\nhello', 'the checked archive was written, not the swapped one');
  });

  suite('one pass into a new volume (onePassUnless): written while checked, and removed again when a check fails', () => {
    const hostFile = `/tmp/dnvtest-escape-one-pass-${RUN}`;
    const notAsked = async (): Promise<boolean> => { throw new Error('confirmWrite was asked for a write that needs no question'); };
    // A source of its own: this suite runs after the outer one's tests, and a volume nobody uses may be pruned meanwhile
    // by another suite sharing the engine.
    const ownSource = `${P}one-pass-source`;
    let ownExpected: ReturnType<typeof listing>;
    suiteSetup(() => {
      inVolume(makeVolume(ownSource), FILL);
      ownExpected = listing(ownSource);
    });

    for (const { format, title } of formats) {
      test(`round trip, the archive read once: ${title}`, async function () {
        if (!zstdAvailable() && format === 'tar.zst') this.skip();
        const result = await backupVolume(client, { volume: ownSource, folder, format });
        const target = `${P}one-pass-${format.replace('.', '-')}`;
        const phases = new Set<string>();
        const restored = await restoreVolume(client, {
          archive: result.archive, volume: target, onePassUnless: needsWriteQuestion, confirmWrite: notAsked, onProgress: (p) => phases.add(p.phase),
        });
        assert.deepEqual([...phases], ['restore'], 'no separate check pass');
        assert.equal(restored.mode, 'new');
        assert.equal(restored.verified, true);
        assert.deepEqual(restored.counts, result.manifest.content);
        assertSameContents(listing(target), ownExpected);
        docker('volume', 'rm', target);
      });
    }

    for (const c of hostileArchiveCases(hostFile)) {
      test(`hostile: ${c.name}, after 2 MB already written`, async () => {
        // A harmless file first, so the upload has written something before the refusal and the volume must go.
        const archive = path.join(folder, `one-pass-hostile-${c.name.replace(/\W+/g, '-')}.tar.gz`);
        await fs.writeFile(archive, zlib.gzipSync(await tarOf([{ name: 'zz-first.bin', body: randomBytes(1 << 20).toString('hex') }, ...c.entries])));
        const target = `${P}one-pass-hostile`;
        await assert.rejects(restoreVolume(client, { archive, volume: target, onePassUnless: needsWriteQuestion, confirmWrite: notAsked }), (e: unknown) => {
          assert.ok(e instanceof UnsafeArchiveError, `UnsafeArchiveError, got ${String(e)}`);
          assert.match(e.message, c.reason);
          assert.match(e.message, /\(the new volume was removed\)\.$/);
          assert.doesNotMatch(e.message, /Nothing was written/, 'something was, and then removed');
          return true;
        });
        assert.equal(volumeExists(target), false, 'the volume is as before: absent');
        assert.equal(existsSync(hostFile), false, 'nothing written on this machine');
      });
    }

    test('a sha256 that differs from the manifest\'s, a cut archive, a cancel: the new volume is removed', async () => {
      const result = await backupVolume(client, { volume: ownSource, folder, format: 'tar.gz' });
      const manifest = JSON.parse(await fs.readFile(result.manifestPath, 'utf8'));
      manifest.archive.sha256 = '0'.repeat(64);
      await fs.writeFile(result.manifestPath, JSON.stringify(manifest));
      const target = `${P}one-pass-failed`;
      await assert.rejects(restoreVolume(client, { archive: result.archive, volume: target, onePassUnless: needsWriteQuestion }),
        (e: unknown) => e instanceof ChecksumMismatchError && /does not match its manifest.*\(the new volume was removed\)\.$/.test(e.message));
      assert.equal(volumeExists(target), false, 'mismatch: removed');

      const whole = await fs.readFile(result.archive);
      const cut = path.join(folder, 'one-pass-cut.tar.gz');
      await fs.writeFile(cut, whole.subarray(0, whole.length - 1000));
      await assert.rejects(restoreVolume(client, { archive: cut, volume: target, onePassUnless: needsWriteQuestion }),
        (e: unknown) => e instanceof DamagedArchiveError && /cut short.*\(the new volume was removed\)\.$/.test(e.message));
      assert.equal(volumeExists(target), false, 'cut: removed');

      if (!volumeExists(`${P}big`)) inVolume(makeVolume(`${P}big`), 'head -c 60000000 /dev/urandom > /data/blob');
      const big = (await backupVolume(client, { volume: `${P}big`, folder, format: 'tar' })).archive;
      const controller = new AbortController();
      await assert.rejects(restoreVolume(client, {
        archive: big, volume: target, signal: controller.signal, onePassUnless: needsWriteQuestion,
        onProgress: (p) => { if (p.bytes > 20_000_000) controller.abort(); },
      }), (e: unknown) => e instanceof EngineError && e.kind === 'cancelled' && /new volume was removed/.test(e.message));
      assert.equal(volumeExists(target), false, 'cancel: removed');
    });

    test('a write that needs the question is checked whole first: the caller is asked with the whole counts', async () => {
      const result = await backupVolume(client, { volume: ownSource, folder, format: 'tar' });
      const asksAbove100KB = (counts: { bytes: number }) => counts.bytes > 100_000;
      // With a manifest that says so, the one pass is not even started.
      const target = `${P}one-pass-asks`;
      let phases: string[] = [];
      const seen: RestoreSummary[] = [];
      await assert.rejects(restoreVolume(client, {
        archive: result.archive, volume: target, onePassUnless: asksAbove100KB, onProgress: (p) => phases.push(p.phase),
        confirmWrite: async (s) => { seen.push(s); return false; },
      }), (e: unknown) => e instanceof EngineError && /not confirmed: nothing was created or written/.test(e.message));
      assert.equal(phases[0], 'check', 'checked first');
      assert.deepEqual(seen[0].counts, result.manifest.content, 'asked with the whole counts');
      assert.equal(volumeExists(target), false);

      // Without a manifest the pass stops where the expansion crosses the line, removes its volume, and checks first.
      await fs.rm(result.manifestPath);
      phases = [];
      const restored = await restoreVolume(client, {
        archive: result.archive, volume: target, onePassUnless: asksAbove100KB, onProgress: (p) => phases.push(p.phase),
        confirmWrite: async (s) => { seen.push(s); assert.equal(volumeExists(target), false, 'the abandoned pass left no volume'); return true; },
      });
      assert.equal(phases[0], 'restore', 'the one pass started');
      assert.ok(phases.includes('check'), 'then the whole check');
      assert.equal(seen.length, 2);
      assert.deepEqual(seen[1].counts, result.manifest.content);
      assert.equal(restored.mode, 'new');
      assertSameContents(listing(target), ownExpected);
    });
  });

  test('damaged archives and manifests: the message names the file and says nothing was written, in plain words', async () => {
    const good = zlib.gzipSync(await tarOf([{ name: 'a.txt', body: 'x'.repeat(100_000) }, { name: 'b.txt', body: randomBytes(50_000).toString('hex') }]));
    const cut = path.join(folder, 'cut.tar.gz');
    await fs.writeFile(cut, good.subarray(0, Math.floor(good.length / 2)));
    const flipped = path.join(folder, 'flipped.tar.gz');
    const changed = Buffer.from(good);
    changed[Math.floor(changed.length / 2)] ^= 0xff;
    await fs.writeFile(flipped, changed);
    const notTar = path.join(folder, 'not-tar.tar');
    await fs.writeFile(notTar, Buffer.alloc(4096, 'x'));
    const badManifest = path.join(folder, 'bad-manifest.tar.gz');
    await fs.writeFile(badManifest, good);
    await fs.writeFile(manifestPathFor(badManifest), '{"kind": "docker-networks-volumes/volume-backup", ');
    const target = `${P}damaged`;
    const missing = path.join(folder, 'missing.tar.gz');
    for (const [archive, words] of [[cut, /cut short/], [flipped, /does not check out|not a tar entry/], [notTar, /not a \.tar/], [badManifest, /manifest\.json is damaged \(not valid JSON\)/], [missing, /does not exist/]] as const) {
      await assert.rejects(restoreVolume(client, { archive, volume: target }), (e: unknown) => {
        const message = (e as Error).message;
        assert.ok(message.includes(archive), `names ${archive}: ${message}`);
        assert.match(message, words);
        assert.match(message, /Nothing was written/);
        assert.doesNotMatch(message, /unexpected end of file|incorrect data check|invalid stored block|position \d|Unexpected (token|end of JSON)|ENOENT/i, 'no raw library words');
        return true;
      });
      assert.equal(volumeExists(target), false, `${path.basename(archive)}: no volume was created`);
    }
  });

  test('a write that fails says what is really left: the new volume is looked for, not assumed removed', async () => {
    const archive = (await backupVolume(client, { volume: source, folder, format: 'tar' })).archive;
    const target = `${P}engine-gone`;
    // The engine "dies" mid-upload and cannot remove the volume afterwards; inspecting it still works.
    const dying = new Proxy(client, {
      get(real, key) {
        if (key === 'removeVolume') return async () => { throw new EngineError('unreachable', 'Cannot reach the engine (test)', real.label); };
        if (key === 'putArchive') {
          return (id: string, at: string, body: Readable, opts: { signal?: AbortSignal }) => {
            let sent = 0;
            const cut = new Readable({ read() { /* fed below */ } });
            body.on('data', (chunk: Buffer) => {
              sent += chunk.length;
              if (sent > 200_000) { body.destroy(); cut.destroy(new Error('socket hang up')); } else cut.push(chunk);
            });
            return real.putArchive(id, at, cut, opts);
          };
        }
        const value = Reflect.get(real, key, real);
        return typeof value === 'function' ? value.bind(real) : value;
      },
    });
    await assert.rejects(restoreVolume(dying, { archive, volume: target }), (e: unknown) => {
      assert.ok((e as Error).message.includes(archive), 'names the archive');
      assert.match((e as Error).message, new RegExp(`the new volume ${target} is still there and may hold part of the archive: removing it failed \\(Cannot reach the engine`));
      return true;
    });
    assert.ok(volumeExists(target), 'and it is indeed still there');
  });

  test('backup -> restore -> backup is exact for everything the archive stream carries, binary file capabilities included', async () => {
    // cap_setuid+ep as the kernel stores it (vfs_cap_data v2): not valid UTF-8, so any text round trip breaks it.
    const capability = Buffer.from('0100000280000000800000000000000000000000', 'hex');
    const seeded = path.join(folder, 'capability.tar');
    await fs.writeFile(seeded, await rawPaxTar([{ name: 'bin/tool', body: 'elf', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': capability } }]));
    const first = `${P}caps-first`;
    await restoreVolume(client, { archive: seeded, volume: first });
    inVolume(first, FILL);
    const record = Buffer.concat([Buffer.from(' SCHILY.xattr.security.capability='), capability, Buffer.from('\n')]);

    const backup1 = await backupVolume(client, { volume: first, folder, format: 'tar' });
    assert.ok((await fs.readFile(backup1.archive)).includes(record), 'the engine hands the capability out byte for byte');
    const second = `${P}caps-second`;
    await restoreVolume(client, { archive: backup1.archive, volume: second });
    const backup2 = await backupVolume(client, { volume: second, folder, format: 'tar' });
    assert.ok((await fs.readFile(backup2.archive)).includes(record), 'and takes it back byte for byte');
    const [one, two] = [await tarEntries(backup1.archive), await tarEntries(backup2.archive)];
    assert.ok(one.length >= expected.entries.size);
    assert.deepEqual(two, one, 'every entry: name, type, mode, owner, mtime, link, PAX records (as bytes), content hash');
  });

  test('docs/BACKUP.md says what survives a backup and restore on this engine, and it is so', async () => {
    const doc = await fs.readFile(path.join(__dirname, '../../../docs/BACKUP.md'), 'utf8');
    const kept = doc.match(/<!-- kept -->([\s\S]*?)<!-- \/kept -->/)?.[1] ?? '';
    const lost = doc.match(/<!-- lost -->([\s\S]*?)<!-- \/lost -->/)?.[1] ?? '';
    for (const claim of ['whole seconds', 'security.capability', 'setuid', 'numeric owner', 'hardlinks', 'FIFO']) assert.match(kept, new RegExp(claim.replace('.', '\\.')), `the doc says it keeps: ${claim}`);
    for (const claim of ['sub-second', 'user.', 'access', 'ACL']) assert.match(lost, new RegExp(claim.replace('.', '\\.')), `the doc says it loses: ${claim}`);

    const seeded = path.join(folder, 'times-and-xattrs.tar');
    await fs.writeFile(seeded, await rawPaxTar([
      { name: 'f', body: 'x', mode: 0o4755, uid: 4321, gid: 8765, pax: { mtime: '1500000000.123456789', atime: '1500000001.5', 'SCHILY.xattr.user.note': 'hello', 'SCHILY.xattr.system.posix_acl_access': Buffer.from('0200000001000600ffffffff04000400ffffffff20000400ffffffff', 'hex') } },
      { name: 'pipe', type: 'fifo', mode: 0o600 },
    ]));
    const volume = `${P}what-survives`;
    await restoreVolume(client, { archive: seeded, volume });
    // Written into the volume as given (the engine applies PAX times on extraction)...
    assert.equal(inVolume(volume, 'stat -c "%y|%x" /data/f').trim(), '2017-07-14 02:40:00.123456789 +0000|2017-07-14 02:40:01.500000000 +0000');
    // ...but the engine's archive stream, which every backup reads, carries only this:
    const backup = await backupVolume(client, { volume, folder, format: 'tar' });
    const entries = await tarEntries(backup.archive);
    const f = entries.find((e) => e.name === './f')!;
    assert.equal(f.mtime, '2017-07-14T02:40:00.000Z', 'whole seconds');
    assert.deepEqual(Object.keys(f.pax), [], 'no user.* xattr, no ACL, no access time');
    assert.equal(f.mode & 0o7777, 0o4755, 'setuid kept');
    assert.deepEqual([f.uid, f.gid], [4321, 8765]);
    assert.equal(entries.find((e) => e.name === './pipe')?.type, 'fifo');
  });

  test('guard fuzz: random trees of folders, files, symlinks and hardlinks; nothing the guard accepts escapes a real extraction', async function () {
    this.timeout(300_000);
    // (busybox's readlink -f makes up a path for a link that leads nowhere: only links that resolve are judged.)
    // Each accepted archive is extracted as it is (not the restore's re-encoded copy, which only has canonical
    // paths) by busybox tar into its own folder of a throw-away container: the kernel follows every symlink of the
    // archive there. Every name made carries the M- prefix, so one that lands outside its folder is found by name.
    const seed = Number(process.env.DNV_FUZZ_SEED ?? randomBytes(4).readUInt32LE(0));
    let state = seed || 1;
    const random = (n: number) => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; return (state >>> 0) % n; };
    const pick = <T>(items: readonly T[]) => items[random(items.length)];
    const names = ['M-a', 'M-b', 'M-c'];
    const name = () => Array.from({ length: 1 + random(3) }, () => pick(names)).join('/');
    const target = () => Array.from({ length: 1 + random(4) }, () => pick([...names, '..', '.'])).join('/');
    const archives: Array<{ index: number; entries: TarEntry[] }> = [];
    let refused = 0;
    const rounds = 600;
    for (let index = 0; index < rounds; index++) {
      const entries: TarEntry[] = [];
      const made: string[] = [];
      for (let i = 0, n = 3 + random(10); i < n; i++) {
        const kind = random(100);
        const entry: TarEntry = kind < 25 ? { name: name(), type: 'directory' }
          : kind < 55 ? { name: name(), body: 'x' }
            : kind < 85 ? { name: name(), type: 'symlink', linkname: target() }
              : { name: name(), type: 'link', linkname: made.length ? pick(made) : name() };
        entries.push(entry);
        made.push(entry.name);
      }
      // The guard's verdict on the headers tar-stream will read back.
      const guard = new TarGuard();
      try {
        for (const e of entries) guard.check({ mode: 0o644, uid: 0, gid: 0, size: 0, mtime: new Date(0), linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0, type: 'file', ...e } as never);
        guard.finish();
        archives.push({ index, entries });
      } catch (e) {
        if (!(e instanceof UnsafeArchiveError)) throw e;
        refused++;
      }
    }
    const fuzz = mkdtempSync(path.join(tmpdir(), 'dnvtest-fuzz-'));
    try {
      for (const a of archives) await fs.writeFile(path.join(fuzz, `${a.index}.tar`), await tarOf(a.entries));
      const script = `cd /in; for f in *.tar; do n=\${f%.tar}; mkdir -p /x/$n; tar xf /in/$f -C /x/$n 2>/dev/null; done
        find / -path /proc -prune -o -path /sys -prune -o -path /in -prune -o -name 'M-*' -print | while read -r p; do case "$p" in /x/*/M-*) ;; *) echo "ESCAPED $p";; esac; done
        for d in /x/*; do find "$d" -type l | while read -r l; do [ -e "$l" ] && r=$(readlink -f "$l") && case "$r" in "$d"|"$d"/*) ;; *) echo "LINK $l -> $r";; esac; done; done
        echo done`;
      const out = execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${fuzz}:/in:ro`, TEST_IMAGE, 'sh', '-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const escapes = out.split('\n').filter((l) => l.startsWith('ESCAPED') || l.startsWith('LINK'));
      console.log(`      [figure] fuzz seed ${seed}: ${archives.length} accepted, ${refused} refused of ${rounds}`);
      assert.ok(out.trim().endsWith('done'), out);
      const culprit = (line: string) => archives.find((a) => line.includes(`/x/${a.index}/`))?.entries;
      assert.deepEqual(escapes, [], `seed ${seed} (DNV_FUZZ_SEED): ${escapes.slice(0, 3).map((l) => `${l} from ${JSON.stringify(culprit(l))}`).join('\n')}`);
      assert.ok(archives.length >= rounds / 20 && refused >= rounds / 20, 'both verdicts are exercised');
    } finally {
      rmSync(fuzz, { recursive: true, force: true });
    }
  });

  test('an upload longer than the client\'s 5 s connection timeout is not cut off', async () => {
    // The engine answers a PUT of an archive only after the whole body: a slow body must not be mistaken for a
    // connection that never came up.
    const target = makeVolume(`${P}slow-upload`);
    const p = pack();
    const body = p.entry({ name: 'slow.bin', size: 64 * 1024 * 70, mode: 0o644, mtime: new Date(0) });
    let sent = 0;
    const timer = setInterval(() => {
      body.write(Buffer.alloc(64 * 1024, sent));
      if (++sent === 70) { clearInterval(timer); body.end(undefined); p.finalize(); }
    }, 100);
    const started = Date.now();
    await withHelper(client, [{ volume: target, readOnly: false }], (id) => client.putArchive(id, '/data', Readable.from(p)));
    assert.ok(Date.now() - started > 6_000, 'the upload took longer than the connection timeout');
    assert.equal(inVolume(target, 'stat -c %s /data/slow.bin').trim(), String(64 * 1024 * 70));
  });

  test('clone copies a volume engine-side, file by file', async () => {
    const target = `${P}clone`;
    const result = await cloneVolume(client, { source, target });
    assert.ok(result.bytes > 500_000);
    assertSameContents(listing(target), expected);
    assert.equal(docker('volume', 'inspect', '-f', '{{index .Labels "purpose"}}', target), 'roundtrip');
    await assert.rejects(cloneVolume(client, { source, target }), VolumeExistsError);
  });
});

suite('volume create, remove and prune on a real engine', function () {
  this.timeout(60_000);
  let client: EngineClient;

  suiteSetup(async () => {
    client = new EngineClient(resolveEndpoint());
    await client.negotiate();
  });

  suiteTeardown(() => cleanup());

  test('create sets driver options and labels, and refuses an existing name', async () => {
    const name = `${P}created`;
    const v = await createVolume(client, { name, driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' }, labels: { [LABEL.split('=')[0]]: RUN, tier: 'cache' } });
    assert.equal(v.Options?.type, 'tmpfs');
    assert.equal(v.Labels?.tier, 'cache');
    await assert.rejects(createVolume(client, { name }), VolumeExistsError);
    await assert.rejects(createVolume(client, { name: '-bad name' }), /not a valid volume name/);
    docker('volume', 'rm', name);
  });

  test('remove refuses a volume in use and lists its containers; removes it once free', async () => {
    const name = makeVolume(`${P}in-use`);
    docker('create', '--name', `${P}stopped-user`, '-v', `${name}:/data`, TEST_IMAGE, 'true');
    docker('run', '-d', '--name', `${P}running-user`, '-v', `${name}:/data:ro`, TEST_IMAGE, 'sleep', '600');
    await assert.rejects(removeVolume(client, name), (e: unknown) => {
      assert.ok(e instanceof VolumeInUseError);
      assert.deepEqual(e.users.map((u) => `${u.name} ${u.state}`).sort(), [`${P}running-user running`, `${P}stopped-user created`]);
      assert.match(e.message, /in use by 2 container\(s\).*running-user \(running\).*It was not removed/);
      return true;
    });
    assert.ok(volumeExists(name));
    docker('rm', '-f', `${P}stopped-user`, `${P}running-user`);
    await removeVolume(client, name);
    assert.equal(volumeExists(name), false);
  });

  test('prune preview tells anonymous from named, keeps used and protected ones, and equals what was removed', async () => {
    const named = [makeVolume(`${P}prune-a`), makeVolume(`${P}prune-b`)];
    const anonymous = docker('volume', 'create', '--label', LABEL); // no name: the engine makes a 64-hex one
    const used = makeVolume(`${P}prune-used`);
    const kept = makeVolume(`${P}prune-protected`);
    docker('create', '--name', `${P}prune-user`, '-v', `${used}:/data`, TEST_IMAGE, 'true');
    inVolume(named[0], 'head -c 100000 /dev/zero > /data/blob');

    const preview = await volumePrunePreview(client, { labels: [LABEL], protected: new Map([[kept, 'used by compose.yaml']]) });
    assert.deepEqual(preview.anonymous.map((c) => c.name), [anonymous]);
    assert.deepEqual(preview.named.map((c) => c.name), named);
    assert.deepEqual(preview.protected.map((c) => [c.name, c.protectedBecause]), [[kept, 'used by compose.yaml']]);
    assert.ok(preview.sizesKnown);
    assert.ok((preview.named[0].size ?? 0) >= 100_000, 'sizes from disk usage');

    const outcome = await pruneVolumes(client, [...preview.anonymous, ...preview.named]);
    assert.deepEqual(outcome.removed.sort(), [anonymous, ...named].sort(), 'removed exactly the preview');
    assert.deepEqual(outcome.skipped, []);
    assert.ok(outcome.spaceFreed >= 100_000);
    for (const v of [anonymous, ...named]) assert.equal(volumeExists(v), false, v);
    assert.ok(volumeExists(used) && volumeExists(kept), 'used and protected volumes stay');
    docker('rm', `${P}prune-user`);
  });

  test("the engine's own prune, asked for named volumes the way this engine's API wants, removes what the preview shows", async () => {
    const scope = `dnvtest-vol-prune=${RUN}`;
    const names = [makeVolume(`${P}engine-prune-a`, [scope]), makeVolume(`${P}engine-prune-b`, [scope])];
    const preview = planVolumePrune(await client.listVolumes(), await client.listContainers(), undefined, { labels: [scope] });
    assert.deepEqual(preview.named.map((c) => c.name), names);
    const result = await client.pruneVolumes({ all: true, labels: [scope] });
    assert.deepEqual(result.deleted.sort(), [...preview.anonymous, ...preview.named].map((c) => c.name).sort());
  });
});

suite('scheduled backups on a real engine', function () {
  this.timeout(120_000);
  let client: EngineClient;
  let folder: string;
  const volume = `${P}scheduled`;
  const other = `${P}scheduled-other`;

  suiteSetup(async () => {
    client = new EngineClient(resolveEndpoint());
    await client.negotiate();
    folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-schedule-'));
    makeVolume(volume);
    makeVolume(other);
    inVolume(volume, 'echo one > /data/a');
    inVolume(other, 'echo two > /data/b');
  });

  suiteTeardown(() => {
    cleanup();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const settings = (over: Partial<ScheduleSettings> = {}): ScheduleSettings =>
    ({ volumes: [volume, other], interval: 'daily', keep: 2, folder, format: 'tar.gz', pauseWriters: false, ...over });

  test('a first pass backs up every volume (none has a scheduled backup); the next finds nothing due', async () => {
    const first = await runScheduledBackups(client, settings());
    assert.deepEqual(first.map((o) => [o.volume, o.status]), [[volume, 'backed-up'], [other, 'backed-up']]);
    for (const o of first) {
      assert.equal(o.result!.manifest.scheduled, true, 'the manifest says the schedule made it');
      assert.ok(Math.abs(o.nextDue - (Date.parse(o.result!.manifest.created) + INTERVAL_MS.daily)) < 1000);
    }
    const second = await runScheduledBackups(client, settings());
    assert.deepEqual(second.map((o) => o.status), ['not-due', 'not-due']);
    assert.deepEqual(second.map((o) => o.last?.toISOString()), first.map((o) => o.result!.manifest.created), 'each says when its last scheduled backup was made');
    assert.equal((await listBackups(folder, volume)).length, 1);
  });

  test('forced passes keep the newest N scheduled backups and never a backup made by hand', async () => {
    const manual = await backupVolume(client, { volume, folder, format: 'tar' });
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1100)); // archive names have one-second timestamps
      const [outcome] = await runScheduledBackups(client, settings({ volumes: [volume] }), { force: true });
      assert.equal(outcome.status, 'backed-up');
      made.push(outcome.result!.archive);
    }
    const left = await listBackups(folder, volume);
    assert.deepEqual(left.filter((b) => b.scheduled).map((b) => b.archive), [made[2], made[1]], 'the newest two scheduled ones');
    assert.ok(left.some((b) => b.archive === manual.archive), 'the backup made by hand stays');
    assert.ok(!existsSync(manifestPathFor(made[0])), 'deleted with its manifest');
    assert.equal((await listBackups(folder, other)).length, 1, 'another volume\'s backups are untouched');
  });

  test('a volume that is gone is reported and the others are still backed up', async () => {
    const [gone, present] = await runScheduledBackups(client, settings({ volumes: [`${P}no-such-volume`, other] }), { force: true });
    assert.equal(gone.status, 'missing');
    assert.equal(present.status, 'backed-up');
  });

  test('a backup that fails (the folder is a file) is reported and retried only after a pause', async () => {
    const blocked = path.join(folder, 'not-a-folder');
    await fs.writeFile(blocked, 'x');
    const [failed] = await runScheduledBackups(client, settings({ volumes: [volume], folder: blocked }), { force: true });
    assert.equal(failed.status, 'failed');
    assert.match(String((failed.error as Error).message), /ENOTDIR|EEXIST|not a directory/i);
    assert.ok(failed.nextDue >= Date.now() + RETRY_AFTER_FAILURE_MS - 5_000, 'not retried at once');
  });
});
