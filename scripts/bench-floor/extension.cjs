// The floor for `npm run bench:scale`'s first rows: an extension with this one's package.json (the same views,
// welcome texts, menus and activation events) whose two tree views hand out one fixed row each, synchronously, on
// activation. Its activation → first row is what the workbench itself takes to ask a new tree view for its rows
// and draw them: no extension's rows can show sooner in the same workbench. bench-scale.mjs copies this file
// beside a copy of the package.json (BENCH_FLOOR=1) and loads it in turn with the real extension.
'use strict';
const vscode = require('vscode');

const now = () => performance.timeOrigin + performance.now();

function fixedTree(label) {
  const row = { label };
  return {
    onDidChangeTreeData: new vscode.EventEmitter().event,
    getChildren: (node) => (node ? [] : [row]),
    getTreeItem: (node) => new vscode.TreeItem(node.label),
    getParent: () => undefined,
  };
}

exports.activate = function activate(context) {
  const startedAt = now();
  const t = performance.now();
  const networks = fixedTree('bridge');
  const volumes = fixedTree('dnvscale-vol-floor');
  context.subscriptions.push(
    vscode.window.createTreeView('dnv.networks', { treeDataProvider: networks }),
    vscode.window.createTreeView('dnv.volumes', { treeDataProvider: volumes }),
  );
  // What the benchmark's agent reads of the real extension's API, answered for a store that is always complete.
  const store = {
    state: { status: 'connected' }, loaded: true, requestCount: 0, eventsReceived: 0,
    client: { requestCount: 0 },
    listed: () => true, networks: () => [], volumes: () => [], containers: () => [],
    onDidChange: () => ({ dispose() {} }), whenSettled: async () => {},
  };
  return {
    activation: { startedAt, durationMs: performance.now() - t, phases: {} },
    store,
    engines: { entries: () => [{ label: 'floor' }] },
    explorer: { networksEngineTree: networks, volumesEngineTree: volumes, networksTree: { refresh() {} }, volumesTree: { refresh() {} } },
  };
};

exports.deactivate = function deactivate() {};
