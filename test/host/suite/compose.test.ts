/**
 * Compose editor features in a real extension host: diagnostics with rule ids as codes, a quick fix, code
 * lenses with the engine's state, and hovers, on test/fixtures/sample-workspace/compose-checks/compose.yaml.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { extensionApi, waitFor, waitLoaded } from './helpers';

function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

suite('Compose checks in the editor', () => {
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  suiteSetup(async function () {
    this.timeout(60_000);
    const api = await extensionApi();
    await api.store.whenSettled();
    await waitLoaded(api);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the sample workspace is open');
    uri = vscode.Uri.file(path.join(folder.uri.fsPath, 'compose-checks', 'compose.yaml'));
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
  });

  suiteTeardown(async () => {
    // Leave the fixture as it is on disk.
    if (document?.isDirty) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('diagnostics carry rule ids as codes, with exact ranges', async () => {
    const diagnostics = await waitFor('compose diagnostics', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'compose');
      return list.some((d) => codeOf(d) === 'undefined-network') ? list : undefined;
    }, 15_000);
    const codes = diagnostics.map(codeOf).sort();
    assert.deepStrictEqual(codes, ['duplicate-host-port', 'duplicate-host-port', 'obsolete-version', 'undefined-network']);
    const undefinedNetwork = diagnostics.find((d) => codeOf(d) === 'undefined-network')!;
    assert.strictEqual(document.getText(undefinedNetwork.range), 'fronted');
    assert.strictEqual(undefinedNetwork.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(undefinedNetwork.message, 'Network "fronted" is not declared under top-level networks: did you mean "frontend"?');
    const version = diagnostics.find((d) => codeOf(d) === 'obsolete-version')!;
    assert.strictEqual(version.severity, vscode.DiagnosticSeverity.Hint);
    assert.strictEqual(document.getText(version.range), 'version');
  });

  test('Compose files that were never opened are in the Problems panel too, and follow changes on disk', async function () {
    this.timeout(40_000);
    // The host tests run in a copy of the sample workspace, so files can be written into it. A new folder with a
    // Compose file in it is the hard case: the file watcher reports only the folder.
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'unopened', 'docker-compose.yml');
    const unopened = vscode.Uri.file(file);
    const codes = () => vscode.languages.getDiagnostics(unopened).filter((d) => d.source === 'compose').map(codeOf);
    const broken = 'services:\n  app:\n    image: test/busybox:1\n    networks: [missing]\n';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, broken);
    try {
      await waitFor('diagnostics of a file nobody opened', () => codes().includes('undefined-network'), 15_000, 100, () => codes().join(', '));
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file), 'the file was not opened');
      fs.writeFileSync(file, 'services:\n  app:\n    image: test/busybox:1\n    networks: [fixed]\nnetworks:\n  fixed: {}\n');
      await waitFor('the diagnostics to follow the change on disk', () => !codes().includes('undefined-network'), 15_000, 100, () => codes().join(', '));
      fs.writeFileSync(file, broken);
      await waitFor('the error to come back', () => codes().includes('undefined-network'), 15_000);
      fs.rmSync(path.dirname(file), { recursive: true });
      await waitFor('the diagnostics to go with the folder', () => codes().length === 0, 15_000, 100, () => codes().join(', '));
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  test('code lenses show the engine state of networks and volumes, and what services reach', async () => {
    const lenses = await waitFor('code lenses', async () => {
      const list = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
      return list && list.some((l) => l.command?.title === 'not created') ? list : undefined;
    }, 15_000);
    const at = (line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title);
    const lineOf = (text: string) => document.getText().split('\n').findIndex((l) => l === text);
    assert.deepStrictEqual(at(lineOf('  frontend:')), ['not created', 'Create']);
    assert.deepStrictEqual(at(lineOf('  web-data: {}')), ['not created', 'Create']);
    assert.deepStrictEqual(at(lineOf('  api:')), ['networks: frontend, backend · reaches no other service']);
    const create = lenses.find((l) => l.range.start.line === lineOf('  frontend:') && l.command?.title === 'Create')!;
    assert.strictEqual(create.command!.command, 'dnv.network.create');
    assert.deepStrictEqual(create.command!.arguments, [{
      name: 'compose-checks_frontend', driver: 'bridge',
      labels: { 'com.docker.compose.project': 'compose-checks', 'com.docker.compose.network': 'frontend' },
    }]);
  });

  test('hover on a network reference shows its declaration and engine name', async () => {
    const line = document.getText().split('\n').findIndex((l) => l.includes('networks: [frontend, backend]'));
    const position = new vscode.Position(line, document.lineAt(line).text.indexOf('backend') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    const text = hoverText(hovers);
    assert.match(text, /network `backend`\*\* → engine name `compose-checks_backend`/);
    assert.match(text, /subnet: `172\.31\.250\.0\/24`/);
    assert.match(text, /on the engine: not created/);
    const definitions = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', uri, position);
    assert.strictEqual(definitions.length, 1);
    assert.strictEqual(document.getText(definitions[0].range), 'backend');
  });

  test('the quick fix replaces the name with the near one and the error goes away', async () => {
    const diagnostic = vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'undefined-network')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Declare network "fronted" under top-level networks'), JSON.stringify(titles));
    const replace = actions.find((a) => a.title === 'Change to "frontend"');
    assert.ok(replace?.edit, JSON.stringify(titles));
    assert.ok(await vscode.workspace.applyEdit(replace.edit));
    assert.match(document.getText(), /networks: \[frontend\]\n/);
    await waitFor('undefined-network gone', () => !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'undefined-network'), 10_000);
    // The web service now shares frontend with api: its lens says so.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    const webLine = document.getText().split('\n').findIndex((l) => l === '  web:');
    assert.ok(lenses.some((l) => l.range.start.line === webLine && l.command?.title === 'networks: frontend · reaches api · 1 named volume'),
      JSON.stringify(lenses.filter((l) => l.range.start.line === webLine).map((l) => l.command?.title)));
  });

  test('a large Compose file is analysed in the worker while the extension host keeps ticking', async function () {
    this.timeout(180_000);
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'large', 'compose.yaml');
    const lines = ['services:'];
    for (let i = 0; i < 12000; i++) {
      lines.push(`  svc${i}:`, `    image: "registry.example.com/app${i}:1"`, '    ports:', `      - "127.0.0.1:${20000 + i}:80"`,
        '    environment:', `      INDEX: "${i}"`, '    networks: [front]', ...(i ? ['    depends_on:', `      - svc${i - 1}`] : []));
    }
    lines.push('  last:', '    image: busybox', '    networks: [nowhere]', 'networks:', '  front: {}');
    const text = lines.join('\n') + '\n';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const large = vscode.Uri.file(file);
    try {
      const opened = await vscode.workspace.openTextDocument(large);
      // A timer on the extension host: the longest gap between its ticks while the analysis runs.
      let last = performance.now();
      let longest = 0;
      const ticker = setInterval(() => { const now = performance.now(); longest = Math.max(longest, now - last); last = now; }, 10);
      const started = performance.now();
      let codes: string[] = [];
      try {
        await waitFor('diagnostics of the large file', () => {
          codes = vscode.languages.getDiagnostics(large).filter((d) => d.source === 'compose').map(codeOf);
          return codes.includes('undefined-network');
        }, 150_000, 50, () => codes.join(', '));
      } finally {
        clearInterval(ticker);
      }
      console.log(`      ${(text.length / 1024 / 1024).toFixed(1)} MB (${opened.lineCount} lines): diagnostics after ${(performance.now() - started).toFixed(0)} ms; longest gap between 10 ms ticks on the extension host: ${longest.toFixed(0)} ms`);
      // Analysing this file on the extension host blocks it for seconds; in the worker, only scheduling noise remains.
      assert.ok(longest < 500, `the extension host stalled for ${longest.toFixed(0)} ms`);
      assert.deepStrictEqual(codes, ['undefined-network']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  test('a Compose file over the size cap gets one diagnostic saying it was not analysed', async function () {
    this.timeout(60_000);
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'huge', 'docker-compose.yml');
    const huge = vscode.Uri.file(file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 11 MB: a broken service (which would be an error if analysed), then a long comment.
    fs.writeFileSync(file, 'services:\n  app:\n    networks: [missing]\n' + `# ${'x'.repeat(11 * 1024 * 1024)}\n`);
    try {
      const list = await waitFor('the size cap diagnostic', () => {
        const got = vscode.languages.getDiagnostics(huge).filter((d) => d.source === 'compose');
        return got.length ? got : undefined;
      }, 45_000);
      assert.deepStrictEqual(list.map(codeOf), ['file-too-large']);
      assert.strictEqual(list[0].message, 'Not analysed: 11.0 MB is over the 10.0 MB limit for Compose files.');
      assert.strictEqual(list[0].range.start.line, 0);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
