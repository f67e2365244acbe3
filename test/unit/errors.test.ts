import assert from 'node:assert/strict';
import { toEngineError } from '../../src/engine/errors';

const engine = 'unix:///var/run/docker.sock (default socket)';

suite('engine errors', () => {
  test('socket failures are "unreachable" and name the engine', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT']) {
      const e = toEngineError(Object.assign(new Error('x'), { code }), engine, 'list networks');
      assert.equal(e.kind, 'unreachable');
      assert.ok(e.message.includes(engine));
    }
  });

  test('HTTP statuses map to kinds and keep the engine\'s words', () => {
    const answer = (statusCode: number, message: string) => toEngineError({ statusCode, json: { message } }, engine, 'remove network x');
    assert.equal(answer(404, 'network x not found').kind, 'notFound');
    const inUse = answer(403, 'error while removing network: network x id abc has active endpoints');
    assert.equal(inUse.kind, 'conflict');
    assert.match(inUse.message, /active endpoints/);
    assert.equal(answer(409, 'volume is in use').kind, 'conflict');
    assert.equal(answer(400, 'bad').kind, 'badRequest');
    assert.equal(answer(500, 'boom').kind, 'engine');
    assert.ok(answer(500, 'boom').message.includes(engine));
  });

  test('permission and abort', () => {
    assert.equal(toEngineError({ code: 'EACCES' }, engine, 'ping').kind, 'permissionDenied');
    assert.equal(toEngineError({ name: 'AbortError' }, engine, 'ping').kind, 'cancelled');
  });
});
