/**
 * The Compose analysis worker thread (bundled as dist/composeWorker.js): jobs come in one at a time as
 * { id, request }, results go back as { id, result } or { id, error }. The extension host's client
 * (src/language/analysisWorker.ts) queues, supersedes, times out and restarts it.
 */
import { parentPort } from 'node:worker_threads';
import { runAnalysis } from './analysisJob';
import type { AnalysisRequest } from './analysisMessages';

export interface WorkerJob {
  id: number;
  request: AnalysisRequest;
  /** The request's text is only the last piece: the ones before came as WorkerPiece messages of the same id. */
  pieces?: true;
}

/**
 * A piece of a big job's text. Posting a 10 MB string at once held the host's thread 50-110 ms (its copy for the
 * worker is made on the posting thread); pieces go one per event-loop turn.
 */
export interface WorkerPiece {
  id: number;
  piece: string;
}

export type WorkerReply = { id: number; result: ReturnType<typeof runAnalysis> } | { id: number; error: string };

/** The pieces received of the job being sent (a job's pieces all come before the job, and jobs one at a time). */
let pieces: { id: number; parts: string[] } | undefined;

parentPort?.on('message', (message: WorkerJob | WorkerPiece) => {
  if ('piece' in message) {
    if (pieces?.id !== message.id) pieces = { id: message.id, parts: [] };
    pieces.parts.push(message.piece);
    return;
  }
  const job = message;
  let reply: WorkerReply;
  try {
    let request = job.request;
    if (job.pieces) {
      if (pieces?.id !== job.id) throw new Error('the pieces of the text did not arrive');
      // One join of every piece: `join() + last` would be a rope over the 10 MB string, whose every character
      // read in the scanner then goes through the rope's node.
      if (request.text) pieces.parts.push(request.text);
      request = { ...request, text: pieces.parts.join('') };
    }
    pieces = undefined;
    reply = { id: job.id, result: runAnalysis(request) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
