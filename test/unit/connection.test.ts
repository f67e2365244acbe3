import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  contextDirName, DEFAULT_SOCKET, EndpointConfigError, resolveEndpoint, resolveEndpointOrError,
} from '../../src/engine/connection';

suite('engine endpoint resolution (like the docker CLI)', () => {
  let home: string;
  setup(() => { home = mkdtempSync(path.join(tmpdir(), 'dnv-home-')); });
  teardown(() => rmSync(home, { recursive: true, force: true }));

  function writeContext(name: string, host: string, tls?: { ca: string; cert: string; key: string }) {
    const id = contextDirName(name);
    const meta = path.join(home, '.docker', 'contexts', 'meta', id);
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
    if (tls) {
      const dir = path.join(home, '.docker', 'contexts', 'tls', id, 'docker');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'ca.pem'), tls.ca);
      writeFileSync(path.join(dir, 'cert.pem'), tls.cert);
      writeFileSync(path.join(dir, 'key.pem'), tls.key);
    }
  }

  test('nothing set: the default socket', () => {
    const e = resolveEndpoint({ env: {}, home });
    assert.equal(e.host, DEFAULT_SOCKET);
    assert.equal(e.source, 'default');
  });

  test('DOCKER_HOST wins over the current context; the setting wins over both', () => {
    writeContext('remote', 'tcp://10.1.2.3:2375');
    mkdirSync(path.join(home, '.docker'), { recursive: true });
    writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    assert.equal(resolveEndpoint({ env: {}, home }).host, 'tcp://10.1.2.3:2375');
    assert.equal(resolveEndpoint({ env: {}, home }).label, 'tcp://10.1.2.3:2375 (context remote)');
    assert.equal(resolveEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/a.sock' }, home }).host, 'unix:///tmp/a.sock');
    assert.equal(resolveEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/a.sock' }, home, hostSetting: '/tmp/b.sock' }).host, 'unix:///tmp/b.sock');
  });

  test('DOCKER_CONTEXT overrides config.json; "default" means the default socket', () => {
    writeContext('other', 'ssh://me@example.test');
    assert.equal(resolveEndpoint({ env: { DOCKER_CONTEXT: 'other' }, home }).host, 'ssh://me@example.test');
    assert.equal(resolveEndpoint({ env: { DOCKER_CONTEXT: 'default' }, home }).host, DEFAULT_SOCKET);
  });

  test('a context with TLS material is read from its tls folder', () => {
    writeContext('secure', 'tcp://127.0.0.1:2376', { ca: 'CA', cert: 'CERT', key: 'KEY' });
    const e = resolveEndpoint({ env: { DOCKER_CONTEXT: 'secure' }, home });
    assert.equal(e.tls?.ca?.toString(), 'CA');
    assert.equal(e.tls?.key?.toString(), 'KEY');
    assert.equal(e.tls?.verify, true);
  });

  test('DOCKER_CERT_PATH and DOCKER_TLS_VERIFY for a tcp host', () => {
    const certs = path.join(home, 'certs');
    mkdirSync(certs);
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(certs, f), f);
    const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' }, home });
    assert.equal(e.tls?.cert?.toString(), 'cert.pem');
    assert.equal(e.tls?.verify, true);
    const plain = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, home });
    assert.equal(plain.tls, undefined);
  });

  test('a cert without its key is a configuration error that names the folder', () => {
    const certs = path.join(home, 'half');
    mkdirSync(certs);
    writeFileSync(path.join(certs, 'cert.pem'), 'x');
    assert.throws(() => resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' }, home }),
      (e: unknown) => e instanceof EndpointConfigError && e.message.includes(certs));
  });

  test('malformed hosts and missing contexts are clear errors, not crashes', () => {
    assert.throws(() => resolveEndpoint({ env: { DOCKER_HOST: 'ftp://x' }, home }), /not supported/);
    assert.throws(() => resolveEndpoint({ env: { DOCKER_HOST: 'not a url' }, home }), /not a Docker host URL/);
    assert.throws(() => resolveEndpoint({ env: { DOCKER_CONTEXT: 'ghost' }, home }), /Docker context "ghost"/);
    const e = resolveEndpointOrError({ env: { DOCKER_HOST: 'ftp://x' }, home });
    assert.match(e.configError ?? '', /DOCKER_HOST uses "ftp:\/\/"/);
  });
});
