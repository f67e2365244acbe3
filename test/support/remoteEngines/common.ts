/**
 * What every private engine shares: small helpers, the processes it owns and how they end, and a private dockerd
 * in a network and mount namespace of its own (see index.ts for the isolation).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

// ---- constants and small helpers ---------------------------------------------------------------------------

export const TMP = '/tmp';
export const DIR_PREFIX = 'dnvtest-re-';
export const TEST_IMAGE = 'test/busybox:1';
export const OVERLAY_NETWORK = 'dnvtest-overlay';
export const START_TIMEOUT_MS = 60_000;

export const ENGINE_ENV_KEYS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH', 'DOCKER_CONFIG'];

export function firstExisting(...candidates: string[]): string | undefined {
  return candidates.find((c) => fs.existsSync(c));
}

/** Absolute path of a command, or an error naming the Debian package that has it. */
export function need(command: string, debianPackage: string, ...paths: string[]): string {
  const found = firstExisting(...paths, ...['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin'].map((d) => path.join(d, command)));
  if (!found) {
    throw new Error(`${command} is not installed: install the Debian package ${debianPackage} (bash scripts/prereqs.sh installs it)`);
  }
  return found;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when `promise` settles within `ms`; the timer does not outlive the race. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion (asynchronously: the test process keeps serving its own sockets meanwhile). */
export function run(file: string, args: string[], options: RunOptions = {}): Promise<string> {
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
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ENGINE_ENV_KEYS) delete out[key];
  return { ...out, ...env };
}

export function dockerCli(env: Record<string, string>, args: string[], timeoutMs = 60_000): Promise<string> {
  return run('docker', args, { env: cliEnv(env), timeoutMs });
}

/** The docker CLI against `host` (unix:///...), whatever DOCKER_HOST the test process has. Returns stdout. */
export function dockerAt(host: string, ...args: string[]): Promise<string> {
  return dockerCli({ DOCKER_HOST: host }, args);
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, hint?: () => string): Promise<T> {
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

export function tail(file: string, lines = 25): string {
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
export function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

export const running = new Set<ChildProcess>();
export let exitHookInstalled = false;

/** If the test process ends without stop(), the engines must not outlive it: SIGTERM lets dockerd stop its containerd. */
export function installExitHook(): void {
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

export interface Started {
  name: string;
  proc: ChildProcess;
  log: string;
}

/** Starts a long-running process with its output in DIR/NAME.log. It stays in our process group, so a Ctrl-C reaches it. */
export function startProcess(dir: string, name: string, file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
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

export function alive(p: Started | undefined): boolean {
  return !!p && p.proc.exitCode === null && p.proc.signalCode === null && p.proc.pid !== undefined;
}

/** Rejects (with the end of its log) when the process exits: race it against a readiness wait. */
export function exitsEarly(p: Started): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    p.proc.once('error', (e) => reject(new Error(`${p.name} could not start: ${e.message}`)));
    p.proc.once('exit', (code, signal) => reject(new Error(`${p.name} exited (${code ?? signal}) while starting; ${tail(p.log)}`)));
  });
  failed.catch(() => undefined);
  return failed;
}

export async function endProcess(p: Started | undefined, graceMs: number): Promise<void> {
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
export function processesUsing(dir: string): Array<{ pid: number; start: string }> {
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

export async function endProcessesUsing(dir: string): Promise<void> {
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

export async function removeDir(dir: string): Promise<void> {
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
export async function engineDir(kind: string): Promise<string> {
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
export const IN_NAMESPACE = 'ip link set lo up || { echo "cannot bring up lo in the new network namespace" >&2; exit 97; }; exec "$@"';

export class PrivateDockerd {
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

export let rootfsTar: string | undefined;

/** test/busybox:1 from Debian's static busybox, one symlink per applet, PATH=/bin (as scripts/make-test-images.sh). */
export async function importTestImage(env: Record<string, string>): Promise<void> {
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
export function stopper(dir: string, steps: Array<() => Promise<void>>): () => Promise<void> {
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
export async function startOrClean<T>(stop: () => Promise<void>, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

export function emptyDockerConfig(dir: string): string {
  const config = path.join(dir, 'docker-config');
  fs.mkdirSync(config, { recursive: true });
  fs.writeFileSync(path.join(config, 'config.json'), '{}\n');
  return config;
}
