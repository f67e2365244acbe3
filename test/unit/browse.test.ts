/**
 * The volume browser's pure parts: the listing's parse (unambiguous for any name), paths, modes, and Download's
 * writing into a new folder only. The engine test (test/engine/browse.test.ts) runs the real commands.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { ArchiveBrowseError, indexArchive, readArchiveFile } from '../../src/browse/archiveSource';
import { zstdAvailable } from '../../src/backup/formats';
import { downloadInto, entrySegments, localName } from '../../src/browse/download';
import { helperPath, insideVolume, ListingParseError, listCommand, modeString, parseListing, statCommand, volumePathSegments } from '../../src/browse/listing';

const rec = (mode: string, size: number, name: string) => Buffer.from(`${mode} ${size} 1000 1001 1600000000 ./${name}/\n`, 'utf8');

suite('volume browser: listing parse', () => {
  test('names with newlines, spaces and text that looks like a record parse as one entry each', () => {
    const names = ['plain', 'new\nline', 'ends\n', ' lead and trail ', '81a4 5 0 0 1 .', '\x1b[31mred', 'café', '-rf'];
    const out = Buffer.concat([...names.map((n, i) => rec('81a4', i, n)), Buffer.from([0])]);
    const entries = parseListing(out);
    assert.deepEqual(entries.map((e) => e.name), names);
    assert.deepEqual(entries.map((e) => e.size), names.map((_, i) => i));
    assert.equal(entries[0].uid, 1000);
    assert.equal(entries[0].gid, 1001);
    assert.equal(entries[0].mtimeMs, 1_600_000_000_000);
    assert.equal(entries[0].mode, 0o644);
  });

  test('kinds from the raw mode, and symlink records after the NUL', () => {
    const out = Buffer.concat([
      rec('41ed', 4096, 'dir'), rec('a1ff', 4, 'in'), rec('a1ff', 4, 'out'), rec('a1ff', 4, 'dangling'),
      rec('11a4', 0, 'fifo'), rec('21b6', 0, 'null'), rec('61b0', 0, 'sda'), rec('c1ed', 0, 'sock'),
      Buffer.from('\0'),
      Buffer.from('./in\x00dir\n\x00/data/dir\n\x0041ed\n\x00'),
      Buffer.from('./out\x00/etc\n\x00/etc\n\x0041ed\n\x00'),
      Buffer.from('./dangling\x00nowhere\n\x00/data/nowhere\n\x00\x00'),
    ]);
    const by = new Map(parseListing(out).map((e) => [e.name, e]));
    assert.deepEqual([...by.values()].map((e) => e.kind), ['dir', 'symlink', 'symlink', 'symlink', 'fifo', 'char', 'block', 'socket']);
    assert.equal(by.get('in')!.linkTarget, 'dir');
    assert.equal(by.get('in')!.linkResolved, 'dir');
    assert.equal(by.get('in')!.linkKind, 'dir');
    assert.equal(by.get('out')!.linkTarget, '/etc');
    assert.equal(by.get('out')!.linkResolved, undefined, 'outside /data: not followed');
    assert.equal(by.get('dangling')!.linkResolved, undefined, 'nothing there: not followed');
  });

  test('anything off the format is refused, not half-believed', () => {
    assert.throws(() => parseListing(Buffer.from('81a4 1 0 0 5 ./a\n')), ListingParseError);
    assert.throws(() => parseListing(Buffer.from('81a4 1 0 0 5 a/\n')), ListingParseError);
    assert.throws(() => parseListing(Buffer.from('zz 1 0 0 5 ./a/\n')), ListingParseError);
    assert.throws(() => parseListing(Buffer.from('81a4 1 0 ./a/\n')), ListingParseError);
    assert.throws(() => parseListing(Buffer.concat([rec('a1ff', 1, 'l'), Buffer.from('\0./l\0x\n\0')])), ListingParseError);
    assert.deepEqual(parseListing(Buffer.from('\0')), []);
    assert.deepEqual(parseListing(Buffer.alloc(0)), []);
    assert.throws(() => parseListing(Buffer.from('81a4 1f 0 0 5 ./a/\n')), /Bad size/, 'hex digits in a decimal field');
    assert.throws(() => parseListing(Buffer.from('81a4 -1 0 0 5 ./a/\n')), /Bad size/, 'only the time may be negative');
    assert.throws(() => parseListing(Buffer.from('81a4  0 0 5 ./a/\n')), /Bad size/, 'an empty field');
    assert.throws(() => parseListing(Buffer.from('81a4 1 0 0 1234567890123456 ./a/\n')), /Bad time/, 'more digits than a double holds exactly');
  });

  test('a file older than 1970 (stat prints a negative time) lists; names are exact bytes, not copies per name', () => {
    const latin = Buffer.concat([Buffer.from('81a4 3 0 0 -86400 ./'), Buffer.from([0xe9, 0x0a]), Buffer.from('/\n'), rec('41ed', 0, 'B')]);
    const [old, b] = parseListing(latin);
    assert.equal(old.mtimeMs, -86_400_000);
    assert.deepEqual([...old.nameBytes], [0xe9, 0x0a], 'a name that is not UTF-8 keeps its bytes');
    assert.equal(b.name, 'B');
    assert.equal(b.mode, 0o755);
    assert.equal(b.kind, 'dir');
  });

  test('paths: no .., no ., and the path is an argument, never script text', () => {
    assert.deepEqual(volumePathSegments('/a//b/'), ['a', 'b']);
    assert.throws(() => volumePathSegments('a/../b'), ListingParseError);
    assert.throws(() => volumePathSegments('./a'), ListingParseError);
    assert.equal(helperPath(''), '/data');
    assert.equal(helperPath('a/b'), '/data/a/b');
    const hostile = "x'; rm -rf ~ #$(id)\n";
    const cmd = listCommand(hostile);
    assert.equal(cmd.at(-1), `/data/${hostile}`);
    assert.ok(!cmd[2].includes(hostile));
    const st = statCommand(`dir/${hostile}`);
    assert.deepEqual(st.slice(-2), ['/data/dir', hostile]);
    assert.equal(insideVolume('/data'), '');
    assert.equal(insideVolume('/data/x/y'), 'x/y');
    assert.equal(insideVolume('/database'), undefined);
    assert.equal(insideVolume('/etc'), undefined);
  });

  test('mode strings', () => {
    assert.equal(modeString('dir', 0o755), 'drwxr-xr-x');
    assert.equal(modeString('file', 0o4750), '-rwsr-x---');
    assert.equal(modeString('file', 0o4650), '-rwSr-x---');
    assert.equal(modeString('dir', 0o1777), 'drwxrwxrwt');
    assert.equal(modeString('symlink', 0o777), 'lrwxrwxrwx');
  });
});

suite('volume browser: download', () => {
  let dir: string;
  setup(() => { dir = mkdtempSync(path.join(tmpdir(), 'dnv-download-')); });
  teardown(() => rmSync(dir, { recursive: true, force: true }));

  async function tarOf(entries: Array<{ name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo'; body?: string; linkname?: string }>): Promise<Readable> {
    const p = pack();
    for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 }, e.body ?? '');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
    return Readable.from([Buffer.concat(chunks)]);
  }

  test('a folder goes into a new folder of the chosen one; links, devices and escapes are left out', async () => {
    symlinkSync('/tmp', path.join(dir, 'trap'));
    const result = await downloadInto(await tarOf([
      { name: 'data/', type: 'directory' },
      { name: 'data/a.txt', body: 'hello' },
      { name: 'data/sub/', type: 'directory' },
      { name: 'data/sub/b.txt', body: 'b' },
      { name: 'data/link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'data/link/x', body: 'through the link' },
      { name: 'data/../escape', body: 'x' },
      { name: '/abs', body: 'x' },
      { name: 'other/x', body: 'x' },
      { name: 'data/null', type: 'character-device' },
      { name: 'data/a.txt', body: 'second copy' },
    ]), dir, 'data');
    assert.equal(result.target, path.join(dir, 'data'));
    assert.equal(readFileSync(path.join(dir, 'data/a.txt'), 'utf8'), 'hello');
    assert.equal(readFileSync(path.join(dir, 'data/sub/b.txt'), 'utf8'), 'b');
    assert.ok(!lstatSync(path.join(dir, 'data/link')).isSymbolicLink(), 'no symlink is written');
    assert.equal(readFileSync(path.join(dir, 'data/link/x'), 'utf8'), 'through the link', 'a later entry under its name lands in a plain folder of ours');
    assert.ok(!existsSync(path.join(dir, 'escape')));
    assert.deepEqual(readdirSync(dir).sort(), ['data', 'trap']);
    assert.equal(result.files, 3);
    assert.ok(result.skipped.length >= 4);
  }).timeout(10_000);

  test('an existing name is never written over: the download gets "name (2)"', async () => {
    await downloadInto(await tarOf([{ name: 'f.txt', body: 'one' }]), dir, 'f.txt');
    const second = await downloadInto(await tarOf([{ name: 'f.txt', body: 'two' }]), dir, 'f.txt');
    assert.equal(second.target, path.join(dir, 'f (2).txt'));
    assert.equal(readFileSync(path.join(dir, 'f.txt'), 'utf8'), 'one');
    assert.equal(readFileSync(second.target, 'utf8'), 'two');
  });

  test('names', () => {
    assert.equal(localName('a/b\nc'), 'a_b_c');
    assert.equal(localName('..'), '_');
    assert.deepEqual(entrySegments('a/./b/'), ['a', 'b']);
    assert.equal(entrySegments('a/../b'), undefined);
    assert.equal(entrySegments('/a'), undefined);
  });
});

suite('volume browser: backup archives', () => {
  let dir: string;
  setup(() => { dir = mkdtempSync(path.join(tmpdir(), 'dnv-archive-')); });
  teardown(() => rmSync(dir, { recursive: true, force: true }));

  async function archive(format: 'tar' | 'tar.gz' | 'tar.zst'): Promise<string> {
    const p = pack();
    const entry = (h: Parameters<typeof p.entry>[0], body = '') => p.entry({ mode: 0o644, mtime: new Date(1_600_000_000_000), ...h }, body);
    entry({ name: './', type: 'directory', mode: 0o755 });
    entry({ name: './conf/', type: 'directory', mode: 0o750, uid: 101, gid: 102 });
    entry({ name: './conf/site.conf', uid: 101, gid: 102, mode: 0o640 }, 'listen 80;\n');
    entry({ name: './deep/a/b/c.txt' }, 'no folder entries above me');
    entry({ name: './new\nline' }, 'x');
    entry({ name: './link', type: 'symlink', linkname: '/etc/passwd' });
    entry({ name: './hard', type: 'link', linkname: './conf/site.conf' });
    entry({ name: '../escape' }, 'never');
    entry({ name: '/abs' }, 'never');
    entry({ name: './big' }, 'y'.repeat(5000));
    entry({ name: './conf/site.conf', uid: 101, gid: 102, mode: 0o640 }, 'listen 8080;\n');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
    const tar = Buffer.concat(chunks);
    const zlib = await import('node:zlib');
    const z = zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
    const bytes = format === 'tar' ? tar : format === 'tar.gz' ? zlib.gzipSync(tar) : z.zstdCompressSync!(tar);
    const file = path.join(dir, `backup.${format}`);
    writeFileSync(file, bytes);
    return file;
  }

  for (const format of ['tar', 'tar.gz', 'tar.zst'] as const) {
    test(`lists and reads a .${format} backup; escapes left out, links not followed`, async function () {
      if (format === 'tar.zst' && !zstdAvailable()) this.skip();
      const file = await archive(format);
      const index = await indexArchive(file);
      assert.deepEqual(index.list('').map((e) => e.name).sort(), ['big', 'conf', 'deep', 'hard', 'link', 'new\nline']);
      assert.equal(index.skipped, 2);
      const conf = index.list('conf');
      assert.deepEqual(conf.map((e) => [e.name, e.kind, e.uid, e.gid, e.mode.toString(8)]), [['site.conf', 'file', 101, 102, '640']]);
      assert.deepEqual(index.list('deep/a/b').map((e) => e.name), ['c.txt']);
      assert.equal(index.stat('link')!.linkTarget, '/etc/passwd');
      assert.equal(Buffer.from(await readArchiveFile(file, index, 'conf/site.conf', 1000)).toString(), 'listen 8080;\n', 'the later entry wins, as tar extracts');
      assert.equal(Buffer.from(await readArchiveFile(file, index, 'new\nline', 1000)).toString(), 'x');
      await assert.rejects(readArchiveFile(file, index, 'link', 1000), (e: ArchiveBrowseError) => e.kind === 'notFile');
      await assert.rejects(readArchiveFile(file, index, 'big', 1000), (e: ArchiveBrowseError) => e.kind === 'tooLarge' && e.size === 5000);
      assert.throws(() => index.list('nope'), (e: ArchiveBrowseError) => e.kind === 'notFound');
      assert.throws(() => index.list('big'), (e: ArchiveBrowseError) => e.kind === 'notFolder');
      assert.equal(index.stat('hard')!.kind, 'file');
    });
  }

  test('a file that is not an archive is refused', async () => {
    const file = path.join(dir, 'not.tar');
    writeFileSync(file, 'hello');
    await assert.rejects(indexArchive(file), (e: ArchiveBrowseError) => e.kind === 'unreadable');
  });
});
