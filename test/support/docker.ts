/** Test helpers: the real docker CLI against the engine under test, and polling with a deadline. */
import { execFileSync } from 'node:child_process';

/**
 * Prefix for everything this run of the tests creates, so that its cleanup touches nothing else: the engine may be
 * shared with other runs at the same time (a plain 'dnvtest-' let one run's cleanup remove another's objects).
 */
export const PREFIX = `dnvtest-e${process.pid}-`;

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Removes containers, networks and volumes whose names start with this run's prefix. */
export function cleanupTestResources(): void {
  const list = (args: string[]) => docker(...args).split('\n').filter(Boolean);
  const containers = list(['ps', '-aq', '--filter', `name=^/${PREFIX}`]);
  if (containers.length) docker('rm', '-f', '-v', ...containers);
  const networks = list(['network', 'ls', '-q', '--filter', `name=^${PREFIX}`]);
  if (networks.length) docker('network', 'rm', ...networks);
  const volumes = list(['volume', 'ls', '-q', '--filter', `name=^${PREFIX}`]);
  if (volumes.length) docker('volume', 'rm', '-f', ...volumes);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const TEST_IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';
