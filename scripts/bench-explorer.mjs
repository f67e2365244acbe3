// Explorer benchmark on a real engine: 1,000 volumes, 30 networks, 300 containers.
// Measures (1) time from `docker volume create` (the CLI) to the model having the volume, (2) time to build
// the tree rows for both views, (3) engine requests made during an idle minute, and prints the engine's own
// listing times and the docker CLI's listing times beside them.
// Usage: npm run bench   (needs `npx tsc -p .` output in out/; BENCH_IDLE_SECONDS=60, BENCH_PROBES=40)
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import Docker from 'dockerode';

const require = createRequire(import.meta.url);
const { EngineClient } = require('../out/src/engine/client.js');
const { resolveEndpoint } = require('../out/src/engine/connection.js');
const { EngineStore } = require('../out/src/model/store.js');
const describe = require('../out/src/views/describe.js');

const run = promisify(execFile);
const NETWORKS = Number(process.env.BENCH_NETWORKS || 30);
const VOLUMES = Number(process.env.BENCH_VOLUMES || 1000);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS || 300);
const RUNNING = Number(process.env.BENCH_RUNNING || 60);
const PROBES = Number(process.env.BENCH_PROBES || 40);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS || 60);
const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';
const P = 'dnvbench-';

const endpoint = resolveEndpoint();
const docker = new Docker(endpoint.host.startsWith('unix://') ? { socketPath: new URL(endpoint.host).pathname } : undefined);

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const median = (xs) => quantile(xs, 0.5);
const ms = (x) => `${x.toFixed(1)} ms`;
const now = () => performance.now();

async function mapLimit(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (next < items.length) { const i = next++; await fn(items[i], i); } }));
}

async function cleanup() {
  const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`^/${P}`] }) });
  await mapLimit(containers, 8, (c) => docker.getContainer(c.Id).remove({ force: true, v: false }).catch(() => {}));
  const { Volumes } = await docker.listVolumes({ filters: JSON.stringify({ name: [P] }) });
  await mapLimit((Volumes || []).filter((v) => v.Name.startsWith(P)), 8, (v) => docker.getVolume(v.Name).remove().catch(() => {}));
  const networks = await docker.listNetworks({ filters: JSON.stringify({ name: [P] }) });
  await mapLimit(networks.filter((n) => n.Name.startsWith(P)), 4, (n) => docker.getNetwork(n.Id).remove().catch(() => {}));
}

async function setup() {
  const t0 = now();
  await mapLimit([...Array(NETWORKS).keys()], 4, (i) => docker.createNetwork({
    Name: `${P}net-${i}`, Driver: 'bridge', Labels: { 'com.docker.compose.project': `${P}proj-${i % 5}` },
    IPAM: { Config: [{ Subnet: `10.241.${i}.0/24` }] },
  }));
  await mapLimit([...Array(VOLUMES).keys()], 8, (i) => docker.createVolume({ Name: `${P}vol-${i}`, Labels: i % 3 === 0 ? { 'com.docker.compose.project': `${P}proj-${i % 5}` } : {} }));
  await mapLimit([...Array(CONTAINERS).keys()], 8, async (i) => {
    const c = await docker.createContainer({
      name: `${P}c-${i}`, Image: IMAGE, Cmd: ['sleep', '86400'],
      HostConfig: { NetworkMode: `${P}net-${i % NETWORKS}`, Binds: [`${P}vol-${i}:/data`] },
      NetworkingConfig: { EndpointsConfig: { [`${P}net-${i % NETWORKS}`]: { Aliases: [`svc-${i}`] } } },
    });
    if (i < RUNNING) await c.start();
  });
  return now() - t0;
}

async function timeEngineListings(client) {
  const rounds = 7;
  const out = {};
  for (const [name, fn] of [['GET /networks', () => client.listNetworks()], ['GET /volumes', () => client.listVolumes()], ['GET /containers/json?all=1', () => client.listContainers()]]) {
    const times = [];
    for (let i = 0; i < rounds; i++) { const t = now(); await fn(); times.push(now() - t); }
    out[name] = median(times);
  }
  for (const [name, args] of [['docker network ls', ['network', 'ls']], ['docker volume ls', ['volume', 'ls']], ['docker ps -a', ['ps', '-a']]]) {
    const times = [];
    for (let i = 0; i < 5; i++) { const t = now(); await run('docker', args, { maxBuffer: 64 << 20 }); times.push(now() - t); }
    out[name] = median(times);
  }
  return out;
}

function buildTreeRows(store) {
  // What the two TreeDataProviders do for a full render: sort, describe every row, list every child.
  let rows = 0;
  for (const network of describe.sortBy(store.networks(), 'name')) {
    const members = store.membersOf(network);
    describe.describeNetwork(network, members); rows++;
    for (const m of members) { describe.describeNetworkMember(m); rows++; }
  }
  for (const volume of describe.sortBy(store.volumes(), 'name')) {
    const users = store.usersOf(volume);
    describe.describeVolume(volume, users, store.usageOf(volume.name)); rows++;
    for (const u of users) { describe.describeVolumeUser(u); rows++; }
  }
  return rows;
}

async function main() {
  console.log(`engine: ${endpoint.label}`);
  await cleanup();
  const setupMs = await setup();
  console.log(`created ${NETWORKS} networks, ${VOLUMES} volumes, ${CONTAINERS} containers (${RUNNING} running) in ${(setupMs / 1000).toFixed(1)} s`);

  const client = new EngineClient(endpoint);
  const store = new EngineStore(client);
  const tLoad = now();
  store.start();
  await store.whenSettled();
  // Every container's aliases too (what the whole engine's topology asks; the views ask only for what they show),
  // so this figure stays comparable with the runs of docs/BENCHMARKS.md made before aliases were asked for.
  await store.aliasesFor(store.containers().map((c) => c.id));
  const loadMs = now() - tLoad;
  const loadRequests = client.requestCount;
  console.log(`full load: ${ms(loadMs)}, ${loadRequests} requests (${store.networks().length} networks, ${store.volumes().length} volumes, ${store.containers().length} containers)`);

  // (1) CLI create -> model has it
  const endToEnd = []; const cliOnly = []; const afterCli = [];
  for (let i = 0; i < PROBES; i++) {
    const name = `${P}probe-${i}`;
    let seenAt = 0;
    const seen = new Promise((resolve) => {
      const off = store.onDidChange(() => { if (store.volume(name)) { seenAt = now(); off(); resolve(); } });
    });
    const t0 = now();
    await run('docker', ['volume', 'create', name]);
    const cliDone = now();
    await seen;
    endToEnd.push(seenAt - t0); cliOnly.push(cliDone - t0); afterCli.push(Math.max(0, seenAt - cliDone));
    await new Promise((r) => setTimeout(r, 50));
  }

  // (2) tree rows
  const treeTimes = [];
  let rowCount = 0;
  for (let i = 0; i < 25; i++) {
    store.relationIndex = undefined; // include rebuilding the relation index, as after any change
    const t = now(); rowCount = buildTreeRows(store); treeTimes.push(now() - t);
  }

  // listing times of the engine and the CLI, measured in the same run
  const listings = await timeEngineListings(client);

  // (3) idle requests
  await new Promise((r) => setTimeout(r, 500));
  const before = client.requestCount;
  const eventsBefore = store.eventsReceived;
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const idleRequests = client.requestCount - before;
  // Other clients of a shared engine cause events, and each is answered by a request: say so.
  const idleEvents = store.eventsReceived - eventsBefore;

  await store.stop();
  await cleanup();

  const result = {
    engine: endpoint.label, networks: NETWORKS, volumes: VOLUMES, containers: CONTAINERS, running: RUNNING,
    fullLoadMs: loadMs, fullLoadRequests: loadRequests,
    cliCreateToModel: { p50: median(endToEnd), p95: quantile(endToEnd, 0.95), probes: PROBES },
    cliCreateAlone: { p50: median(cliOnly), p95: quantile(cliOnly, 0.95) },
    modelAfterCliExit: { p50: median(afterCli), p95: quantile(afterCli, 0.95) },
    treeRows: { rows: rowCount, p50: median(treeTimes), p95: quantile(treeTimes, 0.95) },
    idle: { seconds: IDLE_SECONDS, requests: idleRequests, eventsFromOthers: idleEvents },
    listings,
  };
  console.log('\n| measure | p50 | p95 | target |');
  console.log('|---|---|---|---|');
  console.log(`| \`docker volume create\` (CLI) to model has it | ${ms(result.cliCreateToModel.p50)} | ${ms(result.cliCreateToModel.p95)} | p50 < 100 ms |`);
  console.log(`| … of which the CLI itself | ${ms(result.cliCreateAlone.p50)} | ${ms(result.cliCreateAlone.p95)} | |`);
  console.log(`| … model update after the CLI exits | ${ms(result.modelAfterCliExit.p50)} | ${ms(result.modelAfterCliExit.p95)} | |`);
  console.log(`| tree rows for both views (${rowCount} rows) | ${ms(result.treeRows.p50)} | ${ms(result.treeRows.p95)} | < 50 ms |`);
  console.log(`| engine requests in ${IDLE_SECONDS} s idle | ${idleRequests}${idleEvents ? ` (answering ${idleEvents} events from other clients)` : ''} | | 0 |`);
  console.log(`| full load on connect | ${ms(loadMs)} (${loadRequests} requests) | | |`);
  console.log('\n| listing (median) | time |');
  console.log('|---|---|');
  for (const [k, v] of Object.entries(listings)) console.log(`| ${k} | ${ms(v)} |`);
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/explorer.json', JSON.stringify(result, null, 2));
  console.log('\nwritten .bench/explorer.json');
}

main().catch(async (e) => { console.error(e); try { await cleanup(); } catch { /* engine gone */ } process.exit(1); });
