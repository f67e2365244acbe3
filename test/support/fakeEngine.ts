/**
 * A scripted stand-in for EngineClient, for the race tests of the store, the event watcher and the engine set.
 *
 * Why not the real engine: the races these tests pin down depend on the order in which an event, a dropped
 * event stream, a reconnect and the answer to a list or inspect call arrive, within a few milliseconds. A real
 * engine decides that order itself and cannot be made to repeat it; this fake lets a test hold any call open,
 * drop the stream at an exact moment, fail one request, and count what was asked. Behaviour against a real
 * engine stays covered by test/engine/store.test.ts.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { EngineClient } from '../../src/engine/client';
import { EngineError } from '../../src/engine/errors';
import type { EngineContainerInspect, EngineEvent, EngineNetwork, EngineVersion, EngineVolume } from '../../src/engine/types';

type Method = 'negotiate' | 'openEvents' | 'listNetworks' | 'listVolumes' | 'listContainers' | 'inspectContainer' | 'inspectVolume' | 'inspectNetwork';

export class FakeEngine {
  readonly label: string;
  up = true;
  readonly containers = new Map<string, EngineContainerInspect>();
  readonly volumes = new Map<string, EngineVolume>();
  readonly networks = new Map<string, EngineNetwork>();
  /** How often each method was called. */
  readonly calls: Record<string, number> = {};
  /** The most inspect calls that were in flight at once. */
  maxInspectsInFlight = 0;
  private inspectsInFlight = 0;
  /** Event streams opened and not yet ended or aborted. */
  readonly openStreams = new Set<PassThrough>();
  closed = 0;
  private readonly gates = new Map<Method, Array<Promise<void>>>();
  private readonly failures = new Map<Method, unknown[]>();
  /** Milliseconds every inspect takes (so calls overlap, as they do on a real engine). */
  inspectDelayMs = 0;
  /** Every call in the order it was made (method names). */
  readonly log: string[] = [];
  /**
   * An inspect reads the object when it is called, before any hold: a held answer is then as old as the call,
   * as an engine's answer that is overtaken by a later change.
   */
  readBeforeHold = false;

  constructor(label = 'fake://engine') {
    this.label = label;
  }

  /** The object handed to the code under test. */
  get client(): EngineClient {
    return this as unknown as EngineClient;
  }

  addContainer(id: string, name = id): void {
    this.containers.set(id, { Id: id, Name: `/${name}`, State: { Status: 'running', Running: true }, Config: { Image: 'fake', Labels: {} }, NetworkSettings: { Networks: {} }, Mounts: [] } as EngineContainerInspect);
  }

  /** A container on a user-defined network with aliases (which the list call leaves out, as the engine does). */
  addContainerOn(id: string, network: { id: string; name: string }, aliases: string[]): void {
    this.addContainer(id);
    this.containers.get(id)!.NetworkSettings = { Networks: { [network.name]: { NetworkID: network.id, IPAddress: '10.0.0.2', Aliases: aliases } } };
  }

  /** The next call of `method` waits until the returned function is called. */
  hold(method: Method): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const list = this.gates.get(method) ?? [];
    list.push(gate);
    this.gates.set(method, list);
    return release;
  }

  /** The next call of `method` fails with `error`. */
  failNext(method: Method, error: unknown): void {
    const list = this.failures.get(method) ?? [];
    list.push(error);
    this.failures.set(method, list);
  }

  /** Sends an event on every open stream (there is one unless a test leaked a watcher). */
  emit(event: EngineEvent): void {
    for (const s of this.openStreams) s.write(`${JSON.stringify(event)}\n`);
  }

  /** Sends raw bytes on the open streams (to split a line or a character across chunks). */
  write(chunk: Buffer | string): void {
    for (const s of this.openStreams) s.write(chunk);
  }

  /** The engine closes its event streams, as when it restarts. */
  dropStreams(): void {
    for (const s of [...this.openStreams]) { this.openStreams.delete(s); s.end(); }
  }

  private async enter(method: Method): Promise<void> {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    this.log.push(method);
    const gate = this.gates.get(method)?.shift();
    if (gate) await gate;
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
    if (!this.up) throw new EngineError('unreachable', `${this.label} is down`, this.label);
  }

  private notFound(what: string): EngineError {
    return new EngineError('notFound', `no such ${what}`, this.label, 404);
  }

  private async inspect<T>(method: Method, lookup: () => T | undefined, what: string): Promise<T> {
    this.inspectsInFlight++;
    this.maxInspectsInFlight = Math.max(this.maxInspectsInFlight, this.inspectsInFlight);
    try {
      const early = this.readBeforeHold ? structuredClone(lookup()) : undefined;
      await this.enter(method);
      if (this.inspectDelayMs) await new Promise((r) => setTimeout(r, this.inspectDelayMs));
      const found = this.readBeforeHold ? early : lookup();
      if (!found) throw this.notFound(what);
      return structuredClone(found);
    } finally {
      this.inspectsInFlight--;
    }
  }

  // ---- the EngineClient surface the store and the watcher use

  async negotiate(): Promise<EngineVersion> {
    await this.enter('negotiate');
    return { ApiVersion: '1.44', Version: 'fake' } as EngineVersion;
  }

  async openEvents(_types: string[], signal: AbortSignal): Promise<Readable> {
    await this.enter('openEvents');
    const stream = new PassThrough();
    this.openStreams.add(stream);
    const abort = () => { this.openStreams.delete(stream); stream.destroy(); };
    if (signal.aborted) abort(); else signal.addEventListener('abort', abort, { once: true });
    stream.once('close', () => this.openStreams.delete(stream));
    return stream;
  }

  async listNetworks(): Promise<EngineNetwork[]> {
    await this.enter('listNetworks');
    return [...this.networks.values()].map((n) => structuredClone(n));
  }

  async listVolumes(): Promise<EngineVolume[]> {
    await this.enter('listVolumes');
    return [...this.volumes.values()].map((v) => structuredClone(v));
  }

  async listContainers(): Promise<unknown[]> {
    await this.enter('listContainers');
    return [...this.containers.values()].map((c) => {
      const networks = Object.fromEntries(Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, ep]) => [name, { ...ep, Aliases: null }]));
      return { Id: c.Id, Names: [c.Name], State: c.State?.Status, Labels: {}, NetworkSettings: { Networks: networks }, Mounts: structuredClone(c.Mounts ?? []) };
    });
  }

  inspectContainer(id: string): Promise<EngineContainerInspect> {
    return this.inspect('inspectContainer', () => this.containers.get(id), 'container');
  }

  inspectVolume(name: string): Promise<EngineVolume> {
    return this.inspect('inspectVolume', () => this.volumes.get(name), 'volume');
  }

  inspectNetwork(id: string): Promise<EngineNetwork> {
    return this.inspect('inspectNetwork', () => this.networks.get(id), 'network');
  }

  async volumeUsage(): Promise<EngineVolume[]> {
    return [];
  }

  close(): void {
    this.closed++;
  }
}

/** Waits until `probe` is true (checked every few ms), or fails after `ms` saying what it waited for. */
export async function until(what: string, probe: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A tree provider's answer that must be given at once (the rows of a loaded engine): the provider may answer with a
 * promise only while an engine's list is on its way.
 */
export function rowsNow<T>(rows: T[] | Promise<T[]>): T[] {
  if (!Array.isArray(rows)) throw new Error('the rows were not given at once');
  return rows;
}
