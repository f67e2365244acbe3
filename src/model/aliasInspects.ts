/**
 * The container inspects the store sends for network aliases (which the engine's list leaves out): one per listed
 * container model and load, shared by everyone who asks for it, `concurrency` at a time across all askers, and
 * those of rows being shown before a bulk ask's (the topology of a whole engine asks for every container).
 */
import type { ContainerModel } from './types';

/** What one inspect did: the network rows whose members it changed, or that the engine no longer has the container. */
export type AliasAnswer = { networkRows: ReadonlySet<string> } | 'removed' | undefined;

interface Inspect {
  /** The listed model it was asked for, and the store's load then: a newer model or load needs an inspect of its own. */
  listed: ContainerModel;
  load: number;
  started: boolean;
  start: () => void;
  answer: Promise<AliasAnswer>;
}

export class AliasInspects {
  private readonly byId = new Map<string, Inspect>();
  /** Every inspect not yet answered, also one a newer ask for its container replaced in byId. */
  private readonly outstanding = new Set<Inspect>();
  private readonly shownQueue: Inspect[] = [];
  private readonly bulkQueue: Inspect[] = [];
  private busy = 0;

  constructor(private readonly concurrency: number) {}

  /**
   * The answer for `listed` as asked at `load`: the inspect already asked for it, or `send` when a slot is free.
   * `shown`: a row someone is looking at needs it; it goes before the bulk asks still waiting (also when the same
   * container was asked in bulk before).
   */
  ask(listed: ContainerModel, load: number, shown: boolean, send: () => Promise<AliasAnswer>): Promise<AliasAnswer> {
    const known = this.byId.get(listed.id);
    if (known && known.listed === listed && known.load === load) {
      if (shown && !known.started) this.shownQueue.push(known);
      this.pump();
      return known.answer;
    }
    let start!: () => void;
    const answer = new Promise<AliasAnswer>((resolve) => {
      start = () => { send().then(resolve, () => resolve(undefined)); };
    });
    const inspect: Inspect = { listed, load, started: false, start, answer };
    this.byId.set(listed.id, inspect);
    this.outstanding.add(inspect);
    void answer.then(() => {
      this.busy--;
      this.outstanding.delete(inspect);
      if (this.byId.get(listed.id) === inspect) this.byId.delete(listed.id);
      this.pump();
    });
    (shown ? this.shownQueue : this.bulkQueue).push(inspect);
    this.pump();
    return answer;
  }

  /** Resolves when every inspect asked so far has its answer (those still queued are sent, and find they are too old). */
  async answered(): Promise<void> {
    while (this.outstanding.size) await Promise.all([...this.outstanding].map((i) => i.answer));
  }

  private pump(): void {
    while (this.busy < this.concurrency) {
      const next = this.take(this.shownQueue) ?? this.take(this.bulkQueue);
      if (!next) return;
      next.started = true;
      this.busy++;
      next.start();
    }
  }

  private take(queue: Inspect[]): Inspect | undefined {
    while (queue.length) {
      const next = queue.shift()!;
      if (!next.started) return next;
    }
    return undefined;
  }
}
