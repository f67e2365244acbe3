/**
 * The engine-dependent Compose rules against the real engine: a network and a container with a published
 * port made with the docker CLI (named dnvtest-compose-*), seen through the CLI's one-shot snapshot, through
 * the editor's store-backed snapshot, and through dist/cli.js --engine.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeText } from '../../src/compose/analyze';
import { snapshotFromLists, type EngineSnapshot } from '../../src/compose/engineSnapshot';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { StoreSnapshot } from '../../src/language/engineSnapshot';
import { EngineStore } from '../../src/model/store';
import { TEST_IMAGE, waitFor } from '../support/docker';

const PREFIX = 'dnvtest-compose-';
const NET = `${PREFIX}net`;
const CTR = `${PREFIX}web`;
const SUBNET = '10.239.0.0/24';
const PORT = 20_000 + (process.pid % 20_000);
const root = path.resolve(__dirname, '../../..');

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function cleanup(): void {
  for (const args of [['rm', '-f', CTR], ['network', 'rm', NET]]) {
    try { docker(...args); } catch { /* not there */ }
  }
}

const composeText = `services:
  web:
    image: nginx
    ports:
      - "127.0.0.1:${PORT}:80"
    networks: [lan, shared]
networks:
  lan:
    ipam:
      config:
        - subnet: 10.239.0.0/16
  shared:
    external: true
    name: ${NET}
  gone:
    external: true
    name: ${PREFIX}missing
  mesh:
    driver: overlay
`;

function codes(engine: EngineSnapshot): string[] {
  return analyzeText(composeText, { engine }).diagnostics.filter((d) => d.severity !== 'hint').map((d) => `${d.code} ${d.range.start.line + 1}: ${d.message}`);
}

suite('compose rules on a real engine', function () {
  let client: EngineClient;
  let swarm: boolean;

  suiteSetup(async () => {
    cleanup();
    docker('network', 'create', '--subnet', SUBNET, NET);
    docker('run', '-d', '--name', CTR, '--network', NET, '-p', `127.0.0.1:${PORT}:80`, TEST_IMAGE, 'httpd', '-f', '-p', '80');
    client = new EngineClient(resolveEndpoint());
    await client.negotiate();
    swarm = docker('info', '--format', '{{.Swarm.LocalNodeState}}') === 'active';
  });

  suiteTeardown(cleanup);

  async function cliSnapshot(): Promise<EngineSnapshot> {
    const [networks, volumes, containers] = await Promise.all([client.listNetworks(), client.listVolumes(), client.listContainers()]);
    return snapshotFromLists(networks, volumes, containers, swarm);
  }

  function expected(): string[] {
    const out = [
      `port-in-use 5: Host port 127.0.0.1:${PORT}/tcp is already published by running container "${CTR}": stop it or pick another host port.`,
      `subnet-overlaps-engine 11: Subnet 10.239.0.0/16 overlaps ${SUBNET} of network "${NET}" on the engine: pick a free subnet or remove that network.`,
      `external-missing 15: External network "${PREFIX}missing" does not exist on the engine: create it (docker network create ${PREFIX}missing) before docker compose up.`,
    ];
    if (!swarm) out.push('overlay-without-swarm 19: Network "mesh" uses the overlay driver but the engine is not in Swarm mode: use driver bridge, or run docker swarm init.');
    return out;
  }

  test('one round of list calls (the CLI\'s --engine)', async () => {
    assert.deepEqual(codes(await cliSnapshot()), expected());
  });

  test('the editor\'s snapshot over the explorer store, following a container that stops', async () => {
    const store = new EngineStore(new EngineClient(resolveEndpoint()), { coalesceMs: 20 });
    const snapshot = new StoreSnapshot(store);
    try {
      store.start();
      await store.whenSettled();
      await waitFor('published ports read', () => snapshot.publishedPorts().some((p) => p.port === PORT), 10_000);
      assert.deepEqual(codes(snapshot.current!), expected());
      docker('stop', '-t', '1', CTR);
      await waitFor('port freed in the snapshot', () => !snapshot.publishedPorts().some((p) => p.port === PORT), 10_000);
      assert.ok(!codes(snapshot.current!).some((c) => c.startsWith('port-in-use')));
    } finally {
      snapshot.dispose();
      await store.stop();
      docker('start', CTR);
    }
  });

  test('dist/cli.js check --engine exits 1 and reports the engine rules', () => {
    const cli = path.join(root, 'dist/cli.js');
    assert.ok(existsSync(cli), 'dist/cli.js missing: run node scripts/build.mjs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dnvtest-compose-'));
    try {
      const file = path.join(dir, 'compose.yaml');
      writeFileSync(file, composeText);
      const run = spawnSync(process.execPath, [cli, 'check', file, '--engine', '--format', 'json'], { encoding: 'utf8' });
      assert.equal(run.status, 1, run.stderr);
      const rules = JSON.parse(run.stdout)[0].diagnostics.map((d: { rule: string }) => d.rule);
      for (const r of ['port-in-use', 'subnet-overlaps-engine', 'external-missing']) assert.ok(rules.includes(r), `${r} in ${rules}`);
      const plain = spawnSync(process.execPath, [cli, 'check', file], { encoding: 'utf8' });
      assert.ok(!plain.stdout.includes('port-in-use'), 'engine rules only with --engine');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
