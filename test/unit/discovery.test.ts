import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contextDirName } from '../../src/engine/connection';
import { discoverEngines } from '../../src/engine/discovery';

suite('engine discovery', () => {
  let home: string;
  setup(() => { home = mkdtempSync(path.join(tmpdir(), 'dnv-disc-')); });
  teardown(() => rmSync(home, { recursive: true, force: true }));

  const context = (name: string, host: string) => {
    const dir = path.join(home, '.docker', 'contexts', 'meta', contextDirName(name));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  };

  test('the CLI\'s engine first, then DOCKER_HOST, every context and the extra hosts, each host once', () => {
    context('remote', 'tcp://10.9.8.7:2376');
    context('builder', 'ssh://me@build.example');
    context('same-as-env', 'unix:///tmp/e.sock');
    const found = discoverEngines({
      env: { DOCKER_HOST: 'unix:///tmp/e.sock' }, home,
      extraHosts: ['tcp://127.0.0.1:23750', 'unix:///tmp/e.sock', ' '],
    });
    const hosts = found.map((e) => e.endpoint.host);
    assert.equal(hosts[0], 'unix:///tmp/e.sock');
    assert.ok(found[0].preferred);
    assert.deepEqual(hosts.filter((h) => h === 'unix:///tmp/e.sock').length, 1, 'deduplicated');
    for (const h of ['ssh://me@build.example', 'tcp://10.9.8.7:2376', 'tcp://127.0.0.1:23750']) assert.ok(hosts.includes(h), h);
    assert.equal(found.filter((e) => e.preferred).length, 1);
  });

  test('a broken extra host is listed with its problem instead of failing the list', () => {
    const found = discoverEngines({ env: { DOCKER_HOST: 'unix:///tmp/x.sock' }, home, extraHosts: ['ftp://nope'] });
    const broken = found.find((e) => e.endpoint.configError);
    assert.ok(broken);
    assert.match(broken.endpoint.configError!, /not supported/);
  });
});
