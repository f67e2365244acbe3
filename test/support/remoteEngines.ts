/**
 * Engines of every kind the extension must talk to, started by the tests on this machine and stopped again:
 *
 *   startTlsEngine()      a private dockerd serving TCP with --tlsverify, certificates made here with openssl,
 *                         reachable from the host at tcp://127.0.0.1:PORT
 *   startSshEngine()      Debian's sshd on 127.0.0.1:PORT with its own config, host key and a test user key,
 *                         in front of a private dockerd (`docker system dial-stdio` runs over it)
 *   startSwarmEngine()    a private dockerd that is a Swarm manager with an attachable overlay network
 *   startPodmanService()  `podman system service` with its own storage, configuration and event log
 *
 * Isolation. Every private engine runs in a network namespace and a mount namespace of its own
 * (`unshare --net --mount`): a second dockerd in the host's namespace would rewrite the first engine's docker0
 * bridge and iptables chains (with `--bridge none` it even deletes docker0), and its overlay mounts would show up
 * in the host's mount table. The engine's unix socket is a file, so the host reaches it all the same. TCP is
 * brought out with two socat relays (the TLS stream is not terminated on the way, so the certificate's IP SAN
 * 127.0.0.1 is what the client checks):
 *
 *   host 127.0.0.1:PORT --socat--> DIR/tls-relay.sock --socat (inside the namespace)--> 127.0.0.1:2376 dockerd
 *
 * Everything an engine uses lives in one folder /tmp/dnvtest-re-KIND-XXXXXX (short: unix socket paths are limited
 * to 108 bytes). stop() ends what it started, then any process whose command line or environment still names
 * that folder (dockerd's managed containerd, sshd sessions), and removes the folder; it may be called any number
 * of times. When the test process ends without stop() (a crash, a timeout), an exit hook sends SIGTERM to what is
 * still running, and the next start clears folders whose owning test process is gone. Nothing here stops, or
 * changes, an engine it did not start.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RemoteEngine {
  kind: 'tls' | 'ssh' | 'swarm' | 'podman';
  /** The engine's address as a user writes it: tcp://127.0.0.1:PORT, ssh://root@127.0.0.1:PORT, unix:///... */
  host: string;
  /**
   * What a user would set to reach it with the docker CLI (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
   * SSH_AUTH_SOCK...). DOCKER_CONFIG points at an empty folder of the engine's own, so a Docker context of the
   * machine's user cannot redirect the CLI.
   */
  env: Record<string, string>;
  /** The folder holding everything of this engine (removed by stop()). */
  dir: string;
  /** The docker CLI against this engine through `env` (for TLS and SSH: over TCP+TLS or SSH). Returns stdout. */
  docker(...args: string[]): Promise<string>;
  /** Idempotent: ends what was started, removes `dir`. */
  stop(): Promise<void>;
}

export interface TlsEngine extends RemoteEngine {
  kind: 'tls';
  /** ca.pem, cert.pem, key.pem: a client folder as DOCKER_CERT_PATH wants it. */
  certDir: string;
  /** ca.pem, server-cert.pem, server-key.pem (what dockerd was started with). */
  serverCertDir: string;
  /** The engine's own unix socket (no TLS), for setting up test data quickly. */
  unixHost: string;
  port: number;
  /** A new client folder holding copies of the client files except those named, e.g. certDirWithout('ca.pem'). */
  certDirWithout(...files: string[]): string;
}

export interface SshEngine extends RemoteEngine {
  kind: 'ssh';
  port: number;
  user: string;
  /**
   * A home folder as the CLI and OpenSSH expect: .ssh/id_ed25519 (the test user key), .ssh/known_hosts (the
   * test host key, as [127.0.0.1]:PORT), .ssh/config. OpenSSH takes ~ from the passwd entry, not $HOME, so
   * env.PATH starts with a folder whose `ssh` runs /usr/bin/ssh -F HOME/.ssh/config.
   */
  home: string;
  /** The test user's private key (also loaded in the agent at `agentSocket`). */
  keyPath: string;
  /** HOME/.ssh/known_hosts. */
  knownHostsFile: string;
  /** The line known_hosts holds for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  knownHostsLine: string;
  /** The host key's fingerprint as OpenSSH prints it: `SHA256:...` (base64, no padding). */
  hostKeyFingerprint: string;
  /** An ssh-agent holding the test user key (env.SSH_AUTH_SOCK). */
  agentSocket: string;
  /** The engine sshd's sessions reach (`SetEnv DOCKER_HOST` in its sshd_config): a private dockerd by default. */
  backingHost: string;
  /**
   * The same sshd and engine on a second port whose sessions start `docker system dial-stdio` only after
   * SLOW_SHELL_S seconds, as a server whose ~/.bashrc runs pyenv, conda or nvm init. (On `port` the sessions
   * get a HOME of their own, so this machine's root ~/.bashrc is not read: it made them slow at random.)
   */
  slowShellHost: string;
  /**
   * Another home folder, for negative tests: `identity` copies the user key to .ssh/id_ed25519; `knownHosts`
   * 'right' holds the real host key, 'wrong' another key under the same [127.0.0.1]:PORT (a changed host key),
   * 'none' an empty known_hosts.
   */
  makeHome(options: { identity: boolean; knownHosts: 'right' | 'wrong' | 'none' }): string;
}

export interface SwarmEngine extends RemoteEngine {
  kind: 'swarm';
  /** dnvtest-overlay: driver overlay, attachable, scope swarm. */
  overlayNetwork: string;
  overlayNetworkId: string;
  nodeId: string;
}

/** What a Docker-API server answered to the calls the explorer depends on (see probeDockerApi). */
export interface ApiReport {
  version: { Version?: string; ApiVersion?: string; MinAPIVersion?: string; Components?: string[]; Os?: string };
  endpoints: Record<string, { status: number; ok: boolean; detail: string }>;
  /** GET /events?filters={"type":["network","volume","container"]} while a volume and a network are made and removed. */
  events: { status: number; opened: boolean; received: Array<{ Type?: string; Action?: string; ActorID?: string; name?: string }> };
}

export interface PodmanEngine extends RemoteEngine {
  kind: 'podman';
  socketPath: string;
  /** `podman --version`. */
  podmanVersion: string;
  /** The Docker-compatible API as probed right after start. */
  apiReport: ApiReport;
}

export interface StartOptions {
  /** Import test/busybox:1 (from busybox-static) into the engine. Default true. */
  testImage?: boolean;
}

// ---- constants and small helpers ---------------------------------------------------------------------------

const TMP = '/tmp';
const DIR_PREFIX = 'dnvtest-re-';
export const TEST_IMAGE = 'test/busybox:1';
export const OVERLAY_NETWORK = 'dnvtest-overlay';
const START_TIMEOUT_MS = 60_000;

const ENGINE_ENV_KEYS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH', 'DOCKER_CONFIG'];

function firstExisting(...candidates: string[]): string | undefined {
  return candidates.find((c) => fs.existsSync(c));
}

/** Absolute path of a command, or an error naming the Debian package that has it. */
function need(command: string, debianPackage: string, ...paths: string[]): string {
  const found = firstExisting(...paths, ...['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin'].map((d) => path.join(d, command)));
  if (!found) {
    throw new Error(`${command} is not installed: install the Debian package ${debianPackage} (bash scripts/prereqs.sh installs it)`);
  }
  return found;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when `promise` settles within `ms`; the timer does not outlive the race. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion (asynchronously: the test process keeps serving its own sockets meanwhile). */
function run(file: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const why = (stderr || '').trim() || error.message;
          reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${why}`));
        } else {
          resolve(stdout.trim());
        }
      });
  });
}

/** The process environment without the variables that choose a Docker engine, plus `env`. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ENGINE_ENV_KEYS) delete out[key];
  return { ...out, ...env };
}

function dockerCli(env: Record<string, string>, args: string[], timeoutMs = 60_000): Promise<string> {
  return run('docker', args, { env: cliEnv(env), timeoutMs });
}

/** The docker CLI against `host` (unix:///...), whatever DOCKER_HOST the test process has. Returns stdout. */
export function dockerAt(host: string, ...args: string[]): Promise<string> {
  return dockerCli({ DOCKER_HOST: host }, args);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, hint?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `\nlast error: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}${hint ? `\n${hint()}` : ''}`);
    }
    await sleep(200);
  }
}

function tail(file: string, lines = 25): string {
  try {
    return `end of ${file}:\n${fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
  } catch {
    return `(no log at ${file})`;
  }
}

/** A port on 127.0.0.1 nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- processes: who owns what, and how it ends ----------------------------------------------------------------

/** Start time of a process (clock ticks since boot), or undefined once it has ended (zombies count as ended). */
function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the test process ends without stop(), the engines must not outlive it: SIGTERM lets dockerd stop its containerd. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

interface Started {
  name: string;
  proc: ChildProcess;
  log: string;
}

/** Starts a long-running process with its output in DIR/NAME.log. It stays in our process group, so a Ctrl-C reaches it. */
function startProcess(dir: string, name: string, file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  installExitHook();
  const log = path.join(dir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  fs.writeSync(fd, `=== ${new Date().toISOString()} ${file} ${args.join(' ')}\n`);
  const proc = spawn(file, args, { stdio: ['ignore', fd, fd], env });
  fs.closeSync(fd);
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  proc.once('error', () => running.delete(proc));
  return { name, proc, log };
}

function alive(p: Started | undefined): boolean {
  return !!p && p.proc.exitCode === null && p.proc.signalCode === null && p.proc.pid !== undefined;
}

/** Rejects (with the end of its log) when the process exits: race it against a readiness wait. */
function exitsEarly(p: Started): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    p.proc.once('error', (e) => reject(new Error(`${p.name} could not start: ${e.message}`)));
    p.proc.once('exit', (code, signal) => reject(new Error(`${p.name} exited (${code ?? signal}) while starting; ${tail(p.log)}`)));
  });
  failed.catch(() => undefined);
  return failed;
}

async function endProcess(p: Started | undefined, graceMs: number): Promise<void> {
  if (!p || !alive(p)) return;
  const exited = new Promise<void>((resolve) => p.proc.once('exit', () => resolve()));
  p.proc.kill('SIGTERM');
  if (await within(exited, graceMs)) return;
  p.proc.kill('SIGKILL');
  await within(exited, 5_000);
}

/**
 * Processes whose command line or environment names `dir` (our engine's folder): dockerd's managed containerd and
 * shims, sshd's sessions (`docker system dial-stdio` with DOCKER_HOST=unix://DIR/...). Never this process.
 */
function processesUsing(dir: string): Array<{ pid: number; start: string }> {
  const needle = Buffer.from(`${dir}/`);
  const found: Array<{ pid: number; start: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || pid === process.ppid) continue;
    let uses = false;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (fs.readFileSync(`/proc/${pid}/${file}`).includes(needle)) { uses = true; break; }
      } catch {
        // ended meanwhile, or not ours to read
      }
    }
    const start = uses ? procStart(pid) : undefined;
    if (start) found.push({ pid, start });
  }
  return found;
}

async function endProcessesUsing(dir: string): Promise<void> {
  let left = processesUsing(dir);
  if (left.length === 0) return;
  const signal = (sig: NodeJS.Signals) => {
    for (const p of left) {
      if (procStart(p.pid) !== p.start) continue; // ended, and the pid may be someone else's now
      try {
        process.kill(p.pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 25 && left.some((p) => procStart(p.pid) === p.start); i++) await sleep(200);
  left = left.filter((p) => procStart(p.pid) === p.start);
  if (left.length) {
    signal('SIGKILL');
    await sleep(300);
  }
}

async function removeDir(dir: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      await sleep(250);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A fresh folder /tmp/dnvtest-re-KIND-XXXXXX with an owner file naming this test process. Folders of earlier runs
 * whose test process is gone are cleared first (their processes ended, the folders removed).
 */
async function engineDir(kind: string): Promise<string> {
  await sweepStale();
  const dir = fs.mkdtempSync(path.join(TMP, `${DIR_PREFIX}${kind}-`));
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'owner'), `${process.pid} ${procStart(process.pid) ?? ''}\n`);
  return dir;
}

/** Clears engine folders left by test processes that no longer run. Never touches a live run's folder. */
export async function sweepStale(): Promise<string[]> {
  const swept: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(TMP).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return swept;
  }
  // test images' root filesystems, one per test process
  for (const entry of fs.readdirSync(TMP)) {
    const owner = /^dnvtest-rootfs-(\d+)\.tar$/.exec(entry);
    if (owner && !procStart(Number(owner[1]))) fs.rmSync(path.join(TMP, entry), { force: true });
  }
  for (const entry of entries) {
    const dir = path.join(TMP, entry);
    let ownerAlive = false;
    try {
      const [pid, start] = fs.readFileSync(path.join(dir, 'owner'), 'utf8').trim().split(' ');
      ownerAlive = Boolean(start) && procStart(Number(pid)) === start;
    } catch {
      // no owner file: being created right now (younger than a minute), or debris
      try {
        ownerAlive = Date.now() - fs.statSync(dir).mtimeMs < 60_000;
      } catch {
        continue;
      }
    }
    if (ownerAlive) continue;
    await endProcessesUsing(dir);
    await removeDir(dir);
    swept.push(dir);
  }
  return swept;
}

// ---- a private dockerd ----------------------------------------------------------------------------------------

/**
 * A shell line run by `unshare --net --mount` before the engine: the new network namespace has only a loopback
 * interface, and it starts down.
 */
const IN_NAMESPACE = 'ip link set lo up || { echo "cannot bring up lo in the new network namespace" >&2; exit 97; }; exec "$@"';

class PrivateDockerd {
  readonly socket: string;
  readonly host: string;
  private started: Started | undefined;

  constructor(readonly dir: string, readonly name: string) {
    this.socket = path.join(dir, 'docker.sock');
    this.host = `unix://${this.socket}`;
  }

  get pid(): number | undefined {
    return alive(this.started) ? this.started!.proc.pid : undefined;
  }

  /** The network namespace it runs in, for helpers that must listen there (nsenter --net=...). */
  get netnsPath(): string {
    if (!this.pid) throw new Error(`${this.name}: dockerd does not run`);
    return `/proc/${this.pid}/ns/net`;
  }

  docker(...args: string[]): Promise<string> {
    return dockerCli({ DOCKER_HOST: this.host }, args);
  }

  async start(extraArgs: string[] = []): Promise<void> {
    const dockerd = process.env.DNV_DOCKERD || need('dockerd', 'docker.io');
    const unshare = need('unshare', 'util-linux');
    need('ip', 'iproute2');
    need('docker', 'docker.io');
    fs.writeFileSync(path.join(this.dir, 'daemon.json'), '{}\n'); // /etc/docker/daemon.json must not leak in
    this.started = startProcess(this.dir, 'dockerd', unshare, ['--net', '--mount', '--', 'sh', '-c', IN_NAMESPACE, 'sh', dockerd,
      '--host', this.host,
      ...extraArgs,
      '--data-root', path.join(this.dir, 'data'),
      '--exec-root', path.join(this.dir, 'exec'),
      '--pidfile', path.join(this.dir, 'dockerd.pid'),
      '--config-file', path.join(this.dir, 'daemon.json'),
      // with a system containerd at /run/containerd, dockerd would use it: namespaces of our own keep ours apart
      '--containerd-namespace', `dnvtest-${this.name}`,
      '--containerd-plugins-namespace', `dnvtest-${this.name}-plugins`,
      '--shutdown-timeout', '3',
    ]);
    const started = this.started;
    await Promise.race([exitsEarly(started), until(`${this.name}: dockerd to answer at ${this.host}`,
      async () => Boolean(await this.docker('version', '--format', '{{.Server.Version}}')), START_TIMEOUT_MS, () => tail(started.log))]);
  }

  async importTestImage(): Promise<void> {
    await importTestImage({ DOCKER_HOST: this.host });
  }

  async stop(): Promise<void> {
    await endProcess(this.started, 25_000);
  }
}

let rootfsTar: string | undefined;

/** test/busybox:1 from Debian's static busybox, one symlink per applet, PATH=/bin (as scripts/make-test-images.sh). */
async function importTestImage(env: Record<string, string>): Promise<void> {
  if (!rootfsTar || !fs.existsSync(rootfsTar)) {
    const busybox = '/bin/busybox';
    if (!fs.existsSync(busybox)) throw new Error('/bin/busybox is missing: install the Debian package busybox-static');
    const root = fs.mkdtempSync(path.join(TMP, 'dnvtest-rootfs-'));
    try {
      fs.mkdirSync(path.join(root, 'bin'));
      fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
      fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
      for (const applet of (await run(busybox, ['--list'])).split('\n')) {
        if (applet && applet !== 'busybox') fs.symlinkSync('busybox', path.join(root, 'bin', applet));
      }
      // built once per test process, shared by its engines
      const tar = path.join(TMP, `dnvtest-rootfs-${process.pid}.tar`);
      await run('tar', ['-C', root, '-cf', tar, '.']);
      process.once('exit', () => fs.rmSync(tar, { force: true }));
      rootfsTar = tar;
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  await dockerCli(env, ['import', '-c', 'ENV PATH=/bin', rootfsTar, TEST_IMAGE]);
}

/** Ends the engine's processes, then whatever still uses its folder, then removes the folder. Runs once. */
function stopper(dir: string, steps: Array<() => Promise<void>>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      const errors: string[] = [];
      for (const step of steps) {
        try {
          await step();
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      await endProcessesUsing(dir);
      await removeDir(dir);
      if (errors.length) throw new Error(`stopping ${dir}: ${errors.join('; ')}`);
    })();
    return stopping;
  };
}

/** Runs `start`; if it fails, stops what it had started before rethrowing. */
async function startOrClean<T>(stop: () => Promise<void>, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

// ---- (a) TCP with TLS -----------------------------------------------------------------------------------------

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run(need('openssl', 'openssl'), args, { env: { ...process.env, RANDFILE: path.join(dir, '.rnd') } });
}

/** A CA, a server certificate for IP 127.0.0.1 / localhost and a client certificate, all P-256, valid 2 days. */
async function makeCertificates(dir: string): Promise<{ clientDir: string; serverDir: string }> {
  const ca = path.join(dir, 'ca');
  const clientDir = path.join(dir, 'client');
  const serverDir = path.join(dir, 'server');
  for (const d of [ca, clientDir, serverDir]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, 'req', '-x509', ...ec, '-keyout', path.join(ca, 'ca-key.pem'), '-out', path.join(ca, 'ca.pem'),
    '-days', '2', '-subj', '/CN=dnvtest-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const sign = async (name: string, keyOut: string, certOut: string, subject: string, extensions: string) => {
    const csr = path.join(ca, `${name}.csr`);
    const ext = path.join(ca, `${name}.ext`);
    fs.writeFileSync(ext, extensions);
    await openssl(dir, 'req', ...ec, '-keyout', keyOut, '-out', csr, '-subj', subject);
    await openssl(dir, 'x509', '-req', '-in', csr, '-CA', path.join(ca, 'ca.pem'), '-CAkey', path.join(ca, 'ca-key.pem'),
      '-CAcreateserial', '-out', certOut, '-days', '2', '-extfile', ext);
  };
  await sign('server', path.join(serverDir, 'server-key.pem'), path.join(serverDir, 'server-cert.pem'), '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  await sign('client', path.join(clientDir, 'key.pem'), path.join(clientDir, 'cert.pem'), '/CN=dnvtest-client',
    'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n');
  fs.copyFileSync(path.join(ca, 'ca.pem'), path.join(clientDir, 'ca.pem'));
  fs.copyFileSync(path.join(ca, 'ca.pem'), path.join(serverDir, 'ca.pem'));
  return { clientDir, serverDir };
}

export async function startTlsEngine(options: StartOptions = {}): Promise<TlsEngine> {
  const socat = need('socat', 'socat');
  const nsenter = need('nsenter', 'util-linux');
  const dir = await engineDir('tls');
  const dockerd = new PrivateDockerd(dir, 'tls');
  let inner: Started | undefined;
  let outer: Started | undefined;
  const stop = stopper(dir, [() => endProcess(outer, 5_000), () => endProcess(inner, 5_000), () => dockerd.stop()]);
  return startOrClean(stop, async () => {
    const { clientDir, serverDir } = await makeCertificates(path.join(dir, 'certs'));
    await dockerd.start(['--host', 'tcp://127.0.0.1:2376', '--tlsverify',
      '--tlscacert', path.join(serverDir, 'ca.pem'),
      '--tlscert', path.join(serverDir, 'server-cert.pem'),
      '--tlskey', path.join(serverDir, 'server-key.pem')]);
    if (options.testImage !== false) await dockerd.importTestImage();

    // Inside the engine's namespace: a unix socket relaying to its TLS port.
    const relay = path.join(dir, 'tls-relay.sock');
    inner = startProcess(dir, 'socat-inner', nsenter, [`--net=${dockerd.netnsPath}`, '--', socat,
      `UNIX-LISTEN:${relay},fork,unlink-early,mode=600`, 'TCP:127.0.0.1:2376']);
    const innerStarted = inner;
    await Promise.race([exitsEarly(innerStarted), until('the relay socket inside the TLS engine namespace', async () => fs.existsSync(relay), 10_000)]);

    // In the host namespace: 127.0.0.1:PORT relaying to that socket. The port is free when chosen; if another
    // process takes it before socat binds, socat exits and we try another.
    const env: Record<string, string> = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: clientDir, DOCKER_CONFIG: emptyDockerConfig(dir) };
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      env.DOCKER_HOST = `tcp://127.0.0.1:${port}`;
      outer = startProcess(dir, 'socat-outer', socat, [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${relay}`]);
      const outerStarted = outer;
      try {
        await Promise.race([exitsEarly(outerStarted), until(`the TLS engine at tcp://127.0.0.1:${port} (docker CLI with DOCKER_TLS_VERIFY=1)`,
          async () => Boolean(await dockerCli(env, ['version', '--format', '{{.Server.Version}}'], 10_000)), 20_000, () => tail(outerStarted.log))]);
        break;
      } catch (e) {
        if (alive(outerStarted) || attempt >= 3) throw e;
      }
    }
    return {
      kind: 'tls' as const,
      host: env.DOCKER_HOST,
      env,
      dir,
      certDir: clientDir,
      serverCertDir: serverDir,
      unixHost: dockerd.host,
      port,
      docker: (...args: string[]) => dockerCli(env, args),
      certDirWithout: (...files: string[]) => {
        const copy = fs.mkdtempSync(path.join(dir, 'certs', 'client-without-'));
        for (const f of ['ca.pem', 'cert.pem', 'key.pem']) {
          if (!files.includes(f)) fs.copyFileSync(path.join(clientDir, f), path.join(copy, f));
        }
        return copy;
      },
      stop,
    };
  });
}

function emptyDockerConfig(dir: string): string {
  const config = path.join(dir, 'docker-config');
  fs.mkdirSync(config, { recursive: true });
  fs.writeFileSync(path.join(config, 'config.json'), '{}\n');
  return config;
}

// ---- (b) SSH --------------------------------------------------------------------------------------------------

/** The SHA256 fingerprint OpenSSH shows for a public key file: `SHA256:...`. */
export async function sshFingerprint(publicKeyFile: string): Promise<string> {
  const out = await run(need('ssh-keygen', 'openssh-client'), ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const match = /(SHA256:[A-Za-z0-9+/]+)/.exec(out);
  if (!match) throw new Error(`ssh-keygen printed no SHA256 fingerprint for ${publicKeyFile}: ${out}`);
  return match[1];
}

async function keygen(file: string, comment: string): Promise<void> {
  await run(need('ssh-keygen', 'openssh-client'), ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** How long the sessions on SshEngine.slowShellHost take to start the command: more than the 5 s connect timeout. */
export const SLOW_SHELL_S = 6;

export async function startSshEngine(options: StartOptions & {
  /** 'private' (default): a dockerd of its own behind sshd. 'main': the engine at /var/run/docker.sock (reads only!). */
  engine?: 'private' | 'main';
} = {}): Promise<SshEngine> {
  const sshd = need('sshd', 'openssh-server');
  const ssh = need('ssh', 'openssh-client');
  const agentBin = need('ssh-agent', 'openssh-client');
  const sshAdd = need('ssh-add', 'openssh-client');
  const dir = await engineDir('ssh');
  const dockerd = options.engine === 'main' ? undefined : new PrivateDockerd(dir, 'ssh');
  let server: Started | undefined;
  let agent: Started | undefined;
  const stop = stopper(dir, [() => endProcess(server, 5_000), () => endProcess(agent, 5_000), async () => dockerd?.stop()]);
  return startOrClean(stop, async () => {
    if (dockerd) {
      await dockerd.start();
      if (options.testImage !== false) await dockerd.importTestImage();
    }
    const backingHost = dockerd?.host ?? 'unix:///var/run/docker.sock';
    const user = os.userInfo().username;

    // Keys: the server's host key, the test user's key.
    const hostKey = path.join(dir, 'ssh_host_ed25519_key');
    await keygen(hostKey, 'dnvtest-host');
    const home = path.join(dir, 'home');
    const sshDir = path.join(home, '.ssh');
    fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const keyPath = path.join(sshDir, 'id_ed25519');
    await keygen(keyPath, 'dnvtest-user');
    const authorizedKeys = path.join(dir, 'authorized_keys');
    fs.copyFileSync(`${keyPath}.pub`, authorizedKeys);
    fs.chmodSync(authorizedKeys, 0o600);
    const hostKeyFingerprint = await sshFingerprint(`${hostKey}.pub`);

    // sshd refuses to start without its privilege separation folder; Debian's service makes it at boot.
    if (!fs.existsSync('/run/sshd')) fs.mkdirSync('/run/sshd', { mode: 0o755 });

    const config = path.join(dir, 'sshd_config');
    // sshd runs every command through the user's login shell, and bash reads ~/.bashrc (HOME from the passwd
    // entry) when sshd started it: on this machine root's .bashrc runs `pyenv init`, 4 to 7 s per session,
    // concurrent ones waiting for each other on pyenv's rehash lock. SetEnv HOME gives the sessions a home of
    // their own, so the server is the same on every machine; slowShellPort makes such a shell on purpose.
    const serverHome = path.join(dir, 'server-home');
    fs.mkdirSync(serverHome, { mode: 0o700 });
    let port = 0;
    let slowShellPort = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      do slowShellPort = await freePort(); while (slowShellPort === port);
      fs.writeFileSync(config, [
        `ListenAddress 127.0.0.1:${port}`,
        `ListenAddress 127.0.0.1:${slowShellPort}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PermitRootLogin prohibit-password', // root by key only, in this config only
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no', // the key files live under /tmp
        'AllowAgentForwarding no',
        'AllowTcpForwarding local', // this server is also the ProxyJump host of the jump test (a forward to itself)
        'X11Forwarding no',
        'PermitTTY no',
        'PrintMotd no',
        'MaxStartups 50:30:100', // the docker CLI opens one connection per command
        // MaxSessions: the default (10), as on a user's server; the client opens at most MAX_CHANNELS at once.
        `SetEnv DOCKER_HOST=${backingHost} HOME=${serverHome}`,
        'LogLevel VERBOSE',
        `Match LocalPort ${slowShellPort}`,
        `  ForceCommand sleep ${SLOW_SHELL_S}; exec docker system dial-stdio`,
        '',
      ].join('\n'));
      await run(sshd, ['-t', '-f', config]);
      server = startProcess(dir, 'sshd', sshd, ['-D', '-e', '-f', config]);
      const serverStarted = server;
      try {
        await Promise.race([exitsEarly(serverStarted), until(`sshd on 127.0.0.1:${port}`, () => portOpen(port), 10_000, () => tail(serverStarted.log))]);
        break;
      } catch (e) {
        if (alive(serverStarted) || attempt >= 3) throw e;
      }
    }

    const hostPublic = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const knownHostsLine = `[127.0.0.1]:${port} ${hostPublic}`;
    const slowShellLine = `[127.0.0.1]:${slowShellPort} ${hostPublic}`;
    const knownHostsFile = path.join(sshDir, 'known_hosts');
    fs.writeFileSync(knownHostsFile, `${knownHostsLine}\n${slowShellLine}\n`);
    const sshConfig = path.join(sshDir, 'config');
    fs.writeFileSync(sshConfig, [
      'Host 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${keyPath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHostsFile}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ConnectTimeout 10',
      '',
    ].join('\n'));
    // The docker CLI runs `ssh ... docker system dial-stdio`; OpenSSH reads ~/.ssh from the passwd entry, so a
    // wrapper first in PATH hands it our config instead.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nexec ${ssh} -F ${sshConfig} "$@"\n`, { mode: 0o755 });

    const agentSocket = path.join(dir, 'agent.sock');
    agent = startProcess(dir, 'ssh-agent', agentBin, ['-D', '-a', agentSocket]);
    const agentStarted = agent;
    await Promise.race([exitsEarly(agentStarted), until('ssh-agent socket', async () => fs.existsSync(agentSocket), 10_000)]);
    await run(sshAdd, ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });

    const host = `ssh://${user}@127.0.0.1:${port}`;
    const env: Record<string, string> = {
      DOCKER_HOST: host,
      SSH_AUTH_SOCK: agentSocket,
      HOME: home,
      PATH: `${bin}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
      DOCKER_CONFIG: emptyDockerConfig(dir),
    };
    // End to end, as a user would: the CLI over ssh, `docker system dial-stdio` on the far side.
    const serverStarted = server!;
    await until(`the docker CLI to reach ${backingHost} over ${host}`,
      async () => Boolean(await dockerCli(env, ['version', '--format', '{{.Server.Version}}'], 15_000)), 30_000, () => tail(serverStarted.log));

    let homes = 0;
    return {
      kind: 'ssh' as const,
      host,
      env,
      dir,
      port,
      user,
      home,
      keyPath,
      knownHostsFile,
      knownHostsLine,
      hostKeyFingerprint,
      agentSocket,
      backingHost,
      slowShellHost: `ssh://${user}@127.0.0.1:${slowShellPort}`,
      docker: (...args: string[]) => dockerCli(env, args),
      makeHome: ({ identity, knownHosts }) => {
        const other = path.join(dir, `home-${++homes}`);
        const otherSsh = path.join(other, '.ssh');
        fs.mkdirSync(otherSsh, { recursive: true, mode: 0o700 });
        if (identity) {
          fs.copyFileSync(keyPath, path.join(otherSsh, 'id_ed25519'));
          fs.chmodSync(path.join(otherSsh, 'id_ed25519'), 0o600);
          fs.copyFileSync(`${keyPath}.pub`, path.join(otherSsh, 'id_ed25519.pub'));
        }
        let content = '';
        if (knownHosts === 'right') content = `${knownHostsLine}\n${slowShellLine}\n`;
        if (knownHosts === 'wrong') {
          // a syntactically valid ed25519 key that is not the server's (the public key of the user key will do)
          const otherKey = fs.readFileSync(`${keyPath}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
          content = `[127.0.0.1]:${port} ${otherKey}\n`;
        }
        fs.writeFileSync(path.join(otherSsh, 'known_hosts'), content);
        return other;
      },
      stop,
    };
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// ---- (c) Swarm ------------------------------------------------------------------------------------------------

export async function startSwarmEngine(options: StartOptions = {}): Promise<SwarmEngine> {
  const dir = await engineDir('swarm');
  const dockerd = new PrivateDockerd(dir, 'swarm');
  const stop = stopper(dir, [() => dockerd.stop()]);
  return startOrClean(stop, async () => {
    await dockerd.start();
    if (options.testImage !== false) await dockerd.importTestImage();
    const env = { DOCKER_HOST: dockerd.host, DOCKER_CONFIG: emptyDockerConfig(dir) };
    await dockerCli(env, ['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', '127.0.0.1:2377']);
    const nodeId = await dockerCli(env, ['info', '--format', '{{.Swarm.NodeID}}']);
    const overlayNetworkId = await dockerCli(env, ['network', 'create', '--driver', 'overlay', '--attachable', OVERLAY_NETWORK]);
    return {
      kind: 'swarm' as const,
      host: dockerd.host,
      env,
      dir,
      overlayNetwork: OVERLAY_NETWORK,
      overlayNetworkId,
      nodeId,
      docker: (...args: string[]) => dockerCli(env, args),
      stop,
    };
  });
}

// ---- (d) Podman -----------------------------------------------------------------------------------------------

/** One HTTP request over a unix socket; the body as text. */
function unixRequest(socketPath: string, method: string, urlPath: string, body?: unknown, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      socketPath, method, path: urlPath, timeout: timeoutMs,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Asks a Docker-API server behind a unix socket for what the explorer relies on: GET /version, the lists, and
 * whether GET /events (filtered as the explorer filters it) carries volume and network create/remove events.
 * Creates and removes dnvtest-probe-vol and dnvtest-probe-net.
 */
export async function probeDockerApi(socketPath: string, apiVersion = '1.41'): Promise<ApiReport> {
  const v = `/v${apiVersion}`;
  const versionAnswer = await unixRequest(socketPath, 'GET', '/version');
  const raw = JSON.parse(versionAnswer.text) as { Version?: string; ApiVersion?: string; MinAPIVersion?: string; Os?: string; Components?: Array<{ Name: string; Version: string }> };
  const report: ApiReport = {
    version: {
      Version: raw.Version, ApiVersion: raw.ApiVersion, MinAPIVersion: raw.MinAPIVersion, Os: raw.Os,
      Components: raw.Components?.map((c) => `${c.Name} ${c.Version}`.split('\n')[0]),
    },
    endpoints: {},
    events: { status: 0, opened: false, received: [] },
  };
  const record = async (key: string, method: string, urlPath: string, body?: unknown, summarize?: (json: unknown) => string) => {
    try {
      const answer = await unixRequest(socketPath, method, urlPath, body);
      let detail = answer.text.slice(0, 200);
      if (answer.status < 300 && summarize) {
        try { detail = summarize(answer.text ? JSON.parse(answer.text) : null); } catch { /* keep the text */ }
      }
      report.endpoints[key] = { status: answer.status, ok: answer.status >= 200 && answer.status < 300, detail };
    } catch (e) {
      report.endpoints[key] = { status: 0, ok: false, detail: (e as Error).message };
    }
  };
  await record('GET /networks', 'GET', `${v}/networks`, undefined, (j) => `${(j as unknown[]).length} networks: ${(j as Array<{ Name: string; Driver: string; Scope: string }>).map((n) => `${n.Name} (${n.Driver}, ${n.Scope})`).join(', ')}`);
  await record('GET /volumes', 'GET', `${v}/volumes`, undefined, (j) => `${((j as { Volumes?: unknown[] | null }).Volumes ?? []).length} volumes`);
  await record('GET /containers/json', 'GET', `${v}/containers/json?all=true`, undefined, (j) => `${(j as unknown[]).length} containers`);
  await record('GET /info', 'GET', `${v}/info`, undefined, (j) => `Swarm: ${JSON.stringify((j as { Swarm?: { LocalNodeState?: string } }).Swarm?.LocalNodeState ?? null)}`);
  await record('GET /system/df?type=volume', 'GET', `${v}/system/df?type=volume`, undefined, () => 'ok');

  // Events: open the stream as the explorer does, make and remove a volume and a network, see what comes.
  const filters = encodeURIComponent(JSON.stringify({ type: ['network', 'volume', 'container'] }));
  const controller = new AbortController();
  const streamed = new Promise<void>((resolve) => {
    const req = http.request({ socketPath, method: 'GET', path: `${v}/events?filters=${filters}`, signal: controller.signal }, (res) => {
      report.events.status = res.statusCode ?? 0;
      report.events.opened = res.statusCode === 200;
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          try {
            const e = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
            report.events.received.push({ Type: e.Type, Action: e.Action, ActorID: e.Actor?.ID, name: e.Actor?.Attributes?.name });
          } catch {
            // a line torn by the abort
          }
        }
      });
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
  await until('the event stream to open', async () => report.events.status !== 0, 10_000).catch(() => undefined);
  await record('POST /volumes/create', 'POST', `${v}/volumes/create`, { Name: 'dnvtest-probe-vol' }, () => 'created dnvtest-probe-vol');
  await record('POST /networks/create', 'POST', `${v}/networks/create`, { Name: 'dnvtest-probe-net', Driver: 'bridge', CheckDuplicate: true }, () => 'created dnvtest-probe-net');
  await record('DELETE /volumes/{name}', 'DELETE', `${v}/volumes/dnvtest-probe-vol`, undefined, () => 'removed');
  await record('DELETE /networks/{id}', 'DELETE', `${v}/networks/dnvtest-probe-net`, undefined, () => 'removed');
  await sleep(2_000); // events travel through the engine's event log
  controller.abort();
  await within(streamed, 2_000);
  return report;
}

export async function startPodmanService(options: StartOptions = {}): Promise<PodmanEngine> {
  const podman = need('podman', 'podman');
  const unshare = need('unshare', 'util-linux');
  need('ip', 'iproute2');
  const dir = await engineDir('podman');
  let service: Started | undefined;
  const stop = stopper(dir, [() => endProcess(service, 15_000)]);
  return startOrClean(stop, async () => {
    const root = path.join(dir, 'root');
    const runroot = path.join(dir, 'runroot');
    const tmpdir = path.join(dir, 'tmp');
    const networks = path.join(dir, 'networks');
    for (const d of [root, runroot, tmpdir, networks]) fs.mkdirSync(d, { recursive: true });
    // Our own configuration files only: the machine's /etc/containers settings (storage, network, locks) must
    // neither apply nor be touched. vfs storage needs no overlay support; file locks, not the shared
    // /dev/shm/libpod_lock; a file event log (there is no journald here).
    const containersConf = path.join(dir, 'containers.conf');
    fs.writeFileSync(containersConf, [
      '[network]',
      'network_backend = "netavark"',
      `network_config_dir = "${networks}"`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${path.join(dir, 'events.log')}"`,
      'lock_type = "file"',
      `tmp_dir = "${tmpdir}"`,
      `static_dir = "${path.join(root, 'libpod')}"`,
      `volume_path = "${path.join(root, 'volumes')}"`,
      '',
    ].join('\n'));
    const storageConf = path.join(dir, 'storage.conf');
    fs.writeFileSync(storageConf, `[storage]\ndriver = "vfs"\ngraphroot = "${root}"\nrunroot = "${runroot}"\n`);
    const socketPath = path.join(dir, 'podman.sock');
    const env = {
      ...process.env,
      CONTAINERS_CONF: containersConf,
      CONTAINERS_STORAGE_CONF: storageConf,
      CONTAINERS_REGISTRIES_CONF: path.join(dir, 'registries.conf'),
    };
    fs.writeFileSync(env.CONTAINERS_REGISTRIES_CONF, 'unqualified-search-registries = []\n');
    const podmanVersion = await run(podman, ['--version'], { env });
    service = startProcess(dir, 'podman', unshare, ['--net', '--mount', '--', 'sh', '-c', IN_NAMESPACE, 'sh', podman,
      '--root', root, '--runroot', runroot, '--tmpdir', tmpdir, '--storage-driver', 'vfs',
      '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--network-config-dir', networks,
      '--log-level', 'info',
      'system', 'service', '--time=0', `unix://${socketPath}`,
    ], env);
    const started = service;
    await Promise.race([exitsEarly(started), until(`podman to answer at ${socketPath}`,
      async () => (await unixRequest(socketPath, 'GET', '/_ping', undefined, 2_000)).status === 200, START_TIMEOUT_MS, () => tail(started.log))]);
    const engineEnv = { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: emptyDockerConfig(dir) };
    if (options.testImage !== false) await importTestImage(engineEnv);
    const apiReport = await probeDockerApi(socketPath);
    return {
      kind: 'podman' as const,
      host: engineEnv.DOCKER_HOST,
      env: engineEnv,
      dir,
      socketPath,
      podmanVersion,
      apiReport,
      docker: (...args: string[]) => dockerCli(engineEnv, args),
      stop,
    };
  });
}
