/**
 * A second, private Docker engine the tests can stop and start: its own socket, data, exec root and managed
 * containerd, no default bridge and no iptables rules. Needs root (the extension host runs as root in CI).
 *
 * It runs in its own network namespace (`unshare --net`): dockerd started with `--bridge none` deletes the
 * interface named docker0 at start-up, and in the host's namespace that is the FIRST engine's default
 * bridge (its containers on `bridge` then lose their network). The unix socket is a file, so it is
 * reachable from the host namespace all the same.
 */
import { type ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sleep, waitFor } from './helpers';

export const E2_DIR = '/tmp/dnv-e2';
export const E2_SOCKET = path.join(E2_DIR, 'docker.sock');
export const E2_HOST = `unix://${E2_SOCKET}`;

const DOCKERD = process.env.DNV_DOCKERD || (fs.existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd');
const UNSHARE = fs.existsSync('/usr/bin/unshare') ? '/usr/bin/unshare' : 'unshare';

/** Whether the host has a network interface of this name (e.g. docker0). */
export function hostHasInterface(name: string): boolean {
  return fs.existsSync(`/sys/class/net/${name}`);
}

export class PrivateEngine {
  private proc: ChildProcess | undefined;
  private starts = 0;

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** docker CLI against this engine. */
  docker(...args: string[]): string {
    return execFileSync('docker', ['-H', E2_HOST, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  }

  answers(): boolean {
    try {
      this.docker('version', '--format', '{{.Server.Version}}');
      return true;
    } catch {
      return false;
    }
  }

  /** Starts dockerd and waits until its socket answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error('private engine already running');
    fs.mkdirSync(E2_DIR, { recursive: true });
    const logFile = path.join(E2_DIR, `dockerd-${++this.starts}.log`);
    const out = fs.openSync(logFile, 'a');
    // unshare (without --fork) execs dockerd: the child's pid is dockerd's, and signals reach it directly.
    const proc = spawn(UNSHARE, ['--net', DOCKERD,
      '--host', E2_HOST,
      '--data-root', path.join(E2_DIR, 'data'),
      '--exec-root', path.join(E2_DIR, 'exec'),
      '--pidfile', path.join(E2_DIR, 'pid'),
      '--bridge', 'none', '--iptables=false',
    ], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.proc = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code, signal) => reject(new Error(`dockerd exited (${code ?? signal}) while starting; log ${logFile}:\n${tail(logFile)}`)));
    });
    failed.catch(() => undefined);
    await Promise.race([failed, waitFor(`${E2_HOST} to answer`, () => this.answers(), timeoutMs, 200, () => tail(logFile))]);
  }

  /** SIGTERM and wait for the process to exit (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 20_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const inTime = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!inTime) {
      proc.kill('SIGKILL');
      await exited;
    }
  }

  /** Stops the engine if it runs and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop();
    // The managed containerd may take a moment to let go of its files.
    for (let i = 0; i < 20; i++) {
      try {
        fs.rmSync(E2_DIR, { recursive: true, force: true });
        return;
      } catch {
        await sleep(250);
      }
    }
    fs.rmSync(E2_DIR, { recursive: true, force: true });
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
