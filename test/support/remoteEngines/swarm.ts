/** (c) A private dockerd that is a Swarm manager with an attachable overlay network. */
import { dockerCli, emptyDockerConfig, engineDir, OVERLAY_NETWORK, PrivateDockerd, startOrClean, stopper } from './common';
import type { StartOptions, SwarmEngine } from './types';

// ---- (c) Swarm ------------------------------------------------------------------------------------------------

export async function startSwarmEngine(options: StartOptions = {}): Promise<SwarmEngine> {
  const dir = await engineDir('swarm');
  const dockerd = new PrivateDockerd(dir, 'swarm');
  const stop = stopper(dir, [() => dockerd.stop()]);
  return startOrClean(stop, async () => {
    await dockerd.start();
    if (options.testImage !== false) await dockerd.importTestImage();
    const env = { DOCKER_HOST: dockerd.host, DOCKER_CONFIG: emptyDockerConfig(dir) };
    await dockerCli(env, ['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', '127.0.0.1:2377']);
    const nodeId = await dockerCli(env, ['info', '--format', '{{.Swarm.NodeID}}']);
    const overlayNetworkId = await dockerCli(env, ['network', 'create', '--driver', 'overlay', '--attachable', OVERLAY_NETWORK]);
    return {
      kind: 'swarm' as const,
      host: dockerd.host,
      env,
      dir,
      overlayNetwork: OVERLAY_NETWORK,
      overlayNetworkId,
      nodeId,
      docker: (...args: string[]) => dockerCli(env, args),
      stop,
    };
  });
}
