// Runs the mocha suite out/test/host/suite/index.js inside a REAL VS Code extension host (code-server's Node
// extension host), driven by headless Debian chromium. The extension under test is this repository
// (dist/extension.js, built by `node scripts/build.mjs`); the suite is compiled by `npx tsc -p .`.
//
//   node test/host/run-host-tests.mjs [--timeout=SECONDS]
//
// Environment: DOCKER_HOST (passed through to the extension host), CODE_SERVER_ENTRY / CODE_SERVER_NODE
// (else taken from scripts/setup-code-server.sh), DNV_HOST_TEST_TIMEOUT (seconds, default 300),
// VERBOSE=1 (code-server and browser output), KEEP=1 (keep the scratch profile), FAIL_SCREENSHOT=path.png.
// Exit code = result; the closing line is `N passed, N failed`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { startCodeServer, openWorkbench, log, repoRoot, sampleWorkspace } from './cs-harness.mjs';

const arg = process.argv.find((a) => a.startsWith('--timeout='));
const TIMEOUT_S = Number(arg ? arg.slice('--timeout='.length) : process.env.DNV_HOST_TEST_TIMEOUT || 300);
// A copy of the sample workspace: tests write workspace settings (the backup schedule) into its .vscode folder.
const workspaceCopy = process.env.EXT_TEST_WORKSPACE ? undefined : mkdtempSync(path.join(tmpdir(), 'dnvtest-workspace-'));
if (workspaceCopy) cpSync(sampleWorkspace, workspaceCopy, { recursive: true });
const workspace = process.env.EXT_TEST_WORKSPACE || workspaceCopy;
const testsEntry = path.join(repoRoot, 'out/test/host/suite/index.js');
const verbose = !!process.env.VERBOSE;
// Every Docker object the suite makes is named with this prefix, so this runner can remove leftovers
// of its own run (a timeout, a crashed extension host) without touching anything else.
const runTag = `dnvtest-h${process.pid}`;
process.env.DNV_TEST_RUN_TAG = runTag;
// The private second engine the unreachable/recovery test starts (see suite/engine.ts).
const E2_DIR = '/tmp/dnv-e2';

for (const [file, how] of [[testsEntry, 'npx tsc -p .'], [path.join(repoRoot, 'dist/extension.js'), 'node scripts/build.mjs']]) {
  if (!existsSync(file)) {
    console.error(`missing ${path.relative(repoRoot, file)}: run \`${how}\` first`);
    console.log('0 passed, 1 failed');
    process.exit(4);
  }
}
if (!Number.isFinite(TIMEOUT_S) || TIMEOUT_S <= 0) { console.error(`bad timeout: ${TIMEOUT_S}`); process.exit(4); }

/** Removes what this run's suite may have left behind if it never reached its own teardown. */
async function cleanupLeftovers() {
  const docker = (...a) => { try { return execFileSync('docker', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return ''; } };
  const ids = (kind, ...f) => docker(kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '-q', '--filter', `name=${runTag}`, ...f).split('\n').filter(Boolean);
  const containers = ids('container');
  if (containers.length) docker('rm', '-f', ...containers);
  const networks = docker('network', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(runTag));
  if (networks.length) docker('network', 'rm', ...networks);
  const volumes = docker('volume', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(runTag));
  if (volumes.length) docker('volume', 'rm', '-f', ...volumes);
  if (containers.length + networks.length + volumes.length) log(`removed leftovers: ${[...containers, ...networks, ...volumes].join(' ')}`);
  // The second engine: stop it only if it is the one the suite starts (its command line names our data root).
  if (existsSync(E2_DIR)) {
    try {
      const pid = Number(readFileSync(path.join(E2_DIR, 'pid'), 'utf8').trim());
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(`${E2_DIR}/data`)) {
        log(`stopping leftover test dockerd ${pid}`);
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
      }
    } catch { /* no pidfile or no such process */ }
    try { rmSync(E2_DIR, { recursive: true, force: true }); } catch (e) { log(`could not remove ${E2_DIR}: ${e.message}`); }
  }
}

let cs; let browser; let page; let finished = false; let summary = '';
const progress = { passed: 0, failed: new Set() }; // from mocha's spec reporter lines, for an interrupted run
const started = Date.now();
async function finish(code, why) {
  if (finished) return; finished = true;
  log(`exit ${code} (${why})`);
  if (code !== 0 && process.env.FAIL_SCREENSHOT) { try { await page?.screenshot({ path: process.env.FAIL_SCREENSHOT }); } catch { /* no page */ } }
  try { await browser?.close(); } catch { /* already closed */ }
  await cs?.stop();
  await cleanupLeftovers();
  if (workspaceCopy) rmSync(workspaceCopy, { recursive: true, force: true });
  log(`took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  // The closing line is always `N passed, N failed`.
  if (summary) {
    console.log(summary);
    if (code === 0 && !/^\d+ passed, 0 failed/.test(summary)) code = 1;
  } else {
    // The suite never ran to its end: count what it reported so far, plus one failure for the interruption.
    console.log(`${progress.passed} passed, ${progress.failed.size + 1} failed`);
    if (code === 0) code = 1;
  }
  process.exit(code);
}
setTimeout(() => finish(2, `timeout: tests did not report back within ${TIMEOUT_S}s`), TIMEOUT_S * 1000).unref();
process.on('uncaughtException', (e) => finish(5, 'runner error: ' + (e?.stack || e)));
process.on('unhandledRejection', (e) => finish(5, 'runner error: ' + (e?.stack || e)));
process.on('SIGINT', () => finish(130, 'SIGINT'));
process.on('SIGTERM', () => finish(143, 'SIGTERM'));

log(`engine: ${process.env.DOCKER_HOST || 'default socket'}; workspace: ${workspaceCopy ? `copy of ${path.relative(repoRoot, sampleWorkspace)}` : workspace}; timeout ${TIMEOUT_S}s; run tag ${runTag}`);
cs = await startCodeServer({ workspace });
cs.proc.on('exit', (c) => finish(3, `code-server exited early (${c})\n${cs.output()}`));
({ browser, page, url: cs.url } = await openWorkbench({
  authority: cs.authority, home: cs.home, workspace,
  extensionDevelopmentPath: repoRoot,
  extensionTestsPath: testsEntry,
}));
// Browser errors are shown, except the workbench's own noise offline: extension gallery calls, the missing vsda module.
const workbenchNoise = /open-vsx\.org|ENOTFOUND|ERR_NAME_NOT_RESOLVED|Gallery|marketplace|\/vsda\//i;
// The test runner's own output arrives through codeAutomationLog; the browser echoes its errors again.
const echoed = /^Error: \d+ tests? failed/;
page.on('console', (m) => {
  const text = m.text().replace(/%c/g, '').replace(/\s*color: #[0-9a-f]+\s*/gi, ' ').trim();
  const where = /^Failed to load resource/.test(text) && m.location()?.url ? ` (${m.location().url})` : '';
  if (verbose || (m.type() === 'error' && !workbenchNoise.test(text + where) && !echoed.test(text))) console.log('[browser]', text + where);
});
// VS Code's web workbench calls these globals when it runs extensionTestsPath (as @vscode/test-web does).
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const line = format(...(args || []));
  if (/^\d+ passed, \d+ failed/.test(line)) summary = line;
  if (/^\s+✔ /.test(line)) progress.passed++;
  const failedTest = /^\s+(\d+)\) /.exec(line);
  if (failedTest) progress.failed.add(failedTest[1]);
  if (verbose || !/open-vsx\.org|GalleryExtensions/.test(line)) console.log(line); // the workbench logs here too
});
await page.exposeFunction('codeAutomationExit', (code) => finish(code, 'extension host test runner finished'));
// Playwright's default 30 s for the page load is not enough on a loaded machine (the workbench is big); the run's own timeout still bounds it.
await page.goto(cs.url, { timeout: 120_000 }).catch((e) => finish(6, 'goto failed: ' + e.message));
