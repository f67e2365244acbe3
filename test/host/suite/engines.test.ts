/**
 * Several engines at once: the engine.hosts setting adds a second (private) dockerd; the views gain a row per
 * engine with its own status, one engine going down leaves the other working, and the current engine can be
 * switched for palette commands.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { E2_HOST, E2_SOCKET, PrivateEngine } from './engine';
import { TAG, docker, dockerQuiet, extensionApi, labels, rows, setSetting, waitFor, waitLoaded } from './helpers';

const E2_VOL = `${TAG}-multi-e2-vol`;
const MAIN_VOL = `${TAG}-multi-main-vol`;

suite('Several engines', () => {
  let api: ExtensionApi;
  const engine = new PrivateEngine();

  suiteSetup(async function () {
    this.timeout(120_000);
    api = await extensionApi();
    await waitLoaded(api);
    await engine.start();
    engine.docker('volume', 'create', E2_VOL);
    await setSetting('engine.hosts', [E2_HOST]);
  });

  suiteTeardown(async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('dnv.selectEngine', { engine: api.engines.entries().find((e) => e.id !== E2_HOST)?.id });
    await setSetting('engine.hosts', undefined);
    await engine.dispose();
    dockerQuiet('volume', 'rm', MAIN_VOL);
    await waitLoaded(api, 60_000);
  });

  const engineRows = () => rows(api.explorer.volumesEngineTree);
  const e2Row = async () => (await engineRows()).find((r) => r.label.startsWith(E2_HOST));

  test('an extra host gives the views a row per engine, each with its own status and tree', async function () {
    this.timeout(60_000);
    const row = await waitFor('a connected row for the second engine', async () => {
      const r = await e2Row();
      return r && /^Engine \d/.test(r.description) ? r : undefined;
    }, 30_000);
    const all = await engineRows();
    assert.ok(all.length >= 2, `engine rows: ${all.map((r) => r.label).join(', ')}`);
    assert.ok(all.some((r) => /current/.test(r.description)), 'the current engine is marked');
    assert.match(row.item.contextValue ?? '', /\bengine\.other\b/);
    // The row says "connected" as soon as the engine answers; its lists arrive a moment later (on a busy machine,
    // seconds later), so wait for them rather than read them at once.
    const ours = async () => (await labels(api.explorer.volumesEngineTree, row.node)).filter((v) => v.startsWith(TAG));
    await waitFor('the second engine\'s volumes under its row', async () => ((await ours()).length ? true : undefined), 30_000).catch(() => undefined);
    assert.deepStrictEqual(await ours(), [E2_VOL], 'the second engine\'s own volumes under its row');
    assert.match(String(api.explorer.volumesView.description), /\d engines/);
  });

  test('one engine going down leaves the others working', async function () {
    this.timeout(60_000);
    await engine.stop();
    const down = await waitFor('the second engine row to say why it is down', async () => {
      const r = await e2Row();
      return r && r.description.includes(E2_SOCKET) ? r : undefined;
    }, 30_000);
    assert.match(down.item.contextValue ?? '', /\bengine\.unreachable\b/);
    assert.deepStrictEqual(await labels(api.explorer.volumesEngineTree, down.node), [], 'no stale rows for a lost engine');
    docker('volume', 'create', MAIN_VOL);
    await waitFor('the current engine still follows changes', () => api.store.volume(MAIN_VOL), 10_000);
    assert.strictEqual(api.store.state.status, 'connected');
    await engine.start();
    await vscode.commands.executeCommand('dnv.retryConnection', down.node);
    await waitFor('the second engine back', async () => /^Engine \d/.test((await e2Row())?.description ?? ''), 30_000);
  });

  test('Use This Engine makes another engine current for palette commands', async function () {
    this.timeout(60_000);
    const id = await vscode.commands.executeCommand<string>('dnv.selectEngine', { engine: E2_HOST });
    assert.strictEqual(id, E2_HOST);
    await waitLoaded(api, 30_000);
    assert.strictEqual(api.store.client.endpoint.host, E2_HOST, 'the primary store follows the current engine');
    // The second engine was restarted by the test before: seen once on a loaded machine, its first volume list
    // after that lacked the volume for a moment, so the volume must show up soon rather than at once.
    await waitFor('the second engine\'s volume in the primary store', () => api.store.volume(E2_VOL), 10_000).catch(() => undefined);
    assert.ok(api.store.volume(E2_VOL), 'its volumes are the second engine\'s');
    // A palette command with no row acts on the current engine.
    const created = await vscode.commands.executeCommand<string>('dnv.network.create', { name: `${TAG}-on-e2` });
    assert.ok(created);
    assert.ok(engine.docker('network', 'ls', '--format', '{{.Name}}').split('\n').includes(`${TAG}-on-e2`), 'created on the second engine');
    assert.ok(!dockerQuiet('network', 'ls', '--format', '{{.Name}}').split('\n').includes(`${TAG}-on-e2`), 'not on the first');
  });
});
