// Volume browser benchmark in the REAL workbench (issue 13: "a folder of 10,000 files in a 1 GB volume visible in
// under 1 s"): code-server driven by headless chromium (test/host/cs-harness.mjs), the extension from this tree,
// the volume of `npm run bench:browse` (dnvbench-browse-1g, /many: 10,000 files of 100 KB) on the engine at
// DOCKER_HOST or the default socket. Timed in the page, from the user's click (its pointerdown) to the moment the
// rows are in the DOM (a MutationObserver on the Volume Files pane):
//   - Browse Files (the volume row's inline button) to the volume's root rows, with the helper started by it:
//     the first one of a profile also looks for the helper image and asks about it (answered Allow at once by the
//     agent: a workbench with a test entry refuses modal dialogs), the others follow a Stop Browsing, so each
//     starts a new helper as a first Browse Files does;
//   - a click on the folder /many to its first row, with the helper running. A build that shows a large folder in
//     name ranges (explorer.groupLargeListsAbove, 500 by default: 40 ranges of 250) shows the range row
//     "file-0.bin … file-249.bin": then a click on that range to file-0.bin and file-5.bin, and a click on a range in
//     the middle ("file-5000.bin … file-5249.bin", reached with the arrow keys) to file-5000.bin. A build that sends
//     all 10,000 rows shows file-0.bin and file-5.bin at once: then End to the last row (file-9999.bin), which
//     shows all 10,000 are there. Once per load, the same click with 10,000 rows flat holding their label only
//     (the agent's /bare), the floor of the workbench's own cost for sending them all.
// test/host/bench/browseAgent.ts, in the extension host, says what the workbench asked of the tree and of the
// dnv-volume file system, with times, so the click-to-row time splits into the host's share and the rest. In the
// same run, between the workbench loads, the core alone (src/browse/session.ts, no workbench) lists the same
// folders: the part of the visible time that is the listing.
//
//   npm run bench:browse:workbench      (builds dist/ and out/ first; BENCH_KEEP=1 keeps the volume)
//
// BENCH_LOADS (3) workbench loads, each with BENCH_CYCLES (2) more Browse Files after the first; BENCH_CORE_RUNS (3)
// core listings after each load; BENCH_CPU_PROFILE=PREFIX (below). Figures go to .bench/browse-workbench.json.
/* global window, document, MutationObserver -- pageInit and the page.evaluate callbacks run in the browser */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../test/host/cs-harness.mjs';
import { agentClient, closeBenchWorkbenches, openBenchWorkbench } from './bench-workbench.mjs';
import { docker, dropVolume, ensureVolume, FILES, FOLDER, IMAGE, loadAverage, VOLUME } from './browse-volume.mjs';

const require = createRequire(import.meta.url);
const LOADS = Number(process.env.BENCH_LOADS || 3);
const CYCLES = Number(process.env.BENCH_CYCLES || 2);
const CORE_RUNS = Number(process.env.BENCH_CORE_RUNS || 3);
const CONTAINER_TITLE = 'Docker Networks & Volumes';
const FIRST = 'file-0.bin';
const KNOWN = 'file-5.bin';
const LAST = `file-${FILES - 1}.bin`;
// The range rows of /many at the default threshold (500: ranges of 250).
const FIRST_RANGE = `${FIRST} … file-249.bin`;
const MID = `file-${FILES / 2}.bin`;
const MID_RANGE = `${MID} … file-${FILES / 2 + 249}.bin`;
const MID_STEPS = FILES / 2 / 250; // arrow-key steps from the first range row to the middle one
// BENCH_CPU_PROFILE=PREFIX: CPU profiles of the extension host and of the page during each click on the folder
// (PREFIX-N-host.cpuprofile, PREFIX-N-page.cpuprofile), each summed up by the functions that took the most time.
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : '';
// BENCH_COMPARE=DIR: another copy of the extension (an earlier commit, built, with node_modules), loaded in turn with
// this tree's, so both are measured in the same run under the same load.
const COMPARE = process.env.BENCH_COMPARE ? path.resolve(process.env.BENCH_COMPARE) : '';

const { EngineClient } = require(path.join(repoRoot, 'out/src/engine/client.js'));
const { resolveEndpoint } = require(path.join(repoRoot, 'out/src/engine/connection.js'));
const { VolumeBrowseSession } = require(path.join(repoRoot, 'out/src/browse/session.js'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const f = (x) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(0));
const all = (xs) => xs.map(f).join(', ');
const log = (...a) => console.log(`[bench:browse:workbench +${(performance.now() / 1000).toFixed(1)}s]`, ...a);

// Installed in the page before the workbench loads: every pointerdown's time (the user's action), and a watch that
// resolves with the time each named row (or the helper question) is first in a pane's DOM.
function pageInit() {
  const stamp = () => performance.timeOrigin + performance.now();
  const paneOf = (title) => {
    for (const pane of document.querySelectorAll('.pane')) {
      const header = pane.querySelector('.pane-header .title');
      if (header && header.textContent.trim().toLowerCase() === title.toLowerCase()) return pane;
    }
    return undefined;
  };
  const labelOf = (row) => (row.querySelector('.label-name')?.textContent ?? '').trim();
  const rowsOf = (title) => [...(paneOf(title)?.querySelectorAll('.monaco-list-row') ?? [])];
  const b = { stamp, downs: [], rowsOf, labelOf };
  window.__b = b;
  // The user's action: a pointerdown or a key (End), seen before the workbench's own handlers.
  document.addEventListener('pointerdown', () => b.downs.push(stamp()), true);
  document.addEventListener('keydown', () => b.downs.push(stamp()), true);
  /** Times at which each of `names` is a row of `title` (present) or none is (absent); `any`: done at the first. */
  b.watch = (title, names, present = true, any = false, timeoutMs = 60000) => new Promise((resolve) => {
    const seen = {};
    let obs;
    const check = () => {
      const labels = new Set(rowsOf(title).map(labelOf));
      for (const n of names) {
        if (seen[n] === undefined && labels.has(n) === present) seen[n] = stamp();
      }
      if (any ? names.some((n) => seen[n] !== undefined) : names.every((n) => seen[n] !== undefined)) { obs?.disconnect(); resolve({ ...seen, rows: labels.size }); return true; }
      return false;
    };
    if (check()) return;
    obs = new MutationObserver(check);
    obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(() => { obs.disconnect(); resolve({ ...seen, timedOut: true }); }, timeoutMs);
  });
}

/** The functions with the most self time in a V8 CPU profile (ms), and the total sampled. */
function topFunctions(profile, n = 12) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const { callFrame: c } = byId.get(id);
    const key = `${c.functionName || '(anonymous)'} ${c.url ? `${c.url.split('/').slice(-2).join('/')}:${c.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const busy = [...self].filter(([k]) => k !== '(idle)' && k !== '(program)').reduce((a, [, v]) => a + v, 0);
  return { totalMs: total, busyMs: busy, top: [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`) };
}

/** A workbench with the browse agent in the extension host of `extensionPath`. */
function openWorkbenchOnce(agentPort, extensionPath) {
  return openBenchWorkbench({
    prefix: 'dnvbrowse-ws-', env: { DNV_BENCH_AGENT_PORT: String(agentPort) }, settings: { 'dockerNetworksVolumes.browse.helperImage': IMAGE },
    agent: 'out/test/host/bench/browseAgent.js', extensionPath, pageInit,
  });
}

/** Clicks, then waits for what `watch` looks for; the action's time is the click's own pointerdown in the page. */
async function timed(page, watchArgs, click) {
  await page.evaluate((args) => { window.__b.downs.length = 0; window.__b.pending = window.__b.watch(...args); }, watchArgs);
  await click();
  const seen = await page.evaluate(() => window.__b.pending);
  const downs = await page.evaluate(() => window.__b.downs);
  if (seen.timedOut) {
    await page.screenshot({ path: path.join(repoRoot, '.bench/browse-workbench-failed.png') }).catch(() => undefined);
    throw new Error(`timed out waiting for ${JSON.stringify(watchArgs)}: saw ${JSON.stringify(seen)} (screenshot: .bench/browse-workbench-failed.png)`);
  }
  // The last pointerdown before the first row seen: a click the workbench took for a hover only is not the action.
  const firstSeen = Math.min(...Object.entries(seen).filter(([k]) => k !== 'rows' && k !== 'timedOut').map(([, v]) => v));
  const down = downs.filter((d) => d <= firstSeen).at(-1);
  return { down, seen };
}

async function main() {
  for (const [file, how] of [['dist/extension.js', 'node scripts/build.mjs'], ['out/test/host/bench/browseAgent.js', 'npx tsc -p .']]) {
    if (!existsSync(path.join(repoRoot, file))) throw new Error(`missing ${file}: run \`${how}\` first`);
  }
  mkdirSync(path.join(repoRoot, '.bench'), { recursive: true });
  ensureVolume();
  const client = new EngineClient(resolveEndpoint());
  const version = await client.negotiate();
  const loadStart = loadAverage();
  log(`engine ${version.Version} (API ${client.negotiatedApiVersion}); ${VOLUME}: ${docker('run', '--rm', '-v', `${VOLUME}:/data:ro`, IMAGE, 'du', '-sh', '/data').split(/\s/)[0]}; load average ${loadStart}`);

  // Per extension (this tree, and BENCH_COMPARE's in turn with it): the first Browse Files of a profile (click → root
  // rows), the later ones (after Stop Browsing), the clicks on /many (→ rows, with the host's share).
  const targets = [...(COMPARE ? [{ label: `compared (${path.basename(COMPARE)})`, extensionPath: COMPARE }] : []), { label: 'this tree', extensionPath: repoRoot }];
  const measures = Object.fromEntries(targets.map((t) => [t.label, { firstBrowse: [], browse: [], expand: [], bare: [] }]));
  let profiles = 0;
  const core = { root: [], folderWarm: [], folderCold: [] };
  const loads = [];

  for (let l = 0; l < LOADS; l++) for (const [t, target] of targets.entries()) {
    const { firstBrowse, browse, expand } = measures[target.label];
    const port = 22000 + Math.floor(Math.random() * 2000);
    const wb = await openWorkbenchOnce(port, target.extensionPath);
    const { page } = wb;
    const ask = agentClient(port, 1200);
    await ask('status');
    const icon = page.locator(`.activitybar [aria-label^="${CONTAINER_TITLE}"]`).first();
    await icon.waitFor({ timeout: 120000 });
    await icon.click();
    const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
    const row = (title, label) => pane(title).locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.]/g, '\\.')}$`) }) }).first();
    const volumeRow = row('Volumes', VOLUME);
    await volumeRow.waitFor({ timeout: 120000 });
    await sleep(2000); // the views' first load settles

    // The row's inline Browse Files button. On a loaded machine a click there is sometimes taken as a hover only
    // (test/host/screenshots.mjs saw it too): clicked again until the rows show; the time counts
    // from the click that did it (the last pointerdown before them).
    const clickBrowse = async (watchFor) => {
      await volumeRow.click();
      for (let attempt = 0; ; attempt++) {
        await volumeRow.hover();
        await volumeRow.locator('.action-label[aria-label="Browse Files"]').first().click({ timeout: 10000 });
        const shown = await page.waitForFunction((names) => names.some((n) => window.__b.rowsOf('Volume Files').some((r) => window.__b.labelOf(r) === n)),
          watchFor, { timeout: 15000 }).then(() => true, () => false);
        if (shown) return;
        if (attempt === 2) {
          // What went wrong is in a notification: the centre opened for the screenshot.
          await page.locator('.statusbar .codicon-bell, .statusbar .codicon-bell-dot').first().click().catch(() => undefined);
          await sleep(1000);
          await page.screenshot({ path: path.join(repoRoot, '.bench/browse-workbench-failed.png') }).catch(() => undefined);
          throw new Error('Browse Files showed no rows after three clicks (screenshot: .bench/browse-workbench-failed.png)');
        }
        log('  Browse Files: the click showed nothing in 15 s; clicking again');
      }
    };
    const expandMany = async (into = expand) => {
      const folder = row('Volume Files', FOLDER);
      await folder.waitFor({ timeout: 30000 });
      if (await row('Volume Files', FIRST).count() || await row('Volume Files', FIRST_RANGE).count()) throw new Error(`${FOLDER} is already open`);
      await ask('timeline', { reset: 1 });
      let cdp;
      if (CPU_PROFILE) {
        await ask('profile-start');
        cdp = await page.context().newCDPSession(page);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      // The first row of the folder, whichever the build shows: file-0.bin itself, or the range that holds it.
      const r = await timed(page, ['Volume Files', [FIRST, FIRST_RANGE], true, true], () => folder.click());
      const grouped = r.seen[FIRST_RANGE] !== undefined;
      if (!grouped) Object.assign(r.seen, await page.evaluate((names) => window.__b.watch('Volume Files', names), [FIRST, KNOWN]));
      await sleep(500);
      if (CPU_PROFILE) {
        const n = ++profiles;
        const { profile } = await cdp.send('Profiler.stop');
        await cdp.detach();
        writeFileSync(`${CPU_PROFILE}-${n}-page.cpuprofile`, JSON.stringify(profile));
        await ask('profile-stop', { file: `${CPU_PROFILE}-${n}-host.cpuprofile` });
        for (const [side, file] of [['page', `${CPU_PROFILE}-${n}-page.cpuprofile`], ['extension host', `${CPU_PROFILE}-${n}-host.cpuprofile`]]) {
          const t = topFunctions(JSON.parse(readFileSync(file, 'utf8')));
          log(`  ${side}: ${f(t.busyMs)} ms busy of ${f(t.totalMs)} ms sampled; most self time:\n      ${t.top.join('\n      ')}`);
        }
      }
      const host = await ask('timeline', { reset: 1 });
      const folderCalls = host.children.filter((c) => c.path === FOLDER && !c.range);
      const listing = folderCalls[0];
      const firstRow = grouped ? FIRST_RANGE : FIRST;
      const e = {
        grouped, toFirst: r.seen[firstRow] - r.down, toKnown: grouped ? NaN : r.seen[KNOWN] - r.down, domRows: r.seen.rows,
        listings: folderCalls.length,
        toHost: listing ? listing.start - r.down : NaN, getChildren: listing ? listing.end - listing.start : NaN, count: listing?.count,
        items: host.items.count, itemsMs: host.items.ms, itemsSpan: host.items.last - host.items.first,
        afterHost: listing ? r.seen[firstRow] - Math.max(listing.end, host.items.last) : NaN, fs: host.fs,
      };
      if (grouped) {
        // The first range → its first rows; closed again; the arrow keys down to a range in the middle (the rows
        // below the pane are not in the DOM until scrolled to), whose click → its first row.
        const firstRange = row('Volume Files', FIRST_RANGE);
        const a = await timed(page, ['Volume Files', [FIRST, KNOWN]], () => firstRange.click());
        const hostA = await ask('timeline', { reset: 1 });
        const rangeCall = hostA.children.find((c) => c.range);
        Object.assign(e, {
          rangeToFirst: a.seen[FIRST] - a.down, rangeToKnown: a.seen[KNOWN] - a.down,
          rangeGetChildren: rangeCall ? rangeCall.end - rangeCall.start : NaN, rangeCount: rangeCall?.count,
          rangeListings: hostA.children.filter((c) => c.path === FOLDER && !c.range).length,
        });
        await timed(page, ['Volume Files', [FIRST], false], () => firstRange.click());
        // Past it and back, so the list has scrolled and rows below it are in view for its rows to show in.
        for (let i = 0; i < MID_STEPS + 5; i++) await page.keyboard.press('ArrowDown');
        for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowUp');
        const midRange = row('Volume Files', MID_RANGE);
        await midRange.waitFor({ timeout: 30000 });
        await sleep(300);
        const m = await timed(page, ['Volume Files', [MID]], () => midRange.click());
        const hostM = await ask('timeline', { reset: 1 });
        Object.assign(e, { midToRow: m.seen[MID] - m.down, midListings: hostM.children.filter((c) => c.path === FOLDER && !c.range).length, fsRanges: { ...hostA.fs, ...hostM.fs } });
        await timed(page, ['Volume Files', [MID], false], () => midRange.click());
        e.endToLast = NaN;
      } else {
        // End: the last of the 10,000 rows, which is there only if the whole listing is.
        const end = await timed(page, ['Volume Files', [LAST]], () => page.keyboard.press('End'));
        e.endToLast = end.seen[LAST] - end.down;
      }
      await page.keyboard.press('Home');
      await row('Volume Files', FOLDER).waitFor({ timeout: 30000 });
      // Closed again, so the next Browse Files shows it closed, as a new session's root does.
      await timed(page, ['Volume Files', [firstRow], false], () => row('Volume Files', FOLDER).click());
      into.push(e);
      log(`  /${FOLDER} clicked → ${firstRow} ${f(e.toFirst)} ms (${e.domRows} rows in the DOM); host: asked +${f(e.toHost)} ms, getChildren ${f(e.getChildren)} ms for ${e.count}, ${e.items} getTreeItem ${f(e.itemsMs)} ms over ${f(e.itemsSpan)} ms, then ${f(e.afterHost)} ms to the row; fs calls ${JSON.stringify(e.fs)}; `
        + (grouped ? `first range → ${FIRST} ${f(e.rangeToFirst)} ms (getChildren ${f(e.rangeGetChildren)} ms for ${e.rangeCount}, listings ${e.rangeListings}); middle range → ${MID} ${f(e.midToRow)} ms (listings ${e.midListings})` : `${KNOWN} ${f(e.toKnown)} ms; End → ${LAST} ${f(e.endToLast)} ms`));
    };

    // The first Browse Files of the profile: the helper image looked for and the question about it asked (answered
    // at once by the agent), then the helper starts and the root is listed.
    await ask('timeline', { reset: 1 });
    const first = await timed(page, ['Volume Files', [FOLDER]], () => clickBrowse([FOLDER]));
    const hostFirst = await ask('timeline', { reset: 1 });
    firstBrowse.push(first.seen[FOLDER] - first.down);
    log(`load ${l + 1}, ${target.label}: first Browse Files → root rows ${f(firstBrowse.at(-1))} ms (fs calls ${JSON.stringify(hostFirst.fs)})`);
    await expandMany();

    for (let c = 0; c < CYCLES; c++) {
      await ask('stop');
      await pane('Volume Files').waitFor({ state: 'detached', timeout: 30000 }).catch(() => undefined);
      await sleep(1000);
      const b = await timed(page, ['Volume Files', [FOLDER]], () => clickBrowse([FOLDER]));
      browse.push(b.seen[FOLDER] - b.down);
      log(`  Browse Files (new helper) → root rows ${f(browse.at(-1))} ms`);
      await expandMany();
    }
    // The floor, this tree only: the same click with rows that hold their label alone (the agent's /bare), which is
    // what the workbench costs for 10,000 rows whatever a row holds.
    if (target.extensionPath === repoRoot) {
      await ask('stop');
      await pane('Volume Files').waitFor({ state: 'detached', timeout: 30000 }).catch(() => undefined);
      await sleep(1000);
      await timed(page, ['Volume Files', [FOLDER]], () => clickBrowse([FOLDER]));
      await ask('bare', { on: 1 });
      await sleep(1500); // the setting's change lists the open root again
      await expandMany(measures[target.label].bare);
      await ask('bare', { on: 0 });
    }
    await ask('stop');
    await ask('finish');
    await wb.close();
    if (t < targets.length - 1) continue;

    // The core alone, same run, between the loads: what Browse Files lists (the root, new helper) and what the
    // click on the folder lists (the helper running), then the folder with a new helper (npm run bench:browse's "cold").
    for (let i = 0; i < CORE_RUNS; i++) {
      const session = new VolumeBrowseSession(client, VOLUME, IMAGE);
      let t = performance.now();
      await session.list('');
      core.root.push(performance.now() - t);
      t = performance.now();
      await session.list(FOLDER);
      core.folderWarm.push(performance.now() - t);
      await session.dispose();
      const cold = new VolumeBrowseSession(client, VOLUME, IMAGE);
      t = performance.now();
      await cold.list(FOLDER);
      core.folderCold.push(performance.now() - t);
      await cold.dispose();
    }
    loads.push(loadAverage());
    log(`  core: root (new helper) ${all(core.root.slice(-CORE_RUNS))} ms; /${FOLDER} (helper running) ${all(core.folderWarm.slice(-CORE_RUNS))} ms; /${FOLDER} (new helper) ${all(core.folderCold.slice(-CORE_RUNS))} ms; load average ${loads.at(-1)}`);
  }
  client.close();

  const col = (xs, k) => xs.map((x) => x[k]);
  const result = { loadAverage: { start: loadStart, afterEachLoad: loads }, measures, core };
  writeFileSync(path.join(repoRoot, '.bench/browse-workbench.json'), JSON.stringify(result, null, 2));
  const line = (name, xs) => console.log(`| ${name} | **${f(median(xs))} ms** | ${all(xs)} |`);
  console.log(`\n${VOLUME}, /${FOLDER} (${FILES.toLocaleString('en-US')} files); ${LOADS} workbench loads${COMPARE ? ' of each extension, in turn' : ''}; load average ${loadStart} at the start, ${loads.join(' / ')} after each load\n`);
  console.log('| in the real workbench (click → rows in the DOM) | median | all runs |');
  console.log('|---|---|---|');
  for (const { label } of targets) {
    const { firstBrowse, browse, expand } = measures[label];
    if (COMPARE) console.log(`| **${label}** | | |`);
    const grouped = expand.some((e) => e.grouped);
    line(`click on /${FOLDER} → first row (${grouped ? `the range row "${FIRST_RANGE}"` : FIRST}), helper running`, col(expand, 'toFirst'));
    if (!grouped) line(`… → ${KNOWN}`, col(expand, 'toKnown'));
    line('… of which the click reaching the host (getChildren asked)', col(expand, 'toHost'));
    line('… our getChildren (listing by exec, parse, sort, nodes)', col(expand, 'getChildren'));
    line(`… our getTreeItem × ${expand[0]?.items ?? '?'} (time inside them)`, col(expand, 'itemsMs'));
    line('… the host done → the row in the DOM (transfer, workbench)', col(expand, 'afterHost'));
    if (grouped) {
      line(`click on the first range → ${FIRST}`, col(expand, 'rangeToFirst'));
      line(`… our getChildren of the range (${expand[0]?.rangeCount ?? '?'} rows sliced from the listing, no exec)`, col(expand, 'rangeGetChildren'));
      line(`click on the range in the middle ("${MID_RANGE}") → ${MID}`, col(expand, 'midToRow'));
      line(`both clicks: /${FOLDER}, then its first range → ${FIRST} (sum of the two visible times)`, expand.map((e) => e.toFirst + e.rangeToFirst));
    } else {
      line(`End → the last row (${LAST})`, col(expand, 'endToLast'));
    }
    if (measures[label].bare.length) {
      const b = measures[label].bare;
      line(`the floor of sending all rows: the same click, ${FILES.toLocaleString('en-US')} rows flat holding their label only (no description, file icon, command) → ${FIRST}`, col(b, 'toFirst'));
      line('… of which the host done → the row in the DOM', col(b, 'afterHost'));
    }
    line('Browse Files (new helper, no question) → root rows', browse);
    line('the first Browse Files of a profile (helper image looked for, question answered at once) → root rows', firstBrowse);
  }
  console.log('| **the core alone, same run** | | |');
  line(`list /${FOLDER}, helper running (the part of the click on /${FOLDER})`, core.folderWarm);
  line('list the root, new helper (the part of Browse Files)', core.root);
  line(`list /${FOLDER}, new helper (npm run bench:browse "first listing")`, core.folderCold);
  const clicks = Object.values(measures).flatMap((m) => [...m.expand, ...m.bare]);
  console.log(`\neach click on /${FOLDER}: getChildren of it ${[...new Set(clicks.map((e) => e.listings))].join(' or ')} time(s); file-system calls ${JSON.stringify([...new Set(clicks.map((e) => JSON.stringify(e.fs)))])}`);
  const rangeClicks = clicks.filter((e) => e.grouped);
  if (rangeClicks.length) console.log(`each click on a range: listings of /${FOLDER} ${[...new Set(rangeClicks.flatMap((e) => [e.rangeListings, e.midListings]))].join(' or ')}; file-system calls ${JSON.stringify([...new Set(rangeClicks.map((e) => JSON.stringify(e.fsRanges)))])}`);
  console.log(`load average at the end: ${loadAverage()}; written .bench/browse-workbench.json`);
  dropVolume();
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await closeBenchWorkbenches();
  // Helpers of a session cut short (the extension host gone before Stop Browsing): only this volume's.
  try {
    const ids = docker('ps', '-aq', '--filter', 'label=docker-networks-volumes.helper=volume-browse', '--filter', `volume=${VOLUME}`).split('\n').filter(Boolean);
    if (ids.length) docker('rm', '-f', ...ids);
  } catch { /* engine gone */ }
}
process.exit(code);
