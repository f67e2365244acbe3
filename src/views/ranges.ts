/**
 * Large lists shown as name ranges, as VS Code's debugger shows a big array as `[0..99]` groups: above a threshold
 * the rows of one parent are split into ranges of consecutive rows ("app-1 … cache-9 (250)"). A volume created or
 * removed then changes one range, and the workbench re-lists that range's rows, not the whole list; the first
 * paint needs only the ranges.
 *
 * Ranges are kept by their start boundaries, not recomputed by position: an insert lands in the range whose
 * boundaries enclose it and changes that range alone. A range that grows past the threshold splits; one that
 * shrinks far below it merges into a neighbour (hysteresis: built at half the threshold, split above it, merged
 * below an eighth). Pure: no vscode import, unit-tested in plain mocha.
 */

export interface Range<T> {
  /** Stable while the boundaries stand: the id of the start boundary ('' for the first range). */
  id: string;
  items: T[];
}

export class RangePartition<T> {
  /** Start boundaries of the second and later ranges (the first starts at the beginning); undefined: flat. */
  private starts: T[] | undefined;
  /** The items of each range at the last layout, to tell which ranges changed. */
  private last: Array<Range<T>> | undefined;
  /** The list at the last layout when it was shown flat. */
  private lastFlat: readonly T[] | undefined;

  /**
   * `compare` is the list's order; `idOf` gives a boundary's id (a name, or the sort key as text). Boundaries are
   * kept as items and may outlive them (a removed volume still bounds its range).
   */
  constructor(private readonly compare: (a: T, b: T) => number, private readonly idOf: (item: T) => string) {}

  /** Forgets the boundaries (the order changed): the next layout starts anew. */
  reset(): void {
    this.starts = undefined;
    this.last = undefined;
    this.lastFlat = undefined;
  }

  /**
   * The ranges for `sorted` (already in `compare` order), or undefined when the list is shown flat: at most
   * `threshold` rows (or threshold 0: never grouped). Once grouped, a list stays grouped until it falls to
   * 80 % of the threshold, so one volume coming and going at the threshold does not regroup the view each time.
   */
  layout(sorted: readonly T[], threshold: number): Array<Range<T>> | undefined {
    const n = sorted.length;
    const grouped = threshold > 0 && (this.starts ? n > Math.floor(threshold * 0.8) : n > threshold);
    if (!grouped) { this.reset(); this.lastFlat = sorted; return undefined; }
    this.lastFlat = undefined;
    const half = Math.max(1, Math.ceil(threshold / 2));
    if (!this.starts) {
      this.starts = [];
      // Built at half the threshold, so each range has room to grow both ways before it splits.
      for (let i = half; i < n; i += half) {
        if (n - i < Math.ceil(half / 2)) break; // a short tail joins the range before it
        this.starts.push(sorted[i]);
      }
    }
    let buckets = this.assign(sorted);
    // Split: a range above the threshold becomes pieces of about half the threshold; its first piece keeps its id.
    if (buckets.some((b) => b.length > threshold)) {
      const starts: T[] = [];
      buckets.forEach((items, i) => {
        if (i > 0) starts.push(this.starts![i - 1]);
        if (items.length <= threshold) return;
        const pieces = Math.max(2, Math.round(items.length / half));
        const size = Math.ceil(items.length / pieces);
        for (let k = size; k < items.length; k += size) starts.push(items[k]);
      });
      this.starts = starts;
      buckets = this.assign(sorted);
    }
    // Merge: an empty range goes; a range below an eighth of the threshold joins its smaller neighbour when the
    // two stay under three quarters of it.
    const small = Math.floor(threshold / 8);
    for (let i = 0; i < buckets.length && buckets.length > 1;) {
      const size = buckets[i].length;
      if (size >= small && size > 0) { i++; continue; }
      const left = i > 0 ? buckets[i - 1].length : Infinity;
      const right = i + 1 < buckets.length ? buckets[i + 1].length : Infinity;
      const into = left <= right ? i - 1 : i + 1;
      if (size > 0 && size + buckets[into].length > Math.floor(threshold * 0.75)) { i++; continue; }
      // Dropping the boundary between range `lo` and `lo + 1` joins them (the lower keeps its id).
      const lo = Math.min(i, into);
      buckets.splice(lo, 2, [...buckets[lo], ...buckets[lo + 1]]);
      this.starts.splice(lo, 1);
      i = Math.max(0, lo);
    }
    const ranges = buckets.map((items, i): Range<T> => ({ id: i === 0 ? '' : this.idOf(this.starts![i - 1]), items }));
    this.last = ranges;
    return ranges;
  }

  /**
   * Lays out `sorted` and says what the workbench must re-list: `parent` when the ranges themselves changed
   * (a split, a merge, flat ↔ grouped: the parent's children are other rows), else the ids of the ranges whose
   * rows changed (an insert or a removal inside them), which may be none.
   */
  update(sorted: readonly T[], threshold: number): { parent: boolean; ranges: string[] } {
    const before = this.last;
    const flatBefore = this.lastFlat;
    const after = this.layout(sorted, threshold);
    if (!before && !after && flatBefore) return { parent: !sameItems(flatBefore, sorted, this.idOf), ranges: [] };
    if (!before || !after) return { parent: true, ranges: [] };
    if (before.length !== after.length || before.some((r, i) => r.id !== after[i].id)) return { parent: true, ranges: [] };
    const changed = after.filter((r, i) => !sameItems(r.items, before[i].items, this.idOf)).map((r) => r.id);
    return { parent: false, ranges: changed };
  }

  /** The ranges of the last layout (undefined: flat, or never laid out). */
  get ranges(): ReadonlyArray<Range<T>> | undefined {
    return this.last;
  }

  /** The items of each range, by the current boundaries (one merge pass: both are sorted). */
  private assign(sorted: readonly T[]): T[][] {
    const starts = this.starts ?? [];
    const buckets: T[][] = [[]];
    let b = 0;
    for (const item of sorted) {
      while (b < starts.length && this.compare(item, starts[b]) >= 0) { b++; buckets.push([]); }
      buckets[b].push(item);
    }
    while (buckets.length < starts.length + 1) buckets.push([]);
    return buckets;
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[], idOf: (item: T) => string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && idOf(a[i]) !== idOf(b[i])) return false;
  return true;
}

/** The label of a range: its first and last rows ("app-1 … cache-9"). */
export function rangeLabel(first: string, last: string): string {
  return first === last ? first : `${first} … ${last}`;
}
