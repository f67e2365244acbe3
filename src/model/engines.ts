/**
 * Several engines at once. The current engine's snapshot is `primary`, one stable store that palette commands
 * and the Compose checks follow (switching engines points it at another client); every other engine has a
 * store of its own, so the trees can show them all and one engine going down leaves the others working.
 */
import type { EngineClient } from '../engine/client';
import type { DiscoveredEngine } from '../engine/discovery';
import { EngineStore, type StoreOptions } from './store';
import { Emitter, type Disposable } from './events';

export interface EngineEntry {
  id: string;
  label: string;
  store: EngineStore;
  current: boolean;
}

export class EngineSet {
  readonly primary: EngineStore;
  private readonly setChanges = new Emitter<void>();
  private readonly others = new Map<string, EngineStore>();
  private engines: DiscoveredEngine[];
  private currentIdValue: string;
  private started = false;
  /**
   * Serialises setCurrent and update: two that overlap (a user picking engines quickly, a settings change during
   * a switch) would each give the old current engine a new store, leaking one and leaving an engine without one.
   */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly makeClient: (engine: DiscoveredEngine) => EngineClient,
    discovered: DiscoveredEngine[],
    private readonly storeOptions: StoreOptions = {},
  ) {
    if (discovered.length === 0) throw new Error('EngineSet needs at least one engine');
    this.engines = discovered;
    const current = discovered.find((e) => e.preferred) ?? discovered[0];
    this.currentIdValue = current.id;
    this.primary = new EngineStore(makeClient(current), storeOptions);
    for (const e of discovered) if (e.id !== current.id) this.others.set(e.id, new EngineStore(makeClient(e), storeOptions));
  }

  get currentId(): string {
    return this.currentIdValue;
  }

  /** Every engine, in discovery order. */
  entries(): EngineEntry[] {
    return this.engines.map((e) => ({
      id: e.id,
      label: e.endpoint.label,
      current: e.id === this.currentIdValue,
      store: e.id === this.currentIdValue ? this.primary : this.others.get(e.id)!,
    }));
  }

  /**
   * The store of the engine with this id, else the current one. What engine a command's argument names is
   * src/args.ts's engineIdFrom.
   */
  store(engineId: string | undefined): EngineStore {
    return engineId !== undefined && this.others.get(engineId) ? this.others.get(engineId)! : this.primary;
  }

  idOf(store: EngineStore): string | undefined {
    if (store === this.primary) return this.currentIdValue;
    for (const [id, s] of this.others) if (s === store) return id;
    return undefined;
  }

  /** Changes in the set itself: engines added or removed, another engine made current. */
  onDidChange(listener: () => void): Disposable {
    return this.setChanges.on(listener);
  }

  start(): void {
    this.started = true;
    this.primary.start();
    for (const s of this.others.values()) s.start();
  }

  async stop(): Promise<void> {
    await this.changes;
    this.started = false;
    await Promise.all([this.primary.stop(), ...[...this.others.values()].map((s) => s.stop())]);
  }

  /** Makes another engine current: the primary store follows it, and the old current one gets a store of its own. */
  setCurrent(id: string): Promise<void> {
    return this.serially(() => this.setCurrentNow(id));
  }

  private serially(change: () => Promise<void>): Promise<void> {
    const run = this.changes.then(change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  private async setCurrentNow(id: string): Promise<void> {
    if (id === this.currentIdValue) return;
    const next = this.engines.find((e) => e.id === id);
    if (!next) throw new Error(`No engine ${id}.`);
    const previous = this.engines.find((e) => e.id === this.currentIdValue);
    await this.others.get(id)?.stop();
    this.others.delete(id);
    this.currentIdValue = id;
    if (previous) this.addOther(previous);
    await this.primary.switchEngine(this.makeClient(next));
    this.setChanges.fire();
  }

  /** Takes a new discovery (settings or contexts changed): keeps the stores of engines still there. */
  update(discovered: DiscoveredEngine[], options: { primaryChanged?: boolean } = {}): Promise<void> {
    return this.serially(() => this.updateNow(discovered, options));
  }

  private async updateNow(discovered: DiscoveredEngine[], options: { primaryChanged?: boolean }): Promise<void> {
    if (discovered.length === 0) return;
    const ids = new Set(discovered.map((e) => e.id));
    for (const [id, store] of this.others) {
      if (!ids.has(id)) { await store.stop(); this.others.delete(id); }
    }
    this.engines = discovered;
    const keepCurrent = ids.has(this.currentIdValue) && !options.primaryChanged;
    const current = keepCurrent ? discovered.find((e) => e.id === this.currentIdValue)! : discovered.find((e) => e.preferred) ?? discovered[0];
    if (current.id !== this.currentIdValue || options.primaryChanged) {
      await this.others.get(current.id)?.stop();
      this.others.delete(current.id);
      this.currentIdValue = current.id;
      await this.primary.switchEngine(this.makeClient(current));
    }
    for (const e of discovered) if (e.id !== this.currentIdValue && !this.others.has(e.id)) this.addOther(e);
    this.setChanges.fire();
  }

  private addOther(engine: DiscoveredEngine): void {
    const store = new EngineStore(this.makeClient(engine), this.storeOptions);
    this.others.set(engine.id, store);
    if (this.started) store.start();
  }
}
