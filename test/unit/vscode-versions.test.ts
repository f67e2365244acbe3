// The VS Code the extension claims (package.json engines.vscode) is the one CI tests it on: the oldest code-server
// in scripts/code-server-versions carries VS Code 1.<its minor>, and @types/vscode is pinned to the same version so
// the type-check refuses any API that VS Code lacks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

suite('tested VS Code versions', () => {
  const versions = readFileSync(path.join(root, 'scripts/code-server-versions'), 'utf8');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const oldest = /^CODE_SERVER_OLDEST=4\.(\d+)\.\d+\b/m.exec(versions);

  test('engines.vscode claims the VS Code of the oldest code-server CI runs the host suite on', () => {
    assert.ok(oldest, 'CODE_SERVER_OLDEST=4.N.M in scripts/code-server-versions');
    assert.equal(pkg.engines.vscode, `^1.${oldest[1]}.0`);
  });

  test('@types/vscode is that same version, so newer APIs do not type-check', () => {
    assert.equal(pkg.devDependencies['@types/vscode'], `~1.${oldest![1]}.0`);
  });
});
