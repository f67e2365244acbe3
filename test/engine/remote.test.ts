/**
 * The engine client and the explorer model against every kind of engine a user may have, each started here for
 * the purpose (test/support/remoteEngines.ts): a private dockerd over TCP with TLS, one behind sshd, a Swarm
 * manager with an overlay network, and Podman's Docker-compatible service. None of them is the machine's engine,
 * which these tests neither read nor change.
 *
 * A test that fails here names what the extension lacks for that kind of engine and where it would go; none is
 * skipped to hide it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { backupVolume } from '../../src/backup/backup';
import { cloneVolume } from '../../src/backup/clone';
import { UnsafeArchiveError } from '../../src/backup/guard';
import { recoverStaleHelpers } from '../../src/backup/recovery';
import { restoreVolume } from '../../src/backup/restore';
import { volumeUsers } from '../../src/engine/volumes';
import { nodeWritable } from '../../src/backup/streams';
import { EngineClient, MIN_API_VERSION, compareApiVersions } from '../../src/engine/client';
import { type EndpointInputs, resolveEndpoint } from '../../src/engine/connection';
import { EngineError } from '../../src/engine/errors';
import type { EngineEvent } from '../../src/engine/types';
import { EngineStore } from '../../src/model/store';
import { archiveLayout, emptyImage, withHelper } from '../../src/backup/helper';
import { HELPER_KIND, HELPER_LABEL, type HelperOwner, OWNER_LABEL } from '../../src/engine/helperLabels';
import { waitFor } from '../support/docker';
import { hostileArchiveCases } from '../support/hostileArchives';
import { type TarEntry, tarOf } from '../support/tar';
import {
  dockerAt, freePort, OVERLAY_NETWORK, type PodmanEngine, SLOW_SHELL_S, type SshEngine, startPodmanService, startSshEngine,
  startSwarmEngine, startTlsEngine, type SwarmEngine, TEST_IMAGE, type TlsEngine,
} from '../support/remoteEngines';

const SETUP_MS = 90_000;

/** A folder on this machine as `path type mode uid:gid [-> link] [sha256]`, sorted (Podman's volumes are local here). */
function diskListing(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    const full = path.join(root, rel);
    const st = lstatSync(full);
    const type = st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
    const extra = st.isSymbolicLink() ? ` -> ${readlinkSync(full)}` : st.isFile() ? ` ${createHash('sha256').update(readFileSync(full)).digest('hex').slice(0, 16)}` : '';
    out.push(`${rel} ${type} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}${extra}`);
    if (st.isDirectory()) out.push(...diskListing(root, rel));
  }
  return out.sort();
}

/**
 * An archive's entries as `path type mode [uid:gid] [-> link] [sha256]`, sorted: what a round trip must keep.
 * Podman's archive API reads every entry as owned by 0:0 (files it writes keep their owners on disk), so owners
 * are left out where Podman produced the archive.
 */
async function entriesOf(archive: string, owners = true): Promise<string[]> {
  const out: string[] = [];
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const hash = createHash('sha256');
    stream.on('data', (c) => { hash.update(c as Buffer); });
    stream.on('end', () => {
      const name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
      if (name === '' || name === './' || name === '.') return next();
      const link = header.linkname ? ` -> ${header.linkname.replace(/^\.\//, '')}` : '';
      const content = header.type === 'file' ? ` ${hash.digest('hex').slice(0, 16)}` : '';
      out.push(`${name} ${header.type} ${(header.mode ?? 0).toString(8)}${owners ? ` ${header.uid}:${header.gid}` : ''}${link}${content}`);
      next();
    });
  });
  const source = createReadStream(archive);
  await (archive.endsWith('.gz') ? pipeline(source, createGunzip(), nodeWritable(ex)) : pipeline(source, nodeWritable(ex)));
  return out.sort();
}
/** How long a refused connection may take to say so (the issue: a clear answer, never a hang). */
const REFUSAL_MS = 10_000;

function clientFor(inputs: EndpointInputs): EngineClient {
  return new EngineClient(resolveEndpoint(inputs));
}

/** A started store, settled (loaded, or found unreachable) within 30 s. */
async function storeOn(client: EngineClient): Promise<EngineStore> {
  const store = new EngineStore(client, { coalesceMs: 20, initialBackoffMs: 200, maxBackoffMs: 2_000 });
  store.start();
  const settled = await outcome(() => store.whenSettled(), 30_000);
  if (settled.ok === 'hung') {
    const why = connectedOrWhy(store);
    await store.stop();
    assert.fail(`the explorer store on ${client.label} neither loaded nor gave up within 30 s (${why})`);
  }
  return store;
}

async function stopStore(store: EngineStore | undefined): Promise<void> {
  await store?.stop();
}

function connectedOrWhy(store: EngineStore): string {
  const state = store.state;
  return state.status === 'unreachable' ? `unreachable: ${state.error.message}` : state.status;
}

/**
 * Runs `fn` with process.env changed (undefined removes a variable) and puts it back. dockerode reads
 * DOCKER_HOST and SSH_AUTH_SOCK from the process when a client is constructed.
 */
function withProcessEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

type Outcome = { ok: true; ms: number } | { ok: false; ms: number; error: unknown } | { ok: 'hung'; ms: number };

/** How a call ends: answered, failed, or still waiting after `limitMs`. */
async function outcome(call: () => Promise<unknown>, limitMs: number): Promise<Outcome> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Outcome>((resolve) => { timer = setTimeout(() => resolve({ ok: 'hung', ms: Date.now() - t0 }), limitMs); });
  try {
    return await Promise.race([
      call().then((): Outcome => ({ ok: true, ms: Date.now() - t0 }), (error: unknown): Outcome => ({ ok: false, ms: Date.now() - t0, error })),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts the call was refused within REFUSAL_MS and returns the error. */
async function refused(call: () => Promise<unknown>, whatShouldHappen: string): Promise<EngineError> {
  const result = await outcome(call, REFUSAL_MS);
  if (result.ok === 'hung') assert.fail(`${whatShouldHappen}, but after ${result.ms} ms there was still no answer`);
  if (result.ok === true) assert.fail(`${whatShouldHappen}, but the connection succeeded`);
  assert.ok(result.error instanceof EngineError, `an EngineError, got ${String(result.error)}`);
  return result.error;
}

async function succeeded<T>(call: () => Promise<T>, what: string, fix: string): Promise<void> {
  const result = await outcome(call, 30_000);
  if (result.ok === true) return;
  const why = result.ok === 'hung' ? 'no answer in 30 s' : (result.error as Error).message;
  assert.fail(`${what} failed: ${why}\n  Needed in src: ${fix}`);
}

async function assertLists(client: EngineClient, network: string, volume: string): Promise<void> {
  const version = await client.negotiate();
  assert.ok(version.ApiVersion, 'the engine says its API version');
  assert.ok(compareApiVersions(client.negotiatedApiVersion!, MIN_API_VERSION) >= 0, `negotiated ${client.negotiatedApiVersion}`);
  const networks = await client.listNetworks();
  assert.ok(networks.some((n) => n.Name === network), `network ${network} in ${networks.map((n) => n.Name).join(', ')}`);
  const volumes = await client.listVolumes();
  assert.ok(volumes.some((v) => v.Name === volume), `volume ${volume} in ${volumes.map((v) => v.Name).join(', ')}`);
}

/** The store shows the test's network and volume, then follows a volume made and removed with `docker`. */
async function assertStoreLoadsAndFollows(store: EngineStore, network: string, volume: string, docker: (...args: string[]) => Promise<string>, newVolume: string): Promise<void> {
  assert.equal(store.state.status, 'connected', connectedOrWhy(store));
  assert.ok(store.loaded, 'full load done');
  assert.ok(store.networkByName(network), `network ${network} in the store`);
  assert.ok(store.volume(volume), `volume ${volume} in the store`);
  await docker('volume', 'create', newVolume);
  await waitFor(`${newVolume} in the store (from the engine's event stream)`, () => store.volume(newVolume), 15_000);
  await docker('volume', 'rm', newVolume);
  await waitFor(`${newVolume} gone from the store`, () => !store.volume(newVolume), 15_000);
}

// ---- (a) TCP + TLS ---------------------------------------------------------------------------------------------

suite('remote engine: TCP with TLS (private dockerd, certificates made by the test)', function () {
  this.timeout(60_000);
  let tls: TlsEngine;
  const net = 'dnvtest-tls-net';
  const vol = 'dnvtest-tls-vol';

  suiteSetup(async function () {
    this.timeout(SETUP_MS);
    tls = await startTlsEngine();
    await dockerAt(tls.unixHost, 'network', 'create', net);
    await dockerAt(tls.unixHost, 'volume', 'create', vol);
  });

  suiteTeardown(async function () {
    this.timeout(SETUP_MS);
    await tls?.stop();
  });

  test('negotiates and lists, configured by DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const client = clientFor({ env: tls.env, home: tls.dir });
    assert.equal(client.endpoint.host, tls.host);
    assert.ok(client.endpoint.tls?.ca && client.endpoint.tls.cert && client.endpoint.tls.key, 'CA, certificate and key read from DOCKER_CERT_PATH');
    assert.equal(client.endpoint.tls?.verify, true);
    await assertLists(client, net, vol);
  });

  test('negotiates and lists, configured by the host and certificate-folder settings', async () => {
    const client = clientFor({ hostSetting: tls.host, certPathSetting: tls.certDir, env: {}, home: tls.dir });
    await assertLists(client, net, vol);
  });

  test('the explorer store connects, loads and follows events over TLS', async () => {
    const store = await storeOn(clientFor({ hostSetting: tls.host, certPathSetting: tls.certDir, env: {}, home: tls.dir }));
    try {
      await assertStoreLoadsAndFollows(store, net, vol, tls.docker, 'dnvtest-tls-follow');
    } finally {
      await stopStore(store);
    }
  });

  test('without the CA (verification on) the engine is refused, quickly, with a certificate error', async () => {
    const client = clientFor({ hostSetting: tls.host, certPathSetting: tls.certDirWithout('ca.pem'), env: {}, home: tls.dir });
    assert.equal(client.endpoint.tls?.verify, true);
    const error = await refused(() => client.negotiate(), 'a server certificate from an unknown CA must be refused');
    assert.match(error.message, /certificate/i, `says it is about the certificate: ${error.message}`);
    assert.ok(error.message.includes(tls.host), `names the engine: ${error.message}`);
    assert.notEqual(error.kind, 'timeout');

    const store = await storeOn(clientFor({ hostSetting: tls.host, certPathSetting: tls.certDirWithout('ca.pem'), env: {}, home: tls.dir }));
    try {
      assert.equal(store.state.status, 'unreachable', 'the explorer shows the engine as not connected');
      if (store.state.status === 'unreachable') assert.match(store.state.error.message, /certificate/i);
    } finally {
      await stopStore(store);
    }
  });

  test('without a client certificate the engine (--tlsverify) refuses, quickly', async () => {
    const client = clientFor({ hostSetting: tls.host, certPathSetting: tls.certDirWithout('cert.pem', 'key.pem'), env: {}, home: tls.dir });
    const error = await refused(() => client.negotiate(), 'an engine started with --tlsverify must refuse a client without a certificate');
    assert.ok(error.message.includes(tls.host), `names the engine: ${error.message}`);
    assert.match(error.message, /certificate/i, `says it is about the certificate: ${error.message}`);
    assert.ok(/client certificate/i.test(error.message) && !/SSL routines|rec_layer|\.c:\d+/.test(error.message),
      `says, in words, that the engine wants a client certificate (cert.pem/key.pem in the certificate folder), got: ${error.message}\n`
      + '  Needed in src: src/engine/errors.ts toEngineError passes OpenSSL\'s text through. Map the TLS codes: '
      + 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE / ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED (engine refused our client certificate or got none), '
      + 'UNABLE_TO_VERIFY_LEAF_SIGNATURE / SELF_SIGNED_CERT_IN_CHAIN / UNABLE_TO_GET_ISSUER_CERT_LOCALLY / DEPTH_ZERO_SELF_SIGNED_CERT '
      + '(engine certificate not signed by the CA in ca.pem), ERR_TLS_CERT_ALTNAME_INVALID, CERT_HAS_EXPIRED, to a kind such as '
      + '\'tls\' with a sentence naming the certificate folder.');
  });

  test('with verification turned off, the CA is not needed (the client certificate is still sent)', async () => {
    const client = clientFor({ hostSetting: tls.host, certPathSetting: tls.certDirWithout('ca.pem'), tlsVerifySetting: false, env: {}, home: tls.dir });
    assert.equal(client.endpoint.tls?.verify, false, 'resolveEndpoint keeps the setting');
    await succeeded(() => client.negotiate(), 'negotiate() with TlsMaterial.verify === false',
      'src/engine/client.ts dockerodeOptions ignores tls.verify, and docker-modem passes only ca/cert/key to https.request. '
      + 'When verify is false, give dockerode `agent: new https.Agent({ ca, cert, key, rejectUnauthorized: false })` '
      + '(docker-modem hands `agent` to every request; the agent\'s TLS options apply to its sockets).');
  });

  test('a unix-socket client is not redirected by the DOCKER_HOST of the process', async () => {
    // The extension host inherits the user's DOCKER_HOST; with several engines, the one on the local socket must
    // still be the local socket. docker-modem merges defaults from process.env.DOCKER_HOST into every client.
    const nobody = `tcp://127.0.0.1:${await freePort()}`;
    const client = withProcessEnv({ DOCKER_HOST: nobody, DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined },
      () => clientFor({ hostSetting: tls.unixHost, env: {}, home: tls.dir }));
    await succeeded(() => client.negotiate(), `negotiate() with ${tls.unixHost} while process.env.DOCKER_HOST=${nobody}`,
      'docker-modem\'s Modem does Object.assign({}, defaultsFromProcessEnvDockerHost, options): a client given only '
      + '{ socketPath } inherits host/port/protocol from process.env.DOCKER_HOST and talks to that host instead. '
      + 'src/engine/client.ts dockerodeOptions must set every connection key explicitly for each scheme, e.g. for unix '
      + '{ socketPath, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined }, '
      + 'and for ssh an explicit sshOptions.agent (the ssh defaults from an ssh:// DOCKER_HOST overwrite sshOptions.agent).');
  });
});

// ---- (b) SSH ---------------------------------------------------------------------------------------------------

/** The TCP connections (their local address:port) this process holds open to a local port; ss -p names the owner. */
function sshConnectionsOfThisProcess(port: number): Set<string> {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return new Set(out.split('\n').filter((line) => line.includes(`pid=${process.pid},`)).map((line) => line.trim().split(/\s+/)[2]));
}

suite('remote engine: SSH (Debian sshd with a test key, docker system dial-stdio)', function () {
  this.timeout(60_000);
  let ssh: SshEngine;
  const net = 'dnvtest-ssh-net';
  const vol = 'dnvtest-ssh-vol';

  suiteSetup(async function () {
    this.timeout(SETUP_MS);
    ssh = await startSshEngine();
    await dockerAt(ssh.backingHost, 'network', 'create', net);
    await dockerAt(ssh.backingHost, 'volume', 'create', vol);
  });

  suiteTeardown(async function () {
    this.timeout(SETUP_MS);
    await ssh?.stop();
  });

  /** A client as the current code supports ssh: the agent from process.env.SSH_AUTH_SOCK (also given in env). */
  function agentClient(home: string): EngineClient {
    return withProcessEnv({ SSH_AUTH_SOCK: ssh.agentSocket, DOCKER_HOST: undefined },
      () => clientFor({ hostSetting: ssh.host, env: { SSH_AUTH_SOCK: ssh.agentSocket }, home }));
  }

  test('the docker CLI reaches the engine behind sshd (test infrastructure)', async () => {
    const names = await ssh.docker('network', 'ls', '--format', '{{.Name}}');
    assert.ok(names.split('\n').includes(net), names);
    assert.match(ssh.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  test('negotiates and lists over ssh, with the user key in an agent', async () => {
    const client = agentClient(ssh.makeHome({ identity: false, knownHosts: 'right' }));
    assert.equal(client.endpoint.host, ssh.host);
    await assertLists(client, net, vol);
  });

  test('the explorer store connects, loads and follows events over ssh', async () => {
    const store = await storeOn(agentClient(ssh.makeHome({ identity: false, knownHosts: 'right' })));
    try {
      await assertStoreLoadsAndFollows(store, net, vol, (...args) => dockerAt(ssh.backingHost, ...args), 'dnvtest-ssh-follow');
    } finally {
      await stopStore(store);
    }
  });

  test('requests share one SSH connection (each is a channel running docker system dial-stdio); close() ends it', async () => {
    // sshd logs every accepted login; docker-modem's own transport logged one per request.
    const logins = () => (readFileSync(path.join(ssh.dir, 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    const openBefore = sshConnectionsOfThisProcess(ssh.port); // other tests' clients may still hold theirs
    const client = agentClient(ssh.makeHome({ identity: false, knownHosts: 'right' }));
    await client.negotiate();
    for (let i = 0; i < 5; i++) await client.listVolumes();
    await Promise.all([client.listNetworks(), client.listVolumes(), client.listContainers(), client.info()]);
    await waitFor('sshd to log the login', () => logins() > before, 5_000);
    assert.equal(logins() - before, 1, 'one login for 11 requests');
    client.close();
    await client.listVolumes();
    await waitFor('the second login', () => logins() > before + 1, 5_000);
    assert.equal(logins() - before, 2, 'after close() the next request logs in again');

    // An upload (restore, clone) goes over the same SSH connection, and close() ends it too: a second tunnel
    // for uploads used to stay open after close(), keeping the editor's (or the CLI's) process alive.
    await withHelper(client, [{ volume: vol, readOnly: false }], async (helper) => {
      const layout = await archiveLayout(client);
      const entry = layout.entryPrefix ? `${layout.entryPrefix}/dnvtest-upload.txt` : 'dnvtest-upload.txt';
      await client.putArchive(helper, layout.uploadPath, Readable.from([await tarOf([{ name: entry, body: 'uploaded over ssh' }])]));
    });
    assert.equal(logins() - before, 2, 'the upload logged in no second time');
    client.close();
    const openedHere = () => [...sshConnectionsOfThisProcess(ssh.port)].filter((c) => !openBefore.has(c));
    await waitFor('no SSH connection of this client left open', () => openedHere().length === 0, 5_000)
      .catch(() => assert.fail(`after close() this client's SSH connection(s) from ${openedHere().join(', ')} are still open`));
  });

  test(`a server whose login shell takes ${SLOW_SHELL_S} s to start the command (pyenv or conda in ~/.bashrc) is reached, with requests in parallel`, async () => {
    // The 5 s connection timeout used to cover the server's shell too: "Cannot reach the Docker engine
    // (ECONNRESET) ... socket hang up" for an engine the docker CLI reached.
    const client = withProcessEnv({ SSH_AUTH_SOCK: ssh.agentSocket, DOCKER_HOST: undefined },
      () => clientFor({ hostSetting: ssh.slowShellHost, env: { SSH_AUTH_SOCK: ssh.agentSocket }, home: ssh.makeHome({ identity: false, knownHosts: 'right' }) }));
    try {
      await succeeded(() => client.negotiate(), `negotiate() with a ${SLOW_SHELL_S} s login shell`,
        'src/engine/client.ts: over ssh the connection timeout must not include the remote command starting');
      await succeeded(() => Promise.all([client.listNetworks(), client.listVolumes(), client.listContainers(), client.info()]),
        'four requests at once, each on a new channel', 'src/engine/sshTunnel.ts');
    } finally {
      client.close();
    }
  });

  test('without an agent, the key file in ~/.ssh of the given home is used', async () => {
    const home = ssh.makeHome({ identity: true, knownHosts: 'right' });
    const client = withProcessEnv({ SSH_AUTH_SOCK: undefined, DOCKER_HOST: undefined }, () => clientFor({ hostSetting: ssh.host, env: {}, home }));
    await succeeded(() => client.negotiate(), `negotiate() over ssh with only ${home}/.ssh/id_ed25519`,
      'src/engine/client.ts passes sshOptions { agent: process.env.SSH_AUTH_SOCK } and no key. Resolve the ssh identity in '
      + 'src/engine/connection.ts as OpenSSH does (HOME/.ssh/id_ed25519, id_ecdsa, id_rsa; agent from inputs.env.SSH_AUTH_SOCK) '
      + 'into the endpoint, and pass sshOptions.privateKey (and agent) in dockerodeOptions.');
  });

  test('an unknown host key is refused quickly, naming its SHA256 fingerprint', async () => {
    const client = agentClient(ssh.makeHome({ identity: true, knownHosts: 'none' }));
    const error = await refused(() => client.negotiate(),
      `a host key in no known_hosts must not be trusted silently (ssh2 accepts any key unless sshOptions.hostVerifier is given; `
      + `src must check HOME/.ssh/known_hosts, entry "[127.0.0.1]:${ssh.port} ssh-ed25519 ...", and refuse or ask, never hang)`);
    assert.ok(error.message.includes(ssh.hostKeyFingerprint), `the message shows the fingerprint ${ssh.hostKeyFingerprint}: ${error.message}`);
  });

  test('a changed host key is refused quickly', async () => {
    const client = agentClient(ssh.makeHome({ identity: true, knownHosts: 'wrong' }));
    const error = await refused(() => client.negotiate(),
      'a host key other than the one known_hosts holds for [127.0.0.1]:PORT must be refused (sshOptions.hostVerifier)');
    assert.ok(error.message.includes(ssh.hostKeyFingerprint), `the message shows the offered fingerprint: ${error.message}`);
  });

  test('~/.ssh/config is read as the CLI\'s ssh reads it: an alias with HostName, Port, User, IdentityFile and UserKnownHostsFile', async () => {
    // A home with no default key and no default known_hosts: only the config can make the alias work.
    const home = ssh.makeHome({ identity: false, knownHosts: 'none' });
    const sshDir = path.join(home, '.ssh');
    copyFileSync(ssh.keyPath, path.join(sshDir, 'engine-key'));
    chmodSync(path.join(sshDir, 'engine-key'), 0o600);
    writeFileSync(path.join(sshDir, 'hosts-of-engines'), `${ssh.knownHostsLine}\n`);
    writeFileSync(path.join(sshDir, 'config'), [
      'Host dnv-engine', '  HostName 127.0.0.1', `  Port ${ssh.port}`, `  User ${ssh.user}`, '  IdentityFile ~/.ssh/engine-key',
      '  IdentitiesOnly yes', '  UserKnownHostsFile %d/.ssh/hosts-of-engines', '',
    ].join('\n'));
    const client = withProcessEnv({ SSH_AUTH_SOCK: undefined, DOCKER_HOST: undefined }, () => clientFor({ hostSetting: 'ssh://dnv-engine', env: {}, home }));
    try {
      await succeeded(() => client.negotiate(), 'negotiate() over ssh://dnv-engine (an alias of ~/.ssh/config)',
        'src/engine/sshConfig.ts must give HostName, Port, User, IdentityFile and UserKnownHostsFile for the alias');
      await assertLists(client, net, vol);
    } finally {
      client.close();
    }
    // Without the config the alias is only a name that resolves nowhere: what made it work is the config.
    rmSync(path.join(sshDir, 'config'));
    const bare = withProcessEnv({ SSH_AUTH_SOCK: undefined, DOCKER_HOST: undefined }, () => clientFor({ hostSetting: 'ssh://dnv-engine', env: {}, home }));
    await refused(() => bare.negotiate(), 'ssh://dnv-engine without a config must not connect');
  });

  test('ProxyJump of ~/.ssh/config is followed: the engine is reached through a jump host (this sshd forwarding to itself)', async () => {
    const home = ssh.makeHome({ identity: false, knownHosts: 'right' });
    const sshDir = path.join(home, '.ssh');
    copyFileSync(ssh.keyPath, path.join(sshDir, 'engine-key'));
    chmodSync(path.join(sshDir, 'engine-key'), 0o600);
    const hostBlock = (alias: string) => [`Host ${alias}`, '  HostName 127.0.0.1', `  Port ${ssh.port}`, `  User ${ssh.user}`, '  IdentityFile ~/.ssh/engine-key'];
    writeFileSync(path.join(sshDir, 'config'), [...hostBlock('dnv-behind'), '  ProxyJump dnv-bastion', ...hostBlock('dnv-bastion'), ''].join('\n'));
    const logins = () => (readFileSync(path.join(ssh.dir, 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    const client = withProcessEnv({ SSH_AUTH_SOCK: undefined, DOCKER_HOST: undefined }, () => clientFor({ hostSetting: 'ssh://dnv-behind', env: {}, home }));
    try {
      assert.equal(client.endpoint.ssh?.jumps.length, 1);
      await succeeded(() => client.negotiate(), 'negotiate() over ssh://dnv-behind with ProxyJump dnv-bastion',
        'src/engine/sshTunnel.ts must connect to the jump host, forward a channel to the engine\'s server and run SSH over it');
      await assertLists(client, net, vol);
      await waitFor('sshd to log both logins', () => logins() >= before + 2, 5_000);
      assert.equal(logins() - before, 2, 'two logins: the jump host and, through it, the engine\'s server');
    } finally {
      client.close();
    }
  });

  test('a user key the server does not accept is refused quickly, and no secret reaches the message', async () => {
    const client = withProcessEnv({ SSH_AUTH_SOCK: undefined, DOCKER_HOST: undefined },
      () => clientFor({ hostSetting: ssh.host, env: {}, home: ssh.makeHome({ identity: false, knownHosts: 'right' }) }));
    const error = await refused(() => client.negotiate(), 'ssh without any usable key must fail');
    assert.match(error.message, /authenticat/i, error.message);
    assert.doesNotMatch(error.message, /PRIVATE KEY|BEGIN OPENSSH/);
  });
});

// ---- (c) Swarm -------------------------------------------------------------------------------------------------

suite('remote engine: Swarm manager with an overlay network', function () {
  this.timeout(60_000);
  let swarm: SwarmEngine;
  let client: EngineClient;

  suiteSetup(async function () {
    this.timeout(SETUP_MS);
    swarm = await startSwarmEngine();
    client = clientFor({ hostSetting: swarm.host, env: {}, home: swarm.dir });
  });

  suiteTeardown(async function () {
    this.timeout(SETUP_MS);
    await swarm?.stop();
  });

  test('negotiates; the engine says it is a Swarm manager', async () => {
    await client.negotiate();
    const info = await client.info();
    assert.equal(info.Swarm?.LocalNodeState, 'active');
    assert.equal(info.Swarm?.ControlAvailable, true);
    assert.equal(info.Swarm?.NodeID, swarm.nodeId);
  });

  test('lists the overlay network with scope swarm and attachable true, and the ingress network', async () => {
    const networks = await client.listNetworks();
    const overlay = networks.find((n) => n.Name === OVERLAY_NETWORK);
    assert.ok(overlay, `${OVERLAY_NETWORK} in ${networks.map((n) => n.Name).join(', ')}`);
    assert.equal(overlay.Driver, 'overlay');
    assert.equal(overlay.Scope, 'swarm');
    assert.equal(overlay.Attachable, true);
    assert.ok(networks.some((n) => n.Name === 'ingress' && n.Ingress === true), 'ingress network');
  });

  test('the explorer store shows the overlay network with scope swarm and attachable true', async () => {
    const store = await storeOn(client);
    try {
      assert.equal(store.state.status, 'connected', connectedOrWhy(store));
      const overlay = store.networkByName(OVERLAY_NETWORK);
      assert.ok(overlay, 'overlay network in the store');
      assert.equal(overlay.scope, 'swarm');
      assert.equal(overlay.attachable, true);
      assert.equal(overlay.driver, 'overlay');
      assert.equal(store.networkByName('ingress')?.builtIn, true, 'ingress is made by the engine');
    } finally {
      await stopStore(store);
    }
  });

  test('a container attached to the overlay network shows as its member', async () => {
    const store = await storeOn(clientFor({ hostSetting: swarm.host, env: {}, home: swarm.dir }));
    try {
      await swarm.docker('run', '-d', '--name', 'dnvtest-overlay-member', '--network', OVERLAY_NETWORK, TEST_IMAGE, 'sleep', '600');
      const member = await waitFor('the container as a member of the overlay network in the store', () => {
        const overlay = store.networkByName(OVERLAY_NETWORK);
        return overlay && store.membersOf(overlay).find((m) => m.container.name === 'dnvtest-overlay-member');
      }, 15_000);
      assert.ok(member.attachment.ipv4, 'it has an address on the overlay network');
    } finally {
      await swarm.docker('rm', '-f', 'dnvtest-overlay-member').catch(() => undefined);
      await stopStore(store);
    }
  });

  test('creates and removes an attachable overlay network through the client; the store follows', async () => {
    const store = await storeOn(clientFor({ hostSetting: swarm.host, env: {}, home: swarm.dir }));
    const name = 'dnvtest-overlay-2';
    try {
      await client.negotiate();
      const id = await client.createNetwork({ name, driver: 'overlay', attachable: true });
      assert.ok(id, 'network id');
      const inspected = await client.inspectNetwork(id);
      assert.equal(inspected.Scope, 'swarm');
      assert.equal(inspected.Attachable, true);
      await waitFor(`${name} in the store (from the engine's event stream)`, () => store.networkByName(name), 15_000);
      await client.removeNetwork(id);
      await waitFor(`${name} gone from the store`, () => !store.networkByName(name), 15_000);
    } finally {
      await stopStore(store);
    }
  });
});

// ---- (d) Podman ------------------------------------------------------------------------------------------------

suite('remote engine: Podman Docker-compatible service', function () {
  this.timeout(60_000);
  let podman: PodmanEngine;
  let client: EngineClient;
  const net = 'dnvtest-pod-net';
  const vol = 'dnvtest-pod-vol';

  suiteSetup(async function () {
    this.timeout(SETUP_MS);
    podman = await startPodmanService();
    const r = podman.apiReport;
    console.log(`      ${podman.podmanVersion}: GET /version says Version ${r.version.Version}, ApiVersion ${r.version.ApiVersion}, MinAPIVersion ${r.version.MinAPIVersion}`);
    for (const [call, answer] of Object.entries(r.endpoints)) console.log(`      ${call}: ${answer.status} ${answer.detail}`);
    console.log(`      GET /events (filtered): ${r.events.status}; while a volume and a network were made and removed it sent: `
      + (r.events.received.map((e) => `${e.Type} ${e.Action} (Actor.ID "${e.ActorID}", name "${e.name}")`).join('; ') || 'nothing'));
    await podman.docker('network', 'create', net);
    await podman.docker('volume', 'create', vol);
    client = clientFor({ hostSetting: podman.host, env: {}, home: podman.dir });
  });

  suiteTeardown(async function () {
    this.timeout(SETUP_MS);
    await podman?.stop();
  });

  test('GET /version gives an API version the client accepts', async () => {
    const version = await client.negotiate();
    assert.ok(version.Components?.some((c) => /podman/i.test(c.Name)), 'it is Podman');
    assert.ok(compareApiVersions(client.negotiatedApiVersion!, MIN_API_VERSION) >= 0, `negotiated ${client.negotiatedApiVersion}`);
  });

  test('lists networks and volumes', async () => {
    await assertLists(client, net, vol);
  });

  test('the explorer store connects and loads', async () => {
    const store = await storeOn(clientFor({ hostSetting: podman.host, env: {}, home: podman.dir }));
    try {
      assert.equal(store.state.status, 'connected', connectedOrWhy(store));
      assert.ok(store.networkByName(net), 'network in the store');
      assert.ok(store.volume(vol), 'volume in the store');
    } finally {
      await stopStore(store);
    }
  });

  test('creates and removes a network and a volume through the client; the store shows them after a reload', async () => {
    const store = await storeOn(clientFor({ hostSetting: podman.host, env: {}, home: podman.dir }));
    try {
      await client.negotiate();
      const id = await client.createNetwork({ name: 'dnvtest-pod-net2' });
      await client.createVolume({ name: 'dnvtest-pod-vol2' });
      await store.reload();
      assert.ok(store.networkByName('dnvtest-pod-net2'), 'network after reload');
      assert.ok(store.volume('dnvtest-pod-vol2'), 'volume after reload');
      await client.removeNetwork(id);
      await client.removeVolume('dnvtest-pod-vol2');
      await store.reload();
      assert.ok(!store.networkByName('dnvtest-pod-net2') && !store.volume('dnvtest-pod-vol2'), 'gone after reload');
    } finally {
      await stopStore(store);
    }
  });

  test('the store follows volumes made and removed outside the extension (Podman volume events)', async () => {
    const seen: EngineEvent[] = [];
    const abort = new AbortController();
    await client.negotiate();
    const stream = await client.openEvents(['volume'], abort.signal);
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) seen.push(JSON.parse(line) as EngineEvent);
    });
    stream.on('error', () => undefined);
    const store = await storeOn(clientFor({ hostSetting: podman.host, env: {}, home: podman.dir }));
    try {
      await podman.docker('volume', 'create', 'dnvtest-pod-follow');
      const result = await outcome(() => waitFor('the volume in the store', () => store.volume('dnvtest-pod-follow'), 8_000), 10_000);
      if (result.ok !== true) {
        assert.fail('a volume made with the CLI did not reach the store. Podman sent: '
          + `${JSON.stringify(seen.map((e) => ({ Type: e.Type, Action: e.Action, Actor: e.Actor })))}. `
          + 'Podman 4.3 sends volume events with Actor.ID "" and the volume name in Actor.Attributes.name; '
          + 'src/model/store.ts onEvent drops events without Actor.ID. Use `event.Actor?.ID || event.Actor?.Attributes?.name` for volume events.');
      }
      await podman.docker('volume', 'rm', 'dnvtest-pod-follow');
      await waitFor('the volume gone from the store', () => !store.volume('dnvtest-pod-follow'), 8_000);
    } finally {
      abort.abort();
      await stopStore(store);
    }
  });

  test('backup, restore and clone work on Podman: what goes in comes back file by file', async function () {
    this.timeout(120_000);
    await client.negotiate();
    const folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-pod-backup-'));
    const source = 'dnvtest-pod-backup-src';
    const copy = 'dnvtest-pod-backup-copy';
    const cloned = 'dnvtest-pod-backup-clone';
    try {
      // The volume is filled through the same archive API (no container has to run on this Podman).
      const entries: TarEntry[] = [
        { name: 'dir', type: 'directory', mode: 0o750, uid: 70, gid: 70 },
        { name: 'dir/a.txt', body: 'hello podman\n', mode: 0o640, uid: 70, gid: 70 },
        { name: 'dir/link', type: 'symlink', linkname: 'a.txt', mode: 0o777 },
        { name: 'dir/hard', type: 'link', linkname: 'dir/a.txt', mode: 0o640, uid: 70, gid: 70 }, // as tar writes a link
        { name: 'empty', type: 'directory' },
        { name: 'big.bin', body: randomBytes(300_000).toString('base64') },
      ];
      const archive = path.join(folder, 'seed.tar');
      writeFileSync(archive, await tarOf(entries));
      const seeded = await restoreVolume(client, { archive, volume: source });
      assert.equal(seeded.mode, 'new');

      const backup = await backupVolume(client, { volume: source, folder, format: 'tar.gz' });
      assert.equal(backup.manifest.content.files, 2, 'a.txt and big.bin; hard is a link');
      assert.equal(backup.manifest.content.hardlinks, 1);
      assert.equal(backup.manifest.content.symlinks, 1);
      const restored = await restoreVolume(client, { archive: backup.archive, volume: copy });
      assert.equal(restored.verified, true, 'the checksum in the manifest was checked');
      // Podman runs on this machine: the restored files' owners can be read on disk.
      const mountpoint = (await client.inspectVolume(copy)).Mountpoint!;
      assert.equal(statSync(path.join(mountpoint, 'dir', 'a.txt')).uid, 0, 'read back from Podman as 0:0, so restored as 0:0');
      assert.equal(statSync(path.join((await client.inspectVolume(source)).Mountpoint!, 'dir', 'a.txt')).uid, 70, 'the seed restore kept its owner');

      const second = await backupVolume(client, { volume: copy, folder, format: 'tar' });
      const [first, again] = [await entriesOf(backup.archive, false), await entriesOf(second.archive, false)];
      assert.deepEqual(again, first, 'the restored copy holds the same entries, modes, links and content');
      assert.deepEqual(first, (await entriesOf(archive, false)).filter((e) => !e.startsWith('. ')), 'the backup holds what was seeded');
      assert.ok(first.some((e) => e.startsWith('dir/a.txt file 640 ')), first.join('\n'));
      assert.ok(first.some((e) => e === 'dir/link symlink 777 -> a.txt'), first.join('\n'));
      assert.ok(first.some((e) => e.startsWith('empty directory')), first.join('\n'));

      await cloneVolume(client, { source: copy, target: cloned });
      const third = await backupVolume(client, { volume: cloned, folder, format: 'tar' });
      assert.deepEqual(await entriesOf(third.archive, false), first, 'the clone holds the same entries');
    } finally {
      for (const v of [source, copy, cloned]) await client.removeVolume(v).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('hostile archives are refused on Podman too, before anything is written (restore uploads into the volume\'s folder there)', async function () {
    this.timeout(120_000);
    await client.negotiate();
    const folder = mkdtempSync(path.join(tmpdir(), 'dnvtest-pod-hostile-'));
    const hostFile = path.join(folder, 'escaped');
    const target = 'dnvtest-pod-hostile-target';
    const fresh = 'dnvtest-pod-hostile-new';
    try {
      const seed = path.join(folder, 'seed.tar');
      writeFileSync(seed, await tarOf([{ name: 'precious.txt', body: 'precious\n', uid: 70, gid: 70 }]));
      await restoreVolume(client, { archive: seed, volume: target });
      const mountpoint = (await client.inspectVolume(target)).Mountpoint!;
      const before = diskListing(mountpoint);
      assert.ok(before.some((e) => e.startsWith('precious.txt file 644 70:70 ')), before.join('\n'));
      const volumesBefore = (await client.listVolumes()).map((v) => v.Name).sort();
      for (const c of hostileArchiveCases(hostFile)) {
        const archive = path.join(folder, `${c.name.replace(/\W+/g, '-')}.tar`);
        writeFileSync(archive, await tarOf(c.entries));
        for (const [volume, mode] of [[target, 'merge'], [target, 'replace'], [fresh, undefined]] as const) {
          await assert.rejects(restoreVolume(client, { archive, volume, mode }), (e: unknown) => {
            assert.ok(e instanceof UnsafeArchiveError, `${c.name} (${mode ?? 'new'}): UnsafeArchiveError, got ${String(e)}`);
            assert.match(e.message, c.reason, c.name);
            return true;
          });
        }
        assert.deepEqual(diskListing(mountpoint), before, `${c.name}: the target volume is unchanged on disk`);
        assert.equal(existsSync(hostFile), false, `${c.name}: nothing written outside the volume`);
      }
      assert.deepEqual((await client.listVolumes()).map((v) => v.Name).sort(), volumesBefore, 'no volume was created');
    } finally {
      for (const v of [target, fresh]) await client.removeVolume(v).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a dead editor\'s helper container on Podman is found and removed; a live one stays', async function () {
    this.timeout(60_000);
    await client.negotiate();
    const prefix = 'dnvtest-pod-rec-';
    const volume = `${prefix}vol`;
    await client.createVolume({ name: volume });
    const deadPid = spawnSync('true').pid!;
    const helper = async (name: string, owner: HelperOwner) => client.createContainer({
      image: await emptyImage(client), name, cmd: ['/nothing-runs-here'],
      labels: { [HELPER_LABEL]: HELPER_KIND.archive, [OWNER_LABEL]: JSON.stringify(owner) },
      mounts: [{ volume, target: '/data', readOnly: true }],
    });
    const names = async () => (await client.listContainers()).flatMap((c) => (c.Names ?? []).map((n) => n.replace(/^\//, ''))).filter((n) => n.startsWith(prefix)).sort();
    try {
      await helper(`${prefix}dead`, { host: hostname(), pid: deadPid });
      await helper(`${prefix}live`, { host: hostname(), pid: process.pid });
      assert.ok((await volumeUsers(client, volume)).some((u) => u.helper), 'the leftover blocks Remove Volume');
      const outcome = await recoverStaleHelpers(client, { namePrefix: prefix });
      assert.deepEqual(outcome.removed.map((r) => r.name), [`${prefix}dead`]);
      assert.deepEqual(outcome.failures, []);
      assert.deepEqual(await names(), [`${prefix}live`], 'the dead editor\'s helper is gone, the live one stays');
    } finally {
      for (const c of await client.listContainers()) {
        if ((c.Names ?? []).some((n) => n.replace(/^\//, '').startsWith(prefix))) await client.removeContainer(c.Id, { force: true }).catch(() => undefined);
      }
      await client.removeVolume(volume).catch(() => undefined);
    }
  });

  test('Podman\'s event stream opens (the explorer\'s only long-lived request)', () => {
    assert.equal(podman.apiReport.events.opened, true, `GET /events answered ${podman.apiReport.events.status}`);
  });
});

// ---- several engines at once -------------------------------------------------------------------------------------

suite('several engines: one going down leaves the others working', function () {
  this.timeout(60_000);
  let swarm: SwarmEngine | undefined;
  let podman: PodmanEngine | undefined;

  suiteSetup(async function () {
    this.timeout(SETUP_MS);
    [swarm, podman] = await Promise.all([startSwarmEngine({ testImage: false }), startPodmanService({ testImage: false })]);
  });

  suiteTeardown(async function () {
    this.timeout(SETUP_MS);
    await Promise.all([swarm?.stop(), podman?.stop()]);
  });

  test('stopping Podman makes its store unreachable; the Swarm engine\'s store stays connected and follows changes', async () => {
    const onSwarm = await storeOn(clientFor({ hostSetting: swarm!.host, env: {}, home: swarm!.dir }));
    const onPodman = await storeOn(clientFor({ hostSetting: podman!.host, env: {}, home: podman!.dir }));
    try {
      assert.equal(onSwarm.state.status, 'connected', connectedOrWhy(onSwarm));
      assert.equal(onPodman.state.status, 'connected', connectedOrWhy(onPodman));
      await podman!.stop();
      await waitFor('the Podman store to say its engine is unreachable', () => onPodman.state.status === 'unreachable', 15_000);
      assert.equal(onSwarm.state.status, 'connected');
      await swarm!.docker('volume', 'create', 'dnvtest-multi-vol');
      await waitFor('the Swarm store to follow a new volume', () => onSwarm.volume('dnvtest-multi-vol'), 15_000);
    } finally {
      await stopStore(onSwarm);
      await stopStore(onPodman);
    }
  });
});
