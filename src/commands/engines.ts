/** Choose the current engine: the one palette commands and Compose checks use. */
import type { EngineSet } from '../model/engines';
import { localize } from '../l10n';
import { engineIdFrom } from '../args';
import type { Prompts } from './prompts';

export async function selectEngine(engines: EngineSet, prompts: Prompts, arg?: unknown): Promise<string | undefined> {
  let id = engineIdFrom(arg);
  if (!id) {
    const items = engines.entries().map((e) => {
      const state = e.store.state;
      return {
        id: e.id,
        label: `${e.current ? '$(check) ' : ''}${e.label}`,
        description: state.status === 'connected' ? localize('Engine {0}', state.version.Version ?? '?')
          : state.status === 'connecting' ? localize('connecting…') : localize('not connected'),
        detail: state.status === 'unreachable' ? state.error.message : undefined,
      };
    });
    const picked = await prompts.pick(items, { placeHolder: localize('Which engine do palette commands and Compose checks use?'), matchOnDetail: true });
    id = picked?.id;
  }
  if (!id) return undefined;
  if (!engines.entries().some((e) => e.id === id)) throw new Error(localize('No engine {0}.', id));
  await engines.setCurrent(id);
  return id;
}

/** Retry Connection: the engine of the row it was run from, else every engine that is not connected. */
export function retryConnection(engines: EngineSet, arg?: unknown): void {
  if (engineIdFrom(arg) !== undefined) {
    engines.store(engineIdFrom(arg)).retryNow();
    return;
  }
  for (const { store } of engines.entries()) if (store.state.status !== 'connected') store.retryNow();
}

/**
 * Asked when an ssh engine's host key is in no known_hosts file. Each request to an ssh engine opens a new
 * connection, so an answer holds for the session; a refusal is remembered too, so the question is not repeated
 * on every retry.
 */
export function hostKeyQuestion(prompts: Prompts): (host: string, fingerprint: string) => Promise<boolean> {
  const answers = new Map<string, Promise<boolean>>();
  return (host, fingerprint) => {
    const key = `${host} ${fingerprint}`;
    let answer = answers.get(key);
    if (!answer) {
      const trust = localize('Trust for This Session');
      answer = prompts.confirm(
        localize('The SSH host key of {0} is not in known_hosts.', host),
        { detail: localize('Fingerprint: {0}\n\nCompare it with the one the server\'s owner gives you. To trust it for good, connect once with ssh, which records it in ~/.ssh/known_hosts.', fingerprint), actions: [trust] },
      ).then((picked) => picked === trust);
      answers.set(key, answer);
    }
    return answer;
  };
}
