/**
 * Clone a volume to a new name, engine-side: the archive stream of one helper container (source, read-only)
 * is piped straight into the archive upload of another (target). Nothing is written on this machine and the
 * copy is exact (owners, modes, times, links, also device files the source may hold).
 */
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { archiveLayout, withHelper } from './helper';
import { ByteMeter, isAbort, pipelineError, type ProgressListener } from './streams';
import { createVolume } from '../engine/volumes';
import type { VolumeSpec } from '../engine/types';
import { pauseWhile } from './pauseWriters';

export interface CloneOptions {
  source: string;
  target: string;
  /** For the new volume. Default: the local driver and the source's labels without Compose's. */
  create?: Omit<VolumeSpec, 'name'>;
  /** Running containers to pause while the source is read. */
  pause?: string[];
  /** Bytes the source holds, for a progress total. */
  expectedBytes?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface CloneResult {
  source: string;
  target: string;
  /** Bytes of the tar stream that went across. */
  bytes: number;
  paused: string[];
  durationMs: number;
}

export async function cloneVolume(client: EngineClient, options: CloneOptions): Promise<CloneResult> {
  const started = Date.now();
  const { source, target, signal } = options;
  const info = await client.inspectVolume(source, { signal });
  const layout = await archiveLayout(client, signal);
  const labels = Object.fromEntries(Object.entries(info.Labels ?? {}).filter(([k]) => !k.startsWith('com.docker.compose.')));
  await createVolume(client, { name: target, labels, ...options.create }, signal);

  const meter = new ByteMeter((bytes, rate) => options.onProgress?.({ phase: 'clone', volume: source, bytes, rate, total: options.expectedBytes }));
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let paused: string[] = [];
  try {
    await withHelper(client, [{ volume: source, readOnly: true }], (from) =>
      withHelper(client, [{ volume: target, readOnly: false }], async (to) => {
        paused = await pauseWhile(client, options.pause ?? [], signal, async () => {
          // On Docker `/data` (entries `data/...`) into `/`: the target's root folder gets the source root's owner,
          // mode and time. On Podman the contents of /data into /data (see ArchiveLayout).
          const tar = await client.getArchive(from, layout.clonePath, { signal: both });
          const body = new PassThrough();
          const reading = pipeline(tar, meter, body, { signal: both }).catch((e) => { stop.abort(); throw e; });
          const writing = client.putArchive(to, layout.uploadPath, body, { signal: both }).catch((e) => { stop.abort(); throw e; });
          const results = await Promise.allSettled([reading, writing]);
          const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed.length) throw (failed.find((r) => !isAbort(r.reason)) ?? failed[0]).reason;
        });
      }, signal), signal);
  } catch (e) {
    await client.removeVolume(target, { force: true }).catch(() => undefined);
    if (isAbort(e, signal)) throw new EngineError('cancelled', `Clone of ${source} cancelled; ${target} was removed.`, client.label, undefined, undefined, { cause: e });
    const error = pipelineError(e, client.label, `clone volume ${source} to ${target}`);
    error.message = `${error.message} (${target} was removed)`;
    throw error;
  }
  return { source, target, bytes: meter.bytes, paused, durationMs: Date.now() - started };
}
