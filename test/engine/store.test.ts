/** The model against a real Docker engine: full load, then changes made with the docker CLI arrive by events. */
import assert from 'node:assert/strict';
import { EngineClient, MIN_API_VERSION, compareApiVersions } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { EngineStore } from '../../src/model/store';
import { describeNetwork } from '../../src/views/describe';
import { cleanupTestResources, docker, PREFIX, TEST_IMAGE, waitFor } from '../support/docker';

suite('explorer store on a real engine', function () {
  let client: EngineClient;
  let store: EngineStore;
  const net = `${PREFIX}store-net`;
  const vol = `${PREFIX}store-vol`;

  suiteSetup(async () => {
    cleanupTestResources();
    docker('network', 'create', '--label', 'com.docker.compose.project=dnvtest-proj', '--subnet', '10.231.0.0/24', net);
    docker('volume', 'create', '--label', 'purpose=test', vol);
    docker('run', '-d', '--name', `${PREFIX}web`, '--network', net, '--network-alias', 'web-alias', '-v', `${vol}:/data:ro`, TEST_IMAGE, 'sleep', '3600');
    client = new EngineClient(resolveEndpoint());
    store = new EngineStore(client, { coalesceMs: 20 });
    store.start();
    await store.whenSettled();
    assert.equal(store.state.status, 'connected', 'engine reachable for the engine tests');
  });

  suiteTeardown(async () => {
    await store?.stop();
    cleanupTestResources();
  });

  test('negotiates an API version the engine speaks', () => {
    const v = client.negotiatedApiVersion!;
    assert.ok(v, 'negotiated');
    assert.ok(compareApiVersions(v, MIN_API_VERSION) >= 0, v);
  });

  test('the full load has networks, volumes, containers and their relations; aliases come when asked for', async () => {
    const network = store.networkByName(net)!;
    assert.ok(network, 'network listed');
    assert.equal(network.project, 'dnvtest-proj');
    assert.equal(network.subnets[0].subnet, '10.231.0.0/24');
    assert.ok(store.networkByName('bridge')?.builtIn);
    const members = store.membersOf(network);
    assert.equal(members.length, 1);
    assert.equal(members[0].container.name, `${PREFIX}web`);
    assert.match(members[0].attachment.ipv4 ?? '', /^10\.231\.0\.\d+$/);
    // The engine's list leaves aliases out; an inspect gives them, asked for the containers that need them.
    await store.aliasesFor([members[0].container.id]);
    assert.deepEqual(store.membersOf(network)[0].attachment.aliases, ['web-alias']);
    const volume = store.volume(vol)!;
    assert.equal(volume.labels.purpose, 'test');
    const users = store.usersOf(volume);
    assert.equal(users.length, 1);
    assert.equal(users[0].mount.destination, '/data');
    assert.equal(users[0].mount.readOnly, true);
  });

  test('follows network create and remove made with the CLI', async () => {
    const name = `${PREFIX}follow-net`;
    docker('network', 'create', name);
    await waitFor('network in the model', () => store.networkByName(name));
    docker('network', 'rm', name);
    await waitFor('network gone from the model', () => !store.networkByName(name));
  });

  test('follows volume create and remove made with the CLI', async () => {
    const name = `${PREFIX}follow-vol`;
    docker('volume', 'create', name);
    await waitFor('volume in the model', () => store.volume(name));
    docker('volume', 'rm', name);
    await waitFor('volume gone from the model', () => !store.volume(name));
  });

  test('follows connect with an alias, and disconnect', async () => {
    const other = `${PREFIX}other-net`;
    docker('network', 'create', other);
    await waitFor('other network', () => store.networkByName(other));
    docker('network', 'connect', '--alias', 'second-name', other, `${PREFIX}web`);
    const member = await waitFor('container on the other network', () => {
      const n = store.networkByName(other);
      return n && store.membersOf(n).find((m) => m.attachment.aliases.includes('second-name'));
    });
    assert.equal(member.container.name, `${PREFIX}web`);
    docker('network', 'disconnect', other, `${PREFIX}web`);
    await waitFor('container off the other network', () => {
      const n = store.networkByName(other);
      return n && store.membersOf(n).length === 0;
    });
    docker('network', 'rm', other);
  });

  test('follows container state, rename and removal', async () => {
    const name = `${PREFIX}stateful`;
    docker('run', '-d', '--name', name, '--network', net, TEST_IMAGE, 'sleep', '3600');
    await waitFor('running container', () => store.containers().find((c) => c.name === name && c.state === 'running'));
    docker('stop', '-t', '0', name);
    await waitFor('exited container', () => store.containers().find((c) => c.name === name && c.state === 'exited'));
    docker('rename', name, `${name}-2`);
    await waitFor('renamed container', () => store.containers().find((c) => c.name === `${name}-2`));
    docker('rm', `${name}-2`);
    await waitFor('container gone', () => !store.containers().some((c) => c.name.startsWith(name)));
  });

  test('prune (which emits "prune" besides any "destroy") is followed too', async () => {
    const names = [`${PREFIX}prune-a`, `${PREFIX}prune-b`];
    for (const n of names) docker('volume', 'create', '--label', 'dnvtest=prune', n);
    await waitFor('volumes to prune', () => names.every((n) => store.volume(n)));
    // The label filter keeps this prune away from anything else on the engine. Engines from 23 prune only
    // anonymous volumes unless all=true; 20.10 (API 1.41) prunes named ones and does not know that filter.
    const all = compareApiVersions(client.negotiatedApiVersion!, '1.42') >= 0 ? ['--filter', 'all=true'] : [];
    const out = docker('volume', 'prune', '-f', '--filter', 'label=dnvtest=prune', ...all);
    for (const n of names) assert.ok(out.includes(n), `prune removed ${n}: ${out}`);
    await waitFor('pruned volumes gone', () => names.every((n) => !store.volume(n)));
  });

  test('volume sizes come from the disk-usage call, on demand', async () => {
    docker('run', '--rm', '-v', `${vol}-sized:/data`, TEST_IMAGE, 'dd', 'if=/dev/zero', 'of=/data/blob', 'bs=1024', 'count=300');
    await waitFor('sized volume', () => store.volume(`${vol}-sized`));
    assert.equal(store.usageOf(`${vol}-sized`), undefined, 'no size before it is asked for');
    await store.computeVolumeSizes();
    const usage = store.usageOf(`${vol}-sized`)!;
    assert.ok(usage.size >= 300 * 1024, `size ${usage.size}`);
    const before = client.requestCount;
    await store.computeVolumeSizes({ maxAgeMs: 60_000 });
    assert.equal(client.requestCount, before, 'fresh sizes are served from the cache');
  });

  test('no engine requests while nothing changes', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const before = client.requestCount;
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(client.requestCount, before);
  });
});

suite('unreachable engine', () => {
  test('a missing socket is reported as unreachable, naming it, and retried with backoff', async () => {
    const client = new EngineClient(resolveEndpoint({ hostSetting: 'unix:///tmp/dnv-no-such-engine.sock', env: {} }));
    const store = new EngineStore(client, { initialBackoffMs: 50, maxBackoffMs: 200 });
    const waits: number[] = [];
    store.onDidChange(() => { if (store.state.status === 'unreachable') waits.push(store.state.retryInMs); });
    store.start();
    await waitFor('three attempts', () => waits.length >= 4, 5000);
    await store.stop();
    const state = store.state;
    assert.equal(state.status, 'unreachable');
    if (state.status === 'unreachable') {
      assert.equal(state.error.kind, 'unreachable');
      assert.match(state.error.message, /\/tmp\/dnv-no-such-engine\.sock/);
    }
    assert.deepEqual(waits.slice(0, 4), [50, 100, 200, 200], 'exponential backoff, capped');
    assert.equal(store.networks().length, 0);
  });

  test('errors from a live engine are typed and name it', async () => {
    const client = new EngineClient(resolveEndpoint());
    await client.negotiate();
    await assert.rejects(client.inspectNetwork(`${PREFIX}does-not-exist`), (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'notFound');
      assert.ok(e.message.includes(client.label));
      return true;
    });
  });
});

suite('published ports in the model', () => {
  test('a container\'s published host ports come with it, from the list and from an inspect after an event', async () => {
    const client = new EngineClient(resolveEndpoint());
    const store = new EngineStore(client, { coalesceMs: 10 });
    const name = `${PREFIX}ports`;
    try {
      docker('run', '-d', '--name', name, '-p', '127.0.0.1:18481:80', '-p', '18482:81/udp', TEST_IMAGE, 'sleep', '3600');
      store.start();
      await store.whenSettled();
      const listed = store.containers().find((c) => c.name === name)!;
      const key = (p: { hostIp: string; hostPort: number; containerPort: number; protocol: string }) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`;
      assert.ok(listed.ports.map(key).includes('127.0.0.1:18481->80/tcp'), JSON.stringify(listed.ports));
      assert.ok(listed.ports.some((p) => p.hostPort === 18482 && p.protocol === 'udp'));
      docker('restart', '-t', '0', name);
      const inspected = await waitFor('ports after an inspect', () => {
        const c = store.containers().find((x) => x.name === name && x.status === 'running');
        return c && c.ports.map(key).includes('127.0.0.1:18481->80/tcp') ? c : undefined;
      });
      assert.ok(inspected.ports.some((p) => p.hostPort === 18482 && p.protocol === 'udp'));
    } finally {
      await store.stop();
      docker('rm', '-f', name);
    }
  });
});

suite('network membership on a real engine', () => {
  // Own names and own cleanup (no cleanupTestResources): other suites may be using the engine at the same time.
  const net = `${PREFIX}members-net`;
  const names = { created: `${PREFIX}members-created`, running: `${PREFIX}members-running`, stopped: `${PREFIX}members-stopped`, paused: `${PREFIX}members-paused` };
  const late = `${PREFIX}members-late`;
  const removeAll = () => {
    for (const n of [...Object.values(names), late]) { try { docker('rm', '-f', n); } catch { /* not there */ } }
    try { docker('network', 'rm', net); } catch { /* not there */ }
  };
  let store: EngineStore | undefined;

  suiteSetup(() => {
    removeAll();
    docker('network', 'create', net);
    docker('create', '--name', names.created, '--network', net, TEST_IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', names.running, '--network', net, '--network-alias', 'members-alias', TEST_IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', names.stopped, '--network', net, TEST_IMAGE, 'sleep', '3600');
    docker('stop', '-t', '0', names.stopped);
    docker('run', '-d', '--name', names.paused, '--network', net, TEST_IMAGE, 'sleep', '3600');
    docker('pause', names.paused);
  });

  suiteTeardown(async () => {
    await store?.stop();
    removeAll();
  });

  test('created, running, stopped and paused containers are all members of their network, and the row says so', async () => {
    // Before the fix, the created container (no network id until it first starts) vanished from a network that
    // also had a running one: membersOf used the by-id list alone whenever it existed.
    store = new EngineStore(new EngineClient(resolveEndpoint()), { coalesceMs: 10 });
    store.start();
    await store.whenSettled();
    const network = store.networkByName(net)!;
    assert.ok(network, 'network listed');
    const states = () => Object.fromEntries(store!.membersOf(network).map((m) => [m.container.name, m.container.state]));
    assert.deepEqual(states(), {
      [names.created]: 'created', [names.running]: 'running', [names.stopped]: 'exited', [names.paused]: 'paused',
    });
    await store.aliasesFor(store.membersOf(network).map((m) => m.container.id));
    assert.deepEqual(store.membersOf(network).find((m) => m.container.name === names.running)?.attachment.aliases, ['members-alias']);
    const row = describeNetwork(network, store.membersOf(network));
    assert.match(row.tooltip(), /Containers: `4`/);
    assert.match(row.contextValue, /\bnetwork\.inUse\b/);

    // A created container that arrives by event (an inspect, not the list) joins them.
    docker('create', '--name', late, '--network', net, TEST_IMAGE, 'sleep', '3600');
    await waitFor('the late created container among the members', () => states()[late] === 'created');
    assert.equal(store.membersOf(network).length, 5);
    assert.match(describeNetwork(network, store.membersOf(network)).tooltip(), /Containers: `5`/);
  });
});
