// ssh:// engine latency (npm run bench:ssh, after tsc): a private dockerd behind Debian's sshd (the remote-engine
// test harness, test/support/remoteEngines/), then, in the same run:
//   this extension's client  one SSH connection, a `docker system dial-stdio` channel per HTTP connection, kept
//   docker-modem's transport  dockerode with protocol 'ssh': a new SSH connection and dial-stdio per request
// Medians of sequential `GET /volumes` and of a full explorer load (the store's first connect and load).
//
//   npm run bench:ssh        (BENCH_RUNS=10 requests, BENCH_LOADS=3 loads)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(path.join(repo, 'out', p));
const { startSshEngine, dockerAt } = out('test/support/remoteEngines/index.js');
const { EngineClient } = out('src/engine/client.js');
const { resolveEndpoint } = out('src/engine/connection.js');
const { EngineStore } = out('src/model/store.js');
const Docker = require('dockerode');

const RUNS = Number(process.env.BENCH_RUNS || 10);
const LOADS = Number(process.env.BENCH_LOADS || 3);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const timed = async (fn) => { const t0 = performance.now(); await fn(); return performance.now() - t0; };

const ssh = await startSshEngine({ testImage: false });
try {
  for (let i = 0; i < 20; i++) await dockerAt(ssh.backingHost, 'volume', 'create', `dnvbench-ssh-${i}`);
  const home = ssh.makeHome({ identity: false, knownHosts: 'right' });
  const endpoint = () => resolveEndpoint({ hostSetting: ssh.host, env: { SSH_AUTH_SOCK: ssh.agentSocket }, home });

  // This extension's client.
  const client = new EngineClient(endpoint());
  const firstOurs = await timed(() => client.negotiate());
  const ours = [];
  for (let i = 0; i < RUNS; i++) ours.push(await timed(() => client.listVolumes()));
  client.close();
  const loads = [];
  for (let i = 0; i < LOADS; i++) {
    const store = new EngineStore(new EngineClient(endpoint()), {});
    // With every container's aliases, as the loads measured before aliases were asked for only when needed.
    loads.push(await timed(async () => { store.start(); await store.whenSettled(); await store.aliasesFor(store.containers().map((c) => c.id)); }));
    if (store.state.status !== 'connected') throw new Error(`store did not connect: ${JSON.stringify(store.state)}`);
    await store.stop();
  }

  // docker-modem's own ssh transport, same server, same agent.
  const url = new URL(ssh.host);
  const modem = new Docker({ protocol: 'ssh', host: url.hostname, port: Number(url.port), username: decodeURIComponent(url.username), sshOptions: { agent: ssh.agentSocket } });
  const firstTheirs = await timed(() => modem.version());
  const theirs = [];
  for (let i = 0; i < RUNS; i++) theirs.push(await timed(() => modem.listVolumes()));

  const ms = (x) => `${x.toFixed(0)} ms`;
  console.log(`\nssh engine ${ssh.host} (Debian sshd, private dockerd, 20 volumes); ${RUNS} sequential GET /volumes, ${LOADS} explorer loads\n`);
  console.log('| | first request | GET /volumes, median | explorer load, median |');
  console.log('|---|---|---|---|');
  console.log(`| this extension (one SSH connection, channels kept) | ${ms(firstOurs)} | ${ms(median(ours))} | ${ms(median(loads))} |`);
  console.log(`| docker-modem's ssh transport (a connection per request) | ${ms(firstTheirs)} | ${ms(median(theirs))} | |`);
  console.log(`\nGET /volumes: ${(median(theirs) / median(ours)).toFixed(0)}x faster`);
} finally {
  await ssh.stop();
}
