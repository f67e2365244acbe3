// The Compose analysis off the extension host: the worker thread answers with plain diagnostics, a newer job of a
// document replaces its queued older one, a hanging or crashing file is stopped and reported while the queue goes
// on, files over the size cap get one diagnostic instead of an analysis, and the engine crosses as plain data.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAnalysis } from '../../src/compose/analysisJob';
import { ANALYSIS_FAILED_CODE, MAX_ANALYSED_BYTES, TOO_LARGE_CODE } from '../../src/compose/analysisMessages';
import { engineData, snapshotFromData, snapshotFromLists } from '../../src/compose/engineSnapshot';
import { AnalysisWorker } from '../../src/language/analysisWorker';

const BROKEN = 'services:\n  app:\n    image: busybox\n    networks: [missing]\n';
const codes = (r: { diagnostics?: { code: string }[] } | undefined) => r?.diagnostics?.map((d) => d.code) ?? [];

suite('compose worker', () => {
  let dir: string;
  const workers: AnalysisWorker[] = [];
  suiteSetup(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'compose-worker-')); });
  suiteTeardown(() => {
    for (const w of workers) w.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const make = (options?: ConstructorParameters<typeof AnalysisWorker>[0]) => { const w = new AnalysisWorker(options); workers.push(w); return w; };

  /** A stand-in worker: answers at once, except "hang" (never answers) and "crash" (the thread exits). */
  function fakeWorker(): string {
    const file = path.join(dir, 'fake-worker.js');
    writeFileSync(file, `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', ({ id, request }) => {
        if (request.text === 'hang') for (;;) {}
        if (request.text.startsWith('slow')) { const until = Date.now() + 1500; while (Date.now() < until) {} }
        if (request.text === 'crash') process.exit(3);
        parentPort.postMessage({ id, result: { diagnostics: [{ code: 'echo', severity: 'info', message: request.text, start: 0, end: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, fixes: [] }] } });
      });`);
    return file;
  }

  test('the real worker analyses a text and a file from disk, with the project of its folder', async function () {
    this.timeout(20_000);
    const worker = make();
    const text = await worker.analyze('a', { text: BROKEN });
    assert.deepEqual(codes(text), ['undefined-network']);
    assert.equal(text!.diagnostics![0].message.includes('missing'), true);
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, BROKEN);
    // An override beside it declares the network: the project of the folder counts, and an unsaved text of the
    // override (openTexts) wins over the file on disk.
    writeFileSync(path.join(dir, 'compose.override.yaml'), 'services: {}\n');
    assert.deepEqual(codes(await worker.analyze(file, { file, useFiles: true })), ['undefined-network']);
    const unsaved = { [path.join(dir, 'compose.override.yaml')]: 'networks:\n  missing: {}\n' };
    assert.deepEqual(codes(await worker.analyze(file, { file, useFiles: true, openTexts: unsaved })), []);
    rmSync(path.join(dir, 'compose.override.yaml'));
    rmSync(file);
    assert.equal((await worker.analyze(file, { file, useFiles: true }))!.diagnostics, undefined, 'a file that is gone has no analysis');
  });

  test('a text longer than one piece crosses in pieces and is analysed whole: the same findings, at the same offsets, as in this thread', async function () {
    this.timeout(60_000);
    // Problems in the first piece, in the middle (where a piece may end inside a line) and in the last one.
    const service = (i: number) => `  s${i}:\n    image: "app:${i}"\n    networks: [${i % 997 === 0 ? 'nowhere' : 'front'}]\n`;
    const services = Array.from({ length: 30_000 }, (_, i) => service(i)).join('');
    const text = `services:\n${services}  last:\n    image: app\n    networks: [gone]\n    depends_on: [nobody]\nnetworks:\n  front: {}\n`;
    assert.ok(text.length > 2 * 512 * 1024, `the text (${text.length} characters) spans several pieces`);
    const inWorker = await make().analyze('big', { text });
    const here = runAnalysis({ text });
    const found = (r: typeof here | undefined) => r!.diagnostics!.map((d) => `${d.code}@${d.start}-${d.end}: ${d.message}`);
    assert.ok(here.diagnostics!.length >= 4, 'the text has problems at both ends and between');
    assert.deepEqual(found(inWorker), found(here));
  });

  test('a newer job of a document replaces its older queued one', async () => {
    const worker = make({ workerPath: fakeWorker() });
    const first = worker.analyze('other', { text: 'first' });
    const old = worker.analyze('doc', { text: 'v1' });
    const newer = worker.analyze('doc', { text: 'v2' });
    assert.equal(await old, undefined);
    assert.equal((await newer)!.diagnostics![0].message, 'v2');
    assert.equal((await first)!.diagnostics![0].message, 'first');
  });

  test('a newer version of a document stops its older job that is still running after a while; a short one finishes', async function () {
    this.timeout(20_000);
    const worker = make({ workerPath: fakeWorker() });
    const started = performance.now();
    const old = worker.analyze('doc', { text: 'slow v1' });
    await new Promise((r) => setTimeout(r, 400)); // past SUPERSEDE_AFTER_MS: v1 is running
    const newer = worker.analyze('doc', { text: 'v2' });
    assert.equal(await old, undefined, 'the old version resolves as superseded');
    assert.equal((await newer)!.diagnostics![0].message, 'v2');
    assert.ok(performance.now() - started < 1400, `v2 did not wait for v1's 1.5 s (${(performance.now() - started).toFixed(0)} ms)`);
    assert.equal(worker.superseded, 1);
    // Another document's running job is never stopped for this one, and a job just started is left to finish.
    const other = worker.analyze('other', { text: 'slow other' });
    await new Promise((r) => setTimeout(r, 400));
    const mine = worker.analyze('doc', { text: 'v3' });
    assert.equal((await other)!.diagnostics![0].message, 'slow other');
    assert.equal((await mine)!.diagnostics![0].message, 'v3');
    const quick = worker.analyze('doc', { text: 'slow v4' });
    const quicker = worker.analyze('doc', { text: 'v5' });
    assert.equal((await quick)!.diagnostics![0].message, 'slow v4', 'a job younger than the threshold finishes');
    assert.equal((await quicker)!.diagnostics![0].message, 'v5');
    assert.equal(worker.superseded, 1);
    assert.equal(worker.restarts, 0, 'a superseded job is not counted as a failure');
  });

  test('a hanging file is stopped after the timeout and reported; the queue goes on in a new worker', async function () {
    this.timeout(20_000);
    // The timeout also covers the next job in the restarted worker: 2 s, as a new worker thread took over 500 ms
    // to start on a machine at load 12.
    const worker = make({ workerPath: fakeWorker(), timeoutMs: 2000 });
    const hang = worker.analyze('hang', { text: 'hang' });
    const after = worker.analyze('next', { text: 'after' });
    const hung = await hang;
    assert.deepEqual(codes(hung), [ANALYSIS_FAILED_CODE]);
    assert.match(hung!.diagnostics![0].message, /was stopped after 2 s/);
    assert.equal((await after)!.diagnostics![0].message, 'after');
    assert.equal(worker.restarts, 1);
  });

  test('a file that crashes the worker is reported; the queue goes on', async function () {
    this.timeout(20_000);
    const worker = make({ workerPath: fakeWorker() });
    const crash = worker.analyze('crash', { text: 'crash' });
    const after = worker.analyze('next', { text: 'after' });
    assert.deepEqual(codes(await crash), [ANALYSIS_FAILED_CODE]);
    assert.equal((await after)!.diagnostics![0].message, 'after');
    assert.equal(worker.restarts, 1);
  });

  test('a file over the size cap gets one diagnostic instead of an analysis, from a text or from disk', function () {
    this.timeout(120_000); // the just-under-cap analysis is 10 MB on a loaded machine
    const big = `services:\n  app:\n    image: busybox\n    networks: [missing]\nx-pad: "${'x'.repeat(MAX_ANALYSED_BYTES)}"\n`;
    const fromText = runAnalysis({ text: big });
    assert.deepEqual(codes(fromText), [TOO_LARGE_CODE]);
    assert.equal(fromText.diagnostics![0].message, 'Not analysed: 10.0 MB is over the 10.0 MB limit for Compose files.');
    const file = path.join(dir, 'docker-compose.big.yml');
    writeFileSync(file, big + 'x'.repeat(1024 * 1024));
    assert.equal(runAnalysis({ file, useFiles: true }).diagnostics![0].message, 'Not analysed: 11.0 MB is over the 10.0 MB limit for Compose files.');
    // Just under the cap is analysed.
    const under = 'services:\n  app:\n    image: busybox\n    networks: [missing]\n# ';
    assert.deepEqual(codes(runAnalysis({ text: under + 'x'.repeat(MAX_ANALYSED_BYTES - under.length - 1) + '\n' })), ['undefined-network']);
  });

  test('the engine crosses to the worker as plain data and answers the same', () => {
    const live = snapshotFromLists(
      [{ Id: 'n1', Name: 'front', Driver: 'bridge', Scope: 'local', Labels: {}, Options: {}, IPAM: { Config: [] } } as never],
      [{ Name: 'data', Driver: 'local', Mountpoint: '/x', Labels: {}, Scope: 'local', UsageData: { Size: 5, RefCount: 1 } } as never],
      [{ Id: 'c1', Names: ['/web'], Image: 'nginx', State: 'running', Status: 'Up', Ports: [{ PrivatePort: 80, PublicPort: 8080, Type: 'tcp', IP: '0.0.0.0' }], Labels: {}, Mounts: [], NetworkSettings: { Networks: { front: { NetworkID: 'n1', IPAddress: '10.0.0.2' } } } } as never],
      true,
    );
    const copy = snapshotFromData(structuredClone(engineData(live)));
    const front = copy.networkByName('front')!;
    assert.deepEqual(copy.membersOf(front).map((m) => m.container.id), live.membersOf(live.networkByName('front')!).map((m) => m.container.id));
    assert.equal(copy.membersOf(front).length, 1);
    assert.deepEqual(copy.usageOf!('data'), { size: 5, refCount: 1 });
    assert.deepEqual(copy.publishedPorts!().map((p) => p.port), [8080]);
    assert.equal(copy.swarmActive!(), true);
  });
});
