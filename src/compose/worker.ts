/**
 * The Compose analysis worker thread (bundled as dist/composeWorker.js): jobs come in one at a time as
 * { id, request }, results go back as { id, result } or { id, error }. The extension host's client
 * (src/language/analysisWorker.ts) queues, supersedes, times out and restarts it.
 */
import { parentPort } from 'node:worker_threads';
import { runAnalysis, type AnalysisRequest } from './analysisJob';

export interface WorkerJob {
  id: number;
  request: AnalysisRequest;
}

export type WorkerReply = { id: number; result: ReturnType<typeof runAnalysis> } | { id: number; error: string };

parentPort?.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    reply = { id: job.id, result: runAnalysis(job.request) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
