/** Small stream pieces the backup, restore and clone pipelines share: byte meter, hash, and stream adapters. */
import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { EngineError, toEngineError } from '../engine/errors';

export type Phase = 'backup' | 'check' | 'restore' | 'clone';

export interface TransferProgress {
  phase: Phase;
  volume: string;
  /** Bytes moved so far in this phase (archive bytes for restore: the file is what is read). */
  bytes: number;
  /** Expected total in the same unit, when known. */
  total?: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
}

export type ProgressListener = (progress: TransferProgress) => void;

const REPORT_EVERY_MS = 200;
const RATE_WINDOW_MS = 3_000;

/** Counts the bytes that pass and reports them with a rate at most every 200 ms (and once at the end). */
export class ByteMeter extends Transform {
  bytes = 0;
  private lastReport = 0;
  private readonly samples: Array<[number, number]> = [];

  constructor(private readonly report: (bytes: number, rate: number) => void) {
    super();
    this.samples.push([Date.now(), 0]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const now = Date.now();
    if (now - this.lastReport >= REPORT_EVERY_MS) {
      this.lastReport = now;
      this.report(this.bytes, this.rate(now));
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.report(this.bytes, this.rate(Date.now()));
    callback();
  }

  private rate(now: number): number {
    this.samples.push([now, this.bytes]);
    while (this.samples.length > 2 && now - this.samples[1][0] >= RATE_WINDOW_MS) this.samples.shift();
    const [t0, b0] = this.samples[0];
    return now > t0 ? ((this.bytes - b0) * 1000) / (now - t0) : 0;
  }
}

/** SHA-256 of the bytes that pass. */
export class HashStream extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private value: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.value = this.hash.digest('hex');
    callback();
  }

  get digest(): string {
    if (this.value === undefined) throw new Error('hash read before the stream ended');
    return this.value;
  }
}

/** What Node needs from tar-stream's (streamx) writable side. */
interface StreamxWritable {
  write(chunk: Buffer): boolean;
  end(data?: unknown): unknown;
  destroy(error?: Error): void;
  once(event: 'drain' | 'finish' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A Node Writable in front of a streamx writable (tar-stream's extract), with backpressure, so it can sit in
 * stream.pipeline; it finishes once the extract has seen the end of the archive.
 */
export function nodeWritable(target: StreamxWritable): Writable {
  let failed: Error | undefined;
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (failed) return callback(failed);
      if (target.write(chunk)) callback();
      else target.once('drain', () => callback(failed));
    },
    final(callback) {
      if (failed) return callback(failed);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        callback(failed);
      };
      target.once('finish', finish);
      target.once('close', finish);
      target.end(undefined);
    },
    destroy(error, callback) {
      target.destroy(error ?? undefined);
      callback(error);
    },
  });
  target.on('error', (error) => {
    failed = error;
    writable.destroy(error);
  });
  return writable;
}

/** A Node Readable over an async iterable (tar-stream's pack), pulled as the consumer reads. */
export function nodeReadable(source: AsyncIterable<unknown>): Readable {
  return Readable.from(source, { objectMode: false });
}

export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * An error from a pipeline that mixes engine sockets and local files: file-system errors (they carry a path)
 * stay as they are, the rest is the engine's and is mapped to an EngineError naming it.
 */
export function pipelineError(error: unknown, engine: string, action: string): Error {
  if (error instanceof EngineError) return error;
  const e = error as { path?: string; syscall?: string } | undefined;
  if (error instanceof Error && (e?.path || e?.syscall === 'open' || e?.syscall === 'write' || e?.syscall === 'rename')) return error;
  return toEngineError(error, engine, action);
}

export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  const e = error as { name?: string; code?: string } | undefined;
  return Boolean(signal?.aborted) || e?.name === 'AbortError' || e?.code === 'ABORT_ERR';
}
