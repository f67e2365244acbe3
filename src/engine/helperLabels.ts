/**
 * The labels on the containers this extension makes on an engine (backup, restore, clone and browse helpers, and
 * pause records). They are how any process sharing the engine tells those containers from the user's: the
 * explorer hides them, Remove Volume names them, recovery removes the ones a dead editor left. They live here,
 * below the model and the backup code, because both read them.
 */
import { hostname } from 'node:os';

/** Label on every helper container, so leftovers (a crashed editor) can be told apart and removed. */
export const HELPER_LABEL = 'docker-networks-volumes.helper';

/**
 * On every helper and pause record: the machine and process that made it, as JSON `{ host, pid }`. Recovery
 * (backup/recovery.ts) removes the leftovers of an editor that died mid-backup, and must not touch the helpers of
 * a backup another editor window, or another machine sharing the engine, is running right now. The process's
 * identity is what tells them apart on this machine (is that pid still alive?); a timestamp heartbeat would need
 * a label updated while the backup runs, and labels cannot change after a container is created.
 */
export const OWNER_LABEL = `${HELPER_LABEL}.owner`;
/** On a pause record: the id of the container this process paused. */
export const PAUSED_LABEL = `${HELPER_LABEL}.paused`;
/** HELPER_LABEL's value on a helper that mounts volumes, and on a pause record. */
export const HELPER_KIND = { archive: 'volume-archive', pauseRecord: 'pause-record', browse: 'volume-browse' } as const;

export interface HelperOwner {
  host: string;
  pid: number;
}

export function thisOwner(): HelperOwner {
  return { host: hostname(), pid: process.pid };
}
