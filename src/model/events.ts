/**
 * The one event shape of the core: subscribing returns a Disposable (VS Code's shape, without importing it), so
 * every adapter hands its subscriptions to the one sink that extension.ts owns, as it does VS Code's own.
 */
export interface Disposable {
  dispose(): void;
}

/** Listeners called in the order they subscribed; one that throws stops the event there, as node's emitter does. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Subscribes; dispose the result to stop listening (twice is harmless). */
  on(listener: (value: T) => void): Disposable {
    // Wrapped, so the same function subscribed twice is two subscriptions, each disposed on its own.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return { dispose: () => { this.listeners.delete(entry); } };
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  /** How many listeners there are (the deactivation test counts them). */
  get size(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
