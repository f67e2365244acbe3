import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { Header } from 'tar-stream';
import { compressor, decompressor, detectFormat, zstdAvailable } from '../../src/backup/formats';
import { TarGuard, UnsafeArchiveError } from '../../src/backup/guard';
import { archiveFileName, timestamp } from '../../src/backup/manifest';
import { planPrune } from '../../src/backup/prune';
import type { EngineContainerSummary, EngineVolume } from '../../src/engine/types';

/** Runs `input` through a transform, in uneven chunks as a socket delivers them, and collects the output. */
async function through(input: Buffer, transform: Transform): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0, n = 1; i < input.length; i += n, n = (n * 7 + 13) % 200_000 + 1) pieces.push(input.subarray(i, i + n));
  const chunks: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, callback) { chunks.push(chunk); callback(); } });
  await pipeline(Readable.from(pieces), transform, sink);
  return Buffer.concat(chunks);
}

function gzipMembers(data: Buffer): number {
  let n = 0;
  for (let i = 0; i + 2 < data.length; i++) if (data[i] === 0x1f && data[i + 1] === 0x8b && data[i + 2] === 8) n++;
  return n;
}

suite('backup formats', () => {
  const text = Buffer.from('2025-11-22T10:00:00Z INFO worker-3 GET /api/items/42 status=200 bytes=512\n'.repeat(60_000));
  const random = randomBytes(3 << 20);
  const mixed = Buffer.concat([text, random, text.subarray(0, 123_457)]);

  test('tell the format from the first bytes, not the name', () => {
    assert.equal(detectFormat(zlib.gzipSync(Buffer.from('x'))), 'tar.gz');
    assert.equal(detectFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'tar.zst');
    const ustar = Buffer.alloc(512);
    ustar.write('ustar', 257, 'latin1');
    assert.equal(detectFormat(ustar), 'tar');
    assert.equal(detectFormat(Buffer.alloc(1024)), 'tar', 'an archive of an empty folder');
    assert.equal(detectFormat(Buffer.from('PK\u0003\u0004 a zip file')), undefined);
  });

  test('.tar.gz is several gzip members that one gunzip reads back, in order', async () => {
    const gz = await through(mixed, compressor('tar.gz'));
    assert.ok(gzipMembers(gz) >= 4, `members: ${gzipMembers(gz)}`);
    assert.ok(zlib.gunzipSync(gz).equals(mixed), 'zlib reads all members');
    assert.ok((await through(gz, decompressor('tar.gz'))).equals(mixed));
  });

  test('incompressible blocks are stored, compressible ones compressed', async () => {
    const gzRandom = await through(random, compressor('tar.gz'));
    assert.ok(gzRandom.length < random.length * 1.001 + 1024, `stored: ${gzRandom.length} for ${random.length}`);
    const gzText = await through(text, compressor('tar.gz'));
    assert.ok(gzText.length < text.length / 10, `compressed: ${gzText.length} for ${text.length}`);
  });

  test(`.tar.zst: ${zstdAvailable() ? 'round trip (this runtime\'s zlib has zstd)' : 'a clear refusal (this runtime\'s zlib has no zstd)'}`, async () => {
    // One test whose assertion follows the runtime: the mocha suites run on the extension host's Node 24
    // (zstd) in npm test, and on Node 20 (no zstd) when run by hand with the system node.
    if (!zstdAvailable()) {
      assert.throws(() => compressor('tar.zst'), /no zstd/);
      return;
    }
    const zst = await through(mixed, compressor('tar.zst'));
    assert.equal(detectFormat(zst), 'tar.zst');
    assert.ok((await through(zst, decompressor('tar.zst'))).equals(mixed));
  });

  test('archive names are <volume>-<UTC timestamp>.<ext>', () => {
    const date = new Date('2025-11-22T23:05:01.123Z');
    assert.equal(timestamp(date), '20251122T230501Z');
    assert.equal(archiveFileName('app_data', 'tar.gz', date), 'app_data-20251122T230501Z.tar.gz');
    assert.equal(archiveFileName('app_data', 'tar', date, 2), 'app_data-20251122T230501Z-2.tar');
  });
});

suite('restore guard', () => {
  const h = (name: string, type: Header['type'] = 'file', linkname = '', extra: Partial<Header> = {}): Header => ({
    name, type, linkname, size: 0, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, uname: '', gname: '', devmajor: 0, devminor: 0, ...extra,
  });
  const run = (entries: Header[]) => {
    const guard = new TarGuard();
    for (const e of entries) guard.check(e);
    guard.finish();
    return guard.counts;
  };
  const refused = (entries: Header[], reason: RegExp) => assert.throws(() => run(entries), (e: unknown) => e instanceof UnsafeArchiveError && reason.test(e.message));

  test('an ordinary archive passes, with its counts', () => {
    const counts = run([
      h('./', 'directory'), h('./a.txt', 'file', '', { size: 5 }), h('./d/', 'directory'), h('./d/b', 'file', '', { size: 7 }),
      h('./d/hard', 'link', './a.txt'), h('./d/sym', 'symlink', '../a.txt'), h('./d/self', 'symlink', '.'), h('./dangling', 'symlink', 'nowhere/x'),
      h('./chain1', 'symlink', 'd/sym'), h('./e/f/g', 'symlink', '../../d'),
    ]);
    assert.deepEqual(counts, { entries: 10, files: 2, directories: 2, symlinks: 5, hardlinks: 1, bytes: 12 });
  });

  test('names without ./ and with doubled slashes are the same paths', () => {
    run([h('a'), h('x//y/./z'), h('b', 'link', './a'), h('c', 'link', 'x/y/z')]);
  });

  test('refuses absolute paths and ..', () => {
    refused([h('/etc/passwd')], /absolute path/);
    refused([h('a/../../b')], /"\.\."/);
    refused([h('..')], /"\.\."/);
  });

  test('refuses symlinks that leave the root, also through other symlinks and later changes', () => {
    refused([h('l', 'symlink', '/etc')], /absolute path/);
    refused([h('d/l', 'symlink', '../..')], /points outside/);
    refused([h('here', 'symlink', '.'), h('out', 'symlink', 'here/..')], /points outside/);
    refused([h('d', 'directory'), h('s', 'symlink', 'd/..'), h('d', 'symlink', '.')], /points outside/);
    refused([h('loop', 'symlink', 'loop/x')], /points outside/);
  });

  test('refuses writing through a symlink that leaves the root', () => {
    const guard = new TarGuard();
    guard.check(h('ok', 'symlink', 'sub'));
    guard.check(h('ok/file'));
    assert.throws(() => {
      guard.check(h('d', 'directory'));
      guard.check(h('s', 'symlink', 'd/..'));
      guard.check(h('d', 'symlink', '.'));
      guard.check(h('s/escape'));
    }, /written through a symlink|points outside/);
  });

  test('refuses hardlinks outside or to nothing earlier', () => {
    refused([h('x', 'link', '/etc/shadow')], /outside the volume/);
    refused([h('x', 'link', '../y')], /outside the volume/);
    refused([h('x', 'link', 'later'), h('later')], /not a file earlier/);
  });

  test('refuses devices, FIFOs, sparse files, unknown types, a non-folder root and names that are not UTF-8', () => {
    refused([h('null', 'character-device')], /device file/);
    refused([h('sda', 'block-device')], /device file/);
    refused([h('p', 'fifo')], /FIFO/);
    refused([h('s', 'file', '', { pax: { 'GNU.sparse.name': '/etc/x' } })], /sparse/);
    refused([h('u', 'weird' as Header['type'])], /entry type/);
    refused([h('./', 'file')], /volume root/);
    refused([h('caf\uFFFD')], /UTF-8/);
  });
});

suite('volume prune plan', () => {
  const vol = (name: string, labels: Record<string, string> = {}): EngineVolume => ({ Name: name, Driver: 'local', Labels: labels });
  const user = (volume: string): EngineContainerSummary => ({ Id: volume + '-user', Mounts: [{ Type: 'volume', Name: volume }] });
  const anon = 'a'.repeat(64);

  test('unused volumes only, anonymous apart from named, protected ones apart, sizes from disk usage', () => {
    const plan = planPrune(
      [vol('b-named'), vol('a-named'), vol(anon), vol('used'), vol('kept'), vol('labelled-anon', { 'com.docker.volume.anonymous': '' })],
      [user('used')],
      [{ Name: 'a-named', UsageData: { Size: 2048, RefCount: 0 } }, { Name: anon, UsageData: { Size: -1, RefCount: 0 } }],
      { protected: new Map([['kept', 'used by compose.yaml']]) },
    );
    assert.deepEqual(plan.named.map((c) => c.name), ['a-named', 'b-named']);
    assert.deepEqual(plan.anonymous.map((c) => c.name), [anon, 'labelled-anon']);
    assert.deepEqual(plan.protected.map((c) => [c.name, c.protectedBecause]), [['kept', 'used by compose.yaml']]);
    assert.equal(plan.named[0].size, 2048);
    assert.equal(plan.anonymous[0].size, undefined, 'a driver that cannot tell has no size');
    assert.equal(plan.sizesKnown, true);
  });

  test('label filters narrow it, as the engine\'s own filter', () => {
    const plan = planPrune([vol('x', { team: 'a' }), vol('y', { team: 'b' }), vol('z')], [], undefined, { labels: ['team=a'], protected: new Set(['nothing']) });
    assert.deepEqual([...plan.named, ...plan.anonymous].map((c) => c.name), ['x']);
    assert.equal(plan.sizesKnown, false);
    assert.deepEqual(planPrune([vol('x', { team: 'a' }), vol('z')], [], undefined, { labels: ['team'] }).named.map((c) => c.name), ['x']);
  });
});
