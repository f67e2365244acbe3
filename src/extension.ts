/** Composition root: builds the engine client, the store and the adapters, and registers them. No logic. */
import * as vscode from 'vscode';
import { engineIdFrom } from './args';
import { registerCommand } from './commands';
import { computeSizes, configureEngine, groupByProject, refresh, showBuiltIns, sortBy } from './commands/explorer';
import { INSPECT_SCHEME, InspectDocumentProvider, inspect } from './commands/inspect';
import { registerNetworkCommands } from './commands/networks';
import { reveal } from './views/reveal';
import { registerVolumeCommands } from './commands/volumes';
import { createBackupScheduler } from './commands/volumes/scheduleHost';
import { recoverLeftoversOnConnect } from './commands/volumes/recoverLeftovers';
import { type Prompts, SwitchablePrompts } from './commands/prompts';
import { affectsEngine, affectsExplorer, engineSettings, explorerSettings, type EngineSettings } from './config';
import { hostKeyQuestion, retryConnection, selectEngine } from './commands/engines';
import { EngineClient } from './engine/client';
import { type DiscoveredEngine, discoverEngines } from './engine/discovery';
import { COMMAND } from './ids';
import { registerComposeLanguageFeatures } from './language';
import { workspaceDeclaredResources } from './language/declaredResources';
import { log } from './log';
import { EngineSet } from './model/engines';
import type { EngineStore } from './model/store';
import { createEngineStatus } from './views/engineStatus';
import { createExplorer, type Explorer } from './views/explorer';
import { createTopologyPanel, type TopologyPanelApi } from './views/topologyPanel';
import { createVolumeBrowser, type VolumeBrowserApi } from './views/volumeBrowser';

export interface ExtensionApi {
  /** The current engine's store. */
  store: EngineStore;
  engines: EngineSet;
  explorer: Explorer;
  /**
   * For the extension-host tests only: every question commands ask goes to `prompts` (scripted answers)
   * instead of a dialog; undefined puts the dialogs back. The commands still ask: only who answers changes.
   */
  setPrompts(prompts: Prompts | undefined): void;
  /** The Network Topology panel (the host tests read what its webview drew). */
  topology: TopologyPanelApi;
  /** The volume browser (the host tests read through its file system). */
  volumeBrowser: VolumeBrowserApi;
  /**
   * When `activate` was called (ms since the epoch, this host's clock), how long it took to return (ms), and what
   * each step of it took (ms, in order; `npm run bench:scale` prints them).
   */
  activation: { startedAt: number; durationMs: number; phases: Record<string, number> };
  /**
   * For the extension-host lifecycle test only: what VS Code does when it deactivates the extension (`deactivate`,
   * then every subscription disposed in order), done now, so the test can count what is left behind. The API is
   * dead afterwards.
   */
  deactivateForTests(): void;
}

function discover(s: EngineSettings): DiscoveredEngine[] {
  return discoverEngines({ hostSetting: s.host, certPathSetting: s.certPath, tlsVerifySetting: s.tlsVerify, extraHosts: s.hosts, discoverAll: s.discover });
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let lastMark = started;
  const mark = (phase: string) => { const t = performance.now(); phases[phase] = t - lastMark; lastMark = t; };
  const subscriptions = context.subscriptions;
  subscriptions.push(log());

  const primaryKey = (e: EngineSettings) => JSON.stringify([e.host, e.certPath, e.tlsVerify]);
  // Read once here: each read inspects five settings in every scope (10 ms of activate in the workbench twice over).
  const settings = engineSettings();
  let lastPrimaryKey = primaryKey(settings);
  const prompts = new SwitchablePrompts();
  const trustUnknownHostKey = hostKeyQuestion(prompts);
  const engines = new EngineSet((engine) => new EngineClient(engine.endpoint, { trustUnknownHostKey }), discover(settings));
  const store = engines.primary;
  const storeFor = (arg: unknown) => engines.store(engineIdFrom(arg));
  subscriptions.push({ dispose: () => void engines.stop() });
  subscriptions.push(store.onDidFail((e) => log().error('engine', e instanceof Error ? e : new Error(String(e)))));
  mark('engines');

  // The schedule backs up the current engine's volumes; its rows show when they were last and are next backed up.
  const scheduler = createBackupScheduler(store);
  subscriptions.push(scheduler);
  mark('scheduler');
  const explorer = createExplorer(engines, explorerSettings, (volume) => scheduler.timesOf(volume), subscriptions);
  createEngineStatus(engines, subscriptions);
  mark('explorer');
  const topology = createTopologyPanel(engines, explorer, context.extensionUri, subscriptions);
  mark('topology');
  const volumeBrowser = createVolumeBrowser(engines, prompts, context.globalState, subscriptions);
  mark('volumeBrowser');
  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(engines)));

  subscriptions.push(
    registerCommand(COMMAND.refresh, () => { volumeBrowser.refresh(); return Promise.all(engines.entries().map((e) => refresh(e.store))); }),
    registerCommand(COMMAND.retryConnection, (arg) => retryConnection(engines, arg)),
    registerCommand(COMMAND.selectEngine, (arg) => selectEngine(engines, prompts, arg)),
    registerCommand(COMMAND.configureEngine, configureEngine),
    registerCommand(COMMAND.showLog, () => log().show()),
    registerCommand(COMMAND.inspect, (node) => inspect(storeFor(node), engines, prompts, node)),
    registerCommand(COMMAND.showBuiltIns, showBuiltIns(true)),
    registerCommand(COMMAND.hideBuiltIns, showBuiltIns(false)),
    registerCommand(COMMAND.groupByProject, groupByProject(true)),
    registerCommand(COMMAND.ungroup, groupByProject(false)),
    registerCommand(COMMAND.sortByName, sortBy('name')),
    registerCommand(COMMAND.sortByCreated, sortBy('created')),
    registerCommand(COMMAND.computeSizes, () => Promise.all(engines.entries().filter((e) => e.store.loaded).map((e) => computeSizes(e.store)))),
    registerCommand(COMMAND.reveal, (arg) => reveal(engines, explorer, arg)),
    registerCommand(COMMAND.showTopology, (arg, selection) => topology.show(arg, selection)),
    registerCommand(COMMAND.browseVolume, (arg) => volumeBrowser.browse(arg)),
    registerCommand(COMMAND.downloadVolumeFile, (arg) => volumeBrowser.download(arg)),
    registerCommand(COMMAND.compareVolumeFile, (arg) => volumeBrowser.compareWithFile(arg)),
    registerCommand(COMMAND.compareVolumeFileWithBackup, (arg, archive) => volumeBrowser.compareWithBackup(arg, archive)),
    registerCommand(COMMAND.stopBrowsing, (arg) => volumeBrowser.stop(arg)),
    registerCommand(COMMAND.refreshVolumeFiles, () => volumeBrowser.refresh()),
    registerCommand(COMMAND.browseBackup, (arg) => volumeBrowser.browseBackup(arg)),
  );
  registerNetworkCommands(storeFor, prompts, workspaceDeclaredResources, subscriptions);
  mark('commands');

  subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (affectsExplorer(e)) explorer.applySettings();
    if (affectsEngine(e)) {
      // Only a change to how the current engine is reached reconnects it; adding a host to engine.hosts does not.
      const now = engineSettings();
      const key = primaryKey(now);
      void engines.update(discover(now), { primaryChanged: key !== lastPrimaryKey });
      lastPrimaryKey = key;
    }
  }));

  registerVolumeCommands(storeFor, prompts, scheduler, workspaceDeclaredResources, subscriptions);
  subscriptions.push(scheduler.onDidChange(() => explorer.volumesTree.refresh()));
  mark('volumeCommands');
  // What the views' first rows do not need waits until they are in: the Compose language features (about 40 ms of
  // activate in the workbench under load) and the search for a stopped backup's leftovers (a container list request
  // beside the views' own). See afterFirstRows.
  afterFirstRows(store, subscriptions, () => {
    registerComposeLanguageFeatures(store, subscriptions);
    recoverLeftoversOnConnect(engines, subscriptions);
  });
  // Connecting (the socket, the first requests) waits until activate has returned: the workbench asks the views for
  // rows only after that anyway, and an activation that returns sooner holds up nothing else in the host.
  const starting = setImmediate(() => engines.start());
  subscriptions.push({ dispose: () => clearImmediate(starting) });
  mark('rest');
  const activation = { startedAt: performance.timeOrigin + started, durationMs: performance.now() - started, phases };
  const deactivateForTests = () => {
    deactivate();
    // Emptied first, so the host's own deactivation later finds nothing to dispose twice.
    for (const subscription of subscriptions.splice(0)) subscription.dispose();
  };
  return { store, engines, explorer, setPrompts: (scripted) => prompts.use(scripted), activation, topology, volumeBrowser, deactivateForTests };
}

/** The longest the features that wait for the first rows wait (an engine that answers slowly or never). */
const FIRST_ROWS_WAIT_MS = 2000;

/**
 * Runs `then` once the current engine's three lists are in (its views have their rows) or it is found unreachable,
 * a moment later (the workbench's requests for those rows go first on the host thread), and after
 * FIRST_ROWS_WAIT_MS at the latest. Never after the extension was deactivated.
 */
function afterFirstRows(store: EngineStore, subscriptions: vscode.Disposable[], then: () => void): void {
  let timer: NodeJS.Timeout | undefined = setTimeout(run, FIRST_ROWS_WAIT_MS);
  const listening = store.onDidChange(() => {
    if (store.state.status === 'unreachable' || (store.listed('networks') && store.listed('volumes') && store.listed('containers'))) {
      clearTimeout(timer);
      timer = setTimeout(run, 50);
      listening.dispose();
    }
  });
  function run(): void {
    listening.dispose();
    if (!timer) return;
    timer = undefined;
    then();
  }
  subscriptions.push({ dispose: () => { listening.dispose(); clearTimeout(timer); timer = undefined; } });
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
