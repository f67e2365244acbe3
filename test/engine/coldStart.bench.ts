/**
 * Cold start against the real engine (issue 11: 1): from store.start() to the first rows each view can show,
 * for the store before this change (everything published after ~N container inspects) and now (each list as it
 * arrives, aliases asked for when needed: here for every container after the lists, as the topology does). Prints figures only; no timed assertion.
 *
 *   npx tsc -p . && node out/test/engine/coldStart.bench.js [containers=300] [runs=5]
 *
 * Makes dnvtest-cold-* containers (a third running) on one user-defined network, and removes them at the end
 * (KEEP=1 keeps them for another run). The "before" store is src/model/store.ts as of commit a489944, transpiled
 * next to the current one in out/.
 */
import { execFileSync, execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { EngineStore } from '../../src/model/store';

const COUNT = Number(process.argv[2] ?? 300);
const RUNS = Number(process.argv[3] ?? 5);
const PREFIX = 'dnvtest-cold-';
const NET = `${PREFIX}net`;
const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';
const repo = path.resolve(__dirname, '../../..');

const docker = (...a: string[]) => execFileSync('docker', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function setUp(): void {
  const existing = docker('ps', '-aq', '--filter', `name=^/${PREFIX}c`).split('\n').filter(Boolean).length;
  if (existing === COUNT) return;
  tearDown();
  docker('network', 'create', '--subnet', '10.232.0.0/22', NET);
  const running = Math.floor(COUNT / 3);
  // In parallel through xargs: 300 sequential CLI calls take minutes.
  execSync(`seq 0 ${COUNT - 1} | xargs -P 16 -I{} sh -c 'if [ {} -lt ${running} ]; then docker run -d --name ${PREFIX}c{} --network ${NET} --network-alias a{} ${IMAGE} sleep 3600; else docker create --name ${PREFIX}c{} --network ${NET} --network-alias a{} ${IMAGE} sleep 3600; fi' > /dev/null`);
}

function tearDown(): void {
  const ids = docker('ps', '-aq', '--filter', `name=^/${PREFIX}`).split('\n').filter(Boolean);
  if (ids.length) execSync(`docker rm -f ${ids.join(' ')} > /dev/null`);
  try { docker('network', 'rm', NET); } catch { /* not there */ }
}

/** The store before this change, transpiled into out/ next to the current one (same relative imports). */
function oldStoreClass(): typeof EngineStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const source = execFileSync('git', ['show', 'a489944:src/model/store.ts'], { cwd: repo, encoding: 'utf8' });
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const file = path.join(__dirname, '../../src/model/store.before-issue11.js');
  writeFileSync(file, js);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { EngineStore: typeof EngineStore }).EngineStore;
}

interface Figures { networks: number; volumes: number; settled: number; aliases: number; requests: number; events: number }

async function once(Store: typeof EngineStore): Promise<Figures> {
  const client = new EngineClient(resolveEndpoint());
  const store = new Store(client);
  const t0 = performance.now();
  const f: Partial<Figures> = {};
  // The old store has no listed(): its views showed rows once it was loaded.
  const has = (kind: 'networks' | 'volumes') => (typeof store.listed === 'function' ? store.listed(kind) : store.loaded);
  const done = new Promise<void>((resolve) => {
    store.onDidChange(() => {
      const t = performance.now() - t0;
      if (f.networks === undefined && has('networks')) f.networks = t;
      if (f.volumes === undefined && has('volumes')) f.volumes = t;
      if (f.settled === undefined && store.loaded) { f.settled = t; resolve(); }
    });
  });
  store.start();
  await done;
  // The old store inspected every container before it settled; this one asks for aliases when they are needed:
  // here for all, as the topology of the whole engine does.
  if (typeof store.aliasesFor === 'function') await store.aliasesFor(store.containers().map((c) => c.id));
  f.aliases = performance.now() - t0;
  const requests = client.requestCount;
  await store.stop();
  return { ...(f as Figures), requests, events: store.eventsReceived };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main(): Promise<void> {
  const t = performance.now();
  setUp();
  console.log(`${COUNT} containers (${Math.floor(COUNT / 3)} running) on ${NET}; set up in ${((performance.now() - t) / 1000).toFixed(1)} s; engine has ${docker('ps', '-aq').split('\n').length} containers, ${docker('volume', 'ls', '-q').split('\n').length} volumes, ${docker('network', 'ls', '-q').split('\n').length} networks`);
  const variants: Array<[string, typeof EngineStore]> = [['before', oldStoreClass()], ['after', EngineStore]];
  const results = new Map<string, Figures[]>(variants.map(([name]) => [name, []]));
  await once(EngineStore); // warm-up (engine caches, module loading)
  for (let run = 0; run < RUNS; run++) {
    for (const [name, Store] of run % 2 ? [...variants].reverse() : variants) results.get(name)!.push(await once(Store));
  }
  console.log(`medians over ${RUNS} runs, ms from store.start():`);
  for (const [name, runs] of results) console.log(`  ${name} requests per run: ${runs.map((r) => r.requests).join(' ')} (engine events during the load, from whatever else uses the engine: ${runs.map((r) => r.events).join(' ')})`);
  console.log('variant   first Networks rows   first Volumes rows   settled   every alias asked and in   requests');
  for (const [name, runs] of results) {
    const m = (k: keyof Figures) => median(runs.map((r) => r[k])).toFixed(0);
    console.log(`${name.padEnd(9)} ${m('networks').padStart(19)} ${m('volumes').padStart(20)} ${m('settled').padStart(9)} ${m('aliases').padStart(26)} ${m('requests').padStart(10)}`);
  }
  if (!process.env.KEEP) tearDown();
}

main().catch((e) => { console.error(e); if (!process.env.KEEP) tearDown(); process.exit(1); });
