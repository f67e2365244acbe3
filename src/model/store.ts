/**
 * One snapshot of an engine's networks, volumes and containers, and the relations between them.
 *
 * Loaded in full when the event stream (re)connects, then kept current from events alone: each event marks
 * what it touches, and after a short coalescing window only those objects are fetched again. Nothing polls.
 * A full load publishes each of its three lists (networks, volumes, containers) the moment it arrives, so a view
 * shows its rows without waiting for the others. Network aliases, which only a container inspect gives, are asked
 * for the containers that need them (the members a view shows, the topology, a connectivity test) and not for all:
 * on a big engine the inspects of every container were most of the host's memory growth and of its longest busy
 * stretches (docs/BENCHMARKS.md). A change of kind 'aliases' says when some are in.
 * Volume sizes come from the engine's disk-usage call, only when asked for, and are cached.
 */
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { type ConnectionState, EngineWatcher } from '../engine/events';
import type { EngineEvent } from '../engine/types';
import { AliasInspects, type AliasAnswer } from './aliasInspects';
import { Emitter, type Disposable } from './events';
import {
  containerFromInspect, containerFromSummary, isHelperContainer, needsInspectForAliases, toNetwork, toVolume,
} from './mapping';
import type {
  ChangeKind, ContainerModel, ListKind, NetworkMember, NetworkModel, StoreChange, VolumeModel, VolumeUsage, VolumeUser,
} from './types';

export interface StoreOptions {
  /** How long to gather events before fetching what they touched. */
  coalesceMs?: number;
  /** Parallel inspects, in a flush and for the aliases asked for, each. */
  concurrency?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a full load's volume and container lists wait for the networks list at most (ms). */
  networksHeadStartMs?: number;
  /** How long a full load's container list then waits for the volume list at most (ms). */
  volumesHeadStartMs?: number;
}

/** Container actions that change what the explorer shows; exec_*, attach, resize, top... do not. */
const CONTAINER_ACTIONS = new Set([
  'create', 'destroy', 'start', 'die', 'stop', 'kill', 'pause', 'unpause', 'rename', 'restart', 'update', 'oom',
]);

interface Relations {
  membersByNetworkId: Map<string, NetworkMember[]>;
  /** Attachments whose network id the engine did not give (seen on some Podman versions). */
  membersByNetworkName: Map<string, NetworkMember[]>;
  usersByVolume: Map<string, VolumeUser[]>;
}

interface Pending {
  networks: Set<string>;
  volumes: Set<string>;
  containers: Set<string>;
  reloadNetworks: boolean;
  reloadVolumes: boolean;
}

const emptyPending = (): Pending => ({
  networks: new Set(), volumes: new Set(), containers: new Set(), reloadNetworks: false, reloadVolumes: false,
});

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How long the volume and container lists wait for the networks list before they are asked anyway (a slow engine). */
const NETWORKS_HEAD_START_MS = 100;
/** How long the container list waits for the volume list before it is asked anyway. */
const VOLUMES_HEAD_START_MS = 500;

/** `list` settled, or `ms` passed, whichever first. */
async function headStart(list: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([list.catch(() => undefined), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}

export class EngineStore {
  private readonly changes = new Emitter<StoreChange>();
  private readonly failures = new Emitter<unknown>();
  private watcher: EngineWatcher;
  private readonly coalesceMs: number;
  private readonly concurrency: number;

  private networkById = new Map<string, NetworkModel>();
  private volumeByName = new Map<string, VolumeModel>();
  private containerById = new Map<string, ContainerModel>();
  private usage = new Map<string, VolumeUsage>();
  private sizesAt: number | undefined;
  private sizesInFlight: Promise<void> | undefined;
  private relationIndex: Relations | undefined;

  private stateValue: ConnectionState = { status: 'connecting' };
  /** Engine events received since the store started (every request after the full load answers one). */
  eventsReceived = 0;
  /** The lists a full load has delivered on the current connection (the views show each as soon as it is in). */
  private listedKinds = new Set<ListKind>();
  /** All three lists are in, once on the current connection: `loaded`, `whenSettled`. */
  private loadedOnce = false;
  /** Bumped by every full load and by a lost connection: alias inspects asked before it are ignored. */
  private loadSeq = 0;
  /** Container models made from an inspect (they carry aliases); a listed model has none. */
  private inspected = new WeakSet<ContainerModel>();
  /** The alias inspects asked and not answered (shared by askers, `concurrency` at a time). */
  private readonly aliasInspects: AliasInspects;
  /** Between stop() and the next start(): nothing is asked of the engine (its connection is closed). */
  private stopped = false;
  private pending = emptyPending();
  private timer: NodeJS.Timeout | undefined;
  /** Serialises loads and flushes so an old answer never overwrites a newer one. */
  private work: Promise<void> = Promise.resolve();
  private loading = false;
  private generation = 0;
  /** Serialises engine switches: two that overlap would each start a watcher, and the first would never stop. */
  private switching: Promise<void> = Promise.resolve();

  constructor(private clientValue: EngineClient, private readonly options: StoreOptions = {}) {
    this.coalesceMs = options.coalesceMs ?? 30;
    this.concurrency = options.concurrency ?? 8;
    this.aliasInspects = new AliasInspects(this.concurrency);
    this.watcher = this.watch(clientValue);
  }

  get client(): EngineClient {
    return this.clientValue;
  }

  private watch(client: EngineClient): EngineWatcher {
    return new EngineWatcher(client, {
      initialBackoffMs: this.options.initialBackoffMs,
      maxBackoffMs: this.options.maxBackoffMs,
      onEvent: (e) => this.onEvent(e),
      onState: (s) => this.onState(s),
    });
  }

  /** Points the store at another engine (the host setting changed): forgets everything and reconnects. */
  switchEngine(client: EngineClient): Promise<void> {
    const run = this.switching.then(() => this.switchNow(client));
    this.switching = run.catch(() => undefined);
    return run;
  }

  private async switchNow(client: EngineClient): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.watcher.stop();
    await this.work;
    this.generation++;
    this.loadSeq++;
    await this.aliasInspects.answered();
    const previous = this.clientValue;
    this.clientValue = client;
    if (previous !== client) previous.close(); // an ssh:// engine's connection
    this.networkById.clear();
    this.volumeByName.clear();
    this.containerById.clear();
    this.usage.clear();
    this.sizesAt = undefined;
    this.listedKinds.clear();
    this.loadedOnce = false;
    this.pending = emptyPending();
    this.stateValue = { status: 'connecting' };
    this.emit(['networks', 'volumes', 'containers', 'aliases', 'sizes', 'connection']);
    this.watcher = this.watch(client);
    this.watcher.start();
  }

  // ---- lifecycle ----------------------------------------------------------------------------------------

  start(): void {
    this.stopped = false;
    this.watcher.start();
  }

  async stop(): Promise<void> {
    await this.switching;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.watcher.stop();
    await this.work;
    this.stopped = true;
    this.loadSeq++; // alias inspects not yet sent are dropped
    await this.aliasInspects.answered();
    this.clientValue.close(); // an ssh:// engine's connection; a later start() connects again
  }

  retryNow(): void {
    this.watcher.retryNow();
  }

  /** Fetches everything again (the Refresh button); events normally make this unnecessary. */
  reload(): Promise<void> {
    return this.enqueue(() => this.fullLoad());
  }

  /** Listens for changes until the result is disposed. */
  onDidChange(listener: (change: StoreChange) => void): Disposable {
    return this.changes.on(listener);
  }

  /**
   * Resolves once the first full load after a connect has its three lists in (or the engine was found
   * unreachable). Aliases are asked for separately (`aliasesFor`).
   */
  whenSettled(): Promise<void> {
    if (this.loadedOnce || this.stateValue.status === 'unreachable') return Promise.resolve();
    return new Promise((resolve) => {
      const subscription = this.onDidChange(() => {
        if (this.loadedOnce || this.stateValue.status === 'unreachable') { subscription.dispose(); resolve(); }
      });
    });
  }

  // ---- reading ------------------------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** True once a full load has its three lists in on the current connection (aliases are asked for apart). */
  get loaded(): boolean {
    return this.loadedOnce && this.stateValue.status === 'connected';
  }

  /**
   * True once this list is in on the current connection: a view can show its rows (a change of that kind says
   * when). Listed containers have every attachment, but no aliases until asked for (`aliasesFor`).
   */
  listed(kind: ListKind): boolean {
    return this.listedKinds.has(kind) && this.stateValue.status === 'connected';
  }

  /** Whether every list is in: events are then applied one object at a time (before, a full load is due). */
  private get listsLoaded(): boolean {
    return this.listedKinds.size === 3;
  }

  networks(): NetworkModel[] {
    return [...this.networkById.values()];
  }

  volumes(): VolumeModel[] {
    return [...this.volumeByName.values()];
  }

  containers(): ContainerModel[] {
    return [...this.containerById.values()].filter((c) => !isHelperContainer(c));
  }

  network(id: string): NetworkModel | undefined {
    return this.networkById.get(id);
  }

  networkByName(name: string): NetworkModel | undefined {
    for (const n of this.networkById.values()) if (n.name === name) return n;
    return undefined;
  }

  volume(name: string): VolumeModel | undefined {
    return this.volumeByName.get(name);
  }

  container(id: string): ContainerModel | undefined {
    return this.containerById.get(id);
  }

  /**
   * Containers attached to a network: matched by id (names can be reused after a remove), plus those attached
   * by name alone. A container created but never started carries no network id yet (nor do attachments on
   * some Podman versions); it is a member all the same, whoever else is on the network.
   */
  membersOf(network: NetworkModel): NetworkMember[] {
    const index = this.relations();
    const byId = index.membersByNetworkId.get(network.id) ?? [];
    const byName = index.membersByNetworkName.get(network.name) ?? [];
    if (byName.length === 0) return byId;
    if (byId.length === 0) return byName;
    const seen = new Set(byId.map((m) => m.container.id));
    return [...byId, ...byName.filter((m) => !seen.has(m.container.id))];
  }

  /** A view shows these containers (a network's members): their aliases are asked for, without waiting. */
  wantAliases(containerIds: Iterable<string>): void {
    void this.aliasesFor(containerIds);
  }

  /**
   * Fills in the aliases of these containers: each listed (not yet inspected) container on a user-defined network
   * is inspected once per load, `concurrency` at a time across all callers. Resolves when their answers are in, and
   * a change of kind 'aliases' naming the network rows concerned tells the views (one per call, as soon as its own
   * answers are in, whoever else asked for the same containers). Never rejects: a failed inspect is retried like an
   * event's, a container the engine no longer has is dropped. `bulk`: many containers nobody looks at one by one
   * (the topology of the whole engine); the rows a view shows are inspected before them.
   */
  aliasesFor(containerIds: Iterable<string>, options: { bulk?: boolean } = {}): Promise<void> {
    const load = this.loadSeq;
    const current = () => load === this.loadSeq && !this.stopped && this.stateValue.status === 'connected';
    if (!current()) return Promise.resolve();
    const answers: Array<Promise<AliasAnswer>> = [];
    for (const id of containerIds) {
      const listed = this.containerById.get(id);
      if (!listed || this.inspected.has(listed) || !needsInspectForAliases(listed)) continue;
      answers.push(this.aliasInspects.ask(listed, load, !options.bulk, () => this.inspectForAliases(listed, current)));
    }
    if (answers.length === 0) return Promise.resolve();
    return Promise.all(answers).then((results) => {
      if (!current()) return;
      const networkRows = new Set<string>();
      let removed = false;
      for (const r of results) {
        if (r === 'removed') removed = true;
        else if (r) for (const id of r.networkRows) networkRows.add(id);
      }
      if (removed) this.emit(['containers']);
      else if (networkRows.size) this.emit(['aliases'], undefined, networkRows);
    });
  }

  /** One alias inspect: the listed model is replaced by the inspected one, unless something newer came meanwhile. */
  private async inspectForAliases(listed: ContainerModel, current: () => boolean): Promise<AliasAnswer> {
    const id = listed.id;
    if (!current() || this.containerById.get(id) !== listed) return undefined;
    try {
      const raw = await this.client.inspectContainer(id);
      // An event may have fetched the container again meanwhile (or a reload listed it): that model is newer.
      if (!current() || this.containerById.get(id) !== listed) return undefined;
      const container = containerFromInspect(raw);
      this.inspected.add(container);
      this.containerById.set(id, container);
      this.relationIndex = undefined;
      const networkRows = new Set<string>();
      this.addNetworkRowsOf(container, networkRows);
      return { networkRows };
    } catch (e) {
      if (!current()) return undefined;
      if (e instanceof EngineError && e.kind === 'notFound') {
        if (this.containerById.get(id) !== listed) return undefined;
        this.containerById.delete(id);
        this.relationIndex = undefined;
        return 'removed';
      }
      if (!(e instanceof EngineError && e.kind === 'unreachable')) {
        this.pending.containers.add(id);
        this.scheduleFlush();
      }
      return undefined;
    }
  }

  usersOf(volume: VolumeModel): VolumeUser[] {
    return this.relations().usersByVolume.get(volume.name) ?? [];
  }

  /** Who is on which network and who mounts which volume: built once per change, not once per row. */
  private relations(): Relations {
    if (this.relationIndex) return this.relationIndex;
    const index: Relations = { membersByNetworkId: new Map(), membersByNetworkName: new Map(), usersByVolume: new Map() };
    const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
      const list = map.get(key);
      if (list) list.push(value); else map.set(key, [value]);
    };
    for (const container of this.containerById.values()) {
      if (isHelperContainer(container)) continue;
      for (const attachment of container.attachments) {
        if (attachment.networkId) push(index.membersByNetworkId, attachment.networkId, { container, attachment });
        else push(index.membersByNetworkName, attachment.networkName, { container, attachment });
      }
      for (const mount of container.mounts) {
        if (mount.type === 'volume' && mount.name) push(index.usersByVolume, mount.name, { container, mount });
      }
    }
    this.relationIndex = index;
    return index;
  }

  /** Size and reference count from the last disk-usage call, if there was one. */
  usageOf(name: string): VolumeUsage | undefined {
    return this.usage.get(name);
  }

  /** When sizes were last computed (ms since epoch), or undefined. */
  get sizesComputedAt(): number | undefined {
    return this.sizesAt;
  }

  /**
   * Asks the engine for volume sizes. Concurrent callers share one request; the lists never wait for it.
   * `maxAgeMs` returns the cached sizes when they are fresh enough.
   */
  computeVolumeSizes(options: { maxAgeMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.sizesAt !== undefined && options.maxAgeMs !== undefined && Date.now() - this.sizesAt < options.maxAgeMs) {
      return Promise.resolve();
    }
    if (!this.sizesInFlight) {
      this.sizesInFlight = (async () => {
        try {
          const volumes = await this.client.volumeUsage({ signal: options.signal });
          const usage = new Map<string, VolumeUsage>();
          for (const v of volumes) {
            if (v.UsageData) usage.set(v.Name, { size: v.UsageData.Size, refCount: v.UsageData.RefCount });
          }
          this.usage = usage;
          this.sizesAt = Date.now();
          this.emit(['sizes']);
        } finally {
          this.sizesInFlight = undefined;
        }
      })();
    }
    return this.sizesInFlight;
  }

  // ---- keeping current ----------------------------------------------------------------------------------

  private onState(state: ConnectionState): void {
    this.stateValue = state;
    if (state.status === 'connected') {
      this.generation++;
      void this.enqueue(() => this.fullLoad());
    } else if (state.status === 'unreachable') {
      this.listedKinds.clear();
      this.loadedOnce = false;
      this.loadSeq++;
      // Forget the timer too: a cleared timer left in place would stop every later event from scheduling a flush.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending = emptyPending();
    }
    this.emit(['connection']);
  }

  private onEvent(event: EngineEvent): void {
    this.eventsReceived++;
    const id = event.Actor?.ID ?? '';
    const attrs = event.Actor?.Attributes ?? {};
    const p = this.pending;
    switch (event.Type) {
      case 'network':
        if (event.Action === 'prune') p.reloadNetworks = true;
        else if (id) p.networks.add(id);
        // connect/disconnect name the container: its IP and aliases changed.
        if (attrs.container) p.containers.add(attrs.container);
        break;
      case 'volume': {
        // Podman's volume events carry the name in Attributes.name and an empty Actor.ID.
        const name = id || attrs.name;
        if (event.Action === 'prune') p.reloadVolumes = true;
        else if (name) p.volumes.add(name);
        break;
      }
      case 'container':
        if (CONTAINER_ACTIONS.has(event.Action) && id) p.containers.add(id);
        break;
      default:
        return;
    }
    this.scheduleFlush();
  }

  /** Fetches what the pending events touched after the coalescing window (one timer for a burst). */
  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(() => this.flush());
    }, this.coalesceMs);
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.work.then(job, job);
    this.work = run.catch(() => undefined);
    return run;
  }

  private emit(kinds: ChangeKind[], volumeRows?: ReadonlySet<string>, networkRows?: ReadonlySet<string>, volumesTouched?: ReadonlySet<string>): void {
    if (kinds.length === 0) return;
    if (kinds.some((k) => k === 'containers' || k === 'networks' || k === 'volumes' || k === 'aliases')) this.relationIndex = undefined;
    this.changes.fire({ kinds: new Set(kinds), volumeRows, networkRows, volumesTouched } satisfies StoreChange);
  }

  /**
   * The three lists, each published as it arrives; then, without holding up the work queue (events are
   * applied meanwhile), the inspects that give aliases.
   */
  private async fullLoad(): Promise<void> {
    if (this.stateValue.status !== 'connected') return;
    const generation = this.generation;
    const load = ++this.loadSeq;
    const current = () => generation === this.generation && load === this.loadSeq;
    this.loading = true;
    // Events that arrive during the load are kept: they are applied after it, so nothing is lost in between.
    try {
      const networks = this.client.listNetworks().then((list) => {
        if (!current()) return;
        this.networkById = new Map(list.map((n) => [n.Id, toNetwork(n)]));
        this.publish('networks');
      });
      // The networks list goes first, alone for a moment: an engine answers it in milliseconds alone but in hundreds
      // beside a list of 10,000 volumes (docs/BENCHMARKS.md), and once it is in, the host thread is free to hand the
      // Networks view its rows before the big lists arrive. The others wait for it NETWORKS_HEAD_START_MS at most.
      await headStart(networks, this.options.networksHeadStartMs ?? NETWORKS_HEAD_START_MS);
      // Then the volumes, before the containers for the same reason: beside each other on a big engine each took
      // seconds (10,000 volumes and 1,000 containers: 2.4 and 1.8 s after activation, against 0.3 and 0.4 s for
      // each alone), and the Volumes view needs only its own list for its rows. The Networks view already has its
      // rows; the containers only add their members.
      const volumes = this.client.listVolumes().then((list) => {
        if (!current()) return;
        this.volumeByName = new Map(list.map((v) => [v.Name, toVolume(v)]));
        this.publish('volumes');
      });
      await headStart(volumes, this.options.volumesHeadStartMs ?? VOLUMES_HEAD_START_MS);
      const lists = await Promise.allSettled([
        networks,
        volumes,
        this.client.listContainers().then((list) => {
          if (!current()) return;
          this.containerById = new Map(list.map((raw) => {
            const c = this.withKnownAliases(containerFromSummary(raw));
            return [c.id, c];
          }));
          this.publish('containers');
        }),
      ]);
      const failed = lists.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (e) {
      // The watcher notices a dead engine on its own; a failed load on a live one is retried by the next event.
      if (!(e instanceof EngineError) || e.kind !== 'unreachable') this.failures.fire(e);
    } finally {
      this.loading = false;
    }
  }

  private publish(kind: ListKind): void {
    this.listedKinds.add(kind);
    // The last of the three lists settles the first load: 'connection' tells those waiting for `loaded`.
    if (this.listsLoaded && !this.loadedOnce) {
      this.loadedOnce = true;
      this.emit([kind, 'connection']);
    } else this.emit([kind]);
  }

  /**
   * A re-listed container keeps the aliases it was known to have until its inspect says otherwise, so a reload
   * (Refresh, a reconnect) does not blank them for the moment in between.
   */
  private withKnownAliases(fresh: ContainerModel): ContainerModel {
    const known = this.containerById.get(fresh.id);
    if (!known) return fresh;
    const aliases = new Map(known.attachments.map((a) => [a.networkName, a.aliases]));
    return {
      ...fresh,
      attachments: fresh.attachments.map((a) => (a.aliases.length ? a : { ...a, aliases: aliases.get(a.networkName) ?? [] })),
    };
  }

  private async flush(): Promise<void> {
    if (!this.listsLoaded || this.loading) {
      // A full load is running or due: it will read the current state anyway. When the last one failed
      // (a passing engine error) none is due, so these events bring one.
      this.pending = emptyPending();
      if (!this.listsLoaded && !this.loading && this.stateValue.status === 'connected') await this.fullLoad();
      return;
    }
    const p = this.pending;
    this.pending = emptyPending();
    const changed = new Set<ChangeKind>();
    // Which volume rows this flush can change: the volumes refetched and those the refetched containers mount
    // (before and after). Undefined once a volume comes or goes (the list itself changed).
    let volumeRows: Set<string> | undefined = new Set<string>();
    // Every volume this flush touched, also those that came or went (a grouped view re-lists only their range);
    // undefined after a prune's reload.
    let volumesTouched: Set<string> | undefined = new Set<string>();
    // The same for network rows (by id): the networks refetched and those the refetched containers are on.
    let networkRows: Set<string> | undefined = new Set<string>();
    const touchRowsOf = (container: ContainerModel | undefined) => {
      for (const m of container?.mounts ?? []) if (m.type === 'volume' && m.name) { volumeRows?.add(m.name); volumesTouched?.add(m.name); }
      if (container && networkRows) this.addNetworkRowsOf(container, networkRows);
    };
    // Jobs, not promises: a burst (a Compose project starting) must not send hundreds of requests at once.
    const tasks: Array<() => Promise<void>> = [];

    if (p.reloadNetworks) {
      tasks.push(() => this.client.listNetworks().then((list) => {
        this.networkById = new Map(list.map((n) => [n.Id, toNetwork(n)]));
        networkRows = undefined;
        changed.add('networks');
      }));
    } else {
      for (const id of p.networks) {
        tasks.push(() => this.refetch(() => this.client.inspectNetwork(id), (raw) => {
          const network = toNetwork(raw);
          if (!this.networkById.has(network.id)) networkRows = undefined;
          else networkRows?.add(network.id);
          this.networkById.set(network.id, network);
        }, () => {
          if (this.networkById.delete(id)) networkRows = undefined;
          for (const [key, n] of this.networkById) if (n.name === id && this.networkById.delete(key)) networkRows = undefined;
        }).then(() => { changed.add('networks'); }));
      }
    }
    if (p.reloadVolumes) {
      tasks.push(() => this.client.listVolumes().then((list) => {
        this.volumeByName = new Map(list.map((v) => [v.Name, toVolume(v)]));
        volumeRows = undefined;
        volumesTouched = undefined;
        changed.add('volumes');
      }));
    } else {
      for (const name of p.volumes) {
        tasks.push(() => this.refetch(() => this.client.inspectVolume(name), (raw) => {
          volumesTouched?.add(raw.Name);
          if (!this.volumeByName.has(raw.Name)) volumeRows = undefined;
          else volumeRows?.add(raw.Name);
          this.volumeByName.set(raw.Name, toVolume(raw));
        }, () => {
          volumesTouched?.add(name);
          if (this.volumeByName.delete(name)) volumeRows = undefined;
          this.usage.delete(name);
        }).then(() => { changed.add('volumes'); }));
      }
    }
    for (const id of p.containers) {
      tasks.push(() => this.refetch(() => this.client.inspectContainer(id), (raw) => {
        const container = containerFromInspect(raw);
        this.inspected.add(container);
        touchRowsOf(this.containerById.get(raw.Id));
        touchRowsOf(container);
        this.containerById.set(raw.Id, container);
      }, () => {
        touchRowsOf(this.containerById.get(id));
        this.containerById.delete(id);
      }).then(() => { changed.add('containers'); }));
    }
    const failures = (await mapLimit(tasks, this.concurrency, (task) => task().then(() => undefined, (e: unknown) => ({ reason: e }))))
      .filter((f): f is { reason: unknown } => f !== undefined);
    // A failed fetch leaves its object as it was: the rows touched so far are still all that changed.
    this.emit([...changed], volumeRows, networkRows, volumeRows ? undefined : volumesTouched);
    const failure = failures[0];
    if (failure && !(failure.reason instanceof EngineError && failure.reason.kind === 'unreachable')) {
      this.failures.fire(failure.reason);
    }
  }

  /**
   * The rows (network ids) of the networks a container is on, into `rows`. A created container's attachment has no
   * network id yet, only the name.
   */
  private addNetworkRowsOf(container: ContainerModel, rows: Set<string>): void {
    for (const a of container.attachments) {
      if (a.networkId) rows.add(a.networkId);
      for (const n of this.networkById.values()) if (n.name === a.networkName) rows.add(n.id);
    }
  }

  /** Fetches one object again: stores it, or forgets it when the engine no longer has it. */
  private async refetch<T>(fetch: () => Promise<T>, store: (raw: T) => void, forget: () => void): Promise<void> {
    try {
      store(await fetch());
    } catch (e) {
      if (e instanceof EngineError && e.kind === 'notFound') forget();
      else throw e;
    }
  }

  /** Errors that are not about reachability (which the connection state reports). */
  onDidFail(listener: (error: unknown) => void): Disposable {
    return this.failures.on(listener);
  }
}
