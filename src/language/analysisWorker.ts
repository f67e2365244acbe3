/**
 * The extension host's side of the Compose analysis worker (no vscode import, so unit tests use it as is).
 * Jobs are keyed by document: a newer job for a key replaces a queued older one (which resolves undefined),
 * and stops a running older one that has already taken SUPERSEDE_AFTER_MS (a big file being edited: its old
 * version's result would be thrown away anyway, and the next keystroke should not wait seconds for it).
 * One job runs at a time; a job that takes longer than the timeout, or crashes the worker, is answered with
 * an "analysis failed/stopped" diagnostic, the worker is restarted, and the queue goes on.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { failedDiagnostic, type AnalysisRequest, type AnalysisResult } from '../compose/analysisMessages';
import type { WorkerJob, WorkerPiece, WorkerReply } from '../compose/worker';

/** A job running longer than this is stopped (the target is 2 s for 10 MB; a loaded machine takes far longer). */
export const JOB_TIMEOUT_MS = 60_000;
/**
 * A running job of the same document younger than this is left to finish: stopping it costs a worker restart
 * (tens of ms), more than a small file's whole analysis.
 */
export const SUPERSEDE_AFTER_MS = 200;
/**
 * The worker's heap: a hostile file exhausts the worker's, not the extension host's. Not less than 2 GB: below
 * that V8 lets a heap grow by a smaller factor between full collections, and a 10 MB file's tree (about 100 MB)
 * then cost more of them: with 1 GB, the analysis of such a file spent 410-460 ms collecting instead of 340 ms,
 * and took 7 % longer (4 fresh workers each, interleaved).
 */
const WORKER_HEAP_MB = 2048;
/**
 * The worker's young generation. What an analysis keeps (the tree) survives it anyway, so a big one only holds more
 * garbage between collections: on the 10 MB file, 16 MB gave 295-298 MB peak RSS instead of 303-308 MB at the same
 * time (npm run bench:compose -- --huge, three runs each, interleaved).
 */
const WORKER_YOUNG_MB = 16;
/** Texts longer than this go to the worker in pieces of this many characters (about 5 ms of copying each). */
const PIECE_CHARS = 512 * 1024;

interface Pending {
  key: string;
  request: AnalysisRequest;
  resolve(result: AnalysisResult | undefined): void;
}

/** dist/composeWorker.js next to the bundle, or out/src/compose/worker.js next to the compiled sources. */
export function defaultWorkerPath(): string {
  const bundled = path.join(__dirname, 'composeWorker.js');
  return existsSync(bundled) ? bundled : path.join(__dirname, '..', 'compose', 'worker.js');
}

export interface AnalysisWorkerOptions {
  workerPath?: string;
  timeoutMs?: number;
}

export class AnalysisWorker {
  private worker: Worker | undefined;
  private readonly queue: Pending[] = [];
  private running: (Pending & { id: number; timer: NodeJS.Timeout; started: number }) | undefined;
  private nextId = 1;
  private disposed = false;
  private readonly workerPath: string;
  private readonly timeoutMs: number;
  /** How many times the worker was restarted after a timeout or a crash (tests read it). */
  restarts = 0;
  /** How many running jobs a newer version of their document stopped (tests read it). */
  superseded = 0;

  constructor(options: AnalysisWorkerOptions = {}) {
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.timeoutMs = options.timeoutMs ?? JOB_TIMEOUT_MS;
  }

  /**
   * Analyses in the worker. Resolves undefined when superseded by a newer job of the same key (queued, or
   * running for longer than SUPERSEDE_AFTER_MS), or when disposed; never rejects.
   */
  analyze(key: string, request: AnalysisRequest, urgent = false): Promise<AnalysisResult | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const older = this.queue.findIndex((p) => p.key === key);
      if (older >= 0) this.queue.splice(older, 1)[0].resolve(undefined);
      const job = { key, request, resolve };
      if (urgent) this.queue.unshift(job); else this.queue.push(job);
      if (this.running?.key === key && performance.now() - this.running.started >= SUPERSEDE_AFTER_MS) this.supersede();
      this.pump();
    });
  }

  /** Whether a job of this key is waiting or running. */
  has(key: string): boolean {
    return this.running?.key === key || this.queue.some((p) => p.key === key);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.finished(worker, reply));
    worker.on('error', (e) => this.crashed(worker, `failed (${e.message})`));
    worker.on('exit', (code) => this.crashed(worker, `stopped: the analysis worker exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    const id = this.nextId++;
    const timer = setTimeout(() => this.timedOut(id), this.timeoutMs);
    this.running = { ...next, id, timer, started: performance.now() };
    try {
      const worker = this.ensureWorker();
      const text = next.request.text;
      if (text !== undefined && text.length > PIECE_CHARS) void this.postInPieces(worker, id, next.request, text);
      else worker.postMessage({ id, request: next.request } satisfies WorkerJob);
    } catch (e) {
      this.fail(`failed (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /**
   * A big text in pieces, one per event-loop turn: a string is copied for the worker on the posting thread, and a
   * 10 MB one at once held the extension host 50-110 ms. Stops when the job stopped (superseded, timed out, failed).
   */
  private async postInPieces(worker: Worker, id: number, request: AnalysisRequest, text: string): Promise<void> {
    const sending = () => this.running?.id === id && this.worker === worker;
    try {
      let at = 0;
      for (; text.length - at > PIECE_CHARS; at += PIECE_CHARS) {
        worker.postMessage({ id, piece: text.slice(at, at + PIECE_CHARS) } satisfies WorkerPiece);
        await new Promise((resolve) => setImmediate(resolve));
        if (!sending()) return;
      }
      worker.postMessage({ id, request: { ...request, text: text.slice(at) }, pieces: true } satisfies WorkerJob);
    } catch (e) {
      if (sending()) this.fail(`failed (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  private finished(worker: Worker, reply: WorkerReply): void {
    if (worker !== this.worker || !this.running || reply.id !== this.running.id) return;
    const job = this.running;
    clearTimeout(job.timer);
    this.running = undefined;
    job.resolve('error' in reply ? { diagnostics: [failedDiagnostic(`failed (${reply.error})`)] } : reply.result);
    this.pump();
  }

  private timedOut(id: number): void {
    if (this.running?.id !== id) return;
    this.fail(`was stopped after ${(this.timeoutMs / 1000).toFixed(0)} s`);
  }

  private crashed(worker: Worker, reason: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    if (this.running) { this.restarts++; this.fail(reason); }
  }

  /** Stops the running job for a newer version of its document: it resolves undefined, like a queued one. */
  private supersede(): void {
    const job = this.running;
    if (!job) return;
    clearTimeout(job.timer);
    this.running = undefined;
    this.superseded++;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    job.resolve(undefined);
  }

  /** Answers the running job with a failure diagnostic, replaces the worker, and goes on with the queue. */
  private fail(reason: string): void {
    const job = this.running;
    if (!job) return;
    clearTimeout(job.timer);
    this.running = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) { this.restarts++; void worker.terminate(); }
    job.resolve({ diagnostics: [failedDiagnostic(reason)] });
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    if (this.running) { clearTimeout(this.running.timer); this.running.resolve(undefined); this.running = undefined; }
    for (const p of this.queue.splice(0)) p.resolve(undefined);
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
