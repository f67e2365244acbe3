import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { declaredResources } from '../../src/compose/declaredResources';
import { nodeFileHost } from '../../src/compose/project';

suite('resources the workspace\'s Compose files declare', () => {
  let root: string;
  setup(() => { root = mkdtempSync(path.join(tmpdir(), 'dnv-declared-')); });
  teardown(() => rmSync(root, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    return path.join(root, rel);
  };

  test('engine names: project prefix, explicit name:, external, and the default network', () => {
    const shop = write('Shop App/compose.yaml', [
      'services:', '  web: {image: x}', '  db:', '    image: y', '    networks: [back]',
      'networks:', '  back: {}', '  shared: {external: true}', '  named: {name: custom-net}',
      'volumes:', '  data: {}', '  old: {external: true, name: legacy-data}',
    ].join('\n'));
    const override = write('Shop App/compose.override.yaml', 'volumes:\n  extra: {}\n');
    const other = write('tools/docker-compose.yml', 'name: toolbox\nservices:\n  t:\n    image: z\n    network_mode: host\n');
    const found = declaredResources([shop, override, other], nodeFileHost, root);
    assert.deepEqual([...found.networks.keys()].sort(), ['custom-net', 'shared', 'shopapp_back', 'shopapp_default']);
    assert.deepEqual([...found.volumes.keys()].sort(), ['legacy-data', 'shopapp_data', 'shopapp_extra']);
    assert.equal(found.networks.get('shopapp_back'), 'declared in Shop App/compose.yaml');
    assert.match(found.networks.get('shopapp_default')!, /default network of project shopapp/);
  });

  test('a broken file declares nothing and does not stop the others', () => {
    const bad = write('a/compose.yaml', 'services: [\n');
    const good = write('b/compose.yaml', 'networks:\n  n: {}\n');
    const found = declaredResources([bad, good], nodeFileHost, root);
    assert.deepEqual([...found.networks.keys()], ['b_n']);
  });
});
