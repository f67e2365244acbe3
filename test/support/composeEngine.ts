/** A small engine state for the engine-dependent Compose rules in unit tests (the real engine is in test/engine). */
import { snapshotFromLists, type EngineSnapshot } from '../../src/compose/engineSnapshot';
import type { EngineContainerSummary, EngineNetwork, EngineVolume } from '../../src/engine/types';

export function fakeEngine(options: { swarm?: boolean } = {}): EngineSnapshot {
  const networks: EngineNetwork[] = [
    { Id: 'n1', Name: 'bridge', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] } },
    { Id: 'n2', Name: 'other-net', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '10.231.5.0/24' }] } },
    { Id: 'n3', Name: 'fixture_own', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '10.231.7.0/24' }] } },
    { Id: 'n4', Name: 'live-proxy', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '10.240.0.0/24' }] } },
  ];
  const volumes: EngineVolume[] = [{ Name: 'live-data', Driver: 'local', Mountpoint: '/var/lib/docker/volumes/live-data/_data' }];
  const containers = [{
    Id: 'c1', Names: ['/busy-web'], Image: 'nginx', State: 'running', Status: 'Up', Labels: {},
    HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: { NetworkID: 'n1', IPAddress: '172.17.0.2' } } },
    Mounts: [], Ports: [{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: 18080, Type: 'tcp' }],
  }] as unknown as EngineContainerSummary[];
  return snapshotFromLists(networks, volumes, containers, options.swarm ?? false);
}
