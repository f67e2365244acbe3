/**
 * Network commands run with arguments, checked against the engine with the docker CLI. The arguments replace the
 * pickers; a removal still asks, and these tests answer through scripted prompts (scriptedPrompts.ts).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { docker, dockerQuiet, extensionApi, findRow, TAG, waitFor, waitForRow, waitLoaded } from './helpers';
import { useScriptedPrompts } from './scriptedPrompts';

const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';

function inspectNetwork(name: string): { Name: string; Internal: boolean; Attachable: boolean; IPAM: { Config: Array<{ Subnet: string; Gateway?: string }> }; Labels: Record<string, string> } {
  return JSON.parse(docker('network', 'inspect', name))[0];
}

suite('Network commands', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const NET = `${TAG}-cmdnet`;
  const OTHER = `${TAG}-cmdother`;
  const A = `${TAG}-cmd-a`;
  const B = `${TAG}-cmd-b`;
  /** The engine name of the network the sample workspace's compose.yaml declares (project dnv-sample). */
  const DECLARED = 'dnv-sample_frontend';
  const prompts = useScriptedPrompts(() => api);

  suiteSetup(async () => {
    api = await extensionApi();
    await waitLoaded(api);
    docker('run', '-d', '--name', A, IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', B, IMAGE, 'sleep', '3600');
  });

  suiteTeardown(() => {
    dockerQuiet('rm', '-f', A, B);
    dockerQuiet('network', 'rm', NET, OTHER, `${TAG}-prune-1`, `${TAG}-prune-2`, `${TAG}-prune-plain`, DECLARED);
  });

  test('dnv.network.create with arguments creates exactly that network, and the tree shows it', async () => {
    const id = await vscode.commands.executeCommand<string>('dnv.network.create', {
      name: NET, subnet: '10.238.0.0/24', gateway: '10.238.0.1', attachable: false, labels: { owner: 'host-test' },
    });
    assert.ok(id, 'the command returns the new network id');
    const raw = inspectNetwork(NET);
    assert.deepStrictEqual(raw.IPAM.Config.map((c) => [c.Subnet, c.Gateway]), [['10.238.0.0/24', '10.238.0.1']]);
    assert.strictEqual(raw.Labels.owner, 'host-test');
    const row = await waitForRow(api.explorer.networksTree, NET);
    assert.match(row.description, /^bridge · local · 10\.238\.0\.0\/24$/);
  });

  test('a hostile name or an overlapping subnet is refused before the engine is called', async () => {
    await waitForRow(api.explorer.networksTree, NET);
    const before = api.store.client.requestCount;
    for (const spec of [{ name: 'x; docker rm -f $(docker ps -q)' }, { name: `${TAG}-overlap`, subnet: '10.238.0.0/16' }, { name: 'host' }]) {
      const result = await vscode.commands.executeCommand('dnv.network.create', spec);
      assert.strictEqual(result, undefined, JSON.stringify(spec));
    }
    assert.strictEqual(api.store.client.requestCount, before, 'no request was sent');
    assert.strictEqual(dockerQuiet('network', 'ls', '-q', '--filter', `name=${TAG}-overlap`), '');
  });

  test('dnv.network.connect with an alias; the container shows under the network', async () => {
    const count = await vscode.commands.executeCommand<number>('dnv.network.connect', { network: NET, containers: [A, B], aliases: ['svc'] });
    assert.strictEqual(count, 2);
    const aliases = JSON.parse(docker('inspect', A))[0].NetworkSettings.Networks[NET].Aliases as string[];
    assert.ok(aliases.includes('svc'), `aliases ${aliases}`);
    const netRow = await waitForRow(api.explorer.networksTree, NET);
    const member = await waitFor('member row with alias', async () => {
      const row = await findRow(api.explorer.networksTree, A, netRow.node);
      return row && row.description.includes('aliases: svc') ? row : undefined;
    });
    assert.match(member.item.contextValue ?? '', /\bnetworkContainer\b/);
  });

  test('dnv.network.testConnectivity reaches a container by name over the network they share', async () => {
    await waitFor('both containers on the network in the model', () => [A, B].every((n) => api.store.containers().find((c) => c.name === n)?.attachments.some((a) => a.networkName === NET)));
    const result = await vscode.commands.executeCommand<{ ok: boolean; summary: string }>('dnv.network.testConnectivity', { source: B, target: A });
    assert.ok(result?.ok, result?.summary);
    assert.match(result!.summary, new RegExp(`over ${NET}`));
  });

  test('dnv.network.remove refuses a network in use and lists its containers; with disconnect it asks, then goes', async () => {
    const refused = await vscode.commands.executeCommand('dnv.network.remove', { network: NET });
    assert.strictEqual(refused, undefined);
    assert.ok(dockerQuiet('network', 'inspect', NET), 'still there');
    prompts().expect('confirm', new RegExp(`${NET} is in use by`), undefined);
    const declined = await vscode.commands.executeCommand('dnv.network.remove', { network: NET, disconnect: true });
    assert.strictEqual(declined, false, 'the argument does not answer the question');
    assert.ok(dockerQuiet('network', 'inspect', NET), 'still there after No');
    prompts().expect('confirm', new RegExp(`${NET} is in use`), 'Disconnect and Remove');
    const removed = await vscode.commands.executeCommand('dnv.network.remove', { network: NET, disconnect: true });
    assert.strictEqual(removed, true);
    prompts().assertAllAnswered();
    assert.strictEqual(dockerQuiet('network', 'ls', '-q', '--filter', `name=^${NET}$`), '');
    await waitFor('network row gone', async () => !(await findRow(api.explorer.networksTree, NET)));
  });

  test('built-in networks cannot be removed', async () => {
    const result = await vscode.commands.executeCommand('dnv.network.remove', { network: 'bridge' });
    assert.strictEqual(result, undefined);
    assert.ok(dockerQuiet('network', 'inspect', 'bridge'));
    const bridge = await waitForRow(api.explorer.networksTree, 'bridge');
    assert.doesNotMatch(bridge.item.contextValue ?? '', /\bnetwork\.custom\b/, 'no remove action in its menu');
  });

  test('dnv.network.disconnect takes a container off a network', async () => {
    docker('network', 'create', OTHER);
    docker('network', 'connect', OTHER, A);
    await waitFor('A on OTHER', () => api.store.containers().find((c) => c.name === A)?.attachments.some((a) => a.networkName === OTHER));
    const ok = await vscode.commands.executeCommand('dnv.network.disconnect', { network: OTHER, container: A });
    assert.strictEqual(ok, true);
    const networks = Object.keys(JSON.parse(docker('inspect', A))[0].NetworkSettings.Networks);
    assert.ok(!networks.includes(OTHER), `still on ${networks}`);
  });

  test('dnv.networks.prune removes exactly the named unused networks', async () => {
    docker('network', 'create', `${TAG}-prune-1`);
    docker('network', 'create', `${TAG}-prune-2`);
    await waitFor('prune candidates', () => api.store.networkByName(`${TAG}-prune-1`) && api.store.networkByName(`${TAG}-prune-2`));
    prompts().expect('confirm', /Remove 1 network/, 'Remove');
    const result = await vscode.commands.executeCommand<{ removed: string[] }>('dnv.networks.prune', { networks: [`${TAG}-prune-1`] });
    assert.deepStrictEqual(result?.removed, [`${TAG}-prune-1`]);
    assert.match(prompts().asked[0].text, new RegExp(`${TAG}-prune-1`), 'the confirmation lists what goes');
    const left = docker('network', 'ls', '--format', '{{.Name}}').split('\n');
    assert.ok(!left.includes(`${TAG}-prune-1`));
    assert.ok(left.includes(`${TAG}-prune-2`) && left.includes('bridge') && left.includes(OTHER));
    const refused = await vscode.commands.executeCommand('dnv.networks.prune', { networks: ['bridge'] });
    assert.strictEqual(refused, undefined, 'a built-in is never pruned');
    prompts().assertAllAnswered();
  });

  test('prune keeps a network the workspace\'s compose.yaml declares unless it is included', async () => {
    docker('network', 'create', DECLARED);
    docker('network', 'create', `${TAG}-prune-plain`);
    await waitFor('candidates', () => api.store.networkByName(DECLARED) && api.store.networkByName(`${TAG}-prune-plain`));
    prompts().expect('confirm', /Remove 1 network/, 'Remove').expect('confirm', /Remove 1 network/, 'Remove');
    const first = await vscode.commands.executeCommand<{ removed: string[]; kept: Array<{ name: string; reason: string }> }>(
      'dnv.networks.prune', { networks: [DECLARED, `${TAG}-prune-plain`] });
    assert.deepStrictEqual(first?.removed, [`${TAG}-prune-plain`]);
    assert.deepStrictEqual(first?.kept.map((k) => k.name), [DECLARED]);
    assert.match(first!.kept[0].reason, /declared in compose\.yaml/);
    assert.ok(dockerQuiet('network', 'inspect', DECLARED), 'the declared network is still there');
    const second = await vscode.commands.executeCommand<{ removed: string[] }>('dnv.networks.prune', { networks: [DECLARED], includeProtected: true });
    assert.deepStrictEqual(second?.removed, [DECLARED]);
    prompts().assertAllAnswered();
  });
});
