import assert from 'node:assert/strict';
import {
  containerFromInspect, containerFromSummary, isAnonymousVolume, needsInspectForAliases, toNetwork, toVolume,
} from '../../src/model/mapping';

suite('model mapping', () => {
  test('built-in networks are bridge/host/none with the engine driver, Swarm ingress and docker_gwbridge', () => {
    const net = (Name: string, Driver: string, Ingress = false) => toNetwork({ Id: Name + 'id', Name, Driver, Ingress });
    assert.equal(net('bridge', 'bridge').builtIn, true);
    assert.equal(net('host', 'host').builtIn, true);
    assert.equal(net('none', 'null').builtIn, true);
    assert.equal(net('ingress', 'overlay', true).builtIn, true);
    assert.equal(net('docker_gwbridge', 'bridge').builtIn, true);
    assert.equal(net('bridge', 'macvlan').builtIn, false);
    assert.equal(net('backend', 'bridge').builtIn, false);
  });

  test('a network keeps IPAM, flags, labels and its Compose project', () => {
    const n = toNetwork({
      Id: 'abc', Name: 'shop_backend', Driver: 'bridge', Scope: 'local', Created: '2026-01-02T03:04:05.123456789Z',
      Internal: true, Attachable: true, EnableIPv6: false,
      IPAM: { Driver: 'default', Config: [{ Subnet: '172.30.0.0/16', Gateway: '172.30.0.1' }] },
      Labels: { 'com.docker.compose.project': 'shop' }, Options: { 'com.docker.network.bridge.name': 'br-shop' },
    });
    assert.deepEqual(n.subnets, [{ subnet: '172.30.0.0/16', gateway: '172.30.0.1', ipRange: undefined }]);
    assert.equal(n.project, 'shop');
    assert.equal(n.internal, true);
    assert.equal(n.attachable, true);
    assert.equal(n.created, Date.parse('2026-01-02T03:04:05.123Z'));
    assert.equal(n.options['com.docker.network.bridge.name'], 'br-shop');
  });

  test('null IPAM config, labels and options from the engine become empty values', () => {
    const n = toNetwork({ Id: 'x', Name: 'none', Driver: 'null', IPAM: { Config: null }, Labels: null, Options: null });
    assert.deepEqual(n.subnets, []);
    assert.deepEqual(n.labels, {});
    assert.deepEqual(n.options, {});
    assert.equal(n.created, 0);
  });

  test('anonymous volumes: 64-hex names or the anonymous label', () => {
    assert.equal(isAnonymousVolume('a'.repeat(64), {}), true);
    assert.equal(isAnonymousVolume('data', { 'com.docker.volume.anonymous': '' }), true);
    assert.equal(isAnonymousVolume('data', {}), false);
    assert.equal(isAnonymousVolume('A'.repeat(64), {}), false);
    assert.equal(toVolume({ Name: 'f'.repeat(64), Labels: null }).anonymous, true);
  });

  test('container list rows map names, state, mounts and attachments', () => {
    const c = containerFromSummary({
      Id: '0123456789abcdef', Names: ['/web'], Image: 'nginx', State: 'running', Status: 'Up 2 minutes', Created: 1_700_000_000,
      Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      NetworkSettings: { Networks: { bridge: { NetworkID: 'n1', IPAddress: '172.17.0.2', Aliases: null } } },
      Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data', RW: false }, { Type: 'bind', Source: '/src', Destination: '/app', RW: true }],
    });
    assert.equal(c.name, 'web');
    assert.equal(c.created, 1_700_000_000_000);
    assert.equal(c.project, 'shop');
    assert.equal(c.service, 'web');
    assert.deepEqual(c.attachments, [{ networkId: 'n1', networkName: 'bridge', ipv4: '172.17.0.2', ipv6: undefined, mac: undefined, aliases: [] }]);
    assert.equal(c.mounts[0].readOnly, true);
    assert.equal(c.mounts[1].readOnly, false);
    assert.equal(needsInspectForAliases(c), false, 'no aliases to find on the default bridge');
  });

  test('inspect keeps user aliases and drops the short id the engine adds', () => {
    const id = '0123456789abcdef0123';
    const c = containerFromInspect({
      Id: id, Name: '/api', Config: { Image: 'busybox', Labels: {} }, State: { Status: 'exited', Running: false },
      NetworkSettings: { Networks: { backend: { NetworkID: 'n2', IPAddress: '10.0.0.5', Aliases: ['api', '0123456789ab', 'api', 'v1.api'] } } },
    });
    assert.equal(c.name, 'api');
    assert.equal(c.state, 'exited');
    assert.deepEqual(c.attachments[0].aliases, ['api', 'v1.api']);
    assert.equal(needsInspectForAliases(c), true);
  });
});

suite('helper containers', () => {
  test('the backup helper containers are told apart from the user\'s', async () => {
    const { isHelperContainer } = await import('../../src/model/mapping');
    const { HELPER_LABEL } = await import('../../src/engine/helperLabels');
    const helper = containerFromSummary({ Id: 'h1', Names: ['/x'], Labels: { [HELPER_LABEL]: 'volume-archive' } });
    const user = containerFromSummary({ Id: 'u1', Names: ['/y'], Labels: {} });
    assert.equal(isHelperContainer(helper), true);
    assert.equal(isHelperContainer(user), false);
  });
});
