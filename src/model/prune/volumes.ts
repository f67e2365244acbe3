/**
 * Volume prune with a preview of exactly what goes. The engine's own prune differs by version (API 1.41 takes
 * named volumes too, API 1.42+ only anonymous ones unless all=true) and could take a volume that became unused
 * after the preview, so the chosen volumes are removed one by one by name instead: what goes is what was shown,
 * on every engine. Volumes a caller protects (those the workspace's Compose files use) are listed apart.
 */
import type { EngineClient } from '../../engine/client';
import { EngineError } from '../../engine/errors';
import type { EngineContainerSummary, EngineVolume } from '../../engine/types';
import { isAnonymousVolume } from '../mapping';

export interface VolumePruneCandidate {
  name: string;
  anonymous: boolean;
  driver: string;
  labels: Record<string, string>;
  /** Bytes from the engine's disk usage; undefined when unknown (not computed, or a driver that cannot tell). */
  size?: number;
  createdAt?: string;
  /** Why the caller protects it; such a volume is kept unless the user includes it. */
  protectedBecause?: string;
}

export interface VolumePrunePreview {
  anonymous: VolumePruneCandidate[];
  named: VolumePruneCandidate[];
  /** Unused, but protected: not in the two lists above. */
  protected: VolumePruneCandidate[];
  /** Whether sizes came from the engine's disk usage. */
  sizesKnown: boolean;
}

export interface VolumePruneFilter {
  /** Names to keep, with the reason (a Set works too: the reason is then generic). */
  protected?: ReadonlyMap<string, string> | ReadonlySet<string>;
  /** Only volumes with all these labels ("key" or "key=value"), as the engine's label filter. */
  labels?: string[];
}

function hasLabels(labels: Record<string, string>, wanted: string[]): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? w in labels : labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

function protectionOf(filter: VolumePruneFilter, name: string): string | undefined {
  const p = filter.protected;
  if (!p) return undefined;
  if (p instanceof Map) return p.get(name);
  return (p as ReadonlySet<string>).has(name) ? 'protected' : undefined;
}

/** Pure: which volumes a prune would take, from the engine's lists. */
export function planVolumePrune(volumes: EngineVolume[], containers: EngineContainerSummary[], usage: EngineVolume[] | undefined, filter: VolumePruneFilter = {}): VolumePrunePreview {
  const used = new Set<string>();
  for (const c of containers) for (const m of c.Mounts ?? []) if (m.Type === 'volume' && m.Name) used.add(m.Name);
  const sizes = new Map<string, number>();
  for (const v of usage ?? []) if (v.UsageData && v.UsageData.Size >= 0) sizes.set(v.Name, v.UsageData.Size);
  const preview: VolumePrunePreview = { anonymous: [], named: [], protected: [], sizesKnown: usage !== undefined };
  const sorted = [...volumes].sort((a, b) => a.Name.localeCompare(b.Name));
  for (const v of sorted) {
    if (used.has(v.Name)) continue;
    const labels = v.Labels ?? {};
    if (filter.labels?.length && !hasLabels(labels, filter.labels)) continue;
    const candidate: VolumePruneCandidate = {
      name: v.Name, anonymous: isAnonymousVolume(v.Name, labels), driver: v.Driver ?? 'local', labels,
      size: sizes.get(v.Name), createdAt: v.CreatedAt, protectedBecause: protectionOf(filter, v.Name),
    };
    if (candidate.protectedBecause) preview.protected.push(candidate);
    else if (candidate.anonymous) preview.anonymous.push(candidate);
    else preview.named.push(candidate);
  }
  return preview;
}

/** Reads volumes, containers and (unless `sizes` is false) disk usage, and plans. Disk usage failing only loses the sizes. */
export async function volumePrunePreview(client: EngineClient, filter: VolumePruneFilter & { sizes?: boolean; signal?: AbortSignal } = {}): Promise<VolumePrunePreview> {
  const { signal } = filter;
  const [volumes, containers, usage] = await Promise.all([
    client.listVolumes({ signal }),
    client.listContainers(undefined, { signal }),
    filter.sizes === false ? Promise.resolve(undefined) : client.volumeUsage({ signal }).catch(() => undefined),
  ]);
  return planVolumePrune(volumes, containers, usage, filter);
}

export function reclaimable(candidates: VolumePruneCandidate[]): number {
  return candidates.reduce((sum, c) => sum + (c.size ?? 0), 0);
}

export interface VolumePruneOutcome {
  removed: string[];
  /** Not removed, with the engine's reason (typically: a container started using it since the preview). */
  skipped: Array<{ name: string; reason: string }>;
  /** Sum of the removed volumes' sizes as the preview knew them. */
  spaceFreed: number;
}

/** Removes exactly these volumes, one by one; stops early when cancelled (what is gone is reported). */
export async function pruneVolumes(client: EngineClient, chosen: VolumePruneCandidate[], options: { signal?: AbortSignal; onVolume?: (name: string, index: number) => void } = {}): Promise<VolumePruneOutcome> {
  const outcome: VolumePruneOutcome = { removed: [], skipped: [], spaceFreed: 0 };
  for (const [index, c] of chosen.entries()) {
    if (options.signal?.aborted) break;
    options.onVolume?.(c.name, index);
    try {
      await client.removeVolume(c.name);
      outcome.removed.push(c.name);
      outcome.spaceFreed += c.size ?? 0;
    } catch (e) {
      outcome.skipped.push({ name: c.name, reason: e instanceof EngineError ? e.engineMessage ?? e.message : String(e) });
    }
  }
  return outcome;
}
