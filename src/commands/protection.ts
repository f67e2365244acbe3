/**
 * Names that prune keeps unless the user includes them: the networks and volumes the workspace's Compose files
 * declare (see src/compose/declaredResources.ts), with the reason shown in the preview.
 */
import type { DeclaredResources } from '../compose/declaredResources';

export type ProtectedResources = DeclaredResources;

export type ProtectedResourcesProvider = () => Promise<ProtectedResources>;
