import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildTopology, formatPort, type TopologySource } from '../../src/model/topology/graph';
import { layoutTopology } from '../../src/model/topology/layout';
import { escapeMermaid, toMermaid, toMermaidMarkdown } from '../../src/model/topology/mermaid';
import { networkLookup, predictConnectivity, reachableFrom } from '../../src/model/topology/reachability';
import { renderSvg } from '../../src/model/topology/svg';
import type { Attachment, ContainerModel, NetworkModel, VolumeModel } from '../../src/model/types';

const root = path.resolve(__dirname, '../../..');
const goldenDir = path.join(root, 'test', 'fixtures', 'topology');

/** Compares with test/fixtures/topology/<name>; DNV_UPDATE_GOLDEN=1 writes it instead (then read the diff). */
function golden(name: string, actual: string): void {
  const file = path.join(goldenDir, name);
  if (process.env.DNV_UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, actual);
    if (process.env.DNV_UPDATE_GOLDEN !== '1') assert.fail(`${name} did not exist: written, check it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}

function network(name: string, extra: Partial<NetworkModel> = {}): NetworkModel {
  return {
    id: `id-${name}`, name, driver: 'bridge', scope: 'local', created: 0, internal: false, attachable: false, ingress: false,
    enableIPv6: false, ipamDriver: 'default', subnets: [], options: {}, labels: {}, builtIn: false, ...extra,
  };
}

function on(net: string, ipv4: string, aliases: string[] = []): Attachment {
  return { networkId: `id-${net}`, networkName: net, ipv4, aliases };
}

function container(name: string, attachments: Attachment[], extra: Partial<ContainerModel> = {}): ContainerModel {
  return {
    id: `${name.replace(/[^a-z0-9]/g, '')}000000000000000000`, name, image: 'test/busybox:1', state: 'running', status: 'Up',
    created: 0, labels: {}, networkMode: attachments[0]?.networkName ?? 'none', attachments, mounts: [], ports: [], ...extra,
  };
}

function volume(name: string, extra: Partial<VolumeModel> = {}): VolumeModel {
  return { name, driver: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, created: 0, scope: 'local', labels: {}, options: {}, anonymous: false, ...extra };
}

/** A Compose project (shop) with an internal backend, two containers on the default bridge, a stopped one. */
function sample(): TopologySource {
  const networks = [
    network('bridge', { builtIn: true, subnets: [{ subnet: '172.17.0.0/16' }] }),
    network('host', { builtIn: true, driver: 'host' }),
    network('none', { builtIn: true, driver: 'null' }),
    network('shop_default', { project: 'shop', subnets: [{ subnet: '172.30.0.0/24' }] }),
    network('shop_backend', { project: 'shop', internal: true, subnets: [{ subnet: '172.30.1.0/24' }] }),
    network('tools', { subnets: [{ subnet: '10.9.0.0/24' }] }),
  ];
  const containers = [
    container('shop-web-1', [on('shop_default', '172.30.0.2', ['web', 'shop-web-1'])], {
      project: 'shop', service: 'web', image: 'nginx:1.27', ports: [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    }),
    container('shop-api-1', [on('shop_default', '172.30.0.3', ['api']), on('shop_backend', '172.30.1.3', ['api'])], { project: 'shop', service: 'api' }),
    container('shop-db-1', [on('shop_backend', '172.30.1.4', ['db', 'database'])], {
      project: 'shop', service: 'db', image: 'postgres:16', mounts: [{ type: 'volume', name: 'shop_dbdata', destination: '/var/lib/postgresql/data', readOnly: false }],
    }),
    container('shop-worker-1', [on('shop_backend', '172.30.1.5', ['worker'])], { project: 'shop', service: 'worker', state: 'exited' }),
    container('legacy-a', [on('bridge', '172.17.0.2')], { mounts: [{ type: 'volume', name: 'shared', destination: '/data', readOnly: true }] }),
    container('legacy-b', [on('bridge', '172.17.0.3')], { ports: [{ hostIp: '127.0.0.1', hostPort: 9000, containerPort: 9000, protocol: 'tcp' }] }),
    container('sidecar', [], { networkMode: 'container:shop-api-1' }),
    container('hosty', [on('host', '')], { networkMode: 'host' }),
  ];
  const volumes = [volume('shop_dbdata', { project: 'shop' }), volume('shared'), volume('unused'), volume('a'.repeat(64), { anonymous: true })];
  return { networks, containers, volumes };
}

suite('topology: graph', () => {
  test('networks, containers and mounted volumes, by name, with projects as clusters', () => {
    const graph = buildTopology(sample());
    const ids = graph.nodes.map((n) => n.id);
    assert.deepEqual(ids, [...ids].sort(), 'nodes are sorted by id');
    // Built-ins only when in use; unused volumes are left out; the anonymous volume never shows.
    assert.ok(ids.includes('net:bridge') && ids.includes('net:host') && !ids.includes('net:none'));
    assert.ok(ids.includes('net:tools'), 'an empty user network still shows');
    assert.ok(ids.includes('vol:shop_dbdata') && ids.includes('vol:shared') && !ids.includes('vol:unused'));
    assert.deepEqual(graph.clusters.map((c) => c.label), ['shop']);
    assert.equal(graph.nodes.find((n) => n.id === 'ctr:shop-db-1')?.cluster, 'cl:shop');
    assert.equal(graph.nodes.find((n) => n.id === 'net:shop_backend')?.cluster, 'cl:shop');
    assert.equal(graph.nodes.find((n) => n.id === 'ctr:legacy-a')?.cluster, undefined);
  });

  test('internal, built-in and no-DNS networks, published ports and aliases are visible', () => {
    const graph = buildTopology(sample());
    const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
    assert.deepEqual(node('net:shop_backend').flags, ['internal']);
    assert.deepEqual(node('net:bridge').flags, ['builtin', 'noDns']);
    assert.match(node('net:bridge').detail.join(' '), /no DNS/);
    // One entry for the IPv4 and IPv6 bindings of the same port.
    assert.deepEqual(node('ctr:shop-web-1').detail, ['nginx:1.27', '8080→80/tcp']);
    assert.deepEqual(node('ctr:legacy-b').detail, ['test/busybox:1', '127.0.0.1:9000→9000/tcp']);
    assert.ok(node('ctr:shop-worker-1').flags.includes('stopped'));
    const dbEdge = graph.edges.find((e) => e.from === 'net:shop_backend' && e.to === 'ctr:shop-db-1')!;
    assert.equal(dbEdge.label, 'database, db');
    assert.deepEqual(dbEdge.flags, ['internal']);
    assert.equal(graph.edges.find((e) => e.to === 'ctr:shop-web-1')!.label, 'web', "the container's own name is not repeated as an alias");
    assert.deepEqual(graph.edges.find((e) => e.to === 'vol:shared')!.flags, ['ro']);
    assert.ok(graph.edges.some((e) => e.kind === 'shares' && e.from === 'ctr:shop-api-1' && e.to === 'ctr:sidecar'));
  });

  test('scopes: a network, a project, a selection', () => {
    const src = sample();
    const net = buildTopology(src, { scope: { kind: 'network', name: 'shop_backend' } });
    assert.deepEqual(net.nodes.map((n) => n.id), ['ctr:shop-api-1', 'ctr:shop-db-1', 'ctr:shop-worker-1', 'net:shop_backend', 'vol:shop_dbdata']);
    const project = buildTopology(src, { scope: { kind: 'project', project: 'shop' } });
    assert.ok(project.nodes.every((n) => n.cluster === 'cl:shop'), 'only the project');
    assert.equal(project.nodes.length, 7);
    const selection = buildTopology(src, { scope: { kind: 'selection', names: ['legacy-a', 'tools'] } });
    assert.deepEqual(selection.nodes.map((n) => n.id), ['ctr:legacy-a', 'net:bridge', 'net:tools', 'vol:shared']);
  });

  test('format of published ports', () => {
    assert.equal(formatPort({ hostIp: '', hostPort: 80, containerPort: 8080, protocol: 'udp' }), '80→8080/udp');
    assert.equal(formatPort({ hostIp: '::1', hostPort: 80, containerPort: 80, protocol: 'tcp' }), '[::1]:80→80/tcp');
  });
});

/** `projects` Compose projects of `perProject` containers each, plus `loose` containers on shared networks. */
function large(projects: number, perProject: number, loose: number): TopologySource {
  const networks: NetworkModel[] = [network('bridge', { builtIn: true })];
  const containers: ContainerModel[] = [];
  const volumes: VolumeModel[] = [];
  for (let p = 0; p < projects; p++) {
    const name = `proj${String(p).padStart(2, '0')}`;
    networks.push(network(`${name}_default`, { project: name }));
    volumes.push(volume(`${name}_data`, { project: name }));
    for (let i = 0; i < perProject; i++) {
      containers.push(container(`${name}-svc${i}-1`, [on(`${name}_default`, `10.${p}.0.${i + 2}`, [`svc${i}`])], {
        project: name, mounts: i === 0 ? [{ type: 'volume', name: `${name}_data`, destination: '/data', readOnly: false }] : [],
      }));
    }
  }
  for (let i = 0; i < 4; i++) networks.push(network(`shared${i}`));
  for (let i = 0; i < loose; i++) containers.push(container(`loose${String(i).padStart(3, '0')}`, [on(`shared${i % 4}`, `10.250.${i % 4}.${i}`)]));
  return { networks, containers, volumes };
}

suite('topology: scale (collapse instead of a hairball)', () => {
  test('above the limit, projects collapse to one node each, and an expanded project opens', () => {
    const src = large(20, 15, 10); // 310 containers
    const graph = buildTopology(src);
    assert.equal(graph.nodes.filter((n) => n.kind === 'collapsed' && n.flags.includes('project')).length, 20);
    assert.equal(graph.nodes.filter((n) => n.kind === 'container').length, 10, 'the 10 loose containers stay');
    assert.equal(graph.hiddenContainers, 300);
    const grp = graph.nodes.find((n) => n.id === 'grp:proj03')!;
    assert.deepEqual(grp.detail, ['15 containers · 15 running']);
    assert.ok(graph.edges.some((e) => e.from === 'net:proj03_default' && e.to === 'grp:proj03'));
    assert.ok(graph.edges.some((e) => e.from === 'grp:proj03' && e.to === 'vol:proj03_data'));
    const open = buildTopology(src, { expanded: ['proj03'] });
    assert.equal(open.nodes.filter((n) => n.kind === 'container').length, 25);
    assert.equal(open.hiddenContainers, 285);
  });

  test('loose containers beyond the limit gather by the networks they share', () => {
    const graph = buildTopology(large(2, 5, 400));
    const sets = graph.nodes.filter((n) => n.flags.includes('set'));
    assert.deepEqual(sets.map((n) => n.label), ['shared0', 'shared1', 'shared2', 'shared3']);
    assert.deepEqual(sets[0].detail, ['100 containers · 100 running']);
    assert.equal(graph.nodes.filter((n) => n.kind === 'container').length, 0);
  });

  test('300 containers are collapsed to a readable graph, and every node of it is laid out', () => {
    const src = large(20, 15, 10);
    const graph = buildTopology(src);
    const laid = layoutTopology(graph);
    // Timings are for the benchmark, not for a test: this one only prints them (they move with the machine's load).
    const t = process.hrtime.bigint();
    buildTopology(src);
    console.log(`      300 containers: graph ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(1)} ms (${graph.nodes.length} nodes)`);
    const containers = graph.nodes.filter((n) => n.kind === 'container').length;
    assert.ok(containers < 300, `expected the 300 containers collapsed, got ${containers} container nodes`);
    assert.equal(laid.nodes.length, graph.nodes.length);
  });
});

suite('topology: who can reach whom (from the model, the same rules as Test Connectivity)', () => {
  const src = sample();
  const lookup = networkLookup(src.networks);
  const c = (name: string) => src.containers.find((x) => x.name === name)!;
  const reach = (name: string) => reachableFrom(c(name), src.containers, lookup);

  test('by name and alias over each shared user-defined network, internal ones included; stopped ones not', () => {
    const api = reach('shop-api-1');
    assert.deepEqual(api.byName.map((r) => `${r.container.name}@${r.network}:${r.names.join('/')}`), [
      'shop-db-1@shop_backend:shop-db-1/database/db',
      'shop-web-1@shop_default:shop-web-1/web',
    ]);
    assert.equal(api.outside, true, 'shop_default is not internal');
    const db = reach('shop-db-1');
    assert.deepEqual(db.byName.map((r) => r.container.name), ['shop-api-1']);
    assert.equal(db.outside, false, 'only on an internal network');
  });

  test('the default bridge: by address only, never by name', () => {
    const a = reach('legacy-a');
    assert.deepEqual(a.byName, []);
    assert.deepEqual(a.byAddressOnly.map((r) => r.container.name), ['legacy-b']);
    assert.deepEqual(predictConnectivity(c('legacy-a'), 'legacy-b', src.containers, lookup), { resolves: false, networks: [], onlyDefaultBridge: true });
  });

  test('host networking, stopped containers and shared network stacks', () => {
    assert.deepEqual(reach('hosty').byName, []);
    assert.equal(reach('hosty').outside, true);
    const stopped = reach('shop-worker-1');
    assert.equal(stopped.running, false);
    assert.deepEqual(stopped.byName, []);
    // sidecar uses shop-api-1's stack: it reaches what shop-api-1 reaches.
    assert.deepEqual(reach('sidecar').byName.map((r) => r.container.name), ['shop-db-1', 'shop-web-1']);
    assert.deepEqual(reach('sidecar').networks, ['shop_default', 'shop_backend']);
  });

  test('predicts Test Connectivity by alias', () => {
    assert.deepEqual(predictConnectivity(c('shop-web-1'), 'api', src.containers, lookup), { resolves: true, networks: ['shop_default'], onlyDefaultBridge: false });
    assert.deepEqual(predictConnectivity(c('shop-web-1'), 'db', src.containers, lookup), { resolves: false, networks: [], onlyDefaultBridge: false });
    assert.deepEqual(predictConnectivity(c('shop-api-1'), 'database', src.containers, lookup), { resolves: true, networks: ['shop_backend'], onlyDefaultBridge: false });
  });
});

suite('topology: export', () => {
  test('Mermaid: golden file, and the same state always gives the same text', () => {
    const src = sample();
    const text = toMermaid(buildTopology(src), { title: 'shop' });
    golden('sample.mmd', text);
    const shuffled = { networks: [...src.networks].reverse(), containers: [...src.containers].reverse(), volumes: [...src.volumes].reverse() };
    assert.equal(toMermaid(buildTopology(shuffled), { title: 'shop' }), text, 'input order does not matter');
    assert.match(toMermaidMarkdown(buildTopology(src)), /^```mermaid\nflowchart LR\n[\s\S]*```\n$/);
  });

  test('a selection exports on its own: golden Mermaid and SVG files, independent of input and selection order', () => {
    const src = sample();
    const names = ['legacy-a', 'tools'];
    const graph = buildTopology(src, { scope: { kind: 'selection', names } });
    const mermaid = toMermaid(graph, { title: 'selection' });
    golden('selection.mmd', mermaid);
    const svg = renderSvg(layoutTopology(graph), { title: 'selection' });
    golden('selection.svg', svg);
    const shuffled = { networks: [...src.networks].reverse(), containers: [...src.containers].reverse(), volumes: [...src.volumes].reverse() };
    const again = buildTopology(shuffled, { scope: { kind: 'selection', names: [...names].reverse() } });
    assert.equal(toMermaid(again, { title: 'selection' }), mermaid);
    assert.equal(renderSvg(layoutTopology(again), { title: 'selection' }), svg);
    const whole = toMermaid(buildTopology(src), { title: 'selection' });
    assert.notEqual(mermaid, whole, 'the selection is not the whole engine');
    assert.ok(whole.split('\n').length > mermaid.split('\n').length);
  });

  test('Mermaid: names that need escaping and ids that would collide', () => {
    const src: TopologySource = {
      networks: [network('a-b'), network('a_b'), network('q"<x>&')],
      containers: [container('end', [on('a-b', '10.0.0.2', ['x"y'])])],
      volumes: [],
    };
    const text = toMermaid(buildTopology(src));
    assert.match(text, /n_a_b\{\{"a-b<br\/>bridge"\}\}/);
    assert.match(text, /n_a_b_2\{\{"a_b<br\/>bridge"\}\}/);
    assert.match(text, /n_q__x__\{\{"q#quot;#lt;x#gt;#amp;<br\/>bridge"\}\}/);
    assert.match(text, /n_a_b ---\|"x#quot;y"\| c_end/);
    assert.equal(escapeMermaid('"'), '#quot;');
  });

  test('SVG: golden file, deterministic, escaped, interactive nodes focusable', () => {
    const src = sample();
    const layout = layoutTopology(buildTopology(src));
    const svg = renderSvg(layout, { title: 'shop' });
    golden('sample.svg', svg);
    assert.equal(renderSvg(layoutTopology(buildTopology(src)), { title: 'shop' }), svg, 'a second layout gives the same text');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(!svg.includes('tabindex'), 'the export has no focus stops');
    const interactive = renderSvg(layout, { interactive: true });
    assert.equal(interactive.match(/tabindex="0"/g)?.length, layout.nodes.length);
    assert.ok(!interactive.includes('<style>'), 'the webview colours it from the theme');
    const hostile = renderSvg(layoutTopology(buildTopology({ networks: [network('<script>alert(1)</script>')], containers: [], volumes: [] })));
    assert.ok(!hostile.includes('<script>'));
  });

  test('layout: nodes do not overlap and lie inside the drawing; networks left of containers left of volumes', () => {
    const layout = layoutTopology(buildTopology(sample()));
    for (const a of layout.nodes) {
      assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width + 0.5 && a.y + a.height <= layout.height + 0.5, `${a.id} inside`);
      for (const b of layout.nodes) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        assert.ok(!overlap, `${a.id} overlaps ${b.id}`);
      }
    }
    const x = (id: string) => layout.nodes.find((n) => n.id === id)!.x;
    assert.ok(x('net:shop_backend') < x('ctr:shop-db-1') && x('ctr:shop-db-1') < x('vol:shop_dbdata'));
    for (const e of layout.edges) {
      assert.equal(e.points.length, 4, `${e.id} is drawn`);
      const from = layout.nodes.find((nd) => nd.id === e.from)!;
      const to = layout.nodes.find((nd) => nd.id === e.to)!;
      assert.ok([from.x, from.x + from.width].includes(e.points[0].x) && [to.x, to.x + to.width].includes(e.points[3].x), `${e.id} runs from side to side`);
    }
    assert.ok(layout.clusters.length > 0);
    for (const c of layout.clusters) {
      const inside = layout.nodes.filter((nd) => nd.cluster === c.id);
      assert.ok(Math.min(...inside.map((nd) => nd.y)) >= c.y + 26, `${c.id}: its title has room above its first node (it sat on a node's border)`);
      for (const nd of inside) assert.ok(nd.y + nd.height <= c.y + c.height, `${nd.id} inside ${c.id}`);
    }
  });

  test('layout: labels beside one side of one node are a line apart (two aliases into one container overlapped)', () => {
    const src: TopologySource = {
      networks: [network('front'), network('back')],
      containers: [container('shop-web', [on('front', '10.0.0.2', ['web', 'www']), on('back', '10.0.1.2', ['web'])])],
      volumes: [],
    };
    const layout = layoutTopology(buildTopology(src));
    const labelled = layout.edges.filter((e) => e.to === 'ctr:shop-web' && e.labelAt);
    assert.equal(labelled.length, 2);
    assert.ok(Math.abs(labelled[0].labelAt!.y - labelled[1].labelAt!.y) >= 13, `labels at ${labelled.map((e) => e.labelAt!.y).join(' and ')}`);
  });
});
