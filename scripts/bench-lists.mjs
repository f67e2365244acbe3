// The engine's big list answers on the extension host's thread: how long reading 10,000 volumes and 1,000
// containers holds the thread at most (its longest event-loop stall, timed by a 1 ms timer) and how long the call
// takes, for EngineClient (the answer parsed a slice at a time, src/engine/jsonSlices.ts) against dockerode's own
// call (one JSON.parse of the whole answer: what the client did before), interleaved in the same run.
//
//   npm run bench:lists            (BENCH_RUNS=15 by default)
//
// The answers come from a stand-in engine in a child process, on a unix socket, shaped like Engine 20.10's (the
// fields and sizes of `GET /volumes` and `GET /containers/json?all=1` for the scale benchmark's objects), written
// in 64 KB pieces as the engine writes them: the real engine would add its own time to both sides alike, and its
// CPU share on a 2-core machine would blur the comparison.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const RUNS = Number(process.env.BENCH_RUNS || 15);
const pad = (i, n = 5) => String(i).padStart(n, '0');

function volumesAnswer(n) {
  const Volumes = Array.from({ length: n }, (_, i) => ({
    CreatedAt: `2026-11-26T10:${pad(i % 60, 2)}:00Z`, Driver: 'local',
    Labels: i % 3 ? { 'com.docker.compose.project': `p${i % 40}`, 'com.docker.compose.volume': `data${i}` } : null,
    Mountpoint: `/var/lib/docker/volumes/dnvscale-vol-${pad(i)}/_data`, Name: `dnvscale-vol-${pad(i)}`, Options: null, Scope: 'local',
  }));
  return JSON.stringify({ Volumes, Warnings: null });
}

function containersAnswer(n) {
  return JSON.stringify(Array.from({ length: n }, (_, i) => {
    const id = `${pad(i, 12)}${'a'.repeat(52)}`;
    return {
      Id: id, Names: [`/dnvscale-ctr-${pad(i)}`], Image: 'test/busybox:1', ImageID: `sha256:${'b'.repeat(64)}`, Command: 'sleep 3600',
      Created: 1795690000 + i, Ports: [], Labels: { 'dnv.bench': '1', 'com.docker.compose.project': `p${i % 40}` }, State: 'created', Status: 'Created',
      HostConfig: { NetworkMode: `dnvscale-net-${pad(i % 100, 3)}` },
      NetworkSettings: { Networks: { [`dnvscale-net-${pad(i % 100, 3)}`]: {
        IPAMConfig: null, Links: null, Aliases: null, NetworkID: 'c'.repeat(64), EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
        IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '', DriverOpts: null,
      } } },
      Mounts: [{ Type: 'volume', Name: `dnvscale-vol-${pad(i)}`, Source: '', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }],
    };
  }));
}

if (process.argv[2] === '--serve') {
  // The stand-in engine: the two answers, in 64 KB writes.
  const answers = { '/volumes': Buffer.from(volumesAnswer(10_000)), '/containers/json': Buffer.from(containersAnswer(1_000)) };
  const server = http.createServer((req, res) => {
    const body = answers[new URL(req.url, 'http://x').pathname.replace(/^\/v[\d.]+/, '')];
    if (!body) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"message":"not found"}'); return; }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (let at = 0; at < body.length; at += 65536) res.write(body.subarray(at, at + 65536));
    res.end();
  });
  server.listen(process.argv[3], () => process.send?.({ sizes: Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.length])) }));
} else {
  const Docker = require('dockerode');
  const { EngineClient } = require(path.join(root, 'out/src/engine/client.js'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-lists-'));
  const socket = path.join(dir, 'engine.sock');
  const child = fork(fileURLToPath(import.meta.url), ['--serve', socket]);
  const { sizes } = await new Promise((resolve) => child.once('message', resolve));
  try {
    const client = new EngineClient({ host: `unix://${socket}`, source: 'setting', label: 'stand-in engine' });
    const docker = new Docker({ socketPath: socket });
    /** Runs `work`, timing it and the longest gap between the ticks of a 1 ms timer meanwhile. */
    const watched = async (work) => {
      let last = performance.now();
      let stall = 0;
      const ticker = setInterval(() => { const now = performance.now(); stall = Math.max(stall, now - last); last = now; }, 1);
      const started = performance.now();
      const result = await work();
      const ms = performance.now() - started;
      clearInterval(ticker);
      return { ms, stall: Math.max(stall, performance.now() - last), count: result.length };
    };
    const ways = {
      'volumes, EngineClient (slices)': () => client.listVolumes(),
      'volumes, dockerode (one JSON.parse)': async () => (await docker.listVolumes()).Volumes,
      'containers, EngineClient (slices)': () => client.listContainers(),
      'containers, dockerode (one JSON.parse)': () => docker.listContainers({ all: true }),
    };
    for (const way of Object.values(ways)) await way(); // warm-up
    const figures = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
    for (let r = 0; r < RUNS; r++) for (const [name, way] of Object.entries(ways)) figures[name].push(await watched(way));
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`\nnode ${process.version}, ${os.cpus().length} cpus, load average ${os.loadavg()[0].toFixed(1)}; answers: volumes ${(sizes['/volumes'] / 1e6).toFixed(2)} MB, containers ${(sizes['/containers/json'] / 1e6).toFixed(2)} MB; medians of ${RUNS}, interleaved\n`);
    console.log('| list | items | call | longest stall of the thread | stall, max of the runs |');
    console.log('|---|---|---|---|---|');
    for (const [name, runs] of Object.entries(figures)) {
      console.log(`| ${name} | ${runs[0].count} | ${median(runs.map((x) => x.ms)).toFixed(1)} ms | ${median(runs.map((x) => x.stall)).toFixed(1)} ms | ${Math.max(...runs.map((x) => x.stall)).toFixed(1)} ms |`);
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
