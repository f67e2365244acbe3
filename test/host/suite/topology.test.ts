/**
 * The Network Topology panel in the real workbench: its webview lays out and draws what the engine holds,
 * redraws on engine events without losing zoom, and answers "who can this container reach". What the webview
 * drew comes back through the extension API (api.topology.state(), reported by the page after each drawing).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { docker, dockerQuiet, extensionApi, TAG, waitFor, waitLoaded } from './helpers';

const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';

suite('Network topology panel', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  const NET = `${TAG}-topo`;
  const LATER = `${TAG}-topo-later`;
  const A = `${TAG}-topo-a`;
  const B = `${TAG}-topo-b`;
  const state = () => api.topology.state();
  const describe = () => JSON.stringify(state());

  suiteSetup(async () => {
    api = await extensionApi();
    await waitLoaded(api);
    docker('network', 'create', '--subnet', '10.237.0.0/24', NET);
    docker('run', '-d', '--name', A, '--network', NET, '--network-alias', 'alpha', IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', B, '--network', NET, IMAGE, 'sleep', '3600');
    await waitFor('the store to see both containers with their aliases', () => api.store.containers().some((c) => c.name === A && c.attachments.some((x) => x.aliases.includes('alpha'))) && api.store.containers().some((c) => c.name === B), 60_000, 200,
      () => JSON.stringify(api.store.containers().filter((c) => c.name === A || c.name === B).map((c) => [c.name, c.state, c.attachments.map((x) => x.aliases)])));
  });

  suiteTeardown(() => {
    api?.topology.close();
    dockerQuiet('rm', '-f', A, B);
    dockerQuiet('network', 'rm', NET, LATER);
  });

  test('Show Network Topology opens a webview panel that draws the engine\'s networks and containers', async () => {
    await vscode.commands.executeCommand('dnv.network.showTopology');
    const drawn = await waitFor('the webview to draw the topology', () => {
      const s = state();
      return s && s.nodes.includes(`net:${NET}`) && s.nodes.includes(`ctr:${A}`) && s.nodes.includes(`ctr:${B}`) ? s : undefined;
    }, 20_000, 100, describe);
    assert.ok(drawn.layoutMs >= 0 && drawn.layoutMs < 5000, `layout took ${drawn.layoutMs} ms`);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Network Topology');
    assert.ok(tab, 'a Network Topology tab is open');
  });

  test('an engine event redraws it without a reload, keeping the zoom and position', async () => {
    await vscode.commands.executeCommand('dnv.network.showTopology');
    const before = await waitFor('a first drawing', () => state(), 20_000);
    const k0 = before.transform.k;
    api.topology.press('+');
    api.topology.press('ArrowLeft');
    const zoomed = await waitFor('the zoom to change', () => {
      const s = state();
      return s && Math.abs(s.transform.k - k0 * 1.25) < 1e-6 && s.transform.x !== before.transform.x ? { ...s.transform } : undefined;
    }, 10_000, 50, describe);
    const renders = state()!.renders;
    docker('network', 'create', LATER);
    const after = await waitFor('the new network to be drawn', () => {
      const s = state();
      return s && s.renders > renders && s.nodes.includes(`net:${LATER}`) ? s : undefined;
    }, 20_000, 100, describe);
    assert.deepStrictEqual(after.transform, zoomed, 'the redraw kept the zoom and position');
  });

  test('selecting a container highlights who it reaches by name, and over which network', async () => {
    await vscode.commands.executeCommand('dnv.network.showTopology');
    await waitFor('a drawing', () => state()?.nodes.includes(`ctr:${B}`), 20_000);
    api.topology.select(`ctr:${B}`);
    const s = await waitFor('the reachable containers to light up', () => {
      const st = state();
      return st && st.highlighted.includes(`ctr:${A}`) ? st : undefined;
    }, 10_000, 50, describe);
    assert.ok(!s.highlighted.includes(`ctr:${B}`), 'not itself');
    assert.ok(s.status.includes(`${A} / alpha over ${NET}`), s.status);
  });

  test('only the selection (S): the panel narrows to a container and whom it reaches, and the export is that selection', async () => {
    const C = `${TAG}-topo-c`;
    docker('run', '-d', '--name', C, '--network', 'none', IMAGE, 'sleep', '3600');
    try {
      await vscode.commands.executeCommand('dnv.network.showTopology');
      await waitFor('a drawing with the unrelated container', () => state()?.nodes.includes(`ctr:${C}`), 20_000, 100, describe);
      api.topology.select(`ctr:${B}`);
      await waitFor('the selection', () => state()?.highlighted.includes(`ctr:${A}`), 10_000, 50, describe);
      api.topology.press('s');
      const s = await waitFor('the selection alone to be drawn', () => {
        const st = state();
        return st && !st.nodes.includes(`ctr:${C}`) && !st.nodes.includes(`net:${LATER}`) ? st : undefined;
      }, 20_000, 100, describe);
      assert.deepStrictEqual([...s.nodes].sort(), [`ctr:${A}`, `ctr:${B}`, `net:${NET}`].sort());
      const mermaid = api.topology.mermaid()!;
      assert.ok(mermaid.includes(`title: "Topology: ${A}, ${B}"`), mermaid);
      assert.ok(!mermaid.includes(C) && !mermaid.includes(LATER), mermaid);
      assert.ok(mermaid.includes('|"alpha"|'), mermaid);
      // Nothing selected: S gives the whole engine back.
      api.topology.press('Escape');
      api.topology.press('s');
      await waitFor('everything again', () => state()?.nodes.includes(`ctr:${C}`), 20_000, 100, describe);
    } finally {
      dockerQuiet('rm', '-f', C);
    }
  });

  test('from a network row: only that network, and the Mermaid export names it', async () => {
    const network = api.store.networkByName(NET)!;
    await vscode.commands.executeCommand('dnv.network.showTopology', { kind: 'network', id: network.id, engine: api.engines.currentId });
    const s = await waitFor('the network scope to be drawn', () => {
      const st = state();
      return st && !st.nodes.includes(`net:${LATER}`) && st.nodes.includes(`net:${NET}`) ? st : undefined;
    }, 20_000, 100, describe);
    assert.deepStrictEqual([...s.nodes].sort(), [`ctr:${A}`, `ctr:${B}`, `net:${NET}`].sort());
    const mermaid = api.topology.mermaid()!;
    assert.match(mermaid, /^```mermaid\n/);
    assert.ok(mermaid.includes(`{{"${NET}<br/>bridge · 10.237.0.0/24"}}`), mermaid);
    assert.ok(mermaid.includes('|"alpha"|'), mermaid);
  });

  test('from a Compose file: the project as declared (before up), what the engine lacks marked', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    await vscode.commands.executeCommand('dnv.network.showTopology', vscode.Uri.joinPath(folder, 'compose.yaml'));
    const s = await waitFor('the declared project to be drawn', () => {
      const st = state();
      return st && st.nodes.includes('ctr:dnv-sample-web-1') ? st : undefined;
    }, 20_000, 100, describe);
    assert.deepStrictEqual([...s.nodes].sort(), ['ctr:dnv-sample-web-1', 'net:dnv-sample_frontend', 'vol:dnv-sample_web-data']);
    const mermaid = api.topology.mermaid()!;
    assert.ok(mermaid.includes('c_dnv_sample_web_1["dnv-sample-web-1<br/>not created"]'), mermaid);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview);
    assert.match(tab?.label ?? '', /^Topology: .+\/compose\.yaml$/);
    // Back to a network's scope for the next test.
    await vscode.commands.executeCommand('dnv.network.showTopology', { kind: 'network', id: api.store.networkByName(NET)!.id, engine: api.engines.currentId });
  });

  test("a node's right-click menu is the tree row's: every node carries it, and its argument works with the tree's commands", async () => {
    const s = await waitFor('the nodes to carry their menus', () => {
      const st = state();
      return st && st.nodes.length > 0 && st.withMenus === st.nodes.length ? st : undefined;
    }, 20_000, 100, describe);
    assert.ok(s.nodes.includes(`ctr:${A}`));
    const arg = api.topology.contextOf(`ctr:${A}`);
    assert.ok(arg && arg.webviewSection === 'container' && arg.dnvRunning === true, JSON.stringify(arg));
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('dnv.inspect', arg);
    assert.ok(editor, 'Inspect opened an editor');
    assert.ok(editor.document.getText().includes(`"Name": "/${A}"`), 'the JSON of that container');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
