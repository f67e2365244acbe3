// Volume backup and restore benchmark on a real engine. Makes an ~800 MB volume inside a busybox container
// (300 MB random, 500 MB of log-like text, 5,000 small files), then, in the same run and interleaved:
//   backup:  each format of this extension  |  the usual recipe (docker run busybox tar czf)  |  the raw archive
//            stream (GET /containers/{id}/archive to /dev/null, what any archive-API backup must at least read)
//   restore: each format into a new volume   |  the recipe (docker run busybox tar xzf)        |  the raw upload
//            (PUT of the plain .tar, no checks)
// Each of this extension's operations runs in a child process of its own, whose peak RSS (maxRSS) is the memory
// figure. Children run on the extension host's Node (code-server's Node 24, which has zstd) when it is found,
// so .tar.zst is measured too; BENCH_NODE picks another. A backup and a restore per format also run once on
// this script's own Node (20 here), for its memory. A row "raw stream to a file" shows what writing the file
// costs on this machine, apart from the checks and the compression.
//
//   npm run bench:backup          (tsc first; BENCH_RUNS=3, BENCH_KEEP=1 keeps the volume for the next run)
//   BENCH_COMPARE=DIR also times backups with another compiled tree (e.g. an out/ of an earlier commit), same run.
//   BENCH_PHASES=backup runs the backups only, BENCH_PHASES=restore the restores only (one untimed backup per format
//   makes their archives); BENCH_RECIPE=0 leaves out the recipe (30+ s a run on a busy machine). With BENCH_COMPARE,
//   restores are timed with the other tree too.
//   Restores into a new volume run as the Restore command runs them: one pass unless the write needs its question.
import { execFile, execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';
const VOLUME = 'dnvbench-vol-data';
const SPEC = 'v1 300M random, 500M log text, 5000 small files';

// ---- child: one operation, then its time and peak memory as JSON on stdout --------------------------------
if (process.argv[2] === '--child') {
  const [, , , op, ...args] = process.argv;
  const out = process.env.BENCH_CHILD_OUT || path.join(repo, 'out');
  const { EngineClient } = require(path.join(out, 'src/engine/client.js'));
  const { resolveEndpoint } = require(path.join(out, 'src/engine/connection.js'));
  const { backupVolume } = require(path.join(out, 'src/backup/backup.js'));
  const { restoreVolume } = require(path.join(out, 'src/backup/restore.js'));
  const { withHelper, MOUNT } = require(path.join(out, 'src/backup/helper.js'));
  const client = new EngineClient(resolveEndpoint());
  await client.negotiate();
  const nul = () => new Writable({ write(_c, _e, cb) { cb(); } });
  const t0 = performance.now();
  let extra = {};
  if (op === 'backup') {
    const r = await backupVolume(client, { volume: args[0], folder: args[2], format: args[1] });
    extra = { archive: r.archive, archiveBytes: r.manifest.archive.bytes, tarBytes: r.manifest.archive.tarBytes, files: r.manifest.content.files };
  } else if (op === 'raw-get') {
    await withHelper(client, [{ volume: args[0], readOnly: true }], async (id) => {
      await pipeline(await client.getArchive(id, `${MOUNT}/.`), nul());
    });
  } else if (op === 'raw-file') {
    await withHelper(client, [{ volume: args[0], readOnly: true }], async (id) => {
      await pipeline(await client.getArchive(id, `${MOUNT}/.`), createWriteStream(args[1], { highWaterMark: 1 << 20 }));
    });
    rmSync(args[1], { force: true });
  } else if (op === 'restore') {
    // As the command does (an older tree without it restores in two passes).
    const { needsWriteQuestion } = require(path.join(out, 'src/backup/restore.js'));
    await restoreVolume(client, { archive: args[0], volume: args[1], ...(needsWriteQuestion ? { onePassUnless: needsWriteQuestion } : {}) });
  } else if (op === 'raw-put') {
    await client.createVolume({ name: args[1] });
    await withHelper(client, [{ volume: args[1], readOnly: false }], (id) => client.putArchive(id, MOUNT, createReadStream(args[0], { highWaterMark: 1 << 20 })));
  } else {
    throw new Error(`unknown child operation ${op}`);
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra }) + '\n');
  process.exit(0);
}

// ---- parent ---------------------------------------------------------------------------------------------
const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS || 3);
const PHASES = (process.env.BENCH_PHASES || 'backup,restore').split(',');
const RECIPE = process.env.BENCH_RECIPE !== '0';
const docker = (...a) => execFileSync('docker', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 }).trim();
const quiet = (...a) => { try { return docker(...a); } catch { return ''; } };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const log = (...a) => console.error(`[bench +${((performance.now()) / 1000).toFixed(0)}s]`, ...a);

function childNode() {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  try {
    const out = execFileSync('bash', [path.join(repo, 'scripts/setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const node = /CODE_SERVER_NODE=(\S+)/.exec(out)?.[1];
    if (node && existsSync(node)) return node;
  } catch { /* no code-server: this Node */ }
  return process.execPath;
}
const NODE = childNode();
const nodeVersion = execFileSync(NODE, ['-p', 'process.versions.node + " " + (typeof require("zlib").createZstdCompress === "function")'], { encoding: 'utf8' }).trim().split(' ');
const formats = ['tar', 'tar.gz', ...(nodeVersion[1] === 'true' ? ['tar.zst'] : [])];

async function child(...args) {
  return childOn(NODE, ...args);
}

async function childOn(node, ...args) {
  return childWith({}, node, ...args);
}

async function childWith(env, node, ...args) {
  const { stdout } = await run(node, [fileURLToPath(import.meta.url), '--child', ...args], { maxBuffer: 1 << 20, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split('\n').pop());
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0 };
}

const FILL = `set -e
mkdir -p /tmp
cd /data
dd if=/dev/urandom of=random.bin bs=1048576 count=300 2>/dev/null
awk 'BEGIN { srand(42); split("GET POST PUT DELETE", m, " "); split("INFO WARN DEBUG ERROR", l, " ");
  while (n < 1048576) { s = sprintf("2025-11-%02dT%02d:%02d:%02d.%03dZ %s worker-%d %s /api/v1/items/%d?page=%d status=%d bytes=%d duration_ms=%d user=u%05d\\n",
    1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60), int(rand() * 1000), l[1 + int(rand() * 4)], int(rand() * 32),
    m[1 + int(rand() * 4)], int(rand() * 100000), int(rand() * 50), 200 + int(rand() * 4) * 100, int(rand() * 100000), int(rand() * 2000), int(rand() * 50000));
    printf "%s", s; n += length(s) } }' > /tmp/block
i=0; while [ $i -lt 500 ]; do cat /tmp/block; i=$((i + 1)); done > logs.txt
d=0; while [ $d -lt 50 ]; do
  mkdir -p small/d$d; f=0
  while [ $f -lt 100 ]; do head -c $((512 + (d * 100 + f) * 37 % 3584)) /tmp/block > small/d$d/f$f.txt; f=$((f + 1)); done
  d=$((d + 1))
done
echo "${SPEC}" > .bench-spec
`;

function makeVolume() {
  if (quiet('volume', 'inspect', '-f', '{{.Name}}', VOLUME) === VOLUME) {
    const spec = quiet('run', '--rm', '-v', `${VOLUME}:/data:ro`, IMAGE, 'cat', '/data/.bench-spec');
    if (spec === SPEC) { log(`reusing ${VOLUME}`); return; }
    docker('volume', 'rm', '-f', VOLUME);
  }
  log(`making ${VOLUME} (~800 MB)…`);
  docker('volume', 'create', VOLUME);
  execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, IMAGE, 'sh', '-c', FILL], { stdio: 'inherit' });
}

const scratch = mkdtempSync(path.join(tmpdir(), 'dnvbench-vol-'));
const restoreTargets = [];
const target = (what, i) => { const v = `dnvbench-vol-restore-${what.replace(/\W+/g, '-')}-${i}`; restoreTargets.push(v); quiet('volume', 'rm', '-f', v); return v; };
function cleanup() {
  for (const v of restoreTargets) quiet('volume', 'rm', '-f', v);
  rmSync(scratch, { recursive: true, force: true });
  if (!process.env.BENCH_KEEP) quiet('volume', 'rm', '-f', VOLUME);
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });

const results = {}; // name -> [{ ms, maxRssMB, ... }]
const add = (name, r) => { (results[name] ??= []).push(r); };

try {
  makeVolume();
  const du = docker('run', '--rm', '-v', `${VOLUME}:/data:ro`, IMAGE, 'sh', '-c', 'du -sk /data | cut -f1; find /data -type f | wc -l');
  const [kb, fileCount] = du.split('\n').map(Number);
  log(`volume: ${mb(kb * 1024)}, ${fileCount} files; children on Node ${nodeVersion[0]} (${NODE}); formats ${formats.join(', ')}; ${RUNS} runs`);

  // ---- backups, interleaved so that cache state and machine noise hit every variant alike
  const recipeDir = path.join(scratch, 'recipe');
  mkdirSync(recipeDir);
  const archives = {};
  const BACKUPS = PHASES.includes('backup');
  for (let i = 0; i < (BACKUPS ? RUNS : 1); i++) {
    if ((RECIPE || i === 0) && (BACKUPS || RECIPE)) {
      rmSync(path.join(recipeDir, 'x.tar.gz'), { force: true });
      add('backup recipe', await timed(() => run('docker', ['run', '--rm', '-v', `${VOLUME}:/data`, '-v', `${recipeDir}:/backup`, IMAGE, 'tar', 'czf', '/backup/x.tar.gz', '-C', '/data', '.'])));
    }
    if (BACKUPS) add('backup raw', await child('raw-get', VOLUME));
    if (BACKUPS) add('backup raw to file', await child('raw-file', VOLUME, path.join(scratch, 'raw.tar')));
    for (const format of formats) {
      const folder = path.join(scratch, `b-${format}-${i}`);
      const r = await child('backup', VOLUME, format, folder);
      add(`${BACKUPS ? '' : 'untimed '}backup .${format}`, r);
      if (i === 0) archives[format] = r.archive;
      else rmSync(folder, { recursive: true, force: true });
      if (BACKUPS && process.env.BENCH_COMPARE && format !== 'tar') {
        const before = await childWith({ BENCH_CHILD_OUT: process.env.BENCH_COMPARE }, NODE, 'backup', VOLUME, format, path.join(scratch, `c-${format}-${i}`));
        add(`backup .${format} (compared)`, before);
        if (i === 0) archives[`${format} (compared)`] = before.archive;
        rmSync(path.join(scratch, `c-${format}-${i}`), { recursive: true, force: true });
      }
    }
    log(`backup run ${i + 1}/${RUNS}: ` + Object.entries(results).filter(([, v]) => v[i]).map(([k, v]) => `${k} ${secs(v[i].ms)}`).join(', '));
  }
  const recipeArchive = path.join(recipeDir, 'x.tar.gz');

  // ---- restores, each into a fresh volume
  for (let i = 0; i < (PHASES.includes('restore') ? RUNS : 0); i++) {
    const recipeTarget = target('recipe', i);
    if ((RECIPE || i === 0) && existsSync(path.join(recipeDir, 'x.tar.gz'))) add('restore recipe', await timed(() => run('docker', ['run', '--rm', '-v', `${recipeTarget}:/data`, '-v', `${recipeDir}:/backup:ro`, IMAGE, 'tar', 'xzf', '/backup/x.tar.gz', '-C', '/data'])));
    quiet('volume', 'rm', '-f', recipeTarget);
    const rawTarget = target('raw', i);
    add('restore raw', await child('raw-put', archives.tar, rawTarget));
    quiet('volume', 'rm', '-f', rawTarget);
    for (const format of formats) {
      const t = target(format, i);
      add(`restore .${format}`, await child('restore', archives[format], t));
      quiet('volume', 'rm', '-f', t);
      if (process.env.BENCH_COMPARE) {
        add(`restore .${format} (compared)`, await childWith({ BENCH_CHILD_OUT: process.env.BENCH_COMPARE }, NODE, 'restore', archives[format], t));
        quiet('volume', 'rm', '-f', t);
      }
    }
    log(`restore run ${i + 1}/${RUNS}: ` + Object.entries(results).filter(([k, v]) => k.startsWith('restore') && v[i]).map(([k, v]) => `${k} ${secs(v[i].ms)} ${v[i].maxRssMB?.toFixed(0) ?? "-"} MB`).join(', '));
  }

  // ---- the table
  const med = (name) => (results[name] ? median(results[name].map((r) => r.ms)) : NaN);
  const rss = (name) => !results[name] || results[name][0].maxRssMB === undefined ? undefined : Math.max(...results[name].map((r) => r.maxRssMB));
  const sizes = { recipe: existsSync(recipeArchive) ? statSync(recipeArchive).size : undefined, ...Object.fromEntries(formats.map((f) => [f, statSync(archives[f]).size])) };
  const rows = [];
  for (const kind of ['backup', 'restore'].filter((k) => results[`${k} raw`])) {
    const recipe = med(`${kind} recipe`);
    const raw = med(`${kind} raw`);
    if (results[`${kind} recipe`]) rows.push({ op: `${kind}: usual recipe (busybox tar ${kind === 'backup' ? 'czf' : 'xzf'})`, ms: recipe, runs: results[`${kind} recipe`].map((r) => r.ms), size: sizes.recipe });
    rows.push({ op: `${kind}: raw archive stream (${kind === 'backup' ? 'GET to /dev/null' : 'PUT of the .tar, no checks'})`, ms: raw, runs: results[`${kind} raw`].map((r) => r.ms), rss: rss(`${kind} raw`), recipe, raw });
    if (kind === 'backup') rows.push({ op: 'backup: raw archive stream to a file (no count, no hash)', ms: med('backup raw to file'), runs: results['backup raw to file'].map((r) => r.ms), rss: rss('backup raw to file'), recipe, raw, reference: true });
    for (const f of formats) {
      const name = `${kind} .${f}`;
      rows.push({ op: `${kind}: .${f}`, ms: med(name), runs: results[name].map((r) => r.ms), rss: rss(name), recipe, raw, size: sizes[f] });
      const compared = results[`${name} (compared)`];
      if (compared) rows.push({ op: `${kind}: .${f} (${process.env.BENCH_COMPARE})`, ms: med(`${name} (compared)`), runs: compared.map((r) => r.ms), rss: rss(`${name} (compared)`), recipe, raw, size: compared[0].archiveBytes });
    }
  }
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const table = [
    line(['operation', `median of ${RUNS}`, 'runs', 'faster than recipe', 'vs raw stream', 'peak RSS', 'archive']),
    line(['---', '---', '---', '---', '---', '---', '---']),
    ...rows.map((r) => line([
      r.op, secs(r.ms), r.runs.map((x) => (x / 1000).toFixed(1)).join(' / '),
      r.recipe && (r.op.includes(': .') || r.reference) ? `${(r.recipe / r.ms).toFixed(1)}x` : '',
      r.raw && (r.op.includes(': .') || r.reference) ? `${(r.ms / r.raw).toFixed(2)}x` : '',
      r.rss !== undefined ? `${r.rss.toFixed(0)} MB` : '',
      r.size ? mb(r.size) : '',
    ])),
  ].join('\n');
  console.log(`\nVolume ${VOLUME}: ${mb(kb * 1024)} (${fileCount} files: 300 MB random, 500 MB log-like text, 5,000 small files); engine ${docker('version', '-f', '{{.Server.Version}} (API {{.Server.APIVersion}})')}; children on Node ${nodeVersion[0]}.\n`);
  console.log(table);
  const fastest = formats.map((f) => [f, med(`backup .${f}`)]).sort((a, b) => a[1] - b[1])[0];
  const maxRss = Math.max(...Object.keys(results).filter((k) => !k.includes('recipe')).map(rss).filter((x) => x !== undefined));
  const backupChecks = !results['backup raw'] ? [] : [
    [`every format >= 8x faster than the recipe (backup)`, formats.every((f) => med('backup recipe') / med(`backup .${f}`) >= 8), formats.map((f) => `.${f} ${(med('backup recipe') / med(`backup .${f}`)).toFixed(1)}x`).join(', ')],
    [`fastest format within 1.5x of the raw stream (backup)`, fastest[1] / med('backup raw') <= 1.5, `.${fastest[0]} ${(fastest[1] / med('backup raw')).toFixed(2)}x`],
  ];
  const checks = [
    ...backupChecks.filter((c) => !String(c[0]).includes('recipe') || results['backup recipe']),
    ['peak RSS < 150 MB', maxRss < 150, `${maxRss.toFixed(0)} MB`],
    // issue 11: compressed backups near stream speed, restores near the unchecked upload (ratios of this run)
    ...formats.filter((f) => f !== 'tar' && results['backup raw']).map((f) => {
      const limit = f === 'tar.zst' ? 1.5 : 2;
      const ratio = med(`backup .${f}`) / med('backup raw');
      return [`.${f} backup within ${limit}x of the raw stream`, ratio <= limit, `${ratio.toFixed(2)}x`];
    }),
    ...(results['restore raw'] ? formats.map((f) => {
      const ratio = med(`restore .${f}`) / med('restore raw');
      const before = results[`restore .${f} (compared)`] ? `; ${process.env.BENCH_COMPARE}: ${(med(`restore .${f} (compared)`) / med('restore raw')).toFixed(2)}x` : '';
      return [`.${f} restore within 1.3x of the unchecked upload`, ratio <= 1.3, `${ratio.toFixed(2)}x${before}`];
    }) : []),
  ];
  console.log('\n' + checks.map(([what, ok, detail]) => `${ok ? 'PASS' : 'FAIL'}  ${what}: ${detail}`).join('\n'));
  // The same on this script's own Node (VS Code desktop's extension host is Node 20/22, code-server's 24), once.
  let other;
  if (PHASES.includes('restore') && process.env.BENCH_OTHER !== '0' && path.resolve(NODE) !== path.resolve(process.execPath)) {
    other = { node: process.versions.node, rows: [] };
    const otherFormats = ['tar', 'tar.gz', ...(typeof (await import('node:zlib')).createZstdCompress === 'function' ? ['tar.zst'] : [])];
    for (const f of otherFormats) {
      const b = await childOn(process.execPath, 'backup', VOLUME, f, path.join(scratch, `other-${f}`));
      const t = target(`other-${f}`, 0);
      const r = await childOn(process.execPath, 'restore', b.archive, t);
      quiet('volume', 'rm', '-f', t);
      other.rows.push({ format: f, backupMs: b.ms, backupRssMB: b.maxRssMB, restoreMs: r.ms, restoreRssMB: r.maxRssMB });
    }
    const raw = await childOn(process.execPath, 'raw-get', VOLUME);
    other.rawMs = raw.ms;
    other.rawRssMB = raw.maxRssMB;
    console.log(`\nOn Node ${other.node} (one run each): raw stream ${secs(raw.ms)}, peak RSS ${raw.maxRssMB.toFixed(0)} MB; ` +
      other.rows.map((r) => `.${r.format}: backup ${secs(r.backupMs)} / ${r.backupRssMB.toFixed(0)} MB, restore ${secs(r.restoreMs)} / ${r.restoreRssMB.toFixed(0)} MB`).join('; '));
  }
  mkdirSync(path.join(repo, '.bench'), { recursive: true });
  writeFileSync(path.join(repo, '.bench/backup.json'), JSON.stringify({ date: new Date().toISOString(), node: nodeVersion[0], volumeKB: kb, files: fileCount, results, sizes, other }, null, 2));
  log(`archives were: ${readdirSync(scratch).join(', ')}`);
} finally {
  cleanup();
}
