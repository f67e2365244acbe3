/**
 * Races between engine events, a dropped event stream, reconnects, full loads and engine switches, for the
 * store (src/model/store.ts), the event watcher (src/engine/events.ts) and the engine set (src/model/engines.ts).
 *
 * These run against a scripted fake client (test/support/fakeEngine.ts), not a real engine: each race needs
 * one exact order of arrivals (an event, then the stream dropping before the coalescing timer fires; a list
 * call answering after an event; two switches overlapping), and a real engine cannot be made to produce a
 * given order, let alone repeat it. The fake holds calls open, drops the stream at a chosen moment and counts
 * what was asked. Each test here failed before the fix it names.
 */
import assert from 'node:assert/strict';
import type { DiscoveredEngine } from '../../src/engine/discovery';
import { EngineError } from '../../src/engine/errors';
import { EngineWatcher } from '../../src/engine/events';
import type { EngineEvent } from '../../src/engine/types';
import { EngineSet } from '../../src/model/engines';
import { EngineStore, type StoreOptions } from '../../src/model/store';
import { FakeEngine, sleep, until } from '../support/fakeEngine';

const FAST: StoreOptions = { coalesceMs: 20, initialBackoffMs: 5, maxBackoffMs: 20 };

function created(id: string): EngineEvent {
  return { Type: 'container', Action: 'create', Actor: { ID: id, Attributes: {} } };
}

suite('store, watcher and engine set: races (scripted fake engine)', () => {
  const stores: EngineStore[] = [];
  const sets: EngineSet[] = [];
  const newStore = (engine: FakeEngine, options = FAST) => {
    const store = new EngineStore(engine.client, options);
    stores.push(store);
    return store;
  };
  teardown(async () => {
    await Promise.all([...stores.splice(0).map((s) => s.stop()), ...sets.splice(0).map((s) => s.stop())]);
  });

  test('store: a reconnect inside the coalescing window does not stop later events from being applied', async () => {
    // Fixed in store.ts: the timer was cleared on disconnect but not reset, so no later event scheduled a flush.
    const engine = new FakeEngine();
    engine.addContainer('a');
    const store = newStore(engine, { ...FAST, coalesceMs: 200 });
    store.start();
    await until('first load', () => store.loaded);

    engine.addContainer('b');
    engine.emit(created('b')); // starts the 200 ms window...
    await until('the event read', () => store.eventsReceived === 1);
    engine.dropStreams(); // ...and the engine restarts inside it
    await until('reconnected and loaded again', () => store.state.status === 'connected' && store.loaded && engine.openStreams.size === 1);
    assert.ok(store.container('b'), 'the reload after the reconnect has b');

    engine.addContainer('c');
    engine.emit(created('c'));
    await until('an event after the reconnect reaches the model', () => Boolean(store.container('c')), 1500);
  });

  test('store: an event during a full load that then fails brings a full load, not a dropped change', async () => {
    // Fixed in store.ts: the flush dropped the events while no load had succeeded, and nothing loaded again.
    const engine = new FakeEngine();
    engine.addContainer('a');
    const failures: unknown[] = [];
    const store = newStore(engine);
    store.onDidFail((e) => failures.push(e));
    const release = engine.hold('listContainers');
    engine.failNext('listContainers', new EngineError('engine', 'a passing 500', engine.label, 500));
    store.start();
    await until('the load is waiting on the container list', () => engine.calls.listContainers === 1);

    engine.addContainer('b');
    engine.emit(created('b'));
    await until('the event read', () => store.eventsReceived === 1);
    release();
    await until('the failed load reported', () => failures.length === 1);
    await until('the model loaded after all', () => store.loaded && Boolean(store.container('b')), 1500);
    assert.ok(store.container('a'));
  });

  test('store: a burst of events fetches each object once, with a bounded number of requests in flight', async () => {
    // Fixed in store.ts: a flush sent every inspect at once (a `compose up` of 200 containers: 200 requests).
    const engine = new FakeEngine();
    const store = newStore(engine, { ...FAST, concurrency: 4 });
    store.start();
    await until('first load', () => store.loaded);
    engine.inspectDelayMs = 3;
    for (let i = 0; i < 60; i++) engine.addContainer(`c${i}`);
    for (let i = 0; i < 60; i++) {
      engine.emit(created(`c${i}`));
      engine.emit({ Type: 'container', Action: 'start', Actor: { ID: `c${i}` } });
    }
    await until('all 60 in the model', () => store.containers().length === 60, 3000);
    assert.equal(engine.calls.inspectContainer, 60, 'one inspect per container, however many events it had');
    assert.ok(engine.maxInspectsInFlight <= 4, `at most 4 inspects at once, saw ${engine.maxInspectsInFlight}`);
  });

  test('store: two engine switches that overlap leave one watcher, on the engine switched to last', async () => {
    // Fixed in store.ts: each switch started a watcher and the first one was never stopped (its events kept
    // arriving in the store of another engine).
    const first = new FakeEngine('fake://first');
    const a = new FakeEngine('fake://a');
    const b = new FakeEngine('fake://b');
    b.addContainer('on-b');
    a.addContainer('on-a');
    const store = newStore(first);
    store.start();
    await until('first load', () => store.loaded);

    const switches = [store.switchEngine(a.client), store.switchEngine(b.client)];
    await Promise.all(switches);
    await until('loaded from b', () => store.loaded && Boolean(store.container('on-b')));
    await sleep(30);
    assert.equal(store.client, b.client);
    assert.equal(a.openStreams.size, 0, 'no watcher left on the engine switched away from');
    assert.equal(first.openStreams.size, 0);
    a.emit(created('on-a'));
    await sleep(60);
    assert.equal(store.container('on-a'), undefined, 'an event from another engine never reaches this store');
  });

  test('watcher: a character split across two chunks of the event stream arrives whole', async () => {
    // Fixed in events.ts: each chunk was decoded on its own, so a split UTF-8 character became two U+FFFD.
    const engine = new FakeEngine();
    const events: EngineEvent[] = [];
    const watcher = new EngineWatcher(engine.client, { initialBackoffMs: 5, onEvent: (e) => events.push(e), onState: () => undefined });
    watcher.start();
    try {
      await until('stream open', () => engine.openStreams.size === 1);
      const line = Buffer.from(`${JSON.stringify({ Type: 'volume', Action: 'create', Actor: { ID: 'données', Attributes: { owner: 'équipe' } } })}\n`);
      const middle = line.lastIndexOf(Buffer.from('é')) + 1; // inside the two bytes of the last é
      engine.write(line.subarray(0, middle));
      await sleep(5);
      engine.write(line.subarray(middle));
      await until('the event', () => events.length === 1);
      assert.equal(events[0].Actor?.Attributes?.owner, 'équipe');
      assert.equal(events[0].Actor?.ID, 'données');
    } finally {
      await watcher.stop();
    }
  });

  test('watcher: a stream that fails twice is reported once and does not throw', async () => {
    // Fixed in events.ts: the 'error' listener was a once(), so a second error had no listener and threw.
    const engine = new FakeEngine();
    const states: string[] = [];
    const watcher = new EngineWatcher(engine.client, { initialBackoffMs: 50, onEvent: () => undefined, onState: (s) => states.push(s.status) });
    watcher.start();
    try {
      await until('stream open', () => engine.openStreams.size === 1);
      const [stream] = [...engine.openStreams];
      stream.emit('error', new Error('ECONNRESET'));
      assert.doesNotThrow(() => stream.emit('error', new Error('ECONNRESET again')));
      await until('reconnected', () => states.filter((s) => s === 'connected').length === 2);
      assert.equal(states.filter((s) => s === 'unreachable').length, 1, 'one outage, reported once');
    } finally {
      await watcher.stop();
    }
  });

  test('engine set: two engine choices in quick succession end on the last, every engine with one store and one stream', async () => {
    // Fixed in engines.ts: overlapping setCurrent calls each gave the old current engine a new store (the first
    // one leaked, still connected) and could leave an engine with no store at all.
    const fakes = new Map(['a', 'b', 'c'].map((id) => [id, [] as FakeEngine[]]));
    const discovered: DiscoveredEngine[] = ['a', 'b', 'c'].map((id, i) => ({ id, preferred: i === 0, endpoint: { label: `fake://${id}` } as DiscoveredEngine['endpoint'] }));
    const set = new EngineSet((engine) => {
      const fake = new FakeEngine(`fake://${engine.id}`);
      fakes.get(engine.id)!.push(fake);
      return fake.client;
    }, discovered, FAST);
    sets.push(set);
    set.start();
    await until('all connected', () => set.entries().every((e) => e.store.loaded));

    await Promise.all([set.setCurrent('b'), set.setCurrent('c')]);
    assert.equal(set.currentId, 'c');
    const entries = set.entries();
    assert.ok(entries.every((e) => e.store), 'every engine has a store');
    assert.equal(entries.find((e) => e.current)?.store, set.primary);
    assert.equal(set.primary.client.label, 'fake://c');
    await until('every store connected', () => set.entries().every((e) => e.store.loaded), 2000);
    await sleep(30);
    for (const [id, list] of fakes) {
      const open = list.reduce((n, f) => n + f.openStreams.size, 0);
      assert.equal(open, 1, `engine ${id}: one event stream open, saw ${open}`);
    }
  });
});
