// Volume browser benchmark on a real engine: a folder of 10,000 files (100 KB each, 1 GB in all) in a volume,
// listed in the same run by
//   - the browser (src/browse/session.ts): find + stat by exec in a read-only helper container, parsed;
//     "warm" with the helper already running (what a second folder costs), "cold" with a new session each time
//     (helper created and started, then the listing: what the first click costs);
//   - the obvious alternative: the archive API on the folder (GET /containers/{id}/archive?path=/data/many on a
//     created, never started container), read to the end, which is the only way it gives the folder's names.
// Medians over BENCH_RUNS (5) runs for the browser, BENCH_ARCHIVE_RUNS (3) for the archive API (10 s each).
//
//   npm run bench:browse        (tsc first; BENCH_KEEP=1 keeps the volume for the next run)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker, dropVolume, ensureVolume, IMAGE, VOLUME } from './browse-volume.mjs';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS || 5);
const ARCHIVE_RUNS = Number(process.env.BENCH_ARCHIVE_RUNS || 3);

const { EngineClient } = require(path.join(repo, 'out/src/engine/client.js'));
const { resolveEndpoint } = require(path.join(repo, 'out/src/engine/connection.js'));
const { VolumeBrowseSession } = require(path.join(repo, 'out/src/browse/session.js'));
const { withHelper } = require(path.join(repo, 'out/src/backup/helper.js'));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${x.toFixed(0)} ms`;

async function main() {
  ensureVolume();
  console.log(`volume: ${docker('run', '--rm', '-v', `${VOLUME}:/data:ro`, IMAGE, 'du', '-sh', '/data')}`);
  const client = new EngineClient(resolveEndpoint());
  const version = await client.negotiate();
  console.log(`engine: ${version.Version} (API ${client.negotiatedApiVersion}), ${RUNS} runs (archive API: ${ARCHIVE_RUNS}), load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

  const cold = [];
  const coldStatFirst = [];
  const warm = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const session = new VolumeBrowseSession(client, VOLUME, IMAGE);
    let t = performance.now();
    count = (await session.list('many')).length;
    cold.push(performance.now() - t);
    t = performance.now();
    await session.list('many');
    warm.push(performance.now() - t);
    await session.dispose();
    // Interleaved: what Browse Files did before it used the root's listing as its check (a stat, then the listing).
    const before = new VolumeBrowseSession(client, VOLUME, IMAGE);
    t = performance.now();
    await before.stat('many');
    await before.list('many');
    coldStatFirst.push(performance.now() - t);
    await before.dispose();
  }

  const archive = [];
  let bytes = 0;
  for (let i = 0; i < ARCHIVE_RUNS; i++) {
    const t = performance.now();
    bytes = await withHelper(client, [{ volume: VOLUME, readOnly: true }], async (id) => {
      const stream = await client.getArchive(id, '/data/many');
      let n = 0;
      for await (const chunk of stream) n += chunk.length;
      return n;
    });
    archive.push(performance.now() - t);
  }
  client.close();

  console.log(`\nentries listed: ${count.toLocaleString('en-US')}; archive API bytes for the same folder: ${(bytes / 1e9).toFixed(2)} GB`);
  console.log('| listing /many (10,000 files, 1 GB) | median | all runs |');
  console.log('|---|---|---|');
  console.log(`| browser, helper running (warm) | ${ms(median(warm))} | ${warm.map(ms).join(', ')} |`);
  console.log(`| browser, first listing (helper created + started) | ${ms(median(cold))} | ${cold.map(ms).join(', ')} |`);
  console.log(`| the same, with a stat first (Browse Files before 26 Nov) | ${ms(median(coldStatFirst))} | ${coldStatFirst.map(ms).join(', ')} |`);
  if (archive.length) console.log(`| archive API on the folder, read to the end | ${ms(median(archive))} | ${archive.map(ms).join(', ')} |`);
  console.log(`load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  dropVolume();
}

main().catch((e) => { console.error(e); process.exit(1); });
