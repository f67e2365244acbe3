/**
 * The live engine as the Compose analysis sees it: the explorer's store, plus the host ports running
 * containers publish (which the store does not keep) and whether the engine is a Swarm node. Both are read
 * only when the store reports a change, never on a timer.
 */
import { publishedPortsOf, type EngineSnapshot, type PublishedPort } from '../compose/engine';
import { containerFromSummary } from '../model/mapping';
import type { ExplorerStore } from '../model/store';
import type { StoreChange } from '../model/types';

export class StoreSnapshot implements EngineSnapshot {
  private ports: PublishedPort[] = [];
  private swarm: boolean | undefined;
  private portsTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly off: () => void;
  private disposed = false;

  constructor(private readonly store: ExplorerStore) {
    this.off = store.onDidChange((change) => this.onStoreChange(change));
    if (store.loaded) this.refreshPorts();
  }

  /** The snapshot when the store has loaded the engine, else undefined (engine rules and lenses wait). */
  get current(): EngineSnapshot | undefined {
    return this.store.loaded ? this : undefined;
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.portsTimer);
    this.off();
    this.listeners.clear();
  }

  networks = () => this.store.networks();
  volumes = () => this.store.volumes();
  containers = () => this.store.containers();
  networkByName = (name: string) => this.store.networkByName(name);
  volume = (name: string) => this.store.volume(name);
  membersOf = (network: Parameters<ExplorerStore['membersOf']>[0]) => this.store.membersOf(network);
  usageOf = (name: string) => this.store.usageOf(name);
  publishedPorts = () => this.ports;
  swarmActive = () => this.swarm;

  private onStoreChange(change: StoreChange): void {
    if (change.kinds.has('connection') && this.store.state.status === 'connected') this.refreshSwarm();
    if (change.kinds.has('containers') || change.kinds.has('connection')) this.refreshPorts();
    else this.fire();
  }

  private fire(): void {
    for (const l of this.listeners) l();
  }

  /** One list call for all running containers' ports, coalesced over bursts of container events. */
  private refreshPorts(): void {
    clearTimeout(this.portsTimer);
    this.portsTimer = setTimeout(async () => {
      if (this.disposed || !this.store.loaded) { this.ports = []; this.fire(); return; }
      try {
        const rows = await this.store.client.listContainers({ status: ['running'] });
        this.ports = publishedPortsOf(rows, rows.map(containerFromSummary));
      } catch {
        this.ports = [];
      }
      if (!this.disposed) this.fire();
    }, 100);
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
