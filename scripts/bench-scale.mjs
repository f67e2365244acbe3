// Scale benchmark in the real workbench (issue 11, items 3 and 5): 10,000 volumes, 100 networks and 1,000
// created containers on a PRIVATE engine of its own (never the machine's shared one), measured in code-server
// driven by headless chromium (test/host/cs-harness.mjs), with test/host/bench/scaleAgent.ts in the extension
// host answering what only the host knows (activation time, request count, tree-provider calls).
//
//   npm run bench:scale
//
// SCALE=0.05 builds 5 % of the objects (for trying it out); BENCH_KEEP=1 keeps the engine's data root
// (.bench/scale-engine) for the next run, which then creates only what is missing; BENCH_TRIALS (20),
// BENCH_IDLE_SECONDS (60), BENCH_LOADS (3 workbench loads for activation and first rows); BENCH_HEAP_SNAPSHOT=FILE
// writes a heap snapshot of the loaded extension host; BENCH_LOADS_ONLY=1 stops after the loads and the memory figures.
// Figures go to .bench/scale.json.
/* global window, document, MutationObserver -- pageInit and the page.evaluate callbacks run in the browser */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { repoRoot } from '../test/host/cs-harness.mjs';
import { agentClient, closeBenchWorkbenches, openBenchWorkbench } from './bench-workbench.mjs';

const SCALE = Number(process.env.SCALE || 1);
const VOLUMES = Math.max(20, Math.round(10_000 * SCALE));
const NETWORKS = Math.max(2, Math.round(100 * SCALE));
const CONTAINERS = Math.max(4, Math.round(1_000 * SCALE));
const TRIALS = Number(process.env.BENCH_TRIALS || 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS || 60);
const LOADS = Number(process.env.BENCH_LOADS || 3);
const KEEP = process.env.BENCH_KEEP === '1';
const HEAP_SNAPSHOT = process.env.BENCH_HEAP_SNAPSHOT ? path.resolve(process.env.BENCH_HEAP_SNAPSHOT) : '';
const LOADS_ONLY = process.env.BENCH_LOADS_ONLY === '1';
// BENCH_CPU_PROFILE=PREFIX: a CPU profile of each load's extension host, from before the view opens until all is in
// (PREFIX-N.cpuprofile), with the load's timeline (PREFIX-N.json: activation and the store's lists, in its clock).
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : '';
// Another copy of the extension (e.g. an earlier commit, built, with node_modules) loaded in turn with this one, so
// both are measured in the same run under the same load: BENCH_COMPARE=DIR.
// BENCH_FLOOR=1 compares with the floor instead: scripts/bench-floor, an extension with this one's package.json whose
// views hand out one fixed row each on activation (what the workbench alone takes, and what its host holds).
const FLOOR = process.env.BENCH_FLOOR === '1';
const COMPARE = FLOOR ? path.join(repoRoot, '.bench/floor-extension') : process.env.BENCH_COMPARE ? path.resolve(process.env.BENCH_COMPARE) : '';
const P = 'dnvscale-';
const IMAGE = 'test/busybox:1';
const ENGINE_DIR = path.join(repoRoot, '.bench/scale-engine');
const CONTAINER_TITLE = 'Docker Networks & Volumes';
const pad = (i, n = 5) => String(i).padStart(n, '0');
const volName = (i) => `${P}vol-${pad(i)}`;
const netName = (i) => `${P}net-${pad(i, 3)}`;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const median = (xs) => quantile(xs, 0.5);
const f = (x, d = 0) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const log = (...a) => console.log(`[bench:scale +${((performance.now()) / 1000).toFixed(1)}s]`, ...a);

async function mapLimit(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (next < items.length) { const i = next++; await fn(items[i], i); } }));
}

// ---- the private engine ------------------------------------------------------------------------------------

// test-engine.sh starts a private dockerd when nothing answers at DOCKER_HOST: point it at a socket that is never
// there, so the shared engine at /var/run/docker.sock is never used (and its own state folder is ours alone).
const engineEnv = { ...process.env, TEST_ENGINE_DIR: ENGINE_DIR, DOCKER_HOST: 'unix:///nonexistent/dnv-bench-scale.sock' };
function engine(cmd) {
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts/test-engine.sh'), cmd], { env: engineEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return /DOCKER_HOST=(\S+)/.exec(out)?.[1];
}
let engineStarted = false;
function stopEngine() {
  if (!engineStarted) return;
  engine('stop');
  engineStarted = false;
  if (!KEEP) { rmSync(ENGINE_DIR, { recursive: true, force: true }); log(`removed ${path.relative(repoRoot, ENGINE_DIR)} (BENCH_KEEP=1 keeps it)`); }
}

async function build(docker) {
  const t0 = now();
  const have = async (list, key) => new Set((await list).map(key));
  const networks = await have(docker.listNetworks(), (n) => n.Name);
  await mapLimit([...Array(NETWORKS).keys()].filter((i) => !networks.has(netName(i))), 4, (i) => docker.createNetwork({
    Name: netName(i), Driver: 'bridge', Labels: i % 4 === 0 ? { 'com.docker.compose.project': `${P}proj-${i % 10}` } : {},
  }));
  const tNet = now();
  // Probes a broken run left behind.
  const probes = ((await docker.listVolumes()).Volumes || []).filter((v) => v.Name.includes('-probe-'));
  await mapLimit(probes, 8, (v) => docker.getVolume(v.Name).remove());
  const volumes = await have(docker.listVolumes().then((r) => r.Volumes || []), (v) => v.Name);
  const missingVolumes = [...Array(VOLUMES).keys()].filter((i) => !volumes.has(volName(i)));
  await mapLimit(missingVolumes, 16, (i) => docker.createVolume({ Name: volName(i), Labels: i % 3 === 0 ? { 'com.docker.compose.project': `${P}proj-${i % 10}` } : {} }));
  const tVol = now();
  const containers = await have(docker.listContainers({ all: true }), (c) => c.Names[0].slice(1));
  const missingContainers = [...Array(CONTAINERS).keys()].filter((i) => !containers.has(`${P}c-${pad(i, 4)}`));
  // Created, never started: a created container's network attachment carries the network's name, not its id.
  await mapLimit(missingContainers, 8, (i) => docker.createContainer({
    name: `${P}c-${pad(i, 4)}`, Image: IMAGE, Cmd: ['sleep', '86400'],
    HostConfig: { NetworkMode: netName(i % NETWORKS), Binds: [`${volName((i * 10) % VOLUMES)}:/data`] },
    NetworkingConfig: { EndpointsConfig: { [netName(i % NETWORKS)]: { Aliases: [`svc-${i}`] } } },
  }));
  const tEnd = now();
  return {
    seconds: (tEnd - t0) / 1000, networksSeconds: (tNet - t0) / 1000, volumesSeconds: (tVol - tNet) / 1000, containersSeconds: (tEnd - tVol) / 1000,
    created: { volumes: missingVolumes.length, containers: missingContainers.length },
  };
}

// ---- the workbench ------------------------------------------------------------------------------------------

/** The extension host process of a code-server (by its process group) and its resident memory in MB. */
function extensionHostRss(pgid) {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('extensionHost')) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
      return { pid: Number(pid), rssMb: kb / 1024 };
    } catch { /* gone */ }
  }
  return undefined;
}

// Installed in the page before the workbench loads: the time each view first has a row, and waits for a row.
function pageInit() {
  const rowsOf = (title) => {
    for (const pane of document.querySelectorAll('.pane')) {
      const header = pane.querySelector('.pane-header .title');
      if (header && header.textContent.trim().toLowerCase() === title.toLowerCase()) return pane.querySelectorAll('.monaco-list-row');
    }
    return [];
  };
  const stamp = () => performance.timeOrigin + performance.now();
  window.__dnv = { first: {}, rowsOf, stamp };
  const check = () => {
    for (const title of ['Networks', 'Volumes']) {
      if (window.__dnv.first[title]) continue;
      // A network or volume row: not the engine's own row (shown above them when the view lists several engines).
      const row = [...rowsOf(title)].find((r) => /dnvscale-|^(bridge|host|none)\b/.test(r.getAttribute('aria-label') || r.textContent));
      if (row) { window.__dnv.first[title] = stamp(); window.__dnv.first[`${title} row`] = row.getAttribute('aria-label') || row.textContent; }
    }
  };
  const start = () => new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
  /** Resolves with the time a row whose label contains `text` is in `title`'s view (present) or gone from it. */
  window.__dnv.watch = (title, text, present) => {
    const has = () => [...rowsOf(title)].some((r) => (r.getAttribute('aria-label') || r.textContent).includes(text));
    window.__dnv.pending = new Promise((resolve) => {
      if (has() === present) { resolve(stamp()); return; }
      const obs = new MutationObserver(() => { if (has() === present) { obs.disconnect(); resolve(stamp()); } });
      obs.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-label'] });
      setTimeout(() => { obs.disconnect(); resolve(-1); }, 60000);
    });
  };
}

/** The floor extension's folder: its extension.js beside this one's manifest (main pointed at it), texts and icons. */
function makeFloorExtension() {
  rmSync(COMPARE, { recursive: true, force: true });
  mkdirSync(COMPARE, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  writeFileSync(path.join(COMPARE, 'package.json'), JSON.stringify({ ...manifest, main: './extension.js' }, null, 2));
  for (const f of ['package.nls.json', 'media', 'syntaxes']) cpSync(path.join(repoRoot, f), path.join(COMPARE, f), { recursive: true });
  cpSync(path.join(repoRoot, 'scripts/bench-floor/extension.cjs'), path.join(COMPARE, 'extension.js'));
}

/** Every workbench still open, closed on the way out whatever happened. */
function openWorkbenchOnce({ withExtension, dockerHost, agentPort, extensionPath = repoRoot }) {
  return openBenchWorkbench({
    prefix: 'dnvscale-ws-',
    env: { DOCKER_HOST: dockerHost, DNV_BENCH_AGENT_PORT: String(agentPort || ''), DNV_BENCH_CPU_PROFILE: CPU_PROFILE ? '1' : '' },
    // The engine settings are machine-scoped, and a remote window (code-server's) reads those from the server's
    // Machine settings, not the user settings the harness writes: without this the extension would also watch the
    // machine's shared engine at /var/run/docker.sock.
    prepare: (cs) => {
      mkdirSync(path.join(cs.home, '../data/Machine'), { recursive: true });
      writeFileSync(path.join(cs.home, '../data/Machine/settings.json'), JSON.stringify({ 'dockerNetworksVolumes.engine.discover': false }));
    },
    ...(withExtension ? { agent: 'out/test/host/bench/scaleAgent.js', extensionPath } : {}),
    pageInit,
  });
}

async function until(what, fn, timeoutMs = 120000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function main() {
  mkdirSync(path.join(repoRoot, '.bench'), { recursive: true });
  for (const [file, how] of [['dist/extension.js', 'npm run build'], ['out/test/host/bench/scaleAgent.js', 'npx tsc -p .']]) {
    if (!existsSync(path.join(repoRoot, file))) throw new Error(`missing ${file}: run \`${how}\` first`);
  }
  const t0 = now();
  // An engine of ours already running (a run before, or one started by hand to keep between runs) is left running.
  const wasRunning = await new Docker({ socketPath: path.join(ENGINE_DIR, 'docker.sock') }).ping().then(() => true, () => false);
  const dockerHost = engine('start');
  engineStarted = !wasRunning;
  if (!dockerHost || dockerHost.includes('/var/run/docker.sock') || dockerHost.includes('nonexistent')) throw new Error(`not a private engine: ${dockerHost}`);
  log(`private engine at ${dockerHost} (${path.relative(repoRoot, ENGINE_DIR)}) ready in ${((now() - t0) / 1000).toFixed(1)} s`);
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-test-images.sh')], { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: 'inherit' });
  const docker = new Docker({ socketPath: new URL(dockerHost).pathname });
  const built = await build(docker);
  log(`built ${NETWORKS} networks, ${VOLUMES} volumes, ${CONTAINERS} created containers in ${f(built.seconds, 1)} s (networks ${f(built.networksSeconds, 1)} s, volumes ${f(built.volumesSeconds, 1)} s, containers ${f(built.containersSeconds, 1)} s; created now: ${built.created.volumes} volumes, ${built.created.containers} containers)`);

  // Engine events (the bench's own stream): when the engine says a volume was created or destroyed.
  const eventAt = new Map();
  const events = await docker.getEvents({ filters: JSON.stringify({ type: ['volume'] }) });
  let buf = '';
  events.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
      try { const e = JSON.parse(line); eventAt.set(`${e.Action}:${e.Actor.ID}`, e.timeNano / 1e6); } catch { /* partial */ }
    }
  });

  // The engine's own list calls at this scale, same run: no view can show a list before the engine answers.
  const listMs = {};
  for (const [k, fn] of [['networks', () => docker.listNetworks()], ['volumes', () => docker.listVolumes()], ['containers', () => docker.listContainers({ all: true })]]) {
    const times = [];
    for (let i = 0; i < 3; i++) { const t = now(); await fn(); times.push(now() - t); }
    listMs[k] = median(times);
  }
  log(`engine list calls (median of 3): ${Object.entries(listMs).map(([k, v]) => `GET ${k} ${f(v)} ms`).join(', ')}`);

  // 1. An empty workbench: the extension host's memory with nothing of ours in it.
  const empty = await openWorkbenchOnce({ withExtension: false, dockerHost });
  await empty.page.locator('.activitybar').first().waitFor({ timeout: 60000 });
  await sleep(8000);
  const emptyRss = extensionHostRss(empty.cs.proc.pid);
  await empty.close();
  log(`empty workbench: extension host ${f(emptyRss?.rssMb, 1)} MB`);

  // 2. Workbench loads: activation → first rows (the view opened by a click on the activity bar, as a user does).
  const loads = [];
  const compared = [];
  let wb; let ask;
  if (FLOOR) makeFloorExtension();
  const runs = [...Array(LOADS).keys()].flatMap((l) => (COMPARE ? [{ l, extensionPath: COMPARE }, { l, extensionPath: repoRoot }] : [{ l, extensionPath: repoRoot }]));
  for (const [r, { l, extensionPath }] of runs.entries()) {
    const port = 21000 + Math.floor(Math.random() * 2000);
    wb = await openWorkbenchOnce({ withExtension: true, dockerHost, agentPort: port, extensionPath });
    ask = agentClient(port);
    await ask('status');
    const icon = wb.page.locator(`.activitybar [aria-label^="${CONTAINER_TITLE}"]`).first();
    await icon.waitFor({ timeout: 60000 });
    // With BENCH_CPU_PROFILE, the workbench page's own CPU profile too (chromium's renderer), from the click on.
    let pageProfiler;
    if (CPU_PROFILE) {
      pageProfiler = await wb.page.context().newCDPSession(wb.page);
      await pageProfiler.send('Profiler.enable');
      await pageProfiler.send('Profiler.setSamplingInterval', { interval: 500 });
      await pageProfiler.send('Profiler.start');
      // A named 5 ms spin the profile samples: its first sample is this wall-clock time (the profile's own clock differs).
      pageProfiler.startedAt = await wb.page.evaluate(() => {
        const dnvProfileAnchor = () => { const t = performance.timeOrigin + performance.now(); while (performance.timeOrigin + performance.now() < t + 5); return t; };
        return dnvProfileAnchor();
      });
    }
    const clickedAt = now();
    await icon.click();
    const status = await until('activation', async () => { const s = await ask('status'); return s.active && s.activation && s; });
    const first = await until('first rows', () => wb.page.evaluate(() => (window.__dnv.first.Networks && window.__dnv.first.Volumes ? window.__dnv.first : undefined)));
    const settled = await ask('settled');
    const stalls = await ask('stalls', { since: status.activation.startedAt });
    const s = await ask('status');
    // When the store had each list (its own timeline), beside when the workbench showed a row.
    const changes = await ask('changes', { since: 0 });
    const at = (kind) => (changes.find((c) => c.kinds.includes(kind))?.t ?? NaN) - status.activation.startedAt;
    const load = {
      activationMs: status.activation.durationMs, activationPhases: status.activation.phases ?? {},
      networksRowMs: first.Networks - status.activation.startedAt, volumesRowMs: first.Volumes - status.activation.startedAt,
      settledMs: settled.now - status.activation.startedAt, requests: s.requests, counts: s.counts, longestStallMs: stalls.longest, stallsOver50: stalls.over50,
      heapMb: s.memory.heapUsed / 2 ** 20,
      store: { connected: (changes.find((c) => c.status === 'connected')?.t ?? NaN) - status.activation.startedAt, networks: at('networks'), volumes: at('volumes'), containers: at('containers') },
    };
    if (COMPARE) {
      // Each load's own memory, for the comparison: 3 s after all is in, then after a forced collection.
      await sleep(3000);
      load.rssMb = extensionHostRss(wb.cs.proc.pid)?.rssMb;
      const m = await ask('memory');
      await sleep(1000);
      load.collectedRssMb = extensionHostRss(wb.cs.proc.pid)?.rssMb;
      load.heapAfterGcMb = m.after.heapUsed / 2 ** 20;
      load.externalAfterGcMb = m.after.external / 2 ** 20;
      log(`${extensionPath === COMPARE ? 'compared' : 'this tree'}: host ${f(load.rssMb, 1)} MB (+${f(load.rssMb - emptyRss.rssMb, 1)} above empty), ${f(load.collectedRssMb, 1)} MB after a forced collection (heap ${f(load.heapAfterGcMb, 1)} MB, external ${f(load.externalAfterGcMb, 1)} MB)`);
    }
    if (CPU_PROFILE) {
      const file = `${CPU_PROFILE}-${r + 1}.cpuprofile`;
      const written = await ask('profile', { file });
      const { profile: pageProfile } = await pageProfiler.send('Profiler.stop');
      writeFileSync(`${CPU_PROFILE}-${r + 1}.page.cpuprofile`, JSON.stringify(pageProfile));
      writeFileSync(`${CPU_PROFILE}-${r + 1}.json`, JSON.stringify({ timeOrigin: written.timeOrigin, activation: status.activation, changes, first, pageProfileStartedAt: pageProfiler.startedAt, clickedAt }));
      log(`CPU profile of the host: ${path.relative(repoRoot, file)}`);
    }
    (extensionPath === COMPARE ? compared : loads).push(load);
    log(`activate, step by step: ${Object.entries(load.activationPhases).map(([k, v]) => `${k} ${f(v, 1)}`).join(', ')} ms`);
    log(`first rows: ${JSON.stringify([first['Networks row'], first['Volumes row']])}; engines: ${JSON.stringify(s.engines)}`);
    // When the workbench asked each view for its root rows (ms after activation) and how many it was given.
    const rootCalls = await ask('calls');
    log(`the click on the activity bar came ${f(status.activation.startedAt - clickedAt)} ms before activation`);
    if (rootCalls) log(`root rows given (ms after activation: how many; an answer that waited for its list counts when given): ${['networks', 'volumes'].map((v) => `${v} ${rootCalls[v].rootAt.map(([t, n]) => `${f(t - status.activation.startedAt)}:${n}`).join(' ')}`).join('; ')}`);
    log(`load ${l + 1}: activate ${f(load.activationMs, 1)} ms; first Networks row +${f(load.networksRowMs)} ms, first Volumes row +${f(load.volumesRowMs)} ms, three lists in +${f(load.settledMs)} ms; host's longest stall ${f(load.longestStallMs)} ms, ${load.stallsOver50} over 50 ms (${s.counts.volumes} volumes, ${s.requests} requests, heap ${f(load.heapMb)} MB); store: ${Object.entries(load.store).map(([k, v]) => `${k} +${f(v)}`).join(', ')} ms`);
    if (r < runs.length - 1) { await ask('finish'); await wb.close(); }
  }
  if (COMPARE) {
    const row = (name, ls) => {
      const m = (k) => median(ls.map((x) => x[k]));
      const st = (k) => median(ls.map((x) => x.store[k]));
      return `| ${name} | ${f(m('activationMs'), 1)} ms | ${f(m('networksRowMs'))} / ${f(m('volumesRowMs'))} ms | ${['connected', 'networks', 'volumes', 'containers'].map((k) => f(st(k))).join(' / ')} ms | ${f(m('longestStallMs'))} ms | +${f(m('rssMb') - emptyRss.rssMb, 1)} MB (${f(m('rssMb'))} MB) | ${f(m('collectedRssMb'))} MB (heap ${f(m('heapAfterGcMb'), 1)}, external ${f(m('externalAfterGcMb'), 1)} MB) |`;
    };
    console.log(`\nSame run, loads taken in turn (medians of ${LOADS} each); empty extension host ${f(emptyRss.rssMb)} MB\n`);
    console.log('| extension | activate | first Networks / Volumes row | store: connected / networks / volumes / containers | host thread\'s longest stall, until the lists are in | host memory above empty | after a forced collection |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(row(FLOOR ? 'floor (fixed rows, scripts/bench-floor)' : `compared (${path.basename(COMPARE)})`, compared));
    console.log(row('this tree', loads));
  }
  await sleep(3000);
  const loadedRss = extensionHostRss(wb.cs.proc.pid);
  log(`extension host with ${VOLUMES} volumes shown: ${f(loadedRss?.rssMb, 1)} MB`);
  // What of that is garbage not yet collected: the host's heap before and after a forced collection, and its
  // resident memory after it (a heap snapshot of it with BENCH_HEAP_SNAPSHOT).
  const hostMemory = await ask('memory', HEAP_SNAPSHOT ? { snapshot: HEAP_SNAPSHOT } : {});
  await sleep(1000);
  const collectedRss = extensionHostRss(wb.cs.proc.pid);
  const mbOf = (m) => `heap used ${f(m.heapUsed / 2 ** 20, 1)} of ${f(m.heapTotal / 2 ** 20, 1)} MB, external ${f(m.external / 2 ** 20, 1)} MB`;
  log(`extension host heap: ${mbOf(hostMemory.before)}; after a full collection ${mbOf(hostMemory.after)}, resident ${f(collectedRss?.rssMb, 1)} MB${hostMemory.snapshot ? `; snapshot ${hostMemory.snapshot}` : ''}`);
  const phaseNames = Object.keys(loads[0].activationPhases);
  const activationPhases = Object.fromEntries(phaseNames.map((k) => [k, median(loads.map((l) => l.activationPhases[k] ?? NaN))]));
  log(`activate, step by step (median of ${LOADS}): ${Object.entries(activationPhases).map(([k, v]) => `${k} ${f(v, 1)}`).join(', ')} ms`);
  if (LOADS_ONLY) {
    const med = (k) => median(loads.map((l) => l[k]));
    log(`medians: activate ${f(med('activationMs'), 1)} ms; first Networks row +${f(med('networksRowMs'))} ms, first Volumes row +${f(med('volumesRowMs'))} ms; host +${f(loadedRss.rssMb - emptyRss.rssMb, 1)} MB above an empty one (${f(emptyRss.rssMb)} → ${f(loadedRss.rssMb)} MB; ${f(collectedRss?.rssMb)} MB after a full collection)`);
    await ask('finish');
    await wb.close();
    return;
  }

  // 3. Engine event → row visible, create and remove, each row scrolled into view by name first.
  const anchor = volName(Math.floor(VOLUMES / 2));
  const below = volName(Math.floor(VOLUMES / 2) + 4);
  const trial = async (probe, create) => {
    // Reveal scrolls as little as it can, which may leave the revealed row at the bottom edge: reveal a row a few
    // places below as well, so that the probe's place (just after the anchor) is inside the viewport.
    await ask('reveal', { kind: 'volume', name: create ? anchor : probe });
    await ask('reveal', { kind: 'volume', name: below });
    await sleep(300);
    await wb.page.evaluate(([name, present]) => window.__dnv.watch('Volumes', name, present), [probe, create]);
    await ask('calls', { reset: 1 });
    const tCall = now();
    if (create) await docker.createVolume({ Name: probe }); else await docker.getVolume(probe).remove();
    const tReturn = now();
    const tRow = await wb.page.evaluate(() => window.__dnv.pending);
    if (tRow < 0) throw new Error(`row ${probe} never ${create ? 'appeared' : 'went'}`);
    await until('the engine event', () => eventAt.has(`${create ? 'create' : 'destroy'}:${probe}`), 5000);
    await sleep(300);
    const calls = await ask('calls');
    const tEvent = eventAt.get(`${create ? 'create' : 'destroy'}:${probe}`);
    const tStore = (await ask('changes', { since: tCall })).find((c) => c.kinds.includes('volumes'))?.t;
    return { eventToRow: tRow - tEvent, eventToStore: tStore - tEvent, callToRow: tRow - tCall, call: tReturn - tCall, calls: calls.volumes };
  };
  const creates = []; const removes = [];
  for (let i = 0; i < TRIALS; i++) {
    const probe = `${anchor}-probe-${pad(i, 2)}`;
    creates.push(await trial(probe, true));
    removes.push(await trial(probe, false));
  }
  const sum = (rs) => ({
    p50: median(rs.map((r) => r.eventToRow)), p95: quantile(rs.map((r) => r.eventToRow), 0.95),
    storeP50: median(rs.map((r) => r.eventToStore)), callP50: median(rs.map((r) => r.call)), calls: rs.at(-1).calls,
  });
  const eventToRow = { create: sum(creates), remove: sum(removes) };
  for (const k of ['create', 'remove']) log(`event → row, ${k}: p50 ${f(eventToRow[k].p50)} ms, p95 ${f(eventToRow[k].p95)} ms (event → store p50 ${f(eventToRow[k].storeP50)} ms; the API call ${f(eventToRow[k].callP50)} ms)`);
  const providerMs = await ask('provider-ms');
  log(`our providers for a whole redraw of the Volumes view (root + every row's item), in the host: ${f(providerMs)} ms`);
  // The alternative: polling with the CLI; one `docker volume ls` of this engine, same run.
  const cliTimes = [];
  for (let i = 0; i < 5; i++) { const t = now(); execFileSync('docker', ['-H', dockerHost, 'volume', 'ls', '-q'], { maxBuffer: 64 << 20 }); cliTimes.push(now() - t); }

  // 4. Tree-provider calls for one changed network and volume (a container joining a network mounts a volume
  // too), against a whole-tree redraw of both views, same run.
  const member = docker.getContainer(`${P}c-${pad(0, 4)}`);
  await member.start(); // a created container joins a network without any engine event: a running one does not
  await sleep(1000);
  const rowChange = [];
  for (let i = 0; i < 6; i++) {
    const net = docker.getNetwork(netName(1)); // the container is on net-000
    const container = `${P}c-${pad(0, 4)}`;
    await ask('calls', { reset: 1 });
    const since = now();
    if (i % 2 === 0) await net.connect({ Container: container }); else await net.disconnect({ Container: container });
    await until('the store change', async () => (await ask('changes', { since })).some((c) => c.kinds.includes('containers') || c.kinds.includes('networks')), 10000);
    await sleep(500);
    rowChange.push(await ask('calls'));
  }
  await member.stop({ t: 0 });
  await ask('calls', { reset: 1 });
  await ask('refresh-all');
  await sleep(1500);
  const fullRedraw = await ask('calls');
  const callsLine = (c) => `Networks: root ${c.networks.root}, rows' children ${c.networks.children}, items ${c.networks.items}; Volumes: root ${c.volumes.root}, rows' children ${c.volumes.children}, items ${c.volumes.items}`;
  log(`one network and one volume changed: ${callsLine(rowChange.at(-1))}`);
  log(`whole-tree redraw of both views:     ${callsLine(fullRedraw)}`);

  // 5. Idle minute.
  await sleep(1000);
  const idleBefore = await ask('status');
  log(`idle for ${IDLE_SECONDS} s...`);
  await sleep(IDLE_SECONDS * 1000);
  const idleAfter = await ask('status');
  const idle = { requests: idleAfter.requests - idleBefore.requests, events: idleAfter.events - idleBefore.events };
  const idleRss = extensionHostRss(wb.cs.proc.pid);

  // 5b. Every container's aliases asked for, as the topology of the whole engine does (the views ask only for the
  // members they show): what those inspects cost in time and memory, on top of the figure above.
  const everyAlias = await ask('aliases-all');
  await sleep(3000);
  const aliasesRss = extensionHostRss(wb.cs.proc.pid);
  log(`every container's aliases asked: ${everyAlias.inspected} inspects in ${f(everyAlias.ms)} ms; host ${f(aliasesRss?.rssMb, 1)} MB (+${f(aliasesRss.rssMb - emptyRss.rssMb, 1)} above empty)`);

  // 6. Full reload after an engine restart.
  const tStop = now();
  engine('stop');
  await until('the views to see the engine gone', async () => (await ask('status')).status === 'unreachable', 60000);
  const restarting = new Promise((resolve, reject) => {
    const p = spawn('bash', [path.join(repoRoot, 'scripts/test-engine.sh'), 'start'], { env: engineEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`engine start: ${code}`))));
  });
  const tUp = await until('the engine to answer', async () => { try { await docker.ping(); return now(); } catch { return undefined; } }, 180000);
  await restarting;
  const reloaded = await until('the reload', async () => {
    const changes = await ask('changes', { since: tUp });
    const connected = changes.find((c) => c.status === 'connected');
    const volumes = changes.find((c) => c.kinds.includes('volumes'));
    const done = changes.find((c) => c.loaded && c.kinds.includes('connection') && c.t >= (volumes?.t ?? Infinity));
    return done && { connectedMs: connected.t - tUp, volumesMs: volumes.t - tUp, settledMs: done.t - tUp };
  }, 180000);
  const restart = { stopToUpSeconds: (tUp - tStop) / 1000, ...reloaded };
  log(`engine restart: back after ${f(restart.stopToUpSeconds, 1)} s; then reconnected +${f(restart.connectedMs)} ms, volumes listed +${f(restart.volumesMs)} ms, all three lists in +${f(restart.settledMs)} ms`);

  await ask('finish');
  await wb.close();
  events.destroy?.();

  const bundle = readdirSync(path.join(repoRoot, 'dist')).filter((n) => n.endsWith('.js')).map((n) => ({ file: `dist/${n}`, kb: statSync(path.join(repoRoot, 'dist', n)).size / 1024 }));
  const med = (k) => median(loads.map((l) => l[k]));
  const extraMb = loadedRss && emptyRss ? loadedRss.rssMb - emptyRss.rssMb : undefined;
  const rc = rowChange.at(-1);
  const result = {
    scale: { volumes: VOLUMES, networks: NETWORKS, containers: CONTAINERS }, build: built, loads,
    activationMs: med('activationMs'), firstNetworksRowMs: med('networksRowMs'), firstVolumesRowMs: med('volumesRowMs'), settledMs: med('settledMs'),
    listMs, eventToRow, providerMs, cliVolumeLsMs: median(cliTimes), rowChange, fullRedraw, idle, restart,
    memory: { emptyMb: emptyRss?.rssMb, loadedMb: loadedRss?.rssMb, collectedMb: collectedRss?.rssMb, afterIdleMb: idleRss?.rssMb, extraMb, hostBefore: hostMemory.before, hostAfterGc: hostMemory.after }, bundle,
    activationPhases,
  };
  writeFileSync(path.join(repoRoot, '.bench/scale.json'), JSON.stringify(result, null, 2));

  const ok = (b) => (b ? 'met' : '**not met**');
  console.log(`\n${VOLUMES} volumes, ${NETWORKS} networks, ${CONTAINERS} created containers; medians of ${LOADS} loads and ${TRIALS} trials\n`);
  console.log('| measure | figure | target | |');
  console.log('|---|---|---|---|');
  console.log(`| activation (activate → return) | ${f(result.activationMs, 1)} ms | ≤ 50 ms | ${ok(result.activationMs <= 50)} |`);
  console.log(`| … step by step | ${Object.entries(activationPhases).map(([k, v]) => `${k} ${f(v, 1)}`).join(', ')} ms | | |`);
  console.log(`| activation → first Networks row | ${f(result.firstNetworksRowMs)} ms | ≤ 300 ms | ${ok(result.firstNetworksRowMs <= 300)} |`);
  console.log(`| activation → first Volumes row | ${f(result.firstVolumesRowMs)} ms | ≤ 300 ms | ${ok(result.firstVolumesRowMs <= 300)} |`);
  const storeMed = (k) => median(loads.map((l) => l.store[k]));
  console.log(`| … the store (no workbench): connected / networks / volumes / containers listed | ${['connected', 'networks', 'volumes', 'containers'].map((k) => f(storeMed(k))).join(' / ')} ms | | |`);
  console.log(`| … the engine's own list calls, same run: GET networks / volumes / containers | ${f(listMs.networks)} / ${f(listMs.volumes)} / ${f(listMs.containers)} ms | | |`);
  console.log(`| activation → all three lists in (the store settled) | ${f(result.settledMs)} ms | | |`);
  for (const k of ['create', 'remove']) {
    const e = eventToRow[k];
    console.log(`| engine event → row ${k === 'create' ? 'shown' : 'gone'} (volume ${k}) | p50 ${f(e.p50)} ms, p95 ${f(e.p95)} ms (in the store: p50 ${f(e.storeP50)} ms) | p50 ≤ 150, p95 ≤ 300 ms | ${ok(e.p50 <= 150 && e.p95 <= 300)} |`);
  }
  console.log(`| … of which our providers (root + every row's item, measured in the host) | ${f(providerMs)} ms | | |`);
  console.log(`| … alternative: one \`docker volume ls\` of this engine (a poll) | ${f(result.cliVolumeLsMs)} ms | | |`);
  console.log(`| tree-provider calls, one network + one volume changed | ${callsLine(rc)} | root 0 | ${ok(rc.networks.root === 0 && rc.volumes.root === 0)} |`);
  console.log(`| … alternative: whole-tree redraw | ${callsLine(fullRedraw)} | | |`);
  console.log(`| … volume created / removed (the list itself changes) | items ${eventToRow.create.calls.items} / ${eventToRow.remove.calls.items} | | |`);
  console.log(`| engine requests in ${IDLE_SECONDS} s idle | ${idle.requests} (${idle.events} events) | 0 | ${ok(idle.requests === 0)} |`);
  console.log(`| extension host memory above an empty one | +${f(extraMb, 1)} MB (${f(emptyRss?.rssMb)} → ${f(loadedRss?.rssMb)} MB; ${f(collectedRss?.rssMb)} MB after a forced collection; ${f(idleRss?.rssMb)} MB after the idle minute) | ≤ 60 MB | ${ok(extraMb <= 60)} |`);
  console.log(`| … then every container's aliases asked (the whole engine's topology): ${everyAlias.inspected} inspects | ${f(everyAlias.ms)} ms; +${f(aliasesRss.rssMb - emptyRss.rssMb, 1)} MB above empty (${f(aliasesRss.rssMb)} MB) | | |`);
  console.log(`| … the host's heap: before / after a forced collection | ${f(hostMemory.before.heapUsed / 2 ** 20, 1)} / ${f(hostMemory.after.heapUsed / 2 ** 20, 1)} MB used (of ${f(hostMemory.before.heapTotal / 2 ** 20, 1)} / ${f(hostMemory.after.heapTotal / 2 ** 20, 1)}), external ${f(hostMemory.before.external / 2 ** 20, 1)} / ${f(hostMemory.after.external / 2 ** 20, 1)} MB | | |`);
  console.log(`| engine restart: engine answering → reconnected / volumes listed / all in | ${f(restart.connectedMs)} / ${f(restart.volumesMs)} / ${f(restart.settledMs)} ms | | |`);
  console.log(`| bundle | ${bundle.map((b) => `${b.file} ${f(b.kb)} KB`).join(', ')} | | |`);
  console.log(`| building the engine's objects (parallel) | ${f(built.seconds, 1)} s | | |`);
  console.log('\nwritten .bench/scale.json');
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await closeBenchWorkbenches();
  try { stopEngine(); } catch (e) { console.error('stopping the private engine:', e.message); code = 1; }
}
process.exit(code);
