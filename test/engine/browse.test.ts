/**
 * The volume browser's core against the real engine: listing, stat, read, a folder of 10,000 files, hostile
 * entries (names with newlines, symlinks leading out, fifo, device), a volume in use by a running container, and
 * the helper's lifetime. The volumes are filled by test/busybox:1 containers, never by the code under test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { HELPER_KIND, HELPER_LABEL } from '../../src/engine/helperLabels';
import { recoverStaleHelpers } from '../../src/backup/recovery';
import { modeString, parseListing } from '../../src/browse/listing';
import { BrowseError, findHelperImage, VolumeBrowseSession } from '../../src/browse/session';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { docker, TEST_IMAGE } from '../support/docker';
import { startPodmanService, type PodmanEngine } from '../support/remoteEngines';

const RUN = randomBytes(3).toString('hex');
const P = `dnvtest-browse-${RUN}-`;

function inVolume(volume: string, script: string, extra: string[] = []): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${volume}:/data`, ...extra, TEST_IMAGE, 'sh', '-c', script], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20,
  });
}

function helpersOf(volume: string): string[] {
  const out = docker('ps', '-a', '--filter', `label=${HELPER_LABEL}=${HELPER_KIND.browse}`, '--filter', `volume=${volume}`, '--format', '{{.ID}}');
  return out.split('\n').filter(Boolean);
}

suite('volume browser (engine)', function () {
  this.timeout(180_000);
  let client: EngineClient;
  const volumes: string[] = [];
  const sessions: VolumeBrowseSession[] = [];
  const containers: string[] = [];

  function volume(suffix: string, script: string): string {
    const name = `${P}${suffix}`;
    docker('volume', 'create', name);
    volumes.push(name);
    inVolume(name, script);
    return name;
  }
  function session(name: string, idleMs?: number): VolumeBrowseSession {
    const s = new VolumeBrowseSession(client, name, TEST_IMAGE, { idleMs, maxReadBytes: 1024 * 1024 });
    sessions.push(s);
    return s;
  }

  suiteSetup(async () => {
    client = new EngineClient(resolveEndpoint());
    await client.negotiate();
  });

  suiteTeardown(async () => {
    for (const s of sessions) await s.dispose();
    for (const c of containers) { try { docker('rm', '-f', c); } catch { /* gone */ } }
    for (const v of volumes) { try { docker('volume', 'rm', '-f', v); } catch { /* gone */ } }
    client?.close();
  });

  test('the helper image is one the engine has; a missing one is not pulled', async () => {
    assert.equal(await findHelperImage(client, [`dnvtest-no-such-image-${RUN}:1`, TEST_IMAGE]), TEST_IMAGE);
    assert.equal(await findHelperImage(client, [`dnvtest-no-such-image-${RUN}:1`]), undefined);
    assert.throws(() => docker('image', 'inspect', `dnvtest-no-such-image-${RUN}:1`));
  });

  test('lists a folder with sizes, modes, owners and times as stat in another container sees them', async () => {
    const name = volume('basic', `set -e; cd /data; mkdir -p dir/sub; echo hello > dir/a.txt; chown 1234:5678 dir/a.txt; chmod 4750 dir/a.txt
      touch -d '2021-03-04 05:06:07' dir/a.txt; head -c 3000 /dev/urandom > dir/b.bin; ln -s a.txt dir/link; echo root > top.txt`);
    const s = session(name);
    const root = await s.list('');
    assert.deepEqual(root.map((e) => e.name).sort(), ['dir', 'top.txt']);
    const dir = await s.list('dir');
    const byName = new Map(dir.map((e) => [e.name, e]));
    assert.deepEqual([...byName.keys()].sort(), ['a.txt', 'b.bin', 'link', 'sub']);
    const a = byName.get('a.txt')!;
    const expected = inVolume(name, "stat -c '%s %a %u %g %Y' /data/dir/a.txt").trim().split(' ');
    assert.deepEqual([a.size, a.mode.toString(8), a.uid, a.gid, a.mtimeMs / 1000].map(String), expected);
    assert.equal(a.kind, 'file');
    assert.equal(modeString(a.kind, a.mode), '-rwsr-x---');
    assert.equal(byName.get('sub')!.kind, 'dir');
    const link = byName.get('link')!;
    assert.equal(link.kind, 'symlink');
    assert.equal(link.linkTarget, 'a.txt');
    assert.equal(link.linkResolved, 'dir/a.txt');
    assert.equal(link.linkKind, 'file');
    assert.equal((await s.stat('dir/a.txt')).size, 6);
    assert.equal((await s.stat('')).kind, 'dir');
    assert.equal(Buffer.from(await s.readFile('dir/a.txt')).toString(), 'hello\n');
    assert.equal(Buffer.from(await s.readFile('dir/link')).toString(), 'hello\n');
    const bin = Buffer.from(await s.readFile('dir/b.bin'));
    assert.equal(bin.length, 3000);
    assert.equal(execFileSync('sha256sum', { input: bin }).toString().split(' ')[0],
      inVolume(name, 'sha256sum /data/dir/b.bin').split(' ')[0]);
    await assert.rejects(s.list('nope'), (e: BrowseError) => e.kind === 'notFound');
    await assert.rejects(s.list('top.txt'), (e: BrowseError) => e.kind === 'notFolder');
    await assert.rejects(s.readFile('dir'), (e: BrowseError) => e.kind === 'notFile');
    await assert.rejects(s.list('../etc'), /Not a path inside the volume/);
  });

  test('hostile entries: newlines and control characters in names, symlinks out, fifo, device, huge file', async () => {
    const name = volume('hostile', `set -e; cd /data; printf x > "$(printf 'new\\nline')"; printf y > "$(printf 'tab\\tand\\033esc')"
      printf z > 'ends-with-newline
'; mkdir 'dir
with newline'; echo inner > 'dir
with newline/f'
      ln -s /etc abs-out; ln -s ../../../../etc rel-out; ln -s nowhere dangling; ln -s . self; mkdir d; ln -s .. d/up
      mkfifo fifo; mknod null c 1 3; truncate -s 2000000 big; echo 'a/b' > 'slash-looking'; touch -- '-rf' ' ' '..."'`);
    const s = session(name);
    const entries = await s.list('');
    const names = entries.map((e) => e.name).sort();
    const expected = ['new\nline', 'tab\tand\x1besc', 'ends-with-newline\n', 'dir\nwith newline', 'abs-out', 'rel-out', 'dangling', 'self', 'd', 'fifo', 'null', 'big', 'slash-looking', '-rf', ' ', '..."'].sort();
    assert.deepEqual(names, expected);
    const by = new Map(entries.map((e) => [e.name, e]));
    assert.equal(by.get('fifo')!.kind, 'fifo');
    assert.equal(by.get('null')!.kind, 'char');
    assert.equal(by.get('abs-out')!.linkTarget, '/etc');
    assert.equal(by.get('abs-out')!.linkResolved, undefined, 'a link to /etc leads outside the volume');
    assert.equal(by.get('rel-out')!.linkResolved, undefined);
    assert.equal(by.get('dangling')!.linkResolved, undefined);
    assert.equal(by.get('self')!.linkResolved, '');
    assert.equal(by.get('self')!.linkKind, 'dir');
    assert.deepEqual((await s.list('dir\nwith newline')).map((e) => e.name), ['f']);
    assert.equal(Buffer.from(await s.readFile('new\nline')).toString(), 'x');
    assert.equal(Buffer.from(await s.readFile('ends-with-newline\n')).toString(), 'z');
    await assert.rejects(s.list('abs-out'), (e: BrowseError) => e.kind === 'outside');
    await assert.rejects(s.readFile('abs-out/passwd'), (e: BrowseError) => e.kind === 'outside' || e.kind === 'notFound');
    await assert.rejects(s.list('rel-out'), (e: BrowseError) => e.kind === 'outside');
    await assert.rejects(s.list('d/up/..'), /Not a path inside the volume/);
    assert.deepEqual((await s.list('d/up')).map((e) => e.name).sort(), expected, 'a link to the volume root lists the root');
    await assert.rejects(s.readFile('fifo'), (e: BrowseError) => e.kind === 'notFile', 'a fifo is not read (it would block)');
    await assert.rejects(s.readFile('null'), (e: BrowseError) => e.kind === 'notFile');
    await assert.rejects(s.readFile('big'), (e: BrowseError) => e.kind === 'tooLarge' && e.size === 2_000_000);
    await assert.rejects(s.readFile('dangling'), (e: BrowseError) => e.kind === 'outside');
  });

  test('a folder of 10,000 files lists completely, in a volume that is in use by a running container', async () => {
    const name = volume('big', 'set -e; mkdir /data/many; cd /data/many; i=0; while [ $i -lt 10000 ]; do : > "f-$i"; i=$((i+1)); done; head -c 5000000 /dev/urandom > /data/blob');
    const runner = `${P}runner`;
    docker('run', '-d', '--name', runner, '--network', 'none', '-v', `${name}:/data`, TEST_IMAGE, 'sleep', '600');
    containers.push(runner);
    const s = session(name);
    const started = performance.now();
    const entries = await s.list('many');
    const ms = performance.now() - started;
    assert.equal(entries.length, 10_000);
    assert.equal(new Set(entries.map((e) => e.name)).size, 10_000);
    assert.ok(entries.every((e) => e.kind === 'file' && e.size === 0));
    const again = performance.now();
    await s.list('many');
    console.log(`      10,000 entries: first listing (with helper start) ${ms.toFixed(0)} ms, next ${(performance.now() - again).toFixed(0)} ms`);
    // The running container writes; the browser sees it on the next listing, and its mount is read-only.
    docker('exec', runner, 'sh', '-c', 'echo new > /data/many/written-while-browsing');
    assert.ok((await s.list('many')).some((e) => e.name === 'written-while-browsing'));
    const helper = (await s.helperId())!;
    assert.throws(() => docker('exec', helper, 'sh', '-c', 'echo x > /data/nope'), /Read-only file system/);
    assert.equal(docker('inspect', '-f', '{{.State.Running}}', runner).trim(), 'true');
  });

  test('the helper is removed when idle and made again on the next request; recovery leaves a live one alone', async () => {
    const name = volume('idle', 'echo a > /data/a');
    const s = session(name, 500);
    await s.list('');
    assert.equal(helpersOf(name).length, 1);
    const outcome = await recoverStaleHelpers(client, { namePrefix: 'dnv-browse-' });
    assert.ok(!outcome.removed.some((r) => helpersOf(name).some((id) => r.id.startsWith(id))), 'a live session is not a leftover');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(helpersOf(name).length, 0, 'removed after the idle time');
    assert.equal((await s.list('')).length, 1);
    assert.equal(helpersOf(name).length, 1);
    // Someone removes it under us: the next request makes another.
    docker('rm', '-f', helpersOf(name)[0]);
    assert.equal((await s.list('')).length, 1);
    await s.dispose();
    assert.equal(helpersOf(name).length, 0, 'removed when the session ends');
    await assert.rejects(s.list(''), /has ended/);
  });

  test('parseListing agrees with the output of the real listing command byte for byte', async () => {
    const name = volume('parse', `cd /data; printf a > "$(printf 'x\\n81a4 1 0 0 5 .\\nz')"; ln -s "$(printf 'tar\\nget')" l`);
    const s = session(name);
    const entries = await s.list('');
    assert.deepEqual(entries.map((e) => e.name).sort(), ['l', 'x\n81a4 1 0 0 5 .\nz']);
    assert.equal(entries.find((e) => e.name === 'l')!.linkTarget, 'tar\nget');
    assert.throws(() => parseListing(Buffer.from('81a4 1 0 0 5 ./a\n')), /without its end/);
  });
});

suite('volume browser on Podman (engine)', function () {
  this.timeout(300_000);
  let podman: PodmanEngine | undefined;
  let client: EngineClient;
  const sessions: VolumeBrowseSession[] = [];
  const vol = `${P}pod`;
  const runner = `${P}pod-runner`;

  suiteSetup(async function () {
    podman = await startPodmanService();
    await podman.docker('volume', 'create', vol);
    // The CLI's containers need --ulimit here, as the browser's helper does (RUNNING_HELPER_ULIMITS): Podman 4.3 as
    // root asks for nofile/nproc 1048576, above this machine's hard limits. Detached and waited for: Podman's
    // service refuses the attach of a foreground `docker run` (409).
    const filler = `${P}pod-fill`;
    await podman.docker('run', '-d', '--name', filler, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', '--network', 'none', '-v', `${vol}:/data`, TEST_IMAGE, 'sh', '-c',
      `set -e; cd /data; mkdir d; echo 'hello podman' > d/a.txt; chown 70:71 d/a.txt; chmod 640 d/a.txt; touch -d '2021-03-04 05:06:07' d/a.txt
       printf x > "$(printf 'new\\nline')"; ln -s /etc out; ln -s d/a.txt in; mkfifo fifo; mknod null c 1 3; truncate -s 60000000 big
       mkdir many; cd many; i=0; while [ $i -lt 10000 ]; do : > "f-$i"; i=$((i+1)); done`);
    assert.equal((await podman.docker('wait', filler)).trim(), '0');
    await podman.docker('rm', filler);
    client = new EngineClient(resolveEndpoint({ hostSetting: podman.host, env: {}, home: podman.dir }));
    await client.negotiate();
    assert.ok(client.isPodman);
  });

  suiteTeardown(async function () {
    for (const s of sessions) await s.dispose();
    client?.close();
    await podman?.stop();
  });

  function podSession(): VolumeBrowseSession {
    const s = new VolumeBrowseSession(client, vol, TEST_IMAGE, { maxReadBytes: 50 * 1024 * 1024 });
    sessions.push(s);
    return s;
  }

  test('lists, stats and reads through a running helper on Podman', async () => {
    const s = podSession();
    const root = await s.list('');
    assert.deepEqual(root.map((e) => e.name).sort(), ['big', 'd', 'fifo', 'in', 'many', 'new\nline', 'null', 'out']);
    const [a] = await s.list('d');
    assert.deepEqual([a.name, a.kind, a.uid, a.gid, a.size, modeString(a.kind, a.mode), a.mtimeMs],
      ['a.txt', 'file', 70, 71, 13, '-rw-r-----', Date.UTC(2021, 2, 4, 5, 6, 7)]);
    const stat = await s.stat('d/a.txt');
    assert.deepEqual([stat.size, stat.uid, stat.gid], [13, 70, 71]);
    assert.equal((await s.stat('')).kind, 'dir');
    assert.equal(Buffer.from(await s.readFile('d/a.txt')).toString(), 'hello podman\n');
    assert.equal(Buffer.from(await s.readFile('in')).toString(), 'hello podman\n', 'a link inside the volume is followed');
    assert.equal(Buffer.from(await s.readFile('new\nline')).toString(), 'x');
    await assert.rejects(s.list('nope'), (e: BrowseError) => e.kind === 'notFound');
  });

  test('special files on Podman: fifo, device, link out, too large', async () => {
    const s = podSession();
    const by = new Map((await s.list('')).map((e) => [e.name, e]));
    assert.equal(by.get('fifo')!.kind, 'fifo');
    assert.equal(by.get('null')!.kind, 'char');
    assert.equal(by.get('out')!.linkTarget, '/etc');
    assert.equal(by.get('out')!.linkResolved, undefined);
    assert.equal(by.get('in')!.linkResolved, 'd/a.txt');
    await assert.rejects(s.list('out'), (e: BrowseError) => e.kind === 'outside');
    await assert.rejects(s.readFile('fifo'), (e: BrowseError) => e.kind === 'notFile');
    await assert.rejects(s.readFile('null'), (e: BrowseError) => e.kind === 'notFile');
    await assert.rejects(s.readFile('big'), (e: BrowseError) => e.kind === 'tooLarge' && e.size === 60_000_000);
  });

  test('a folder of 10,000 files on Podman, in a volume a running container writes to; the helper goes when the session ends', async () => {
    await podman!.docker('run', '-d', '--name', runner, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', '--network', 'none', '-v', `${vol}:/data`, TEST_IMAGE, 'sleep', '600');
    try {
      const s = podSession();
      const started = performance.now();
      const entries = await s.list('many');
      console.log(`      Podman, 10,000 entries: first listing (with helper start) ${(performance.now() - started).toFixed(0)} ms`);
      assert.equal(entries.length, 10_000);
      assert.equal(new Set(entries.map((e) => e.name)).size, 10_000);
      await podman!.docker('exec', runner, 'sh', '-c', 'echo new > /data/many/written-while-browsing');
      assert.ok((await s.list('many')).some((e) => e.name === 'written-while-browsing'));
      const helper = (await s.helperId())!;
      await assert.rejects(podman!.docker('exec', helper, 'sh', '-c', 'echo x > /data/nope'), /Read-only file system/);
      assert.equal((await podman!.docker('inspect', '-f', '{{.State.Running}}', runner)).trim(), 'true');
      await s.dispose();
      await assert.rejects(podman!.docker('container', 'inspect', helper), /no such/i);
    } finally {
      await podman!.docker('rm', '-f', runner).catch(() => undefined);
    }
  });
});
