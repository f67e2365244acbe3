/**
 * The engine's big list answers parsed a slice at a time (src/engine/jsonSlices.ts): the same elements as one
 * JSON.parse, whatever the text holds (brackets, braces, commas and quotes inside strings, escapes, multi-byte
 * characters, nesting), wherever the slices end, with pauses between them.
 */
import assert from 'node:assert/strict';
import { parseArrayInSlices } from '../../src/engine/jsonSlices';

/** A small deterministic generator (xorshift), so a failure can be repeated from its seed. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

const TRICKY = ['', 'a', '[', ']', '{', '}', ',', '"', '\\', '\\"', '",', 'é', '雪', '😀', '\n', '\u0000', 'Volumes', '"Volumes":[', ' : '];

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.35) {
    const k = next();
    if (k < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => TRICKY[Math.floor(next() * TRICKY.length)]).join('');
    if (k < 0.7) return Math.floor(next() * 1e6) - 5e5;
    if (k < 0.8) return next() * 10;
    return k < 0.9 ? null : next() < 0.5;
  }
  if (r < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) object[`${TRICKY[Math.floor(next() * TRICKY.length)]}${i}`] = value(next, depth + 1);
  return object;
}

const noPause = () => Promise.resolve();

suite('big JSON lists parsed in slices', () => {
  test('the same elements as JSON.parse, for random arrays, every slice size, compact or indented', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const list = Array.from({ length: Math.floor(next() * 30) }, () => value(next, 0));
      const text = seed % 2 ? JSON.stringify(list) : JSON.stringify(list, null, seed % 5);
      for (const sliceBytes of [0, 1, 7, 64, 1 << 20]) {
        const got = await parseArrayInSlices(Buffer.from(text), { sliceBytes, scanBytes: 5, holdMs: 0, pause: noPause });
        assert.deepEqual(got, JSON.parse(text), `seed ${seed}, slices of ${sliceBytes} bytes`);
      }
    }
  });

  test('the array under a key of the top-level object; decoys (the key deeper down, or as a value) are not taken', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const volumes = Array.from({ length: Math.floor(next() * 20) }, () => value(next, 0));
      const envelope: Record<string, unknown> = {};
      if (next() < 0.5) envelope.Warnings = ['Volumes', { Volumes: [1, 2] }];
      if (next() < 0.5) envelope.Note = 'Volumes';
      envelope.Volumes = volumes;
      if (next() < 0.5) envelope.After = { Volumes: ['not these'] };
      const text = JSON.stringify(envelope, null, seed % 3);
      const got = await parseArrayInSlices(Buffer.from(text), { key: 'Volumes', sliceBytes: seed % 40, scanBytes: 3, holdMs: 0, pause: noPause });
      assert.deepEqual(got, volumes, `seed ${seed}: ${text.slice(0, 200)}`);
    }
  });

  test('pauses between slices once the thread was held long enough (here: always), so it is let go while a big list is parsed', async () => {
    const list = Array.from({ length: 2000 }, (_, i) => ({ Name: `volume-${i}`, Labels: { 'com.docker.compose.project': 'p' }, Options: null }));
    let pauses = 0;
    const got = await parseArrayInSlices(Buffer.from(JSON.stringify({ Volumes: list, Warnings: null })), {
      key: 'Volumes', sliceBytes: 4096, holdMs: 0, pause: () => { pauses++; return Promise.resolve(); },
    });
    assert.deepEqual(got, list);
    assert.ok(pauses >= 20, `paused ${pauses} times for ${JSON.stringify(list).length} bytes in 4 KB slices`);
  });

  test('answers of another shape: a null or missing array is empty, text that is not JSON throws as JSON.parse does', async () => {
    assert.deepEqual(await parseArrayInSlices(Buffer.from('{"Volumes":null,"Warnings":null}'), { key: 'Volumes' }), []);
    assert.deepEqual(await parseArrayInSlices(Buffer.from('{"Warnings":[]}'), { key: 'Volumes' }), []);
    assert.deepEqual(await parseArrayInSlices(Buffer.from(' [ ] '), {}), []);
    await assert.rejects(parseArrayInSlices(Buffer.from('[{"Name":"a"},{"Name":'), { sliceBytes: 1 }), SyntaxError);
    await assert.rejects(parseArrayInSlices(Buffer.from('[{"Name":"a"} {"Name":"b"}]'), {}), SyntaxError);
    await assert.rejects(parseArrayInSlices(Buffer.from('{"Volumes":[1,2'), { key: 'Volumes' }), SyntaxError);
  });
});
