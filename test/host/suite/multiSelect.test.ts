/**
 * Several rows selected in the Networks and Volumes views. The rows are the real trees' own objects, and each
 * command is called as the workbench calls a context-menu command on a multi-selection: (clickedRow,
 * selectedRows[]). One confirmation for the whole set says exactly what goes and what stays; the engine is then
 * checked with the docker CLI, and the report (recorded by the scripted prompts) says what happened to each item.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { BackupResult } from '../../../src/backup/backup';
import type { RemoveResult } from '../../../src/commands/volumes/removeVolume';
import type { RemoveNetworksResult } from '../../../src/commands/networks/removeNetwork';
import type { ExtensionApi } from '../../../src/extension';
import { docker, dockerQuiet, extensionApi, rows, setSetting, TAG, waitFor, waitForRow, waitLoaded } from './helpers';
import { useScriptedPrompts } from './scriptedPrompts';

const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';

suite('Multi-selection', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let folder: string;
  const prompts = useScriptedPrompts(() => api);
  const VA = `${TAG}-ms-vol-a`;
  const VB = `${TAG}-ms-vol-b`;
  const VUSED = `${TAG}-ms-vol-used`;
  const USER = `${TAG}-ms-user`;
  const NA = `${TAG}-ms-net-a`;
  const NB = `${TAG}-ms-net-b`;
  const NUSED = `${TAG}-ms-net-used`;
  const MEMBER = `${TAG}-ms-member`;
  const exists = (kind: 'volume' | 'network', name: string) => dockerQuiet(kind, 'ls', '-q', '--filter', `name=^${name}$`) !== '';
  const volumeRow = (name: string) => waitForRow(api.explorer.volumesEngineTree, name, 20_000);
  const networkRow = (name: string) => waitForRow(api.explorer.networksEngineTree, name, 20_000);

  suiteSetup(async () => {
    api = await extensionApi();
    await waitLoaded(api);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dnvtest-ms-'));
  });

  suiteTeardown(async () => {
    await setSetting('backup.folder', undefined);
    await setSetting('backup.format', undefined);
    api?.topology.close();
    dockerQuiet('rm', '-f', USER, MEMBER);
    for (const v of [VA, VB, VUSED]) dockerQuiet('volume', 'rm', '-f', v);
    for (const n of [NA, NB, NUSED]) dockerQuiet('network', 'rm', n);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('Remove Volume on two selected volumes: one confirmation names both, both are gone', async () => {
    docker('volume', 'create', VA);
    docker('volume', 'create', VB);
    const a = await volumeRow(VA);
    const b = await volumeRow(VB);
    prompts().expect('confirm', /Remove 2 volumes/, 'Remove');
    const result = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', b.node, [a.node, b.node]);
    const question = prompts().asked[0].text;
    assert.ok(question.includes(VA) && question.includes(VB), `the confirmation names both: ${question}`);
    assert.deepStrictEqual(prompts().asked.map((q) => q.kind), ['confirm'], 'one question for the whole set');
    assert.deepStrictEqual([...result!.removed].sort(), [VA, VB].sort());
    assert.ok(!exists('volume', VA) && !exists('volume', VB), 'both volumes are gone (docker volume ls)');
    const report = prompts().reported.at(-1)!;
    assert.strictEqual(report.level, 'info');
    assert.ok(report.message.includes(VA) && report.message.includes(VB) && /^Removed /.test(report.message), report.message);
  });

  test('a volume in use among the selection is named in the confirmation, kept and reported; a container row is skipped and said', async () => {
    docker('volume', 'create', VA);
    docker('volume', 'create', VB);
    docker('volume', 'create', VUSED);
    docker('create', '--name', USER, '-v', `${VUSED}:/data`, IMAGE, 'true');
    const a = await volumeRow(VA);
    const b = await volumeRow(VB);
    const used = await volumeRow(VUSED);
    // The container under the used volume, as a Shift-click over the expanded row would sweep it in.
    const user = await waitFor('the used volume\'s container row', async () => (await rows(api.explorer.volumesEngineTree, used.node)).find((r) => r.label === USER), 20_000);
    prompts().expect('confirm', /Remove 2 volumes/, 'Remove');
    const result = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', a.node, [a.node, used.node, user.node, b.node]);
    const question = prompts().asked[0].text;
    assert.match(question, new RegExp(`Kept, in use: ${VUSED} \\(${USER}`), 'the confirmation says what stays and why');
    assert.match(question, new RegExp(`Skipped ${USER} \\(a container\\) \\(not a volume\\)`), 'and what the selection held that is not a volume');
    assert.deepStrictEqual([...result!.removed].sort(), [VA, VB].sort());
    assert.deepStrictEqual(result!.refused.map((r) => r.name), [VUSED]);
    assert.ok(!exists('volume', VA) && !exists('volume', VB), 'the free volumes are gone');
    assert.ok(exists('volume', VUSED), 'the volume in use is kept');
    const report = prompts().reported.at(-1)!;
    assert.strictEqual(report.level, 'warning');
    assert.match(report.message, new RegExp(`Not removed: ${VUSED} \\(in use by ${USER}`), report.message);
    docker('rm', USER);
  });

  test('Back Up Volume on two selected volumes backs up each in turn and reports each', async () => {
    docker('volume', 'create', VA);
    docker('volume', 'create', VB);
    docker('run', '--rm', '-v', `${VA}:/data`, IMAGE, 'sh', '-c', 'echo a > /data/a.txt');
    docker('run', '--rm', '-v', `${VB}:/data`, IMAGE, 'sh', '-c', 'echo b > /data/b.txt');
    await setSetting('backup.folder', folder);
    await setSetting('backup.format', 'tar');
    const a = await volumeRow(VA);
    const b = await volumeRow(VB);
    const results = await vscode.commands.executeCommand<BackupResult[]>('dnv.volume.backup', a.node, [a.node, b.node]);
    assert.deepStrictEqual(results?.map((r) => r.manifest.volume.name), [VA, VB], 'one after the other, in selection order');
    for (const r of results!) assert.ok(fs.statSync(r.archive).size > 0, r.archive);
    const report = prompts().reported.at(-1)!;
    assert.strictEqual(report.level, 'info');
    for (const r of results!) assert.ok(report.message.includes(`${r.manifest.volume.name} (→ ${r.archive}`), report.message);
  });

  test('Back Up Volume on a selection whose one volume went meanwhile: the other is backed up, the gone one reported as failed', async () => {
    docker('volume', 'create', VA);
    docker('volume', 'create', VB);
    const a = await volumeRow(VA);
    const b = await volumeRow(VB);
    // Rows outlive their volume by an engine event's delay: the command must not let that end the whole run.
    docker('volume', 'rm', VB);
    const results = await vscode.commands.executeCommand<BackupResult[]>('dnv.volume.backup', a.node, [a.node, b.node]);
    assert.deepStrictEqual(results?.map((r) => r.manifest.volume.name), [VA]);
    const report = prompts().reported.at(-1)!;
    assert.strictEqual(report.level, 'warning');
    assert.match(report.message, new RegExp(`Backed up ${VA} \\(→ `), report.message);
    assert.match(report.message, new RegExp(`Failed: ${VB} \\(no such volume on this engine\\)`), report.message);
  });

  test('Remove Network on a selection: one confirmation; Remove keeps the network in use and says so', async () => {
    docker('network', 'create', NA);
    docker('network', 'create', NB);
    docker('network', 'create', NUSED);
    docker('create', '--name', MEMBER, '--network', NUSED, IMAGE, 'true');
    const a = await networkRow(NA);
    const b = await networkRow(NB);
    const used = await networkRow(NUSED);
    await waitFor('the member under the used network', async () => (await rows(api.explorer.networksEngineTree, used.node)).some((r) => r.label === MEMBER), 20_000);
    prompts().expect('confirm', /Remove 2 network/, 'Remove');
    const result = await vscode.commands.executeCommand<RemoveNetworksResult>('dnv.network.remove', a.node, [a.node, b.node, used.node]);
    const { text, choices } = prompts().asked[0];
    assert.ok(text.includes(NA) && text.includes(NB), text);
    assert.match(text, new RegExp(`${NUSED}: ${MEMBER}`), 'the network in use is shown with its container');
    assert.deepStrictEqual(choices, ['Remove', 'Disconnect and Remove']);
    assert.deepStrictEqual([...result!.removed].sort(), [NA, NB].sort());
    assert.ok(!exists('network', NA) && !exists('network', NB), 'both free networks are gone (docker network ls)');
    assert.ok(exists('network', NUSED), 'the network in use is kept');
    const report = prompts().reported.at(-1)!;
    assert.strictEqual(report.level, 'warning');
    assert.match(report.message, new RegExp(`Not removed: ${NUSED} \\(in use by ${MEMBER}`), report.message);
    docker('rm', MEMBER);
  });

  /** The networks and the member the network tests make, gone: an earlier test keeps the one in use. */
  const noNetworks = () => {
    dockerQuiet('rm', '-f', MEMBER);
    for (const n of [NA, NB, NUSED]) dockerQuiet('network', 'rm', n);
  };

  test('Disconnect and Remove on a selection: the network in use goes too, its running container disconnected and still running', async () => {
    noNetworks();
    docker('network', 'create', NA);
    docker('network', 'create', NUSED);
    docker('run', '-d', '--name', MEMBER, '--network', NUSED, IMAGE, 'sleep', '300');
    const a = await networkRow(NA);
    const used = await networkRow(NUSED);
    await waitFor('the member under the used network', async () => (await rows(api.explorer.networksEngineTree, used.node)).some((r) => r.label === MEMBER), 20_000);
    prompts().expect('confirm', /Remove 1 network/, 'Disconnect and Remove');
    const result = await vscode.commands.executeCommand<RemoveNetworksResult>('dnv.network.remove', used.node, [used.node, a.node]);
    const { text, choices } = prompts().asked[0];
    assert.deepStrictEqual(prompts().asked.map((q) => q.kind), ['confirm'], 'one question for the whole set');
    assert.match(text, new RegExp(`${NUSED}: ${MEMBER} \\(running\\)`), 'the network in use is shown with its running container');
    assert.deepStrictEqual(choices, ['Remove', 'Disconnect and Remove']);
    assert.deepStrictEqual([...result!.removed].sort(), [NA, NUSED].sort());
    assert.deepStrictEqual(result!.refused, []);
    assert.ok(!exists('network', NA) && !exists('network', NUSED), 'both networks are gone (docker network ls)');
    assert.strictEqual(docker('inspect', '-f', '{{.State.Running}}', MEMBER), 'true', 'the container keeps running');
    assert.ok(!docker('inspect', '-f', '{{json .NetworkSettings.Networks}}', MEMBER).includes(NUSED), 'and is no longer on the removed network');
    const report = prompts().reported.at(-1)!;
    assert.strictEqual(report.level, 'info');
    assert.ok(/^Removed /.test(report.message) && report.message.includes(NA) && report.message.includes(NUSED), report.message);
    docker('rm', '-f', MEMBER);
  });

  test('Remove Network with { networks: [...] } (another extension, the API) asks the same one question; an unknown name stops it before any question', async () => {
    noNetworks();
    docker('network', 'create', NA);
    docker('network', 'create', NB);
    docker('network', 'create', NUSED);
    docker('create', '--name', MEMBER, '--network', NUSED, IMAGE, 'true');
    await networkRow(NA);
    await networkRow(NB);
    const used = await networkRow(NUSED);
    await waitFor('the member under the used network', async () => (await rows(api.explorer.networksEngineTree, used.node)).some((r) => r.label === MEMBER), 20_000);

    // The command fails (its error goes to the user as a message) before asking anything or removing anything.
    assert.strictEqual(await vscode.commands.executeCommand('dnv.network.remove', { networks: [NA, `${TAG}-ms-no-such-net`] }), undefined);
    assert.deepStrictEqual(prompts().asked, [], 'nothing asked, nothing removed');
    assert.ok(exists('network', NA));

    // Called with arguments, no modal is skipped: the confirmation goes through the prompts like a click's.
    prompts().expect('confirm', /Remove 2 network/, 'Remove');
    const result = await vscode.commands.executeCommand<RemoveNetworksResult>('dnv.network.remove', { networks: [NA, NB, NUSED] });
    const { text, choices } = prompts().asked[0];
    assert.ok(text.includes(NA) && text.includes(NB), text);
    assert.match(text, new RegExp(`${NUSED}: ${MEMBER}`), 'the network in use is shown with its container');
    assert.deepStrictEqual(choices, ['Remove', 'Disconnect and Remove']);
    assert.deepStrictEqual([...result!.removed].sort(), [NA, NB].sort());
    assert.deepStrictEqual(result!.refused.map((r) => [r.name, r.inUse]), [[NUSED, true]]);
    assert.strictEqual(result!.skipped, '');
    assert.ok(!exists('network', NA) && !exists('network', NB), 'both free networks are gone (docker network ls)');
    assert.ok(exists('network', NUSED), 'the network in use is kept');
    assert.match(prompts().reported.at(-1)!.message, new RegExp(`Not removed: ${NUSED} \\(in use by ${MEMBER}`));

    // Cancelled: nothing goes.
    docker('rm', MEMBER);
    await waitFor('the used network free', async () => !(await rows(api.explorer.networksEngineTree, (await networkRow(NUSED)).node)).some((r) => r.label === MEMBER), 20_000);
    prompts().expect('confirm', /Remove 1 network/, undefined);
    assert.strictEqual(await vscode.commands.executeCommand('dnv.network.remove', { networks: [NUSED] }), undefined);
    assert.ok(exists('network', NUSED), 'kept when the question is cancelled');
    noNetworks();
  });

  test('Show Network Topology on two selected networks draws those networks only', async () => {
    docker('network', 'create', NA);
    docker('network', 'create', NB);
    const a = await networkRow(NA);
    const b = await networkRow(NB);
    await vscode.commands.executeCommand('dnv.network.showTopology', a.node, [a.node, b.node]);
    const drawn = await waitFor('the selection drawn', () => {
      const s = api.topology.state();
      return s && s.nodes.includes(`net:${NA}`) && s.nodes.includes(`net:${NB}`) ? s : undefined;
    }, 20_000, 100, () => JSON.stringify(api.topology.state()?.nodes));
    assert.deepStrictEqual(drawn.nodes.filter((n) => n.startsWith('net:')).sort(), [`net:${NA}`, `net:${NB}`].sort(), 'no other network');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Topology: '));
    assert.ok(tab && tab.label.includes(NA) && tab.label.includes(NB), `the panel is titled with the selection: ${tab?.label}`);
    assert.strictEqual(api.topology.note(), '');
  });

  test('called with arguments (palette, API), the commands act as before: one volume by name still asks', async () => {
    docker('volume', 'create', VA);
    prompts().expect('confirm', new RegExp(`Remove volume ${VA}`), 'Remove');
    const result = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', { names: [VA] });
    assert.deepStrictEqual(result?.removed, [VA]);
    assert.ok(!exists('volume', VA));
  });
});
