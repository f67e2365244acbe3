/**
 * Clone a volume to a new name, engine-side (nothing goes through this machine's disk). Running writers can
 * be paused for a consistent copy. Called with `{ source, target, pause? }` (tests) it asks nothing.
 */
import * as vscode from 'vscode';
import { cloneVolume as clone, type CloneResult } from '../../backup/clone';
import { volumeExists, volumeNameProblem } from '../../engine/volumes';
import type { EngineStore } from '../../model/store';
import { formatBytes, formatSeconds } from '../../model/format';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import { givenArgs, volumeNamesFrom } from '../../args';
import { pickVolumes } from '../pick';
import { askPause } from './pause';
import { sizeLookup, withTransferProgress } from './progress';

export interface CloneArgs {
  source: string;
  target: string;
  pause: boolean;
}

/** `dnv.volume.clone` */
export async function cloneVolume(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<CloneResult | undefined> {
  const given = givenArgs<CloneArgs>(arg);
  const source = volumeNamesFrom(store, arg)[0]
    ?? (given ? undefined : (await pickVolumes(store, prompts, localize('Clone Volume'), localize('Clone which volume?'), false))?.[0]);
  if (!source) return undefined;
  if (!await volumeExists(store.client, source)) throw new Error(localize('No volume {0} on this engine.', source));

  const taken = new Set(store.volumes().map((v) => v.name));
  let suggestion = `${source}-copy`;
  for (let i = 2; taken.has(suggestion); i++) suggestion = `${source}-copy-${i}`;
  const target = given?.target ?? (given ? undefined : (await prompts.input({
    title: localize('Clone Volume {0}', source), prompt: localize('Name of the new volume'), value: suggestion, ignoreFocusOut: true,
    validateInput: (v) => volumeNameProblem(v.trim()) ?? (taken.has(v.trim()) ? localize('A volume named {0} already exists.', v.trim()) : undefined),
  }))?.trim());
  if (!target) return undefined;
  const writers = await askPause(store, prompts, [source], given?.pause, localize('clone'));
  if (!writers) return undefined;

  const sizeOf = sizeLookup(store, [source]);
  const result = await withTransferProgress(localize('Cloning {0} to {1}', source, target), (signal, progress) => clone(store.client, {
    source, target, signal,
    pause: (writers.get(source) ?? []).map((w) => w.id),
    onProgress: (p) => progress.report({ ...p, total: p.total ?? sizeOf(source) }),
  }));
  void vscode.window.showInformationMessage(localize('Cloned {0} to {1} ({2} in {3}).', source, target, formatBytes(result.bytes), formatSeconds(result.durationMs)));
  return result;
}
