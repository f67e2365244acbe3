/** Network actions against a real engine: create, connect with aliases, remove, prune preview, connectivity. */
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { EngineError } from '../../src/engine/errors';
import { testConnectivity } from '../../src/model/connectivity';
import { checkCreateSpec } from '../../src/model/networkRules';
import { networkPrunePreview } from '../../src/model/prune/networks';
import { EngineStore } from '../../src/model/store';
import { cleanupTestResources, docker, PREFIX, TEST_IMAGE, waitFor } from '../support/docker';

const NO_TOOLS_IMAGE = 'dnvtest/notools:1';

suite('network actions on a real engine', function () {
  let client: EngineClient;
  let store: EngineStore;
  const exec = (container: string, cmd: string[]) => client.exec(container, cmd);

  suiteSetup(async () => {
    cleanupTestResources();
    client = new EngineClient(resolveEndpoint());
    store = new EngineStore(client, { coalesceMs: 10 });
    store.start();
    await store.whenSettled();
  });

  suiteTeardown(async () => {
    await store?.stop();
    cleanupTestResources();
    try { docker('rmi', '-f', NO_TOOLS_IMAGE); } catch { /* never made */ }
  });

  test('create with every option, and read it back', async () => {
    const spec = {
      name: `${PREFIX}full`, driver: 'bridge', subnet: '10.233.0.0/24', gateway: '10.233.0.1', ipRange: '10.233.0.128/25',
      ipv6: true, ipv6Subnet: 'fd00:233::/64', internal: true, attachable: true,
      options: { 'com.docker.network.bridge.name': 'dnvtest-br0', 'com.docker.network.driver.mtu': '1400' },
      labels: { team: 'payments', 'com.docker.compose.project': 'dnvtest-proj' },
    };
    assert.equal(checkCreateSpec(spec, store.networks(), false), undefined);
    const id = await client.createNetwork(spec);
    const raw = await client.inspectNetwork(id);
    assert.equal(raw.Name, spec.name);
    assert.equal(raw.Driver, 'bridge');
    assert.equal(raw.Internal, true);
    assert.equal(raw.Attachable, true);
    assert.equal(raw.EnableIPv6, true);
    assert.deepEqual(raw.IPAM?.Config?.map((c) => [c.Subnet, c.Gateway ?? '', c.IPRange ?? '']),
      [['10.233.0.0/24', '10.233.0.1', '10.233.0.128/25'], ['fd00:233::/64', '', '']]);
    assert.equal(raw.Options?.['com.docker.network.driver.mtu'], '1400');
    assert.equal(raw.Labels?.team, 'payments');
    const model = await waitFor('network in the model', () => store.networkByName(spec.name));
    assert.equal(model.project, 'dnvtest-proj');
  });

  test('hostile or invalid names and subnets are refused before the engine is called', async () => {
    await waitFor('full network in the model', () => store.networkByName(`${PREFIX}full`));
    const before = client.requestCount;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: '$(touch /tmp/pwned)' }, /not a valid network name/],
      [{ name: '../../etc' }, /not a valid network name/],
      [{ name: 'none' }, /reserved/],
      [{ name: `${PREFIX}full` }, /already exists/],
      [{ name: `${PREFIX}x`, subnet: '10.233.0.0/16' }, new RegExp(`overlaps 10\\.233\\.0\\.0/24 of network "${PREFIX}full"`)],
      [{ name: `${PREFIX}x`, subnet: '10.234.0.5/24' }, /host bits set/],
      [{ name: `${PREFIX}x`, subnet: 'ten.0.0.0/8' }, /not a valid subnet/],
      [{ name: `${PREFIX}x`, subnet: '10.235.0.0/24', gateway: '10.236.0.1' }, /outside the subnet/],
      [{ name: `${PREFIX}x`, ipv6: true }, /IPv6 needs an IPv6 subnet/],
      [{ name: `${PREFIX}x`, driver: 'host' }, /cannot be used/],
    ];
    for (const [spec, message] of cases) {
      const problem = checkCreateSpec(spec as never, store.networks(), false);
      assert.match(problem ?? '(accepted)', message, JSON.stringify(spec));
    }
    assert.equal(client.requestCount, before, 'no request reached the engine');
    assert.equal(docker('network', 'ls', '-q', '--filter', `name=${PREFIX}x`), '', 'nothing was created');
  });

  test('connect with an alias; another container on the network resolves it (busybox nslookup)', async () => {
    const network = `${PREFIX}app`;
    const netId = await client.createNetwork({ name: network });
    docker('run', '-d', '--name', `${PREFIX}client`, '--network', network, TEST_IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', `${PREFIX}server`, TEST_IMAGE, 'sleep', '3600');
    await client.connectNetwork(netId, `${PREFIX}server`, { aliases: ['api.internal', 'api'] });
    const member = await waitFor('server on the network with aliases', () => {
      const n = store.network(netId);
      return n && store.membersOf(n).find((m) => m.container.name === `${PREFIX}server` && m.attachment.aliases.includes('api'));
    });
    assert.deepEqual([...member.attachment.aliases].sort(), ['api', 'api.internal']);
    const lookup = await client.exec(`${PREFIX}client`, ['nslookup', 'api.internal']);
    assert.equal(lookup.exitCode, 0, lookup.stdout + lookup.stderr);
    assert.ok(lookup.stdout.includes(member.attachment.ipv4!), `nslookup answered ${lookup.stdout}`);
  });

  test('connectivity on a shared network succeeds, by alias, with latency', async () => {
    const source = await waitFor('client', () => store.containers().find((c) => c.name === `${PREFIX}client` && c.state === 'running'));
    const result = await testConnectivity({ source, target: 'api', containers: store.containers(), network: (id) => store.network(id), exec });
    assert.equal(result.ok, true, result.summary);
    assert.deepEqual(result.sharedNetworks, [`${PREFIX}app`]);
    assert.equal(result.resolution, 'resolved');
    assert.equal(result.reach, 'reached');
    assert.ok(result.latencyMs !== undefined && result.latencyMs >= 0);
    assert.match(result.summary, new RegExp(`reaches api \\(10\\.[\\d.]+\\) over ${PREFIX}app: 3/3 replies`));
  });

  test('a container on another\'s network stack (network_mode container:) is on its networks and reaches by name', async () => {
    docker('run', '-d', '--name', `${PREFIX}sidecar`, '--network', `container:${PREFIX}client`, TEST_IMAGE, 'sleep', '3600');
    const source = await waitFor('sidecar', () => store.containers().find((c) => c.name === `${PREFIX}sidecar` && c.state === 'running'));
    assert.equal(source.attachments.length, 0, 'its own network list is empty: the engine lists it on none');
    const result = await testConnectivity({ source, target: 'api', containers: store.containers(), network: (id) => store.network(id), exec });
    assert.equal(result.ok, true, result.summary);
    assert.deepEqual(result.sharedNetworks, [`${PREFIX}app`]);
    assert.equal(result.reach, 'reached');
    docker('rm', '-f', `${PREFIX}sidecar`);
  });

  test('connectivity across isolated networks fails and says they share no network', async () => {
    docker('network', 'create', `${PREFIX}island`);
    docker('run', '-d', '--name', `${PREFIX}hermit`, '--network', `${PREFIX}island`, TEST_IMAGE, 'sleep', '3600');
    const source = await waitFor('client', () => store.containers().find((c) => c.name === `${PREFIX}client`));
    await waitFor('hermit', () => store.containers().find((c) => c.name === `${PREFIX}hermit` && c.attachments.length));
    const result = await testConnectivity({ source, target: `${PREFIX}hermit`, containers: store.containers(), network: (id) => store.network(id), exec });
    assert.equal(result.ok, false);
    assert.match(result.summary, /share no network/);
    assert.match(result.details.join(' '), new RegExp(`${PREFIX}island`));
  });

  test('on the default bridge a name does not resolve, and the answer says why', async () => {
    docker('run', '-d', '--name', `${PREFIX}b1`, TEST_IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', `${PREFIX}b2`, TEST_IMAGE, 'sleep', '3600');
    const source = await waitFor('b1', () => store.containers().find((c) => c.name === `${PREFIX}b1` && c.state === 'running'));
    await waitFor('b2', () => store.containers().find((c) => c.name === `${PREFIX}b2` && c.state === 'running'));
    const result = await testConnectivity({ source, target: `${PREFIX}b2`, containers: store.containers(), network: (id) => store.network(id), exec });
    assert.equal(result.ok, false);
    assert.equal(result.resolution, 'failed');
    assert.match(result.summary, /default bridge, which has no name resolution/);
  });

  test('an image without getent, nslookup or ping is told apart from a failure', async () => {
    // An image whose only command is sleep (busybox answers to the name it is run as).
    const dir = mkdtempSync(path.join(tmpdir(), 'dnv-notools-'));
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync('/bin/busybox', path.join(dir, 'bin', 'sleep'));
    execSync(`tar -C ${dir} -c . | docker import -c 'ENV PATH=/bin' - ${NO_TOOLS_IMAGE}`, { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    docker('run', '-d', '--name', `${PREFIX}bare`, '--network', `${PREFIX}app`, NO_TOOLS_IMAGE, 'sleep', '3600');
    const source = await waitFor('bare container', () => store.containers().find((c) => c.name === `${PREFIX}bare` && c.state === 'running'));
    const result = await testConnectivity({ source, target: 'api', containers: store.containers(), network: (id) => store.network(id), exec });
    assert.equal(result.resolution, 'noTool');
    assert.equal(result.reach, 'noTool');
    assert.equal(result.ok, false);
    assert.match(result.summary, /has no tools to test with \(getent, nslookup, ping\)/);
  });

  test('disconnect, and removing a network in use is refused by the engine naming it', async () => {
    const netId = store.networkByName(`${PREFIX}app`)!.id;
    await client.disconnectNetwork(netId, `${PREFIX}server`);
    await waitFor('server off the network', () => !store.membersOf(store.network(netId)!).some((m) => m.container.name === `${PREFIX}server`));
    await assert.rejects(client.removeNetwork(netId), (e: EngineError) => e.kind === 'conflict' && /active endpoints/.test(e.message));
    assert.deepEqual(store.membersOf(store.network(netId)!).map((m) => m.container.name).sort(), [`${PREFIX}bare`, `${PREFIX}client`]);
  });

  test('prune preview equals what is removed; built-ins and used networks survive', async () => {
    for (const n of ['p1', 'p2', 'p3']) docker('network', 'create', `${PREFIX}prune-${n}`);
    // A stopped container still needs its network: the preview keeps it (the engine's own prune would not).
    docker('network', 'create', `${PREFIX}prune-stopped`);
    docker('create', '--name', `${PREFIX}sleeper`, '--network', `${PREFIX}prune-stopped`, TEST_IMAGE, 'true');
    await waitFor('networks in the model', () => ['p1', 'p2', 'p3', 'stopped'].every((n) => store.networkByName(`${PREFIX}prune-${n}`))
      && store.containers().some((c) => c.name === `${PREFIX}sleeper`));
    const protectedNames = new Map([[`${PREFIX}prune-p3`, 'declared in compose.yaml']]);
    const preview = networkPrunePreview(store.networks(), (n) => store.membersOf(n), protectedNames)
      .filter((c) => c.network.name.startsWith(`${PREFIX}prune-`));
    assert.deepEqual(preview.map((c) => c.network.name), [`${PREFIX}prune-p1`, `${PREFIX}prune-p2`, `${PREFIX}prune-p3`]);
    const chosen = preview.filter((c) => !c.protectedBecause);
    for (const c of chosen) await client.removeNetwork(c.network.id);
    const left = docker('network', 'ls', '--format', '{{.Name}}').split('\n');
    for (const c of chosen) assert.ok(!left.includes(c.network.name), `${c.network.name} removed`);
    for (const keep of ['bridge', 'host', 'none', `${PREFIX}prune-p3`, `${PREFIX}prune-stopped`, `${PREFIX}app`]) assert.ok(left.includes(keep), `${keep} kept`);
  });
});
