// Shared harness for the extension-host tests and the screenshots: starts code-server (VS Code server + web
// workbench, on Node 24) on loopback with a scratch profile, and opens the workbench in Debian's chromium
// through playwright-core. The extension runs in code-server's Node extension host, so it reaches the Docker
// engine like the desktop build would; DOCKER_HOST in this process's environment is passed through.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sampleWorkspace = path.join(repoRoot, 'test/fixtures/sample-workspace');

const t0 = Date.now();
export const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
export const log = (...a) => console.log(`[harness +${elapsed()}]`, ...a);

/**
 * CODE_SERVER_ENTRY / CODE_SERVER_NODE from the environment, else from scripts/setup-code-server.sh
 * (which installs code-server into its cache folder the first time, about 3 minutes, and prints the exports).
 */
export function ensureCodeServerEnv() {
  if (process.env.CODE_SERVER_ENTRY && existsSync(process.env.CODE_SERVER_ENTRY)) return;
  log('CODE_SERVER_ENTRY not set: running scripts/setup-code-server.sh');
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts/setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const m of out.matchAll(/\b(CODE_SERVER_ENTRY|CODE_SERVER_NODE)=(\S+)/g)) process.env[m[1]] = m[2];
  if (!process.env.CODE_SERVER_ENTRY || !existsSync(process.env.CODE_SERVER_ENTRY)) {
    throw new Error(`scripts/setup-code-server.sh did not give a usable CODE_SERVER_ENTRY:\n${out}`);
  }
}

/**
 * Starts code-server. `env` is merged over process.env for code-server (and so for the extension host);
 * `settings` over the scratch profile's user settings; `extensionsDir` replaces the empty scratch one (to run
 * an installed .vsix).
 */
export async function startCodeServer({ workspace, env = {}, settings = {}, extensionsDir, verbose = !!process.env.VERBOSE }) {
  ensureCodeServerEnv();
  const entry = process.env.CODE_SERVER_ENTRY; // <dir>/node_modules/code-server/out/node/entry.js
  const nodeBin = process.env.CODE_SERVER_NODE || process.execPath;
  const port = Number(process.env.PORT || 18000 + Math.floor(Math.random() * 2000));
  const work = mkdtempSync(path.join(tmpdir(), 'dnv-cs-'));
  // A quiet, offline-friendly workbench: no chat, no gallery or update checks, no welcome page.
  mkdirSync(path.join(work, 'data/User'), { recursive: true });
  for (const d of ['home', 'tmp', 'xdg-config', 'xdg-data', 'xdg-cache']) mkdirSync(path.join(work, d), { recursive: true });
  writeFileSync(path.join(work, 'data/User/settings.json'), JSON.stringify({
    'chat.disableAIFeatures': true, 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'update.mode': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false, 'git.enabled': false, 'github.gitAuthentication': false,
    'workbench.enableExperiments': false, 'extensions.ignoreRecommendations': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The tests see the engine the suite chose (DOCKER_HOST) and nothing else of the machine: a stale
    // /var/run/docker.sock left by a stopped daemon would otherwise add a second, unreachable engine row.
    'dockerNetworksVolumes.engine.discover': false,
    ...settings,
  }, null, 2));
  // engine.discover is machine-scoped: a remote window (code-server's) may read it from the server's machine
  // settings rather than the user's, so it goes in both.
  mkdirSync(path.join(work, 'data/Machine'), { recursive: true });
  // The same for the extension's settings a caller passes (browse.helperImage is machine-scoped too).
  const ours = Object.fromEntries(Object.entries(settings).filter(([key]) => key.startsWith('dockerNetworksVolumes.')));
  writeFileSync(path.join(work, 'data/Machine/settings.json'), JSON.stringify({ 'dockerNetworksVolumes.engine.discover': false, ...ours }, null, 2));
  const proc = spawn(nodeBin, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', path.join(work, 'data'), '--extensions-dir', extensionsDir || path.join(work, 'exts'), workspace], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOME: path.join(work, 'home'), TMPDIR: path.join(work, 'tmp'),
      XDG_CONFIG_HOME: path.join(work, 'xdg-config'), XDG_DATA_HOME: path.join(work, 'xdg-data'), XDG_CACHE_HOME: path.join(work, 'xdg-cache'),
      // VS Code 1.139 honours the dev/test URL 'payload' only with the smoke-test driver on; code-server 4.139
      // passes it on from VSCODE_OPTIONS (= --vscode-option).
      VSCODE_OPTIONS: 'enable-smoke-test-driver',
      ...env,
    },
  });
  let out = '';
  const onData = (d) => { out += d; if (verbose) process.stdout.write(d); };
  proc.stdout.on('data', onData); proc.stderr.on('data', onData);
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  let stopped = false;
  /** Ends code-server's whole process group (server, extension host, watchers) and removes the profile. */
  const stop = async () => {
    if (stopped) return; stopped = true;
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
    if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60000;
  while (!out.includes('HTTP server listening')) {
    if (proc.exitCode !== null || Date.now() > deadline) { await stop(); throw new Error('code-server did not start:\n' + out); }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`code-server up on 127.0.0.1:${port}`);
  return { port, authority: `127.0.0.1:${port}`, home: path.join(work, 'home'), proc, stop, output: () => out };
}

/** Launches chromium and builds the workbench URL (with the dev/test payload); the caller navigates. */
export async function openWorkbench({ authority, workspace, extensionDevelopmentPath, extensionTestsPath, viewport, home, deviceScaleFactor }) {
  const browser = await chromium.launch({
    env: { ...process.env, ...(home ? { HOME: home } : {}) }, // keep chromium's ~/.config and ~/.cache out of the real HOME
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: viewport || { width: 1280, height: 800 }, deviceScaleFactor: deviceScaleFactor || 1 });
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]);
  const url = `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return { browser, page, url };
}
