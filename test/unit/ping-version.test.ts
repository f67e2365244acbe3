/**
 * negotiate() reads the engine's API version and version from GET /_ping's headers and asks GET /version only when
 * they do not say both (src/engine/client.ts: versionFromPing). The real engine's answer is covered by
 * test/engine (every suite negotiates), Podman's by test/engine/remote.test.ts.
 */
import assert from 'node:assert/strict';
import { versionFromPing } from '../../src/engine/client';

suite('engine version from the ping headers', () => {
  test("reads Docker's engine version and API version, as GET /version gives them", () => {
    assert.deepEqual(versionFromPing({ 'api-version': '1.41', server: 'Docker/20.10.24+dfsg1 (linux)', ostype: 'linux' }),
      { Version: '20.10.24+dfsg1', ApiVersion: '1.41', Os: 'linux' });
  });

  test('asks GET /version of Podman (its components there tell it apart) and of an engine that names no server', () => {
    assert.equal(versionFromPing({ 'api-version': '1.41', server: 'Libpod/4.3.1 (linux)', 'libpod-api-version': '4.3.1' }), undefined);
    assert.equal(versionFromPing({ 'api-version': '1.41', server: 'Docker/4.3.1 (linux)', 'libpod-api-version': '4.3.1' }), undefined);
    assert.equal(versionFromPing({ 'api-version': '1.41' }), undefined);
    assert.equal(versionFromPing({ server: 'Docker/20.10.24 (linux)' }), undefined);
  });
});
