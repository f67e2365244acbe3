/**
 * The in-host half of `npm run bench:browse -- --workbench` (scripts/bench-browse-workbench.mjs), loaded as the
 * workbench's extensionTestsPath. It changes nothing the user does: the benchmark clicks in the page, and this
 * agent says over HTTP on 127.0.0.1:$DNV_BENCH_AGENT_PORT what the workbench asked of the volume browser in the
 * host (the Volume Files tree's getChildren and getTreeItem, the dnv-volume file system's stat, readDirectory and
 * readFile), with the times, so the time from a click to a visible row can be split into the host's share and the
 * workbench's. It also ends a browse session (Stop Browsing) between runs, and answers until told to finish.
 *
 * A workbench opened with an extensionTestsPath refuses modal dialogs ("refused to show dialog in tests"), so the
 * one question Browse Files asks (may a helper of this image run) is answered Allow here, through the extension's
 * injected prompts: the command still asks it, and the question's own time (the user reading it) is not measured.
 */
import * as vscode from 'vscode';
import { writeFileSync } from 'fs';
import * as inspector from 'inspector';
import type { Prompts } from '../../../src/commands/prompts';
import type { ExtensionApi } from '../../../src/extension';
import { serveAgent } from './agentServer';

const EXTENSION_ID = 'netvol.docker-networks-volumes';
const now = () => performance.timeOrigin + performance.now();

interface Timeline {
  /**
   * getChildren of a folder (its path; '' for a volume's root) or of one of its name ranges (`range`: no listing,
   * a slice of the folder's), when asked and when answered, and how many.
   */
  children: Array<{ path: string; range?: boolean; start: number; end: number; count: number }>;
  /** getTreeItem calls: how many, the time spent in them, the first and the last. */
  items: { count: number; ms: number; first: number; last: number };
  /** The file system's calls by name (what the workbench asks of the dnv-volume scheme besides the tree). */
  fs: Record<string, number>;
}

const fresh = (): Timeline => ({ children: [], items: { count: 0, ms: 0, first: 0, last: 0 }, fs: {} });

export async function run(): Promise<void> {
  const port = Number(process.env.DNV_BENCH_AGENT_PORT);
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext || !port) throw new Error('browseAgent: extension or DNV_BENCH_AGENT_PORT missing');
  const api = await ext.activate();
  let timeline = fresh();
  const refuse = (what: string) => () => { throw new Error(`browseAgent: unexpected ${what}`); };
  const allowHelper: Prompts = {
    confirm: async (message, options) => (/helper container from image/.test(message) ? options.actions[0] : undefined),
    pick: refuse('pick'), pickMany: refuse('pickMany'), pickOrType: refuse('pickOrType'), input: refuse('input'),
    pickFolder: refuse('pickFolder'), pickFile: refuse('pickFile'),
    report: (level, message) => console.log(`[${level}] ${message}`),
  };
  api.setPrompts(allowHelper);

  // The workbench holds these very objects (createTreeView, registerFileSystemProvider) and calls their methods by
  // name, so wrapping them here sees every call it makes.
  const tree = api.volumeBrowser.tree;
  const getChildren = tree.getChildren.bind(tree);
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getChildren = async (node) => {
    if (!node) return getChildren(node);
    const record = { path: node.kind === 'root' ? '' : node.path, range: node.kind === 'range', start: now(), end: 0, count: 0 };
    timeline.children.push(record);
    const children = await getChildren(node);
    record.end = now();
    record.count = children.length;
    return children;
  };
  // /bare?on=1: rows with their label and nothing else (no description, icon, file, command, id), the least a row
  // can be, and a folder's rows all sent at once (no name ranges: the threshold 0), to measure the floor of what the
  // workbench costs for this many rows; /bare?on=0 puts the threshold back.
  let bare = false;
  tree.getTreeItem = (node) => {
    const t = now();
    const item = bare && node.kind === 'entry'
      ? new vscode.TreeItem(node.entry.name, node.entry.kind === 'dir' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None)
      : getTreeItem(node);
    const end = now();
    const items = timeline.items;
    if (!items.count) items.first = t;
    items.count++;
    items.ms += end - t;
    items.last = end;
    return item;
  };
  const provider = api.volumeBrowser.provider as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of ['stat', 'readDirectory', 'readFile']) {
    const original = provider[name].bind(provider);
    provider[name] = (...a: unknown[]) => { timeline.fs[name] = (timeline.fs[name] ?? 0) + 1; return original(...a); };
  }

  let profiler: inspector.Session | undefined;
  const answer = async (url: URL): Promise<unknown> => {
    switch (url.pathname) {
      case '/status': return { active: ext.isActive, roots: tree.roots.map((r) => r.volume), now: now() };
      case '/timeline': { const t = timeline; if (url.searchParams.get('reset')) timeline = fresh(); return t; }
      // Stop Browsing on every volume shown: the session ends and its helper container is removed, so the next
      // Browse Files starts a new one (what a first Browse Files costs).
      case '/stop': for (const root of [...tree.roots]) await vscode.commands.executeCommand('dnv.volumeFiles.stop', root); return { roots: tree.roots.length };
      // A CPU profile of the host between /profile-start and /profile-stop (written to ?file=).
      case '/profile-start': {
        profiler = new inspector.Session();
        profiler.connect();
        const post = (method: string, params?: object) => new Promise<void>((resolve, reject) => profiler!.post(method, params, (e) => (e ? reject(e) : resolve())));
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 200 });
        await post('Profiler.start');
        return { now: now() };
      }
      case '/profile-stop': {
        const session = profiler;
        profiler = undefined;
        if (!session) return { error: 'no profile started' };
        const { profile } = await new Promise<{ profile: object }>((resolve, reject) => session.post('Profiler.stop', (e, r) => (e ? reject(e) : resolve(r as { profile: object }))));
        session.disconnect();
        writeFileSync(url.searchParams.get('file') ?? '', JSON.stringify(profile));
        return { timeOrigin: performance.timeOrigin };
      }
      case '/bare': {
        bare = url.searchParams.get('on') === '1';
        await vscode.workspace.getConfiguration('dockerNetworksVolumes').update('explorer.groupLargeListsAbove', bare ? 0 : undefined, vscode.ConfigurationTarget.Global);
        return { bare };
      }
      default: throw new Error(`unknown ${url.pathname}`);
    }
  };
  await serveAgent('browse', port, answer);
  console.log('0 passed, 0 failed');
}
