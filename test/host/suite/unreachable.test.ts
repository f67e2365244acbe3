/**
 * Switching engines through the setting, losing the engine, and getting it back: against a private second
 * dockerd that the tests start and stop (see engine.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { E2_DIR, E2_HOST, E2_SOCKET, PrivateEngine, hostHasInterface } from './engine';
import { TAG, extensionApi, labels, setSetting, waitFor, waitForRow, waitLoaded } from './helpers';

const E2_VOL = `${TAG}-e2-vol`;

suite('Engine switch, unreachable engine and recovery', () => {
  let api: ExtensionApi;
  const engine = new PrivateEngine();
  let hadDocker0 = false;
  let discoverBefore: unknown;

  const status = () => api.store.state.status;
  const where = () => `${status()} via ${api.store.client.label}, loaded=${api.store.loaded}, message=${JSON.stringify(api.explorer.networksView.message)}`;

  suiteSetup(async function () {
    this.timeout(120_000);
    api = await extensionApi();
    await waitLoaded(api);
    discoverBefore = vscode.workspace.getConfiguration('dockerNetworksVolumes').inspect('engine.discover')?.globalValue;
    assert.ok(!engine.answers(), `something already answers on ${E2_SOCKET}: stop it or remove ${E2_DIR}`);
    fs.rmSync(E2_DIR, { recursive: true, force: true });
    hadDocker0 = hostHasInterface('docker0');
    await engine.start();
    engine.docker('volume', 'create', E2_VOL);
  });

  suiteTeardown(async function () {
    this.timeout(120_000);
    // Back to the default engine first, so the extension stops talking to the private one.
    await setSetting('engine.host', undefined);
    await setSetting('engine.discover', discoverBefore);
    await engine.dispose();
    assert.ok(!fs.existsSync(E2_DIR), `${E2_DIR} not removed`);
    if (hadDocker0) assert.ok(hostHasInterface('docker0'), 'the private engine removed the first engine\'s docker0 bridge');
    await waitLoaded(api, 60_000);
  });

  test('the engine.host setting switches the trees to another engine live', async function () {
    this.timeout(60_000);
    // One engine only (no DOCKER_HOST, contexts or local socket beside it): the views show its state directly.
    await setSetting('engine.discover', false);
    await setSetting('engine.host', E2_HOST);
    await waitFor('store on the private engine', () => api.store.client.label.includes(E2_SOCKET), 10_000, 100, where);
    await waitLoaded(api, 30_000);
    assert.match(api.store.client.label, /\(setting\)/, api.store.client.label);
    await waitForRow(api.explorer.volumesTree, E2_VOL, 10_000);
    // This engine runs with --bridge none: host and none, no bridge, and none of the first engine's networks.
    const networks = await labels(api.explorer.networksTree);
    assert.deepStrictEqual(networks.sort(), ['host', 'none'], `networks on the private engine: ${networks}`);
    const volumes = await labels(api.explorer.volumesTree);
    assert.deepStrictEqual(volumes, [E2_VOL], `volumes on the private engine: ${volumes}`);
  });

  test('a stopped engine turns the views unreachable: the reason naming the socket, no rows, welcome content', async function () {
    this.timeout(60_000);
    await waitLoaded(api);
    await engine.stop();
    await waitFor('status unreachable', () => status() === 'unreachable', 15_000, 50, where);
    const state = api.store.state;
    assert.ok(state.status === 'unreachable');
    assert.strictEqual(state.error.kind, 'unreachable');
    assert.ok(!api.store.loaded);
    for (const view of [api.explorer.networksView, api.explorer.volumesView]) {
      const reason = String(view.description ?? '');
      assert.ok(reason.includes(E2_SOCKET), `view description should give the reason naming ${E2_SOCKET}: ${JSON.stringify(reason)}`);
      assert.ok(!/Engine \d/.test(reason), 'no engine version while unreachable');
      // VS Code shows welcome content only while a view has no message.
      assert.ok(!view.message, 'no message (none, or empty), so the welcome content with Retry and Configure shows');
    }
    // The trees return nothing, so the welcome content (dnv.engineState == unreachable) is what shows.
    assert.deepStrictEqual(await labels(api.explorer.networksTree), []);
    assert.deepStrictEqual(await labels(api.explorer.volumesTree), []);
    // Refresh on a dead engine must not throw or show rows.
    await vscode.commands.executeCommand('dnv.refresh');
    assert.deepStrictEqual(await labels(api.explorer.networksTree), []);
  });

  test('the views come back on their own when the engine is started again', async function () {
    this.timeout(90_000);
    assert.ok(status() !== 'connected');
    const restarted = Date.now();
    await engine.start();
    // The watcher retries with a backoff of at most 15 s: no command needed.
    await waitFor('reconnected after restart', () => status() === 'connected' && api.store.loaded, 40_000, 100, where);
    const took = Date.now() - restarted;
    await waitForRow(api.explorer.volumesTree, E2_VOL, 10_000);
    assert.match(String(api.explorer.networksView.description), /^Engine \d/, 'the engine version replaces the reason once connected');
    assert.ok(took < 40_000, `took ${took} ms`);
  });

  test('Retry Connection reconnects at once instead of waiting out the backoff', async function () {
    this.timeout(90_000);
    await waitLoaded(api);
    await engine.stop();
    // Let the backoff grow past 8 s, then bring the engine back and retry by hand.
    const state = await waitFor('backoff of 8 s or more', () => {
      const s = api.store.state;
      return s.status === 'unreachable' && s.retryInMs >= 8_000 ? s : undefined;
    }, 40_000, 50, () => `${where()} retryInMs=${(api.store.state as { retryInMs?: number }).retryInMs}`);
    const nextAttemptAt = Date.now() + state.retryInMs;
    await engine.start();
    const retried = Date.now();
    await vscode.commands.executeCommand('dnv.retryConnection');
    await waitFor('connected after Retry', () => status() === 'connected' && api.store.loaded, 10_000, 50, where);
    const connectedAt = Date.now();
    assert.ok(connectedAt < nextAttemptAt,
      `reconnected ${connectedAt - retried} ms after Retry, but only ${connectedAt - nextAttemptAt} ms after the scheduled attempt: Retry did not cut the wait`);
    await waitForRow(api.explorer.volumesTree, E2_VOL, 10_000);
  });
});
