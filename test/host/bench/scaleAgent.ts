/**
 * The in-host half of `npm run bench:scale` (scripts/bench-scale.mjs), loaded as the workbench's
 * extensionTestsPath. It does not activate the extension (opening the view does) and changes nothing: it answers
 * the benchmark's questions over HTTP on 127.0.0.1:$DNV_BENCH_AGENT_PORT — activation time, the store's
 * request count, what the views asked the tree providers (getChildren of the root and of rows, getTreeItem),
 * store changes with their times — until the benchmark asks it to finish.
 */
import { writeFileSync } from 'fs';
import * as inspector from 'inspector';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { serveAgent } from './agentServer';

const EXTENSION_ID = 'netvol.docker-networks-volumes';
const now = () => performance.timeOrigin + performance.now();

interface Calls { root: number; children: number; items: number; rootAt: Array<[number, number]> }

/** Counts the calls the workbench makes on a tree provider (the object VS Code holds). */
function countCalls(tree: { getChildren(n?: unknown): unknown[] | Promise<unknown[]>; getTreeItem(n: unknown): unknown }): Calls {
  const calls: Calls = { root: 0, children: 0, items: 0, rootAt: [] };
  const getChildren = tree.getChildren.bind(tree);
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getChildren = (n?: unknown) => {
    if (n) { calls.children++; return getChildren(n); }
    calls.root++;
    // When the workbench got the root rows, and how many (the first ones: cold start). An answer that waited for
    // the list counts when it was given.
    const rows = getChildren(n);
    const record = (given: unknown[]) => { if (calls.rootAt.length < 20) calls.rootAt.push([now(), given.length]); return given; };
    return Array.isArray(rows) ? record(rows) : rows.then(record);
  };
  tree.getTreeItem = (n: unknown) => { calls.items++; return getTreeItem(n); };
  return calls;
}

export async function run(): Promise<void> {
  const port = Number(process.env.DNV_BENCH_AGENT_PORT);
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext || !port) throw new Error('scaleAgent: extension or DNV_BENCH_AGENT_PORT missing');
  let api: ExtensionApi | undefined;
  let calls: { networks: Calls; volumes: Calls } | undefined;
  const changes: Array<{ t: number; kinds: string[]; status: string; loaded: boolean }> = [];
  const attach = () => {
    if (api || !ext.isActive) return;
    api = ext.exports;
    calls = { networks: countCalls(api.explorer.networksEngineTree), volumes: countCalls(api.explorer.volumesEngineTree) };
    api.store.onDidChange((c) => changes.push({ t: now(), kinds: [...c.kinds], status: api!.store.state.status, loaded: api!.store.loaded }));
  };
  const timer = setInterval(attach, 5);
  // The host thread's stalls: gaps over 20 ms between the ticks of a 5 ms timer (when they ended, and how long).
  const stalls: Array<[number, number]> = [];
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const t = performance.now();
    if (t - lastTick > 20) stalls.push([performance.timeOrigin + t, t - lastTick]);
    lastTick = t;
  }, 5);
  // DNV_BENCH_CPU_PROFILE=1: a CPU profile of the host from here (before the view is opened) until /profile.
  let profiler: inspector.Session | undefined;
  if (process.env.DNV_BENCH_CPU_PROFILE === '1') {
    profiler = new inspector.Session();
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    profiler.post('Profiler.start');
  }

  const answer = async (url: URL): Promise<unknown> => {
    attach();
    const q = (k: string) => url.searchParams.get(k) ?? '';
    switch (url.pathname) {
      case '/status': return {
        active: Boolean(api), activation: api?.activation, status: api?.store.state.status, loaded: api?.store.loaded,
        listed: api ? { networks: api.store.listed('networks'), volumes: api.store.listed('volumes'), containers: api.store.listed('containers') } : undefined,
        counts: api ? { networks: api.store.networks().length, volumes: api.store.volumes().length, containers: api.store.containers().length } : undefined,
        engines: api?.engines.entries().map((e) => e.label),
        requests: api?.store.client.requestCount, events: api?.store.eventsReceived, memory: process.memoryUsage(), pid: process.pid, now: now(),
      };
      case '/calls': { const c = structuredClone(calls); if (calls && q('reset')) for (const v of Object.values(calls)) { v.root = v.children = v.items = 0; v.rootAt = []; } return c; }
      case '/changes': { const since = Number(q('since') || 0); return changes.filter((c) => c.t >= since); }
      case '/reveal': return vscode.commands.executeCommand('dnv.reveal', { kind: q('kind'), name: q('name') });
      case '/settled': await api?.store.whenSettled(); return { now: now() };
      // What the topology of the whole engine asks for: every container's aliases (an inspect each).
      case '/aliases-all': {
        const before = api!.store.client.requestCount;
        const t = performance.now();
        await api!.store.aliasesFor(api!.store.containers().map((c) => c.id));
        return { ms: performance.now() - t, inspected: api!.store.client.requestCount - before };
      }
      // The longest stall of the host thread that ended after `since`, and how many over 50 ms.
      case '/stalls': {
        const since = Number(q('since') || 0);
        const after = stalls.filter(([t]) => t >= since).map(([, ms]) => ms);
        return { longest: Math.max(0, ...after), over50: after.filter((ms) => ms > 50).length };
      }
      // The alternative to a row refresh, for the same count: what a whole-tree redraw asks of the providers.
      case '/refresh-all': api?.explorer.networksTree.refresh(); api?.explorer.volumesTree.refresh(); return { now: now() };
      // What our providers spend on a whole redraw of the Volumes view (the root's children and every row's item),
      // measured here, outside the workbench: the rest of a redraw's time is the workbench's.
      case '/provider-ms': {
        const tree = api!.explorer.volumesEngineTree;
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          for (const node of await tree.getChildren()) tree.getTreeItem(node);
          times.push(performance.now() - t);
        }
        return times.sort((a, b) => a - b)[2];
      }
      case '/gc': (globalThis as { gc?: () => void }).gc?.(); return process.memoryUsage();
      // What the host holds once garbage is collected (the host runs without --expose-gc: V8 lends the function),
      // and optionally a heap snapshot of it, to see what is ours.
      case '/memory': {
        const before = process.memoryUsage();
        v8.setFlagsFromString('--expose-gc');
        const gc = vm.runInNewContext('gc') as () => void;
        gc(); gc();
        const after = process.memoryUsage();
        const snapshot = q('snapshot') ? v8.writeHeapSnapshot(q('snapshot')) : undefined;
        return { before, after, heapSpaces: v8.getHeapSpaceStatistics(), snapshot };
      }
      case '/profile': {
        const session = profiler;
        if (!session) return { error: 'DNV_BENCH_CPU_PROFILE was not set' };
        profiler = undefined;
        const { profile } = await new Promise<{ profile: object }>((resolve, reject) => session.post('Profiler.stop', (e, r) => (e ? reject(e) : resolve(r as { profile: object }))));
        session.disconnect();
        writeFileSync(q('file'), JSON.stringify(profile));
        return { file: q('file'), timeOrigin: performance.timeOrigin };
      }
      default: throw new Error(`unknown ${url.pathname}`);
    }
  };
  await serveAgent('scale', port, answer);
  clearInterval(timer);
  clearInterval(ticker);
  console.log('0 passed, 0 failed');
}
