/**
 * Names that prune keeps unless the user includes them: the networks and volumes the workspace's Compose files
 * declare. The Compose analysis provides them; until it has, nothing is protected beyond the built-ins.
 */
export interface ProtectedResources {
  /** Engine network name -> why it is kept (e.g. "declared in compose.yaml"). */
  networks: Map<string, string>;
  volumes: Map<string, string>;
}

export type ProtectedResourcesProvider = () => Promise<ProtectedResources>;

export const nothingProtected: ProtectedResourcesProvider = async () => ({ networks: new Map(), volumes: new Map() });
