/**
 * The live engine as the Compose analysis sees it: the explorer's store (containers carry their published
 * ports), plus whether the engine is a Swarm node, read once per connect.
 */
import { publishedPortsOf, type EngineSnapshot, type PublishedPort } from '../compose/engineSnapshot';
import type { EngineStore } from '../model/store';
import type { StoreChange } from '../model/types';
import { Emitter, type Disposable } from '../model/events';

export class StoreSnapshot implements EngineSnapshot {
  private ports: PublishedPort[] | undefined;
  private swarm: boolean | undefined;
  private readonly changes = new Emitter<void>();
  private readonly storeSubscription: Disposable;
  private disposed = false;

  constructor(private readonly store: EngineStore) {
    this.storeSubscription = store.onDidChange((change) => this.onStoreChange(change));
  }

  /** The snapshot when the store has loaded the engine, else undefined (engine rules and lenses wait). */
  get current(): EngineSnapshot | undefined {
    return this.store.loaded ? this : undefined;
  }

  onDidChange(listener: () => void): Disposable {
    return this.changes.on(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.storeSubscription.dispose();
    this.changes.dispose();
  }

  networks = () => this.store.networks();
  volumes = () => this.store.volumes();
  containers = () => this.store.containers();
  networkByName = (name: string) => this.store.networkByName(name);
  volume = (name: string) => this.store.volume(name);
  membersOf = (network: Parameters<EngineStore['membersOf']>[0]) => this.store.membersOf(network);
  usageOf = (name: string) => this.store.usageOf(name);
  /** Derived from the store's containers once per change, not once per rule or lens. */
  publishedPorts = () => (this.ports ??= publishedPortsOf(this.store.containers()));
  swarmActive = () => this.swarm;

  private onStoreChange(change: StoreChange): void {
    // Aliases come in as views ask for them; nothing the Compose analysis reads changes with them.
    if (change.kinds.size === 1 && change.kinds.has('aliases')) return;
    if (change.kinds.has('connection') && this.store.state.status === 'connected') void this.refreshSwarm();
    if (change.kinds.has('containers') || change.kinds.has('connection')) this.ports = undefined;
    this.fire();
  }

  private fire(): void {
    this.changes.fire();
  }

  private async refreshSwarm(): Promise<void> {
    try {
      const info = await this.store.client.info();
      this.swarm = info.Swarm?.LocalNodeState === 'active';
    } catch {
      this.swarm = undefined;
    }
    if (!this.disposed) this.fire();
  }
}
