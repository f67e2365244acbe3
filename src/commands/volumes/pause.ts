/** The pause question: running containers that write to the volumes being read, and whether to pause them. */
import { runningWriters, type VolumeUserInfo } from '../../engine/volumes';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';

/**
 * Running containers that write to these volumes, and whether to pause them while the volumes are read.
 * `given` (from an argument) skips the question. Returns undefined when the user cancels.
 */
export async function askPause(store: EngineStore, prompts: Prompts, volumes: string[], given: boolean | undefined, action: string): Promise<Map<string, VolumeUserInfo[]> | undefined> {
  const writers = new Map<string, VolumeUserInfo[]>();
  for (const v of volumes) writers.set(v, await runningWriters(store.client, v));
  const all = [...new Map([...writers.values()].flat().map((w) => [w.id, w])).values()];
  const none = new Map(volumes.map((v) => [v, [] as VolumeUserInfo[]]));
  if (!all.length || given === false) return none;
  if (given === true) return writers;
  const pause = localize('Pause and Continue');
  const dont = localize('Do Not Pause');
  const answer = await prompts.confirm(
    localize('{0} running container(s) write to {1}: {2}', all.length, volumes.length === 1 ? volumes[0] : localize('these volumes'), all.map((w) => w.name).join(', ')),
    { detail: localize('Pause them during the {0} for a consistent copy? They are resumed as soon as the volume has been read, also if it fails or is cancelled.', action), actions: [pause, dont] },
  );
  if (!answer) return undefined;
  return answer === pause ? writers : none;
}
