import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { COMMAND, CONTEXT, SETTING, SETTING_SECTION, VIEW } from '../../src/ids';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

suite('package.json and src/ids.ts agree', () => {
  test('every command id is contributed with a title, category and icon', () => {
    const contributed = new Map<string, { title: string; category?: string; icon?: string }>(pkg.contributes.commands.map((c: { command: string }) => [c.command, c]));
    for (const id of Object.values(COMMAND)) {
      const c = contributed.get(id);
      assert.ok(c, `${id} missing from package.json`);
      assert.ok(c.category, `${id} has no category`);
      assert.ok(c.icon, `${id} has no icon`);
    }
    assert.equal(contributed.size, Object.values(COMMAND).length, 'package.json contributes a command ids.ts does not know');
  });

  test('views and settings exist', () => {
    const views = pkg.contributes.views.dnv.map((v: { id: string }) => v.id);
    assert.deepEqual(views.sort(), Object.values(VIEW).sort());
    const props = Object.keys(pkg.contributes.configuration.properties);
    for (const key of Object.values(SETTING)) assert.ok(props.includes(`${SETTING_SECTION}.${key}`), key);
  });

  test('engine settings are machine-scoped so a workspace cannot redirect the extension', () => {
    const props = pkg.contributes.configuration.properties;
    for (const key of [SETTING.engineHost, SETTING.engineCertPath, SETTING.engineTlsVerify]) {
      assert.equal(props[`${SETTING_SECTION}.${key}`].scope, 'machine', key);
    }
  });

  test('welcome content and menus use the context keys ids.ts sets', () => {
    const when = JSON.stringify(pkg.contributes.viewsWelcome) + JSON.stringify(pkg.contributes.menus);
    for (const key of Object.values(CONTEXT)) assert.ok(when.includes(key), `${key} is never used in package.json`);
  });

  test('every %placeholder% in package.json has a string in package.nls.json', () => {
    const placeholders = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(placeholders.length > 10);
    for (const p of placeholders) assert.ok(p in nls, `package.nls.json lacks ${p}`);
  });
});

suite('architecture', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const full = path.join(dir, f);
      return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
    });
  }

  test('the core (engine, model, compose, backup, browse) never imports vscode', () => {
    const core = ['engine', 'model', 'compose', 'backup', 'browse'].map((d) => path.join(root, 'src', d)).filter((d) => {
      try { return statSync(d).isDirectory(); } catch { return false; }
    });
    const offenders = core.flatMap(files).filter((f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
    assert.ok(core.flatMap(files).length >= 5, 'the core was found');
  });

  test('only src/engine/client.ts imports dockerode', () => {
    const importers = files(path.join(root, 'src')).filter((f) => /from ['"]dockerode['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(importers.map((f) => path.relative(root, f)), [path.join('src', 'engine', 'client.ts')]);
  });
});
