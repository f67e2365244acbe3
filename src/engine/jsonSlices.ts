/**
 * Parses a big JSON array from the engine (10,000 volumes, 1,000 containers) a slice of elements at a time, with
 * a pause between slices, instead of in one `JSON.parse` of the whole answer. In one go the answer's decoding and
 * parsing held the extension host's thread for 100-160 ms at 10,000 volumes on a loaded machine (a CPU profile of
 * the host in the workbench, docs/BENCHMARKS.md), and every other extension, and the messages bringing the
 * workbench its rows, waited for it. A slice is still parsed by `JSON.parse` (the fastest parser there is); this
 * file only finds where the array's elements start and end, which needs no more than the structural characters:
 * they are all ASCII, so scanning the UTF-8 bytes is safe (every byte of a multi-byte character has its high bit set).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;

export interface SliceOptions {
  /** The array is the value of this key of the top-level object (`{"Volumes": [...]}`); without it, the top-level value. */
  key?: string;
  /** About how many bytes of elements one `JSON.parse` takes (whole elements: a slice ends at an element's end). */
  sliceBytes?: number;
  /** How many bytes are scanned in one step (the time is looked at between steps). */
  scanBytes?: number;
  /** How long the thread is held at most before a pause, in ms (checked between slices and scan steps). */
  holdMs?: number;
  /** Called when `holdMs` has passed; by default waits for the event loop's next turn. */
  pause?: () => Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Finds the wanted array's slices in a window of the bytes at a time: a plain synchronous loop (V8 optimises it; the
 * same loop inside the async function below ran 2-3 times slower), whose state carries over between windows.
 */
class SliceFinder {
  private depth = 0;
  private inString = false;
  private stringStart = 0;
  private lastKey: string | undefined;
  /** The depth inside the wanted array (its elements' commas are at this depth); 0 until it is found. */
  private arrayDepth = 0;
  /** Where the wanted array's elements start, and each slice's end (a comma between two elements, or the ']'). */
  sliceStart = -1;
  readonly sliceEnds: number[] = [];
  done = false;
  private lastStart = 0;

  constructor(private readonly bytes: Buffer, private readonly key: string | undefined, private readonly sliceBytes: number) {}

  /** Scans from `from` to about `to`; returns where the next scan starts (past `to` when an escape straddles it). */
  scan(from: number, to: number): number {
    const { bytes, key, sliceBytes } = this;
    // The state in locals while the loop runs (fields read and written per byte made it several times slower).
    let { depth, inString, stringStart, arrayDepth, lastStart } = this;
    let i = from;
    for (; i < to; i++) {
      const c = bytes[i];
      if (inString) {
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) {
          inString = false;
          // A string at the top-level object's depth followed by ':' is a key; a '[' at that depth is the value of
          // the last one (a string value in between is followed by ',' and another key first).
          if (depth === 1 && key !== undefined && arrayDepth === 0) this.lastKey = bytes.toString('utf8', stringStart + 1, i);
        }
      } else if (c === QUOTE) {
        inString = true;
        stringStart = i;
      } else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
        depth++;
        if (arrayDepth === 0 && c === OPEN_SQUARE && (key === undefined ? depth === 1 : depth === 2 && this.lastKey === key)) {
          arrayDepth = depth;
          this.sliceStart = lastStart = i + 1;
        }
      } else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) {
        if (arrayDepth !== 0 && depth === arrayDepth) {
          this.sliceEnds.push(i);
          this.done = true;
          i++;
          break;
        }
        depth--;
      } else if (c === COMMA && arrayDepth !== 0 && depth === arrayDepth && i - lastStart >= sliceBytes) {
        this.sliceEnds.push(i);
        lastStart = i + 1;
      }
    }
    Object.assign(this, { depth, inString, stringStart, arrayDepth, lastStart });
    return i;
  }
}

/**
 * The elements of the JSON array in `bytes` (see SliceOptions.key), parsed a slice at a time. Throws a
 * SyntaxError for text that is not JSON, as `JSON.parse` would; a document of another shape (no such array) is
 * parsed whole and gives [] when the array is missing or null.
 */
export async function parseArrayInSlices(bytes: Buffer, options: SliceOptions = {}): Promise<unknown[]> {
  const scanBytes = options.scanBytes ?? 256 * 1024;
  const holdMs = options.holdMs ?? 8;
  const pause = options.pause ?? nextTurn;
  // A pause once the thread was held holdMs, not after every step: each pause is a whole turn of a busy event loop
  // (pausing after every 32 KB slice made the 10,000 volumes' list come 0.5-0.8 s later in the workbench).
  let heldSince = performance.now();
  const maybePause = async () => {
    if (performance.now() - heldSince < holdMs) return;
    await pause();
    heldSince = performance.now();
  };
  const finder = new SliceFinder(bytes, options.key, options.sliceBytes ?? 32 * 1024);
  for (let at = 0; at < bytes.length && !finder.done;) {
    if (at > 0) await maybePause();
    at = finder.scan(at, Math.min(bytes.length, at + scanBytes));
  }
  if (!finder.done) {
    // No such array (another shape, or text cut short): the whole document, as JSON.parse reads it.
    const whole = JSON.parse(bytes.toString('utf8')) as unknown;
    const value = options.key === undefined ? whole : (whole as Record<string, unknown> | null)?.[options.key];
    return Array.isArray(value) ? value : [];
  }
  const elements: unknown[] = [];
  let start = finder.sliceStart;
  for (const end of finder.sliceEnds) {
    await maybePause();
    const slice = JSON.parse(`[${bytes.toString('utf8', start, end)}]`) as unknown[];
    for (const element of slice) elements.push(element);
    start = end + 1;
  }
  return elements;
}
