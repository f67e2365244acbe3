/**
 * The volume browser in the real workbench: Browse Files on a volume asks once about the helper image, shows the
 * volume in the Volume Files view with size, mode and owner, and a file opens in VS Code's own read-only editor
 * through the dnv-volume file system; a file too large for the editor is refused; Download writes into a new
 * folder of the chosen one.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import * as zlib from 'zlib';
import { tarOf } from '../../support/tar';
import type { ExtensionApi } from '../../../src/extension';
import { docker, dockerQuiet, extensionApi, setSetting, TAG, waitFor, waitForRow, waitLoaded } from './helpers';
import { useScriptedPrompts } from './scriptedPrompts';

const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';

suite('Volume browser', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let folder: string;
  const VOL = `${TAG}-browse`;
  const prompts = useScriptedPrompts(() => api);

  suiteSetup(async () => {
    api = await extensionApi();
    await waitLoaded(api);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dnvtest-browse-host-'));
    docker('volume', 'create', VOL);
    docker('run', '--rm', '--network', 'none', '-v', `${VOL}:/data`, IMAGE, 'sh', '-c',
      'mkdir -p /data/conf /data/logs && printf "server {\\n  listen 80;\\n}\\n" > /data/conf/site.conf && chown 101:101 /data/conf/site.conf && chmod 640 /data/conf/site.conf && head -c 60000000 /dev/zero > /data/logs/huge.log && ln -s /etc /data/outside && mkfifo /data/pipe');
    await setSetting('browse.helperImage', IMAGE);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const root of api?.volumeBrowser.tree.roots ?? []) await vscode.commands.executeCommand('dnv.volumeFiles.stop', root);
    await setSetting('browse.helperImage', undefined);
    dockerQuiet('volume', 'rm', '-f', VOL);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('Browse Files asks once about the helper image, then the view lists the volume with size, mode and owner', async () => {
    const row = await waitForRow(api.explorer.volumesTree, VOL);
    prompts().expect('confirm', new RegExp(`helper container from image ${IMAGE.replace(/[/.]/g, '\\$&')}[\\s\\S]*nothing is pulled`), 'Allow');
    await vscode.commands.executeCommand('dnv.volume.browse', row.node);
    prompts().assertAllAnswered();
    const tree = api.volumeBrowser.tree;
    assert.deepStrictEqual(tree.roots.map((r) => r.volume), [VOL]);
    const top = await tree.getChildren(tree.roots[0]);
    assert.deepStrictEqual(top.map((n) => tree.getTreeItem(n).label), ['conf', 'logs', 'outside', 'pipe']);
    const conf = (await tree.getChildren(top[0]))[0];
    const item = tree.getTreeItem(conf);
    assert.strictEqual(item.label, 'site.conf');
    assert.match(String(item.description), /^\d+ B · -rw-r----- · 101:101$/);
    assert.strictEqual(item.contextValue, 'volumeFiles.file');
    // The hover is built when the row is hovered (a folder's rows all go to the workbench at once), with the details.
    assert.strictEqual(item.tooltip, undefined);
    const hover = (tree.resolveTreeItem(item, conf).tooltip as vscode.MarkdownString).value;
    assert.match(hover, /\*\*site\.conf\*\*[\s\S]*-rw-r-----` \(0640\)[\s\S]*user 101, group 101/);
    assert.strictEqual(tree.getTreeItem(top[2]).contextValue, 'volumeFiles.special', 'a link out of the volume is not followed');
    // A second engine-wide question is not asked for another volume of the same engine.
    const helpers = docker('ps', '--filter', 'label=docker-networks-volumes.helper=volume-browse', '--filter', `volume=${VOL}`, '--format', '{{.Names}}');
    assert.match(helpers, /^dnv-browse-/);
  });

  test('a file opens read-only in the editor through the dnv-volume file system', async () => {
    const tree = api.volumeBrowser.tree;
    const conf = (await tree.getChildren((await tree.getChildren(tree.roots[0]))[0]))[0];
    const item = tree.getTreeItem(conf);
    assert.strictEqual(item.command?.command, 'vscode.open');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = await waitFor('the file in an editor', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'dnv-volume' ? vscode.window.activeTextEditor : undefined));
    assert.strictEqual(editor.document.getText(), 'server {\n  listen 80;\n}\n');
    assert.match(editor.document.uri.path, new RegExp(`^/${VOL}/conf/site.conf$`));
    const stat = await vscode.workspace.fs.stat(editor.document.uri);
    assert.strictEqual(stat.permissions, vscode.FilePermission.Readonly);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, Buffer.from('x'))), /read-only|NoPermissions|readonly/i);
    assert.strictEqual(docker('run', '--rm', '-v', `${VOL}:/data:ro`, IMAGE, 'cat', '/data/conf/site.conf'), 'server {\n  listen 80;\n}');
  });

  test('a file too large for the editor is refused with its size; Download writes it into a new folder of the chosen one', async () => {
    const root = api.volumeBrowser.tree.roots[0];
    const uri = vscode.Uri.from({ scheme: 'dnv-volume', authority: Buffer.from(root.engineId).toString('hex'), path: `/${VOL}/logs/huge.log` });
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(uri)), /too large/);
    prompts().expect('pickFolder', /Download conf into/, folder);
    await vscode.commands.executeCommand('dnv.volumeFiles.download', (await api.volumeBrowser.tree.getChildren(root))[0]);
    prompts().assertAllAnswered();
    assert.strictEqual(fs.readFileSync(path.join(folder, 'conf', 'site.conf'), 'utf8'), 'server {\n  listen 80;\n}\n');
  });

  test('Browse Backup Files shows a .tar.gz backup from disk, read-only, through the dnv-backup file system', async () => {
    const archive = path.join(folder, 'site-backup.tar.gz');
    fs.writeFileSync(archive, zlib.gzipSync(await tarOf([
      { name: './', type: 'directory' },
      { name: './conf/', type: 'directory' },
      { name: './conf/site.conf', body: 'from the backup\n', mode: 0o640, uid: 101, gid: 101 },
      { name: '../escape', body: 'never shown' },
    ])));
    await vscode.commands.executeCommand('dnv.backup.browse', { archive });
    const tree = api.volumeBrowser.tree;
    const root = tree.roots.find((r) => r.volume === 'site-backup.tar.gz');
    assert.ok(root, 'the backup is a root of the view');
    const top = await tree.getChildren(root);
    assert.deepStrictEqual(top.map((n) => tree.getTreeItem(n).label), ['conf']);
    const file = (await tree.getChildren(top[0]))[0];
    const item = tree.getTreeItem(file);
    assert.match(String(item.description), /^16 B · -rw-r----- · 101:101$/);
    const uri = item.resourceUri!;
    assert.strictEqual(uri.scheme, 'dnv-backup');
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), 'from the backup\n');
    await vscode.commands.executeCommand('dnv.volumeFiles.stop', root);
  });

  test('Compare with Backup opens a diff of the volume file and the same path in the backup; a path the backup lacks is said plainly', async () => {
    const archive = path.join(folder, 'compare-backup.tar.gz');
    fs.writeFileSync(archive, zlib.gzipSync(await tarOf([
      { name: './conf/', type: 'directory' },
      { name: './conf/site.conf', body: 'server {\n  listen 8080;\n}\n' },
    ])));
    const tree = api.volumeBrowser.tree;
    const volumeRoot = tree.roots.find((r) => r.volume === VOL)!;
    const top = await tree.getChildren(volumeRoot);
    const conf = (await tree.getChildren(top[0]))[0];
    prompts().expect('pickFile', /Compare conf\/site.conf with the same file in the backup/, archive);
    await vscode.commands.executeCommand('dnv.volumeFiles.compareWithBackup', conf);
    prompts().assertAllAnswered();
    const input = await waitFor('the diff editor', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff ? tab.input : undefined;
    });
    assert.strictEqual(input.original.scheme, 'dnv-volume');
    assert.strictEqual(input.modified.scheme, 'dnv-backup');
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(input.modified)).toString(), 'server {\n  listen 8080;\n}\n');
    const logs = (await tree.getChildren(top[1]))[0];
    // The command shows the failure as an error message; the browser's API is what it calls, and it throws.
    await assert.rejects(api.volumeBrowser.compareWithBackup(logs, archive), /logs\/huge.log is not in the backup compare-backup.tar.gz/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a folder of more entries than Group Large Lists Above shows name ranges from one listing; a file in a range opens, reveals and downloads', async () => {
    await setSetting('explorer.groupLargeListsAbove', 500);
    try {
      docker('run', '--rm', '--network', 'none', '-v', `${VOL}:/data`, IMAGE, 'sh', '-c',
        'mkdir -p /data/big/sub && cd /data/big && i=0; while [ $i -lt 600 ]; do echo "line $i" > f-$i.txt; i=$((i+1)); done');
      const { tree, view } = api.volumeBrowser;
      const root = tree.roots.find((r) => r.volume === VOL)!;
      // Every listing the session makes (an exec in the helper each), counted while the folder and its ranges open.
      const session = await (tree as unknown as { sessions: { session(engineId: string, volume: string): Promise<{ list(p: string): Promise<unknown> }> } })
        .sessions.session(root.engineId, VOL);
      const list = session.list;
      const listed: string[] = [];
      session.list = (p: string) => { listed.push(p); return list.call(session, p); };
      try {
        const big = (await tree.getChildren(root)).find((n) => tree.getTreeItem(n).label === 'big')!;
        const ranges = await tree.getChildren(big);
        assert.deepStrictEqual(ranges.map((n) => [tree.getTreeItem(n).label, tree.getTreeItem(n).description, tree.getTreeItem(n).contextValue]), [
          ['sub … f-248.txt', '1 folder, 249 files', 'volumeFiles.range'],
          ['f-249.txt … f-599.txt', '351 files', 'volumeFiles.range'],
        ]);
        const rows = await tree.getChildren(ranges[1]);
        assert.strictEqual(rows.length, 351);
        assert.strictEqual((await tree.getChildren(ranges[0]))[0].kind === 'entry' && tree.getTreeItem((await tree.getChildren(ranges[0]))[0]).label, 'sub');
        // (The root may be listed again by the workbench: the setting's change refreshes the view.)
        assert.deepStrictEqual(listed.filter((p) => p !== ''), ['big'], 'the folder listed once; its ranges list nothing');
        const file = rows.find((n) => n.kind === 'entry' && n.path === 'big/f-300.txt')!;
        const item = tree.getTreeItem(file);
        assert.strictEqual(item.contextValue, 'volumeFiles.file');
        // Reveal walks file → range → folder in the real workbench (getParent), and selects the file's row.
        await view.reveal(file, { select: true, focus: true });
        await waitFor('the file selected', () => view.selection.some((n) => n.kind === 'entry' && n.path === 'big/f-300.txt'));
        await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
        const editor = await waitFor('the file in an editor', () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('/big/f-300.txt') ? vscode.window.activeTextEditor : undefined));
        assert.strictEqual(editor.document.getText(), 'line 300\n');
        prompts().expect('pickFolder', /Download big\/f-300.txt into/, folder);
        await vscode.commands.executeCommand('dnv.volumeFiles.download', file);
        prompts().assertAllAnswered();
        assert.strictEqual(fs.readFileSync(path.join(folder, 'f-300.txt'), 'utf8'), 'line 300\n');
      } finally {
        session.list = list;
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    } finally {
      await setSetting('explorer.groupLargeListsAbove', undefined);
    }
  });

  test('Stop Browsing removes the helper container and the view entry', async () => {
    await vscode.commands.executeCommand('dnv.volumeFiles.stop', api.volumeBrowser.tree.roots.find((r) => r.volume === VOL));
    assert.deepStrictEqual(api.volumeBrowser.tree.roots, []);
    await waitFor('no helper left', () => docker('ps', '-a', '--filter', 'label=docker-networks-volumes.helper=volume-browse', '--filter', `volume=${VOL}`, '--format', '{{.Names}}') === '');
  });

  test('Remove Volume on a volume held only by the browser says so, closes the browser and its editors, and removes it', async () => {
    const vol = `${TAG}-browse-rm`;
    docker('volume', 'create', vol);
    docker('run', '--rm', '--network', 'none', '-v', `${vol}:/data`, IMAGE, 'sh', '-c', 'echo hi > /data/a.txt');
    try {
      await vscode.commands.executeCommand('dnv.volume.browse', await waitForRow(api.explorer.volumesTree, vol).then((r) => r.node));
      const tree = api.volumeBrowser.tree;
      const root = tree.roots.find((r) => r.volume === vol)!;
      const file = (await tree.getChildren(root))[0];
      const item = tree.getTreeItem(file);
      await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
      await waitFor('the file in an editor', () => vscode.window.activeTextEditor?.document.uri.path.startsWith(`/${vol}/`));
      const held = () => docker('ps', '-a', '--filter', `volume=${vol}`, '--format', '{{.Names}}');
      assert.match(held(), /^dnv-browse-/);
      // Cancel first: nothing is closed, nothing removed.
      prompts().expect('confirm', new RegExp(`Volume ${vol} is open in the volume browser[\\s\\S]*closes them first`), undefined);
      await vscode.commands.executeCommand('dnv.volume.remove', { names: [vol] });
      prompts().assertAllAnswered();
      assert.ok(tree.roots.some((r) => r.volume === vol));
      assert.strictEqual(docker('volume', 'ls', '-q', '--filter', `name=^${vol}$`), vol);
      prompts().expect('confirm', /is open in the volume browser/, 'Close Browser and Remove');
      await vscode.commands.executeCommand('dnv.volume.remove', { names: [vol] });
      prompts().assertAllAnswered();
      assert.strictEqual(docker('volume', 'ls', '-q', '--filter', `name=^${vol}$`), '', 'the volume is gone');
      assert.ok(!tree.roots.some((r) => r.volume === vol), 'its view entry is gone');
      assert.strictEqual(held(), '', 'its helper is gone');
      assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputText && t.input.uri.path.startsWith(`/${vol}/`)), 'its editors are closed');
    } finally {
      dockerQuiet('volume', 'rm', '-f', vol);
    }
  });
});
