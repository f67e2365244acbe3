/**
 * Races around the aliases asked for on demand (src/model/store.ts aliasesFor, src/model/aliasInspects.ts), found
 * by attacking the change from outside: a Refresh or a reconnect while an inspect is out, a row shown while the
 * topology's bulk ask is out, an ask after stop(), Test Connectivity to a neighbour's alias. Then what held.
 *
 * A scripted fake client (test/support/fakeEngine.ts): each case needs an inspect held open across a reload, a
 * dropped event stream or a stop, which a real engine answers in milliseconds and cannot be made to show.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import { testConnectivity } from '../../src/commands/networks/testConnectivity';
import type { Prompts } from '../../src/commands/prompts';
import type { EngineContainerInspect, EngineEvent } from '../../src/engine/types';
import { EngineStore } from '../../src/model/store';
import type { StoreChange } from '../../src/model/types';
import { NetworksTreeProvider, type NetworkNode } from '../../src/views/networksTree';
import { bigEngine, netRow, SETTINGS, watch } from '../support/aliasEngine';
import { FakeEngine, sleep, until } from '../support/fakeEngine';

suite('aliases asked for on demand: races (scripted fake engine)', () => {
  let store: EngineStore | undefined;
  let tree: NetworksTreeProvider | undefined;
  teardown(async () => { tree?.dispose(); tree = undefined; await store?.stop(); store = undefined; });

  test('a row asked again after a Refresh gets its own inspect, not the old load\'s (whose answer is dropped)', async () => {
    const { engine, inspected } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    store.start();
    await until('loaded', () => store!.loaded);
    const release = engine.hold('inspectContainer'); // b0's inspect, asked by the row being shown
    tree.getChildren(netRow(tree, 'b'));
    await until('b1..b4 in', () => store!.container('b4')?.attachments[0].aliases[0] === 'alias-b4');
    await store.reload(); // Refresh while b0's inspect is out
    // The workbench redraws the expanded row after the reload's 'containers' change (whole refresh).
    tree.getChildren(netRow(tree, 'b'));
    release();
    await sleep(100);
    await sleep(100);
    assert.deepEqual(store.container('b0')!.attachments[0].aliases, ['alias-b0'],
      `b0 never gets its aliases; inspects sent: ${inspected.filter((i) => i === 'b0').length} for b0`);
  });

  test('the same across a reconnect while an inspect is out', async () => {
    const { engine } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    store.start();
    await until('loaded', () => store!.loaded);
    const release = engine.hold('inspectContainer');
    tree.getChildren(netRow(tree, 'b'));
    await until('b4 in', () => store!.container('b4')?.attachments[0].aliases[0] === 'alias-b4');
    engine.dropStreams();
    await until('unreachable', () => store!.state.status === 'unreachable');
    await until('loaded again', () => store!.loaded);
    tree.getChildren(netRow(tree, 'b'));
    release();
    await sleep(200);
    assert.deepEqual(store.container('b0')!.attachments[0].aliases, ['alias-b0']);
  });

  test('members a row shows go before the topology\'s bulk ask, and are told as soon as they are in, whatever else is out', async () => {
    const { engine, inspected } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    const { changes, redrawn } = watch(store, tree);
    store.start();
    await until('loaded', () => store!.loaded);
    const release = engine.hold('inspectContainer'); // a0: one slow inspect among the topology's
    void store.aliasesFor(store.containers().map((c) => c.id), { bulk: true }); // the topology panel's send()
    const b = netRow(tree, 'b');
    tree.getChildren(b); // the Networks view shows net-b's 5 members
    await until('b0..b4 answered', () => [0, 1, 2, 3, 4].every((i) => store!.container(`b${i}`)?.attachments[0].aliases.length));
    const order = [0, 1, 2, 3, 4].map((i) => inspected.indexOf(`b${i}`));
    await sleep(100);
    const told = changes.some((c) => c.kinds.has('aliases') && c.networkRows?.has('b'));
    const rowRedrawn = redrawn.includes(b);
    release();
    await until('topology told', () => changes.some((c) => c.kinds.has('aliases')));
    assert.ok(told && rowRedrawn, `net-b's members answered (inspected at positions ${order.join(',')}) but no 'aliases' change named net-b and its row was not redrawn while a0 was out`);
    // The bulk ask had the 8 slots first; the shown members took the next 5, ahead of the other 192.
    assert.ok(Math.max(...order) < 13, `net-b's members inspected at positions ${order.join(',')} of ${inspected.length}`);
  });

  test('after stop() nothing is asked of the closed client and nothing changes', async () => {
    const { engine, inspected } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    const changes: StoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    store.start();
    await until('loaded', () => store!.loaded);
    await store.stop();
    const closedAt = engine.closed;
    const before = changes.length;
    await store.aliasesFor(['b0', 'b1']);
    assert.equal(closedAt, 1);
    assert.deepEqual(inspected, [], `inspects sent after stop() closed the client: ${inspected.join(' ')}; changes after stop: ${changes.slice(before).map((c) => [...c.kinds].join('+')).join(' ')}`);
  });

  test('aliases carried over a Refresh are replaced by the engine\'s new ones after a reconnect while the re-ask was out', async () => {
    const { engine } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    store.start();
    await until('loaded', () => store!.loaded);
    await store.aliasesFor(['b0']);
    assert.deepEqual(store.container('b0')!.attachments[0].aliases, ['alias-b0']);
    await store.reload(); // Refresh: b0 re-listed, its alias carried, asked again when shown
    const release = engine.hold('inspectContainer');
    tree.getChildren(netRow(tree, 'b'));
    await sleep(20);
    engine.dropStreams(); // the stream drops; while it is down b0 is re-connected with another alias (no event seen)
    engine.containers.get('b0')!.NetworkSettings!.Networks!['net-b'].Aliases = ['NEW-b0'];
    await until('unreachable', () => store!.state.status === 'unreachable');
    await until('loaded again', () => store!.loaded);
    tree.getChildren(netRow(tree, 'b')); // the workbench redraws the expanded row
    release();
    await sleep(200);
    const row: NetworkNode = { kind: 'member', networkId: 'b', containerId: 'b0' }; // describe without re-reading the children
    assert.match(tree.describe(row)!.description, /NEW-b0/, `shown: ${tree.describe(row)!.description}`);
  });

  test('Test Connectivity to a neighbour\'s alias (from the list it offers) inspects the neighbours only', async () => {
    const { engine, inspected } = bigEngine();
    // The ping's answer, as busybox gives it (no real exec: what is counted is the inspects before it).
    Object.assign(engine, { exec: async () => ({ exitCode: 0, stdout: '10.0.0.2 alias-b1\n3 packets transmitted, 3 received\n', stderr: '' }) });
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    store.start();
    await until('loaded', () => store!.loaded);
    let offered: string[] = [];
    const prompts = { pickOrType: async (items: Array<{ label: string }>) => { offered = items.map((i) => i.label); return 'alias-b1'; } } as unknown as Prompts;
    await testConnectivity(store, prompts, 'b0');
    assert.ok(offered.includes('alias-b1'), 'the alias was offered (the neighbours were inspected)');
    assert.equal(inspected.length, 5, `inspects for a test between two containers on net-b: ${inspected.length}`);
  });

  test('grouped by project: the keyed network row under its project is the one redrawn', async () => {
    const { engine } = bigEngine();
    engine.networks.get('b')!.Labels = { 'com.docker.compose.project': 'proj' };
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    tree = new NetworksTreeProvider(store, () => ({ ...SETTINGS, groupByProject: true }));
    const { redrawn } = watch(store, tree);
    store.start();
    await until('loaded', () => store!.loaded);
    const proj = tree.getChildren().find((n) => n.kind === 'project')!;
    const b = tree.getChildren(proj).find((n) => n.kind === 'network' && n.id === 'b')!;
    const before = redrawn.length;
    tree.getChildren(b);
    await until('b4', () => store!.container('b4')?.attachments[0].aliases.length === 1);
    await sleep(30);
    assert.deepEqual(redrawn.slice(before), [b]);
  });

  test('a created (never started) container, attachment without network id: aliases in, its row (by name) redrawn', async () => {
    const { engine } = bigEngine();
    engine.containers.get('b0')!.State = { Status: 'created', Running: false } as EngineContainerInspect['State'];
    engine.containers.get('b0')!.NetworkSettings!.Networks!['net-b'].NetworkID = '';
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    const { changes, redrawn } = watch(store, tree);
    store.start();
    await until('loaded', () => store!.loaded);
    const b = netRow(tree, 'b');
    const before = redrawn.length;
    const members = tree.getChildren(b);
    assert.equal(members.length, 5);
    await until('b0 aliases', () => store!.container('b0')?.attachments[0].aliases[0] === 'alias-b0');
    await sleep(30);
    assert.deepEqual(redrawn.slice(before), [b]);
    assert.deepEqual([...changes.at(-1)!.networkRows!], ['b']);
  });

  test('an event overtaking an inspect (answer read before the event): the event\'s fetch wins', async () => {
    const { engine } = bigEngine();
    engine.readBeforeHold = true;
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    store.start();
    await until('loaded', () => store!.loaded);
    const release = engine.hold('inspectContainer');
    const asked = store.aliasesFor(['b0']);
    await sleep(10);
    engine.containers.get('b0')!.NetworkSettings!.Networks!['net-b'].Aliases = ['after-event'];
    engine.emit({ Type: 'network', Action: 'connect', Actor: { ID: 'b', Attributes: { container: 'b0' } } } as EngineEvent);
    await until('event applied', () => store!.container('b0')?.attachments[0].aliases[0] === 'after-event');
    release();
    await asked;
    assert.deepEqual(store.container('b0')!.attachments[0].aliases, ['after-event']);
  });

  test('stop() and switchEngine() with inspects held: they wait, then finish; nothing of the old engine shows after a switch; no loop', async () => {
    const { engine } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10, concurrency: 2 });
    store.start();
    await until('loaded', () => store!.loaded);
    const r1 = engine.hold('inspectContainer');
    const r2 = engine.hold('inspectContainer');
    const asked = store.aliasesFor(store.containers().map((c) => c.id));
    await sleep(10);
    const other = new FakeEngine('fake://other');
    let switched = false;
    const sw = store.switchEngine(other.client).then(() => { switched = true; });
    await sleep(30);
    assert.equal(switched, false, 'waits for the held inspects');
    r1(); r2();
    await sw;
    await asked;
    assert.equal(engine.calls.inspectContainer, 2, 'queued inspects dropped, not sent');
    assert.equal(store.container('b0'), undefined);
    await until('other loaded', () => store!.loaded);
    assert.equal(store.containers().length, 0);
  });

  test('tree <-> store: no redraw loop, an inspect that keeps failing is not re-asked without a redraw', async () => {
    const { engine, inspected } = bigEngine();
    store = new EngineStore(engine.client, { coalesceMs: 10 });
    tree = new NetworksTreeProvider(store, () => SETTINGS);
    let redraws = 0;
    // Simulate the workbench: every redraw re-reads the rows it shows (root and expanded net-b).
    tree.onDidChangeTreeData(() => { redraws++; tree!.getChildren(netRow(tree!, 'b')); });
    store.onDidFail(() => undefined);
    store.start();
    await until('loaded', () => store!.loaded);
    for (let i = 0; i < 5; i++) engine.failNext('inspectContainer', new Error('500'));
    tree.getChildren(netRow(tree, 'b'));
    await sleep(300);
    assert.ok(redraws < 10, `redraws ${redraws}, inspects ${inspected.length}`);
  });
});
