/**
 * Activating and deactivating the extension leaves nothing behind: no timer, socket, pipe, file watcher, worker or
 * child process of the extension host's Node, no subscription to the core's events, no diagnostics.
 *
 * The extension the other suites use is deactivated first (as VS Code does it: `deactivate`, then every
 * subscription disposed), so this file runs last (hence its name; index.ts runs the files in name order). What the
 * host holds then is the baseline. A fresh copy of the bundle is then activated with a context of the test's own,
 * made to work (engine connected and loaded, views shown, a Compose file analysed), and deactivated the same way:
 * the counts must come back to the baseline.
 */
import * as assert from 'assert';
import { createHook } from 'async_hooks';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID, extensionApi, sleep, waitFor, waitLoaded } from './helpers';

type Counts = Record<string, number>;

/**
 * The kinds of handle an extension can leave open in the host's Node, as `process.getActiveResourcesInfo()` names
 * them (timers, immediates, TCP and Unix sockets, servers, fs.watch and fs.watchFile, child processes, workers
 * and their ports), and the host's child processes (from /proc).
 */
const KINDS = /^(Timeout|Immediate|TCPSocketWrap|TCPWrap|PipeWrap|PipeConnectWrap|TCPConnectWrap|TLSWrap|FSEventWrap|StatWatcher|ProcessWrap|Worker|MessagePort|UDPWrap|TTYWrap|SignalWrap)$/;

/** The host's child processes, by pid, with their command lines (for the message when one is left). */
function childProcesses(): Map<string, string> {
  const children = new Map<string, string>();
  for (const task of fs.readdirSync(`/proc/${process.pid}/task`)) {
    try {
      for (const pid of fs.readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
        children.set(pid, fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim());
      }
    } catch { /* a thread or process that ended meanwhile */ }
  }
  return children;
}

function counts(): Counts {
  const result: Counts = { 'child process': childProcesses().size };
  for (const kind of process.getActiveResourcesInfo()) if (KINDS.test(kind)) result[kind] = (result[kind] ?? 0) + 1;
  return result;
}

function describeCounts(c: Counts): string {
  return Object.entries(c).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
}

/** The kinds that have more now than in the baseline (the host's own timers come and go, so fewer is fine). */
function moreThan(now: Counts, baseline: Counts): string[] {
  return Object.entries(now).filter(([k, n]) => n > (baseline[k] ?? 0)).map(([k, n]) => `${k}: ${baseline[k] ?? 0} -> ${n}`);
}

/** Listeners on the core's emitters (anything with `on`, `fire` and a numeric `size`) reachable from the API's engine set. */
function coreListeners(api: ExtensionApi): number {
  const seen = new Set<object>();
  let total = 0;
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 3) return;
    seen.add(value);
    const v = value as { on?: unknown; fire?: unknown; size?: unknown };
    if (typeof v.on === 'function' && typeof v.fire === 'function' && typeof v.size === 'number') { total += v.size; return; }
    const children = value instanceof Map ? [...value.values()] : Object.values(value);
    for (const child of children) visit(child, depth + 1);
  };
  visit(api.engines, 0);
  return total;
}

/** A context like the one VS Code passes, with the parts activate() reads, and its state in memory. */
function contextFor(extension: vscode.Extension<unknown>): vscode.ExtensionContext {
  const state = new Map<string, unknown>();
  const memento = {
    keys: () => [...state.keys()],
    get: (key: string, fallback?: unknown) => (state.has(key) ? state.get(key) : fallback),
    update: async (key: string, value: unknown) => { if (value === undefined) state.delete(key); else state.set(key, value); },
    setKeysForSync: () => undefined,
  };
  return { subscriptions: [], extensionUri: extension.extensionUri, extensionPath: extension.extensionPath, globalState: memento, workspaceState: memento } as unknown as vscode.ExtensionContext;
}

/**
 * Every handle (timer, immediate, socket, pipe, watcher, process, worker, port) created while this runs by code in
 * `file` (a frame of its creation stack is in it), until it is closed: what the host's counts cannot pin on one
 * extension (other extensions start and end timers and processes of their own all the time).
 */
const HANDLES = /^(Timeout|Immediate|TCPWRAP|PIPEWRAP|TCPSERVERWRAP|PIPESERVERWRAP|TLSWRAP|FSEVENTWRAP|STATWATCHER|PROCESSWRAP|WORKER|MESSAGEPORT|UDPWRAP|SIGNALWRAP|TTYWRAP)$/;

function trackHandles(file: string): { live(): string[]; stop(): void } {
  const live = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (!HANDLES.test(type)) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 60;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      const frame = stack.split('\n').find((line) => line.includes(file));
      if (frame) live.set(asyncId, `${type} ${frame.trim()}`);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return { live: () => [...live.values()], stop: () => hook.disable() };
}

/** Waits for the counts to be at or under the baseline; returns what is still above it when the time is up. */
async function settleTo(baseline: Counts, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const above = moreThan(counts(), baseline);
    if (!above.length || Date.now() > deadline) return above;
    await sleep(200);
  }
}

/**
 * The fewest of each kind over a few samples: the host and the other extensions (a language server's child process
 * and its pipes, timers) come and go; afterwards the counts are polled until one sample is at or under all of these.
 */
async function baselineCounts(): Promise<Counts> {
  const result: Counts = counts();
  for (let i = 0; i < 10; i++) {
    await sleep(200);
    const now = counts();
    for (const k of Object.keys(result)) result[k] = Math.min(result[k], now[k] ?? 0);
  }
  return result;
}

const sockets = (c: Counts) => (c.PipeWrap ?? 0) + (c.TCPSocketWrap ?? 0) + (c.TLSWrap ?? 0);

suite('Activation and deactivation leave nothing behind', () => {
  test('a fresh activation, made to work, then deactivated, leaves no handle, process or listener', async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is loaded');
    const running = await extensionApi();
    await running.store.whenSettled();
    running.deactivateForTests();
    assert.strictEqual(coreListeners(running), 0, 'the running extension left listeners on its core events');

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the sample workspace is open');
    const composeFile = vscode.Uri.file(path.join(folder.uri.fsPath, 'compose-checks', 'compose.yaml'));
    // Let what the old instance was stopping end (the event stream's socket, the analysis worker).
    await sleep(2_000);
    const baseline = await baselineCounts();

    // A fresh copy of the bundle: module state (the log channel, caches) starts anew, as in a new window.
    const bundle = path.join(extension.extensionPath, 'dist', 'extension.js');
    delete require.cache[require.resolve(bundle)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second copy of the bundle, loaded at run time
    const fresh = require(bundle) as { activate(context: vscode.ExtensionContext): ExtensionApi; deactivate(): void };
    const context = contextFor(extension);
    const handles = trackHandles(bundle);
    // The host hands a log channel of the same name back closed once it was disposed (the old instance's was):
    // the fresh one gets a name of its own.
    const createOutputChannel = vscode.window.createOutputChannel;
    Object.assign(vscode.window, { createOutputChannel: (name: string, options: never) => createOutputChannel(`${name} (lifecycle test)`, options) });
    let api: ExtensionApi;
    try {
      api = fresh.activate(context);
    } finally {
      Object.assign(vscode.window, { createOutputChannel });
    }
    await waitLoaded(api);
    await vscode.commands.executeCommand('dnv.networks.focus');
    await vscode.commands.executeCommand('dnv.volumes.focus');
    const document = await vscode.workspace.openTextDocument(composeFile);
    await vscode.window.showTextDocument(document);
    await waitFor('Compose diagnostics from the fresh activation', () => vscode.languages.getDiagnostics(composeFile).some((d) => d.source === 'compose'), 20_000);
    await api.store.computeVolumeSizes();
    const active = counts();
    const listening = coreListeners(api);
    // The counts see the extension: at least its event stream's socket to the engine, and its listeners.
    assert.ok(sockets(active) > sockets(baseline), `the active extension holds no socket more than the baseline (${describeCounts(baseline)}): ${describeCounts(active)}`);
    assert.ok(listening > 0, 'the active extension has no listener on its core events');

    fresh.deactivate();
    for (const subscription of context.subscriptions.splice(0)) subscription.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    let handlesLeft: string[] = [];
    try {
      await waitFor('the handles the extension opened closed', () => handles.live().length === 0, 20_000).catch(() => undefined);
      handlesLeft = handles.live();
    } finally {
      handles.stop();
    }
    assert.deepStrictEqual(handlesLeft, [], 'handles the extension opened are still open after deactivation');
    const left = await settleTo(baseline, 20_000);
    assert.deepStrictEqual(left, [], `left behind after deactivation (baseline ${describeCounts(baseline)}; active ${describeCounts(active)}; now ${describeCounts(counts())}; child processes ${JSON.stringify([...childProcesses().values()])})`);
    assert.strictEqual(coreListeners(api), 0, `listeners left on the core's events (${listening} while active)`);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(composeFile).filter((d) => d.source === 'compose'), [], 'diagnostics left behind');
    console.log(`lifecycle: baseline ${describeCounts(baseline)}; active ${describeCounts(active)}, ${listening} core listeners; after ${describeCounts(counts())}`);
  });
});
