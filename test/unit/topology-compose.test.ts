import assert from 'node:assert/strict';
import { loadProject, type FileHost } from '../../src/compose/project';
import { compareWithEngine, declaredSource } from '../../src/compose/topology';
import type { TopologySource } from '../../src/model/topology/graph';
import { toMermaid } from '../../src/model/topology/mermaid';
import { networkLookup, reachableFrom } from '../../src/model/topology/reachability';
import type { ContainerModel, NetworkModel } from '../../src/model/types';

const COMPOSE = `name: shop
services:
  web:
    image: nginx
    networks: [front]
  api:
    image: api
    networks: [front, back]
  db:
    image: postgres
    networks:
      back:
    volumes:
      - dbdata:/var/lib/postgresql/data
  side:
    image: busybox
    network_mode: "service:api"
networks:
  front: {}
  back:
    internal: true
    ipam:
      config:
        - subnet: 10.1.0.0/24
volumes:
  dbdata: {}
`;

function host(files: Record<string, string>): FileHost {
  return {
    readFile: (f) => files[f],
    readDir: (d) => Object.keys(files).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1)),
    exists: (f) => f in files,
  };
}

const project = () => loadProject('/ws/compose.yaml', host({ '/ws/compose.yaml': COMPOSE }));

function net(name: string, extra: Partial<NetworkModel> = {}): NetworkModel {
  return { id: `id-${name}`, name, driver: 'bridge', scope: 'local', created: 0, internal: false, attachable: false, ingress: false, enableIPv6: false, ipamDriver: 'default', subnets: [], options: {}, labels: {}, builtIn: false, ...extra };
}
function ctr(name: string, service: string, networks: string[]): ContainerModel {
  return {
    id: `id-${name}`, name, image: 'x', state: 'running', status: '', created: 0, labels: {}, project: 'shop', service, networkMode: networks[0],
    attachments: networks.map((n) => ({ networkId: `id-${n}`, networkName: n, aliases: [service] })), mounts: [], ports: [],
  };
}

suite('topology of a Compose file (before up), and what differs from the engine', () => {
  test('the declared project in the model shapes: engine names, default container names, aliases, internal, subnet', () => {
    const src = declaredSource(project());
    assert.deepEqual(src.networks.map((n) => [n.name, n.internal, n.subnets.map((s) => s.subnet)]), [['shop_front', false, []], ['shop_back', true, ['10.1.0.0/24']]]);
    assert.deepEqual(src.containers.map((c) => [c.name, c.attachments.map((a) => a.networkName)]), [
      ['shop-web-1', ['shop_front']], ['shop-api-1', ['shop_front', 'shop_back']], ['shop-db-1', ['shop_back']], ['shop-side-1', []],
    ]);
    assert.deepEqual(src.volumes.map((v) => v.name), ['shop_dbdata']);
    assert.deepEqual(src.containers.find((c) => c.name === 'shop-db-1')!.mounts.map((m) => m.name), ['shop_dbdata']);
  });

  test('who reaches whom, from the file alone: api reaches web and db; web does not reach db (back is internal and web is not on it)', () => {
    const src = declaredSource(project());
    const lookup = networkLookup(src.networks);
    const from = (name: string) => reachableFrom(src.containers.find((c) => c.name === name)!, src.containers, lookup);
    assert.deepEqual(from('shop-api-1').byName.map((r) => `${r.container.name}@${r.network}`), ['shop-db-1@shop_back', 'shop-web-1@shop_front']);
    assert.deepEqual(from('shop-web-1').byName.map((r) => r.container.name), ['shop-api-1']);
    assert.equal(from('shop-db-1').outside, false);
  });

  test('against the engine: missing, extra and a different subnet are marked', () => {
    const engine: TopologySource = {
      networks: [net('shop_front', { project: 'shop' }), net('shop_back', { project: 'shop', internal: true, subnets: [{ subnet: '10.9.0.0/24' }] })],
      containers: [ctr('shop-web-1', 'web', ['shop_front']), ctr('shop-old-1', 'old', ['shop_front']), ctr('shop-web-2', 'web', ['shop_front'])],
      volumes: [],
    };
    const graph = compareWithEngine(project(), engine);
    const flags = Object.fromEntries(graph.nodes.map((n) => [n.id, n.flags.filter((f) => ['missing', 'extra', 'subnetDiffers'].includes(f))]));
    assert.deepEqual(flags, {
      'ctr:shop-api-1': ['missing'], 'ctr:shop-db-1': ['missing'], 'ctr:shop-old-1': ['extra'], 'ctr:shop-side-1': ['missing'],
      'ctr:shop-web-1': [], 'net:shop_back': ['subnetDiffers'], 'net:shop_front': [], 'vol:shop_dbdata': ['missing'],
    });
    assert.ok(graph.nodes.find((n) => n.id === 'net:shop_back')!.detail.includes('engine: 10.9.0.0/24'));
    assert.ok(graph.edges.some((e) => e.from === 'net:shop_front' && e.to === 'ctr:shop-old-1' && e.flags.includes('extra')));
    assert.ok(!graph.nodes.some((n) => n.id === 'ctr:shop-web-2'), 'a second replica of a declared service is not "extra"');
    assert.match(toMermaid(graph), /c_shop_old_1\["shop-old-1<br\/>x<br\/>not declared"\]/);
  });
});
