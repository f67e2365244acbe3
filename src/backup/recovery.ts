/**
 * What an editor that died during a backup, restore or clone leaves on the engine: helper containers (which
 * make Remove Volume say a backup is in progress, forever) and containers it paused and never resumed (each
 * with a pause record: helper.ts createPauseRecord). Run when an engine connects: resumes what a dead process
 * paused, then removes its helpers and records.
 *
 * Only leftovers are touched. Each helper and record names the machine and process that made it (OWNER_LABEL):
 * - made on this machine: a leftover when that process is gone (another editor window's live backup is kept);
 * - made on another machine sharing the engine, or before owners were recorded: its process cannot be seen
 *   from here, so it counts as a leftover only once it is older than any transfer we run (a day by default).
 */
import { hostname } from 'node:os';
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import type { EngineContainerSummary } from '../engine/types';
import { HELPER_KIND, HELPER_LABEL, type HelperOwner, OWNER_LABEL, PAUSED_LABEL } from '../engine/helperLabels';

export interface RecoveryOptions {
  signal?: AbortSignal;
  /** Age after which a helper whose process cannot be checked from here counts as a leftover. */
  unverifiableAfterMs?: number;
  now?: number;
  /** This machine's name, as helpers record it. */
  host?: string;
  isProcessAlive?: (pid: number) => boolean;
  /** Only containers whose name starts with this (tests share the engine with other work). */
  namePrefix?: string;
}

export interface RecoveryOutcome {
  /** Containers a dead process had paused, resumed now. */
  resumed: Array<{ id: string; name: string }>;
  /** Helper containers (and pause records) of dead processes, removed. */
  removed: Array<{ id: string; name: string; kind: string; owner: string }>;
  /** Helpers of processes still running (another window's backup in progress): left alone. */
  live: number;
  /** What could not be done, in words. */
  failures: string[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(container: EngineContainerSummary): HelperOwner | undefined {
  try {
    const parsed = JSON.parse(container.Labels?.[OWNER_LABEL] ?? '') as Partial<HelperOwner>;
    return typeof parsed.host === 'string' && Number.isInteger(parsed.pid) ? { host: parsed.host, pid: parsed.pid! } : undefined;
  } catch {
    return undefined;
  }
}

function nameOf(container: EngineContainerSummary): string {
  return (container.Names?.[0] ?? container.Id.slice(0, 12)).replace(/^\//, '');
}

/** Resumes what dead processes paused and removes their helpers; leaves everything of live ones alone. */
export async function recoverStaleHelpers(client: EngineClient, options: RecoveryOptions = {}): Promise<RecoveryOutcome> {
  const { signal } = options;
  const now = options.now ?? Date.now();
  const host = options.host ?? hostname();
  const alive = options.isProcessAlive ?? processIsAlive;
  const unverifiableAfterMs = options.unverifiableAfterMs ?? DAY_MS;
  const outcome: RecoveryOutcome = { resumed: [], removed: [], live: 0, failures: [] };

  const isLeftover = (c: EngineContainerSummary): boolean => {
    const owner = ownerOf(c);
    if (owner && owner.host === host) return !alive(owner.pid);
    return now - (c.Created ?? 0) * 1000 > unverifiableAfterMs;
  };
  const helpers = (await client.listContainers({ label: [HELPER_LABEL] }, { signal }))
    .filter((c) => !options.namePrefix || nameOf(c).startsWith(options.namePrefix));
  const leftovers = helpers.filter((c) => {
    const stale = isLeftover(c);
    if (!stale) outcome.live++;
    return stale;
  });

  // Resume first: a paused container is the user's service down; the helpers only block a removal.
  const keep = new Set<string>();
  for (const record of leftovers.filter((c) => c.Labels?.[HELPER_LABEL] === HELPER_KIND.pauseRecord)) {
    const pausedId = record.Labels?.[PAUSED_LABEL];
    if (!pausedId) continue;
    try {
      const target = await client.inspectContainer(pausedId, { signal });
      if (target.State?.Paused) {
        await client.unpauseContainer(pausedId, { signal });
        outcome.resumed.push({ id: pausedId, name: (target.Name ?? pausedId.slice(0, 12)).replace(/^\//, '') });
      }
    } catch (e) {
      if (!(e instanceof EngineError && e.kind === 'notFound')) {
        outcome.failures.push(`could not resume ${pausedId.slice(0, 12)}: ${e instanceof Error ? e.message : String(e)}`);
        keep.add(record.Id); // the next connect tries again
      }
    }
  }

  for (const c of leftovers.filter((l) => !keep.has(l.Id))) {
    try {
      await client.removeContainer(c.Id, { force: true, signal });
      const owner = ownerOf(c);
      outcome.removed.push({ id: c.Id, name: nameOf(c), kind: c.Labels?.[HELPER_LABEL] ?? '', owner: owner ? `${owner.host} pid ${owner.pid}` : 'unknown' });
    } catch (e) {
      if (!(e instanceof EngineError && e.kind === 'notFound')) outcome.failures.push(`could not remove ${nameOf(c)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return outcome;
}
