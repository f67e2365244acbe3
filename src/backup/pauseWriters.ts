/** Pausing a volume's running writers while a backup or clone copies it, so the copy is consistent. */
import type { EngineClient } from '../engine/client';
import { EngineError } from '../engine/errors';
import { createPauseRecord } from './helper';

/**
 * Pauses the given containers, runs `work`, and resumes the ones it paused, also when `work` fails or is
 * cancelled. Containers that are not running (any more) are skipped. Returns the ids it paused. Each pause is
 * recorded on the engine first (createPauseRecord), so that if this process dies before resuming, recovery can.
 */
export async function pauseWhile(client: EngineClient, ids: string[], signal: AbortSignal | undefined, work: () => Promise<void>): Promise<string[]> {
  const paused: Array<{ id: string; record: string }> = [];
  const forget = (record: string) => client.removeContainer(record, { force: true }).catch(() => undefined);
  const resume = async () => {
    const failures: string[] = [];
    for (const { id, record } of paused) {
      try {
        await client.unpauseContainer(id);
        await forget(record);
      } catch (e) {
        // Gone, or no longer paused: nothing left to resume. Anything else keeps the record, for recovery.
        if (e instanceof EngineError && (e.kind === 'notFound' || e.kind === 'conflict')) await forget(record);
        else failures.push(`${id.slice(0, 12)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (failures.length) throw new Error(`Could not resume container(s) paused for the backup: ${failures.join('; ')}`);
  };
  try {
    for (const id of ids) {
      const record = await createPauseRecord(client, id, signal);
      try {
        await client.pauseContainer(id, { signal });
        paused.push({ id, record });
      } catch (e) {
        await forget(record);
        // 409: not running, or already paused (by someone else: then it is not ours to resume).
        if (!(e instanceof EngineError && e.kind === 'conflict')) throw e;
      }
    }
    await work();
  } catch (e) {
    await resume().catch(() => undefined);
    throw e;
  }
  await resume();
  return paused.map((p) => p.id);
}
