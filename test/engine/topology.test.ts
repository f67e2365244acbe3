/**
 * The topology's reachability answer, computed from the model without running anything, against what the real
 * engine does: name lookups run inside the containers (Test Connectivity's own probe) on a user network, an
 * internal network, the default bridge and a shared network stack (network_mode container:).
 */
import assert from 'node:assert/strict';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { parseResolvedAddress, testConnectivity } from '../../src/model/connectivity';
import { EngineStore } from '../../src/model/store';
import { buildTopology } from '../../src/model/topology/graph';
import { networkLookup, predictConnectivity } from '../../src/model/topology/reachability';
import { docker, PREFIX, TEST_IMAGE, waitFor } from '../support/docker';

suite('topology reachability against the real engine', function () {
  let client: EngineClient;
  let store: EngineStore;
  const APP = `${PREFIX}topo-app`;
  const BACK = `${PREFIX}topo-back`;
  const name = (s: string) => `${PREFIX}topo-${s}`;
  /** Only this suite's objects: other suites may be using the engine at the same time. */
  const cleanup = () => {
    const quiet = (...args: string[]) => { try { docker(...args); } catch { /* not there */ } };
    quiet('rm', '-f', ...['side', 'a', 'b', 'c', 'd', 'e'].map(name));
    quiet('network', 'rm', APP, BACK);
  };

  suiteSetup(async () => {
    cleanup();
    client = new EngineClient(resolveEndpoint());
    store = new EngineStore(client, { coalesceMs: 10 });
    store.start();
    await store.whenSettled();
    docker('network', 'create', '--subnet', '10.236.0.0/24', APP);
    docker('network', 'create', '--internal', '--subnet', '10.236.1.0/24', BACK);
    const run = (n: string, ...args: string[]) => docker('run', '-d', '--name', name(n), ...args, TEST_IMAGE, 'sleep', '3600');
    run('a', '--network', APP, '--network-alias', 'alpha');
    run('b', '--network', APP);
    docker('network', 'connect', BACK, name('b'));
    run('c', '--network', BACK, '--network-alias', 'cee');
    run('d');
    run('e');
    run('side', '--network', `container:${name('a')}`);
    await waitFor('every container in the model, with aliases', () => {
      const cs = store.containers();
      const ready = (n: string) => cs.find((c) => c.name === name(n) && c.state === 'running');
      return ['a', 'b', 'c', 'd', 'e', 'side'].every(ready) && ready('a')!.attachments.some((x) => x.aliases.includes('alpha'))
        && ready('c')!.attachments.some((x) => x.aliases.includes('cee')) && ready('b')!.attachments.length === 2;
    }, 30_000);
  });

  suiteTeardown(async () => {
    await store?.stop();
    cleanup();
  });

  /** Whether `target` resolves inside `source`, asked of the container itself (busybox nslookup). */
  async function resolvesInside(source: string, target: string): Promise<boolean> {
    const result = await client.exec(name(source), ['nslookup', target]);
    return result.exitCode === 0 && Boolean(parseResolvedAddress(result.stdout));
  }

  test('for every pair, the model predicts exactly what resolves inside the containers', async () => {
    const containers = store.containers();
    const lookup = networkLookup(store.networks());
    const source = (n: string) => containers.find((c) => c.name === name(n))!;
    const targets = [name('a'), 'alpha', name('b'), name('c'), 'cee', name('d'), name('e')];
    const differences: string[] = [];
    const table: string[] = [];
    const pairs: Array<[string, string]> = [];
    for (const from of ['a', 'b', 'c', 'd', 'side']) {
      for (const target of targets) {
        // A container's own names (and, for side, those of the stack it shares) resolve to itself: not a peer.
        const own: Record<string, string[]> = { a: [name('a'), 'alpha'], c: [name('c'), 'cee'], side: [name('side'), name('a'), 'alpha'] };
        if (target === name(from) || own[from]?.includes(target)) continue;
        pairs.push([from, target]);
      }
    }
    // All lookups at once: a name that does not resolve waits for the resolver's timeout (seconds each on an
    // engine without outside DNS, as CI's private one is), and thirty of them one after another passed a minute.
    const answers = await Promise.all(pairs.map(([from, target]) => resolvesInside(from, target)));
    pairs.forEach(([from, target], i) => {
      const predicted = predictConnectivity(source(from), target, containers, lookup);
      const actual = answers[i];
      table.push(`${from} → ${target.replace(PREFIX, '')}: ${actual ? 'resolves' : 'no'}${predicted.networks.length ? ` over ${predicted.networks.join(', ')}` : ''}`);
      if (predicted.resolves !== actual) differences.push(`${from} → ${target}: predicted ${predicted.resolves}, engine ${actual}`);
    });
    assert.deepEqual(differences, [], table.join('\n'));
    // The cases that make the rules: an internal network resolves; the default bridge does not; a shared stack does.
    assert.deepEqual(predictConnectivity(source('b'), 'cee', containers, lookup).networks, [BACK]);
    assert.equal(predictConnectivity(source('d'), name('e'), containers, lookup).onlyDefaultBridge, true);
    assert.deepEqual(predictConnectivity(source('side'), name('b'), containers, lookup).networks, [APP]);
  });

  test('agrees with Test Connectivity where both answer', async () => {
    const containers = store.containers();
    const lookup = networkLookup(store.networks());
    const exec = (container: string, cmd: string[]) => client.exec(container, cmd);
    const source = (n: string) => containers.find((c) => c.name === name(n))!;
    for (const [from, target] of [['b', 'cee'], ['a', 'cee'], ['d', name('e')], ['c', 'alpha']] as const) {
      const real = await testConnectivity({ source: source(from), target, containers, network: (id) => store.network(id), exec });
      const predicted = predictConnectivity(source(from), target, containers, lookup);
      assert.equal(real.resolution === 'resolved', predicted.resolves, `${from} → ${target}: ${real.summary}`);
      if (predicted.resolves) assert.deepEqual(real.sharedNetworks, predicted.networks, real.summary);
    }
  });

  test('the graph of the real engine: the internal network marked, the alias on its edge, the shared stack', () => {
    const graph = buildTopology({ networks: store.networks(), containers: store.containers(), volumes: store.volumes() });
    assert.deepEqual(graph.nodes.find((n) => n.id === `net:${BACK}`)?.flags, ['internal']);
    assert.equal(graph.edges.find((e) => e.from === `net:${APP}` && e.to === `ctr:${name('a')}`)?.label, 'alpha');
    assert.ok(graph.edges.some((e) => e.kind === 'shares' && e.from === `ctr:${name('a')}` && e.to === `ctr:${name('side')}`));
    assert.ok(graph.nodes.find((n) => n.id === 'net:bridge')?.flags.includes('noDns'));
  });
});
