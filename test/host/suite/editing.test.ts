/**
 * Compose editing in a real extension host: completion (schema values and the live engine's networks), the
 * outline, highlights and references, rename across the base, override and included files (applied), inlay
 * hints (and their setting), links and key hovers, on a copy of test/fixtures/editing/app in the workspace.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { docker, dockerQuiet, extensionApi, setSetting, TAG, waitFor, waitLoaded } from './helpers';

const repoRoot = path.resolve(__dirname, '../../../..');

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('Compose editing', () => {
  let dir: string;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;
  const network = `${TAG}-editing-net`;

  const positionOf = (text: string, after = 0) => {
    const at = document.getText().indexOf(text);
    assert.ok(at >= 0, `"${text}" is in the fixture`);
    return document.positionAt(at + after);
  };

  suiteSetup(async function () {
    this.timeout(60_000);
    const api = await extensionApi();
    await waitLoaded(api);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the sample workspace is open');
    dir = path.join(folder.uri.fsPath, 'editing-app');
    fs.cpSync(path.join(repoRoot, 'test/fixtures/editing/app'), dir, { recursive: true });
    uri = vscode.Uri.file(path.join(dir, 'compose.yaml'));
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
  });

  suiteTeardown(async () => {
    dockerQuiet('network', 'rm', network);
    await setSetting('compose.inlayHints', undefined);
    for (const doc of vscode.workspace.textDocuments) {
      if (dir && doc.uri.fsPath.startsWith(dir) && doc.isDirty) await doc.save();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('completion: enum values of a key, and the live engine\'s networks under top-level networks', async function () {
    this.timeout(60_000);
    const editor = await vscode.window.showTextDocument(document);
    const original = document.getText();
    // A new key line in the web service, then a new entry line under top-level networks.
    await editor.edit((b) => b.insert(positionOf('    env_file:'), '    restart: \n'));
    const restart = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, positionOf('    restart: ', '    restart: '.length));
    const values = restart.items.map(labelOf);
    for (const v of ['no', 'always', 'on-failure', 'unless-stopped']) assert.ok(values.includes(v), `${v} in ${values.join(', ')}`);
    // build.target: the stage names of the service's Dockerfile (web/Dockerfile).
    await editor.edit((b) => b.insert(positionOf('    depends_on:'), '      target: \n'));
    const target = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, positionOf('      target: ', '      target: '.length));
    assert.deepStrictEqual(target.items.map(labelOf), ['base', 'dev']);

    docker('network', 'create', network);
    await editor.edit((b) => b.insert(positionOf('  legacy:'), '  \n'));
    const at = positionOf('  \n  legacy:', 2);
    const items = await waitFor('the new engine network among the completions', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
      return list.items.some((i) => labelOf(i) === network) ? list.items : undefined;
    }, 20_000);
    const item = items.find((i) => labelOf(i) === network)!;
    assert.strictEqual(item.kind, vscode.CompletionItemKind.Reference);
    assert.strictEqual(typeof item.insertText === 'string' ? item.insertText : item.insertText?.value, `${network}:\n    external: true`);
    assert.ok(!items.some((i) => labelOf(i) === 'bridge'), 'built-in networks are not offered');
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, document.lineCount, 0), original));
    assert.strictEqual(document.getText(), original);
  });

  test('outline: sections, services with their keys, networks', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.deepStrictEqual(symbols.map((s) => s.name), ['name', 'include', 'services', 'networks', 'volumes', 'secrets']);
    const services = symbols.find((s) => s.name === 'services')!;
    assert.deepStrictEqual(services.children.map((s) => s.name), ['web', 'api']);
    assert.strictEqual(services.children[0].kind, vscode.SymbolKind.Class);
    assert.deepStrictEqual(services.children[0].children.map((s) => s.name), ['image', 'env_file', 'build', 'depends_on', 'networks', 'volumes']);
    assert.strictEqual(document.getText(services.children[1].selectionRange), 'api');
    assert.deepStrictEqual(symbols.find((s) => s.name === 'networks')!.children.map((s) => s.name), ['front', 'back', 'legacy']);
  });

  test('highlights and references of a network across the base, the override and the included file', async () => {
    const at = positionOf('front, back', 'front, '.length + 1);
    const highlights = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>('vscode.executeDocumentHighlights', uri, at);
    assert.deepStrictEqual(highlights.map((h) => [document.getText(h.range), h.kind]), [['back', vscode.DocumentHighlightKind.Read], ['back', vscode.DocumentHighlightKind.Write]]);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, at);
    const files = refs.map((r) => path.relative(dir, r.uri.fsPath)).sort();
    assert.deepStrictEqual(files, ['compose.override.yaml', 'compose.yaml', 'compose.yaml', 'db/compose.yaml']);
  });

  test('YAML anchors: an alias highlights its anchor and the other aliases of it, and goes to the anchor; references reach a service extended from another file', async function () {
    this.timeout(30_000);
    const other = path.join(dir, 'anchors');
    fs.mkdirSync(path.join(other, 'common'), { recursive: true });
    fs.writeFileSync(path.join(other, 'common', 'base.yaml'), 'services:\n  base:\n    networks: [back]\n');
    fs.writeFileSync(path.join(other, 'compose.yaml'), [
      'x-logging: &logging',
      '  driver: json-file',
      'services:',
      '  a:',
      '    image: busybox',
      '    logging: *logging',
      '    networks: [back]',
      '  b:',
      '    extends: { file: ./common/base.yaml, service: base }',
      '    logging: *logging',
      'networks:',
      '  back: {}',
      '',
    ].join('\n'));
    const anchorsUri = vscode.Uri.file(path.join(other, 'compose.yaml'));
    const doc = await vscode.workspace.openTextDocument(anchorsUri);
    const alias = doc.positionAt(doc.getText().indexOf('*logging') + 3);
    const highlights = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>('vscode.executeDocumentHighlights', anchorsUri, alias);
    assert.deepStrictEqual(highlights.map((h) => [doc.offsetAt(h.range.start), doc.getText(h.range), h.kind]), [
      [doc.getText().indexOf('&logging') + 1, 'logging', vscode.DocumentHighlightKind.Write],
      [doc.getText().indexOf('*logging') + 1, 'logging', vscode.DocumentHighlightKind.Read],
      [doc.getText().lastIndexOf('*logging') + 1, 'logging', vscode.DocumentHighlightKind.Read],
    ]);
    const definition = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', anchorsUri, alias);
    assert.deepStrictEqual(definition.map((d) => doc.offsetAt(d.range.start)), [doc.getText().indexOf('&logging') + 1]);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', anchorsUri, doc.positionAt(doc.getText().indexOf('[back]') + 2));
    assert.deepStrictEqual(refs.map((r) => path.relative(other, r.uri.fsPath)).sort(), ['common/base.yaml', 'compose.yaml', 'compose.yaml']);
  });

  test('rename a network: edits in three files, applied; external and undeclared names refused', async function () {
    this.timeout(30_000);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.prepareRename', uri, positionOf('legacy:', 2))),
      /external/,
    );
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uri, positionOf('  back:', 3), 'internal-net');
    const touched = edit.entries().map(([u, edits]) => [path.relative(dir, u.fsPath), edits.length]).sort();
    assert.deepStrictEqual(touched, [['compose.override.yaml', 1], ['compose.yaml', 2], ['db/compose.yaml', 1]]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const override = await vscode.workspace.openTextDocument(path.join(dir, 'compose.override.yaml'));
    const db = await vscode.workspace.openTextDocument(path.join(dir, 'db', 'compose.yaml'));
    assert.match(document.getText(), /networks: \[front, internal-net\]/);
    assert.match(document.getText(), /\n {2}internal-net:\n {4}ipam:/);
    assert.ok(!/\bback\b/.test(document.getText()), 'no "back" left in compose.yaml');
    assert.match(override.getText(), /- front\n {6}- internal-net\n/);
    assert.match(db.getText(), /- internal-net\n/);
    // The rename is undone by renaming back (the files stay as the other tests expect).
    const back = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uri, positionOf('  internal-net:', 3), 'back');
    assert.ok(await vscode.workspace.applyEdit(back));
    assert.ok(/networks: \[front, back\]/.test(document.getText()));
  });

  test('inlay hints: engine names and interpolated values; the setting turns them off', async function () {
    this.timeout(30_000);
    const all = new vscode.Range(0, 0, document.lineCount, 0);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, all);
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.deepStrictEqual(labels, ['= "1.27" (default)', '= "2.1" (.env)', '→ shop_front', '→ shop_back', '→ legacy', '→ shop_assets']);
    assert.strictEqual(hints[2].position.line, positionOf('  front: {}').line);
    await setSetting('compose.inlayHints', false);
    const none = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, all);
    assert.strictEqual(none.length, 0);
    await setSetting('compose.inlayHints', undefined);
  });

  test('links open files and reveal folders; hovers document keys', async () => {
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const byText = new Map(links.map((l) => [document.getText(l.range), l.target!]));
    assert.strictEqual(byText.get('./web.env')?.fsPath, path.join(dir, 'web.env'));
    assert.strictEqual(byText.get('./db/compose.yaml')?.fsPath, path.join(dir, 'db', 'compose.yaml'));
    assert.strictEqual(byText.get('Dockerfile')?.fsPath, path.join(dir, 'web', 'Dockerfile'));
    assert.strictEqual(byText.get('./token.txt')?.fsPath, path.join(dir, 'token.txt'));
    const folder = byText.get('./web');
    assert.strictEqual(folder?.scheme, 'command');
    assert.match(decodeURIComponent(folder.query), /editing-app\/web/);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf('env_file', 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*services\.web\.env_file\*\*/);
    assert.match(text, /docs\.docker\.com\/reference\/compose-file\/services\/#env_file/);
  });
});
