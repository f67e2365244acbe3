/**
 * Volume commands run with arguments in the real extension host, checked against the engine with the docker CLI:
 * create, backup (argument and settings, every format this runtime has), restore, clone, remove (refused while
 * in use, listing the container), prune (exactly the preview), and the menus. The arguments replace the pickers;
 * what deletes or overwrites data still asks, and these tests answer through scripted prompts (scriptedPrompts.ts).
 */
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import * as zlib from 'zlib';
import type { BackupResult } from '../../../src/backup/backup';
import type { CloneResult } from '../../../src/backup/clone';
import type { RestoreResult } from '../../../src/backup/restore';
import type { VerifyResult } from '../../../src/backup/verify';
import type { PruneResult } from '../../../src/commands/volumes/pruneVolumes';
import type { RemoveResult } from '../../../src/commands/volumes/removeVolume';
import type { ScheduleResult } from '../../../src/commands/volumes/scheduleBackup';
import type { ScheduledVolumeOutcome } from '../../../src/backup/schedule';
import type { ExtensionApi } from '../../../src/extension';
import { docker, dockerQuiet, EXTENSION_ID, extensionApi, setSetting, TAG, waitFor, waitForRow, waitLoaded } from './helpers';
import { useScriptedPrompts } from './scriptedPrompts';
import { tarOf } from '../../support/tar';

const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';
const LABEL = `dnvtest-host=${TAG}`;

/** A listing of the volume's files with owner, mode and content hash, made by busybox in a container. */
function contents(volume: string): string {
  return docker('run', '--rm', '-v', `${volume}:/data:ro`, IMAGE, 'sh', '-c',
    "cd /data && find . | sort | while read -r f; do echo \"$(stat -c '%n %F %a %u:%g' \"$f\") $( [ -f \"$f\" ] && sha256sum < \"$f\" | cut -c1-16)\"; done");
}

suite('Volume commands', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let folder: string;
  const VOL = `${TAG}-vol-data`;
  const RESTORED = `${TAG}-vol-restored`;
  const CLONE = `${TAG}-vol-clone`;
  const USER = `${TAG}-vol-user`;
  const PRUNE = [`${TAG}-vol-prune-a`, `${TAG}-vol-prune-b`];
  let expected: string;
  const prompts = useScriptedPrompts(() => api);

  suiteSetup(async () => {
    api = await extensionApi();
    await waitLoaded(api);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dnvtest-vol-host-'));
  });

  suiteTeardown(async () => {
    await setSetting('backup.folder', undefined);
    await setSetting('backup.format', undefined);
    const workspaceConfig = vscode.workspace.getConfiguration('dockerNetworksVolumes', vscode.workspace.workspaceFolders?.[0]?.uri);
    for (const key of ['backup.schedule.interval', 'backup.schedule.volumes', 'backup.schedule.keep', 'backup.folder']) {
      await workspaceConfig.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
    dockerQuiet('rm', '-f', USER);
    for (const v of [VOL, RESTORED, CLONE, ...PRUNE]) dockerQuiet('volume', 'rm', '-f', v);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('dnv.volume.create with an object creates without asking; the tree shows it with its context tokens', async () => {
    const name = await vscode.commands.executeCommand<string>('dnv.volume.create', { name: VOL, labels: { owner: 'host-test', dnvtest: TAG } });
    assert.strictEqual(name, VOL);
    assert.strictEqual(docker('volume', 'inspect', '-f', '{{index .Labels "owner"}}', VOL), 'host-test');
    const row = await waitForRow(api.explorer.volumesTree, VOL);
    assert.match(row.item.contextValue ?? '', /\bvolume\b.*\bvolume\.unused\b/);
    docker('run', '--rm', '-v', `${VOL}:/data`, IMAGE, 'sh', '-c',
      'mkdir -p /data/d/empty && echo hello > /data/d/a && ln /data/d/a /data/hard && ln -s d/a /data/sym && head -c 2000000 /dev/urandom > /data/blob && chown -R 70:70 /data/d && chmod 640 /data/d/a');
    expected = contents(VOL);
    assert.match(expected, /\.\/d\/a regular file 640 70:70/);
  });

  test('dnv.volume.create with options that put its data on the host asks first, showing them; cancelled creates nothing', async () => {
    const bound = `${VOL}-bound`;
    const hostFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'dnvtest-bind-'));
    try {
      const question = new RegExp(`Create volume ${bound} with driver local and options: type=none, o=bind, device=${hostFolder}\\?[\\s\\S]*folder ${hostFolder} on the engine's host`);
      prompts().expect('confirm', question, undefined);
      const none = await vscode.commands.executeCommand<string>('dnv.volume.create', { name: bound, driverOpts: { type: 'none', o: 'bind', device: hostFolder } });
      assert.strictEqual(none, undefined);
      assert.strictEqual(dockerQuiet('volume', 'ls', '-q', '--filter', `name=^${bound}$`), '', 'not created');
      prompts().expect('confirm', question, 'Create');
      const made = await vscode.commands.executeCommand<string>('dnv.volume.create', { name: bound, driverOpts: { type: 'none', o: 'bind', device: hostFolder } });
      assert.strictEqual(made, bound);
      assert.strictEqual(docker('volume', 'inspect', '-f', '{{index .Options "device"}}', bound), hostFolder);
    } finally {
      dockerQuiet('volume', 'rm', '-f', bound);
      fs.rmSync(hostFolder, { recursive: true, force: true });
    }
  });

  test('dnv.volume.backup with arguments, in every format this runtime has (zstd in the extension host\'s Node)', async () => {
    const formats = ['tar', 'tar.gz', ...(process.versions.node.split('.').map(Number)[0] >= 23 ? ['tar.zst'] : [])];
    for (const format of formats) {
      const results = await vscode.commands.executeCommand<BackupResult[]>('dnv.volume.backup', { volumes: [VOL], folder, format, pause: false });
      assert.ok(results?.length === 1, `a result for ${format}`);
      const [r] = results;
      assert.ok(r.archive.endsWith(`.${format}`), r.archive);
      assert.ok(fs.existsSync(r.archive) && fs.existsSync(r.manifestPath));
      assert.strictEqual(r.manifest.archive.format, format);
      assert.strictEqual(r.manifest.content.files, 2, 'd/a and blob; hard is a link to d/a');
      assert.strictEqual(r.manifest.content.hardlinks, 1);
      assert.strictEqual(r.manifest.content.symlinks, 1);
      assert.strictEqual(r.manifest.volume.labels.owner, 'host-test');
    }
  });

  test('the backup folder and format settings are used when the argument has none', async () => {
    const configured = path.join(folder, 'from-settings');
    await setSetting('backup.folder', configured);
    await setSetting('backup.format', 'tar.gz');
    const results = await vscode.commands.executeCommand<BackupResult[]>('dnv.volume.backup', { volumes: [VOL], pause: false });
    assert.ok(results?.[0].archive.startsWith(configured + path.sep), results?.[0].archive);
    assert.match(path.basename(results![0].archive), new RegExp(`^${VOL}-\\d{8}T\\d{6}Z\\.tar\\.gz$`));
  });

  test('dnv.volume.restore into a new volume gives back the same files, owners and modes', async () => {
    const archive = fs.readdirSync(folder).filter((f) => f.endsWith('.tar.gz')).map((f) => path.join(folder, f))[0];
    const result = await vscode.commands.executeCommand<RestoreResult>('dnv.volume.restore', { archive, volume: RESTORED });
    assert.strictEqual(result?.mode, 'new');
    assert.strictEqual(result?.verified, true);
    assert.strictEqual(contents(RESTORED), expected);
  });

  test('dnv.volume.restore into a non-empty volume without a mode is refused and writes nothing; replace asks first', async () => {
    const archive = fs.readdirSync(folder).filter((f) => f.endsWith('.tar')).map((f) => path.join(folder, f))[0];
    docker('run', '--rm', '-v', `${RESTORED}:/data`, IMAGE, 'sh', '-c', 'echo mine > /data/mine');
    const before = contents(RESTORED);
    const result = await vscode.commands.executeCommand('dnv.volume.restore', { archive, volume: RESTORED });
    assert.strictEqual(result, undefined);
    assert.strictEqual(contents(RESTORED), before);
    prompts().expect('confirm', new RegExp(`Volume ${RESTORED} is not empty`), undefined);
    const declined = await vscode.commands.executeCommand('dnv.volume.restore', { archive, volume: RESTORED, mode: 'replace' });
    assert.strictEqual(declined, undefined);
    assert.strictEqual(contents(RESTORED), before, 'a replace the user declined writes nothing');
    assert.deepStrictEqual(prompts().asked[0].choices, ['Replace'], 'the argument\'s mode is the one offered');
    prompts().expect('confirm', new RegExp(`Volume ${RESTORED} is not empty`), 'Replace');
    const replaced = await vscode.commands.executeCommand<RestoreResult>('dnv.volume.restore', { archive, volume: RESTORED, mode: 'replace' });
    assert.strictEqual(replaced?.mode, 'replace');
    assert.strictEqual(contents(RESTORED), expected);
    prompts().assertAllAnswered();
  });

  test('dnv.volume.restore: a manifest\'s bind-mount options are shown with a warning and used only if chosen', async () => {
    // A self-consistent manifest (the archive's hash is right) that asks for the new volume to be a host folder.
    const archive = path.join(folder, 'from-elsewhere.tar.gz');
    fs.writeFileSync(archive, zlib.gzipSync(await tarOf([{ name: 'note.txt', body: 'restored' }])));
    const hostFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'dnvtest-bind-'));
    const target = `${TAG}-vol-from-manifest`;
    fs.writeFileSync(`${archive}.manifest.json`, JSON.stringify({
      kind: 'docker-networks-volumes/volume-backup', version: 1, created: new Date().toISOString(),
      volume: { name: target, driver: 'local', options: { type: 'none', o: 'bind', device: hostFolder }, labels: {} },
      archive: { file: path.basename(archive), format: 'tar.gz', bytes: fs.statSync(archive).size, sha256: crypto.createHash('sha256').update(fs.readFileSync(archive)).digest('hex'), tarBytes: 0 },
      content: { entries: 1, files: 1, directories: 0, symlinks: 0, hardlinks: 0, bytes: 8 }, engine: { host: 'x' }, paused: [], durationMs: 0,
    }));
    try {
      const question = new RegExp(`manifest asks for volume ${target} to be made with driver local and options: type=none, o=bind, device=${hostFolder}[\\s\\S]*folder ${hostFolder} on the engine's host`);
      prompts().expect('confirm', question, undefined);
      assert.strictEqual(await vscode.commands.executeCommand('dnv.volume.restore', { archive, volume: target }), undefined, 'cancelled');
      assert.strictEqual(dockerQuiet('volume', 'ls', '-q', '--filter', `name=^${target}$`), '', 'nothing created');
      assert.deepStrictEqual(prompts().asked[0].choices, ['Create with these options', 'Create a plain local volume']);

      prompts().expect('confirm', question, 'Create a plain local volume');
      const result = await vscode.commands.executeCommand<RestoreResult>('dnv.volume.restore', { archive, volume: target });
      assert.strictEqual(result?.mode, 'new');
      assert.strictEqual(docker('volume', 'inspect', '-f', '{{json .Options}}', target), '{}', 'a plain local volume');
      assert.deepStrictEqual(fs.readdirSync(hostFolder), [], 'nothing written into the host folder');
      assert.match(docker('run', '--rm', '-v', `${target}:/data:ro`, IMAGE, 'cat', '/data/note.txt'), /restored/);
      prompts().assertAllAnswered();
    } finally {
      dockerQuiet('volume', 'rm', '-f', target);
      fs.rmSync(hostFolder, { recursive: true, force: true });
    }
  });

  test('dnv.volume.verifyBackup with { archive } restores it into a scratch volume, compares and removes it, asking nothing', async () => {
    const archive = fs.readdirSync(folder).filter((f) => f.endsWith('.tar.gz')).map((f) => path.join(folder, f))[0];
    const scratchBefore = dockerQuiet('volume', 'ls', '-q', '--filter', 'name=^dnv-verify-');
    const result = await vscode.commands.executeCommand<VerifyResult>('dnv.volume.verifyBackup', { archive });
    assert.strictEqual(result?.ok, true, JSON.stringify(result));
    assert.strictEqual(result?.manifest, 'matches');
    assert.strictEqual(result?.scratchRemoved, true);
    assert.strictEqual(dockerQuiet('volume', 'ls', '-q', '--filter', 'name=^dnv-verify-'), scratchBefore, 'no scratch volume left');
    prompts().assertAllAnswered();
  });

  test('dnv.volume.clone copies the volume engine-side', async () => {
    const result = await vscode.commands.executeCommand<CloneResult>('dnv.volume.clone', { source: VOL, target: CLONE, pause: false });
    assert.ok(result && result.bytes > 2_000_000);
    assert.strictEqual(contents(CLONE), expected);
  });

  test('dnv.volume.remove refuses a volume in use, names the container, removes nothing; removes it once free', async () => {
    docker('create', '--name', USER, '-v', `${CLONE}:/data`, IMAGE, 'true');
    const refused = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', { names: [CLONE] });
    assert.strictEqual(refused, undefined, 'the command reports the refusal as an error');
    assert.ok(dockerQuiet('volume', 'inspect', CLONE), 'still there');
    prompts().expect('confirm', new RegExp(`Remove volume ${RESTORED}`), 'Remove');
    const mixed = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', { names: [CLONE, RESTORED] });
    assert.match(prompts().asked[0].text, new RegExp(`Kept, in use: ${CLONE}`), 'the confirmation says what stays');
    assert.deepStrictEqual(mixed?.removed, [RESTORED]);
    assert.strictEqual(mixed?.refused[0].name, CLONE);
    assert.deepStrictEqual(mixed?.refused[0].users?.map((u) => u.name), [USER]);
    docker('rm', USER);
    prompts().expect('confirm', new RegExp(`Remove volume ${CLONE}`), 'Remove');
    const removed = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', { names: [CLONE] });
    assert.deepStrictEqual(removed?.removed, [CLONE]);
    assert.strictEqual(dockerQuiet('volume', 'ls', '-q', '--filter', `name=^${CLONE}$`), '');
    prompts().assertAllAnswered();
  });

  test('dnv.volume.remove called with an argument object still asks; answering No keeps the volume', async () => {
    const victim = `${TAG}-vol-asked`;
    docker('volume', 'create', victim);
    try {
      prompts().expect('confirm', new RegExp(`Remove volume ${victim}`), undefined);
      const result = await vscode.commands.executeCommand<RemoveResult>('dnv.volume.remove', { names: [victim] });
      assert.strictEqual(result, undefined, 'nothing removed');
      assert.strictEqual(docker('volume', 'ls', '-q', '--filter', `name=^${victim}$`), victim, 'the volume is still there');
      assert.match(prompts().asked[0].text, /cannot be recovered/, 'the question says what is at stake');
      assert.deepStrictEqual(prompts().asked[0].choices, ['Remove']);
      prompts().assertAllAnswered();
    } finally {
      dockerQuiet('volume', 'rm', '-f', victim);
    }
  });

  test('dnv.volumes.prune removes exactly what its preview lists, and keeps volumes in use', async () => {
    for (const v of PRUNE) docker('volume', 'create', '--label', LABEL, v);
    docker('volume', 'create', '--label', LABEL, `${TAG}-vol-kept`);
    docker('create', '--name', USER, '-v', `${TAG}-vol-kept:/data`, IMAGE, 'true');
    prompts().expect('confirm', /Remove 2 volume\(s\): 0 anonymous, 2 named/, 'Remove');
    const result = await vscode.commands.executeCommand<PruneResult>('dnv.volumes.prune', { include: 'all', labels: [LABEL] });
    prompts().assertAllAnswered();
    assert.deepStrictEqual(result?.chosen.sort(), [...PRUNE].sort());
    assert.deepStrictEqual(result?.outcome.removed.sort(), [...PRUNE].sort());
    for (const v of PRUNE) assert.strictEqual(dockerQuiet('volume', 'ls', '-q', '--filter', `name=^${v}$`), '');
    assert.ok(dockerQuiet('volume', 'inspect', `${TAG}-vol-kept`), 'the volume in use is kept');
    dockerQuiet('rm', '-f', USER);
    dockerQuiet('volume', 'rm', `${TAG}-vol-kept`);
  });

  test('dnv.volume.scheduleBackup writes the workspace schedule, whose timer backs up; run-now rotates old backups', async () => {
    const scheduled = path.join(folder, 'scheduled');
    // Keeping fewer than now (7) deletes existing scheduled backups: asked even when given as an argument.
    prompts().expect('confirm', /Keep only the newest 2 scheduled backups of each volume \(now 7\)\?/, 'Keep 2');
    const result = await vscode.commands.executeCommand<ScheduleResult>('dnv.volume.scheduleBackup', { volumes: [VOL], interval: 'hourly', keep: 2, folder: scheduled });
    assert.deepStrictEqual(result, { volumes: [VOL], interval: 'hourly', keep: 2, folder: scheduled });
    const config = vscode.workspace.getConfiguration('dockerNetworksVolumes', vscode.workspace.workspaceFolders![0].uri);
    assert.strictEqual(config.inspect('backup.schedule.interval')?.workspaceValue, 'hourly', 'kept in the workspace settings');
    assert.deepStrictEqual(config.inspect('backup.schedule.volumes')?.workspaceValue, [VOL]);
    assert.strictEqual(config.inspect('backup.folder')?.workspaceValue, scheduled);
    await waitFor('the row to say it is backed up on schedule', async () => /hourly backup/.test(String((await waitForRow(api.explorer.volumesTree, VOL)).item.description)));

    // Nothing was backed up on schedule yet, so the scheduler's timer runs a backup on its own.
    const manifests = () => (fs.existsSync(scheduled) ? fs.readdirSync(scheduled) : []).filter((f) => f.endsWith('.manifest.json'));
    await waitFor('a scheduled backup', () => manifests().length === 1, 30_000);
    const firstFile = manifests()[0];
    const first = JSON.parse(fs.readFileSync(path.join(scheduled, firstFile), 'utf8')) as { scheduled?: boolean; volume: { name: string } };
    assert.strictEqual(first.scheduled, true);
    assert.strictEqual(first.volume.name, VOL);

    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 1100)); // one-second timestamps in the names
      const outcomes = await vscode.commands.executeCommand<ScheduledVolumeOutcome[]>('dnv.volume.runScheduledBackups');
      assert.deepStrictEqual(outcomes?.map((o) => [o.volume, o.status]), [[VOL, 'backed-up']]);
      assert.strictEqual(outcomes![0].removed.length, i === 0 ? 0 : 1, `run ${i + 1}: keeps 2`);
    }
    assert.strictEqual(manifests().length, 2, 'two scheduled backups are kept');
    // The row's tooltip says when the last scheduled backup was made and when the next is due.
    await waitFor('the tooltip to give the schedule\'s times', async () => {
      const row = await waitForRow(api.explorer.volumesTree, VOL);
      const item = api.explorer.volumesTree.resolveTreeItem(row.item, row.node);
      const text = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
      return /Last scheduled backup/.test(text) && /Next scheduled backup/.test(text);
    });
    assert.ok(!manifests().includes(firstFile), 'the oldest went');

    const stopped = await vscode.commands.executeCommand<ScheduleResult>('dnv.volume.scheduleBackup', { volumes: [VOL], interval: 'off' });
    assert.deepStrictEqual(stopped?.volumes, []);
    assert.strictEqual(config.inspect('backup.schedule.interval')?.workspaceValue, 'off');
    assert.strictEqual(manifests().length, 2, 'stopping deletes no backup');
  });

  test('volume rows have the actions in their context menu, remove apart in the destructive group', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when: string; group: string }>> } };
    const itemMenu = pkg.contributes.menus['view/item/context'];
    const volumeRow = 'volume volume.unused inspectable';
    for (const command of ['dnv.volume.backup', 'dnv.volume.restore', 'dnv.volume.clone', 'dnv.volume.scheduleBackup', 'dnv.volume.remove']) {
      const entry = itemMenu.find((m) => m.command === command && /viewItem =~/.test(m.when));
      assert.ok(entry, command);
      const regex = /viewItem =~ \/(.+?)\//.exec(entry.when)![1];
      assert.ok(new RegExp(regex).test(volumeRow), `${command} shows on a volume row`);
      assert.ok(!new RegExp(regex).test('volumeProject'), `${command}: a project row has its own entry`);
    }
    assert.match(itemMenu.find((m) => m.command === 'dnv.volume.remove')!.group, /^9_destructive/);
  });
});
