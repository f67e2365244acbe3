// Real Compose files (all valid): no error and no crash on any of them, and the fast scanner reads each one
// exactly as the yaml library does. The corpus lives outside the repository: COMPOSE_CORPUS names its folder
// (CI sets it); without it, ../shared/corpus is used when present, and with neither the suite is skipped
// and says why (test/support/corpus.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../../src/compose/analyze';
import { fastParse } from '../../src/compose/fastYaml';
import { modelOf } from '../../src/compose/declarations';
import { parseCompose, parseWithYaml } from '../../src/compose/parse';
import { loadProject, nodeFileHost } from '../../src/compose/project';
import { corpusOrSkip, yamlFilesUnder } from '../support/corpus';

const root = path.resolve(__dirname, '../../..');

suite('compose corpus', () => {
  let files: string[] = [];

  suiteSetup(function () {
    files = yamlFilesUnder(corpusOrSkip(this));
  });

  test('the corpus has files (all 39 of awesome-compose)', () => {
    assert.ok(files.length > 0, 'no .yaml/.yml files in the corpus');
    if (files.every((f) => f.includes(`${path.sep}awesome-compose${path.sep}`))) assert.equal(files.length, 39);
  });

  test('no errors and no crash on any file', () => {
    const errors: string[] = [];
    for (const file of files) {
      const model = modelOf(parseCompose(readFileSync(file, 'utf8')));
      const project = loadProject(file, nodeFileHost, {}, new Map([[file, model]]));
      const analysis = analyze(model, { file, project, host: nodeFileHost });
      for (const d of analysis.diagnostics) {
        if (d.severity === 'error') errors.push(`${path.relative(root, file)}:${d.range.start.line + 1} [${d.code}] ${d.message}`);
      }
    }
    assert.deepEqual(errors, []);
  });

  test('the fast scanner reads every file as the yaml library does', () => {
    let fast = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const quick = fastParse(text);
      if (!quick) continue;
      fast++;
      assert.deepEqual(quick, parseWithYaml(text).root, path.relative(root, file));
    }
    assert.ok(fast >= files.length * 0.8, `only ${fast} of ${files.length} files took the fast path`);
  });

  test('with Windows line endings, the fast scanner reads the same files, as the yaml library does', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const crlf = text.replace(/\r?\n/g, '\r\n');
      const quick = fastParse(crlf);
      assert.equal(Boolean(quick), Boolean(fastParse(text.replace(/\r\n/g, '\n'))), path.relative(root, file));
      if (quick) assert.deepEqual(quick, parseWithYaml(crlf).root, path.relative(root, file));
    }
  });
});
