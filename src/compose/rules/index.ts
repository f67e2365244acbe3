/** Every rule, in the order they run and are documented. */
import { bindSourceMissing } from './bind-source-missing';
import { buildPlatform } from './build-platform';
import { containerNameScale } from './container-name-scale';
import { distinctLimits } from './distinct-limits';
import { dockerfileConflict } from './dockerfile-conflict';
import { healthcheckTest } from './healthcheck-test';
import { ignoredSetting } from './ignored-setting';
import { imageOrBuild } from './image-or-build';
import { watchTarget } from './watch-target';
import { deviceCount } from './device-count';
import { emptyFile } from './empty-file';
import { envFileMissing, envFileSyntax, labelFileMissing } from './env-file-missing';
import { invalidEnvironmentKey } from './environment-key';
import { invalidInterpolation } from './invalid-interpolation';
import { extendsCycle, extendsMissing } from './extends';
import { externalConflict, externalNameConflict, externalNetworkOptions } from './external-conflict';
import { includeConflict, includeCycle, includeMissing, includeRemote } from './include';
import { nonStringKey } from './non-string-key';
import { resourceSource } from './resource-source';
import { yamlAnchor } from './yaml-anchor';
import { yamlMerge } from './yaml-merge';
import { dependsOnCycle } from './depends-on-cycle';
import { duplicateContainerName } from './duplicate-container-name';
import { duplicateHostPort } from './duplicate-host-port';
import { externalMissing } from './external-missing';
import { gatewayOutsideSubnet } from './gateway-outside-subnet';
import { internalNetworkPorts } from './internal-network-ports';
import { invalidPort } from './invalid-port';
import { invalidSubnet } from './invalid-subnet';
import { invalidVolumeMapping } from './invalid-volume-mapping';
import { networkModeConflict } from './network-mode-conflict';
import { obsoleteVersion } from './obsolete-version';
import { overlayWithoutSwarm } from './overlay-without-swarm';
import { portInUse } from './port-in-use';
import type { Rule } from './rule';
import { schema } from './schema';
import { subnetOverlap } from './subnet-overlap';
import { subnetOverlapsEngine } from './subnet-overlaps-engine';
import { undefinedConfig } from './undefined-config';
import { undefinedNetwork } from './undefined-network';
import { undefinedSecret } from './undefined-secret';
import { undefinedService } from './undefined-service';
import { undefinedVolume } from './undefined-volume';
import { unusedNetwork } from './unused-network';
import { unusedVolume } from './unused-volume';
import { yamlSyntax } from './yaml-syntax';

export const RULES: readonly Rule[] = [
  yamlSyntax,
  yamlMerge,
  yamlAnchor,
  nonStringKey,
  emptyFile,
  invalidInterpolation,
  schema,
  includeMissing,
  includeRemote,
  includeCycle,
  includeConflict,
  extendsMissing,
  extendsCycle,
  undefinedNetwork,
  undefinedVolume,
  undefinedConfig,
  undefinedSecret,
  undefinedService,
  dependsOnCycle,
  unusedNetwork,
  unusedVolume,
  duplicateHostPort,
  portInUse,
  invalidPort,
  invalidVolumeMapping,
  networkModeConflict,
  ignoredSetting,
  internalNetworkPorts,
  invalidSubnet,
  gatewayOutsideSubnet,
  subnetOverlap,
  subnetOverlapsEngine,
  externalMissing,
  overlayWithoutSwarm,
  obsoleteVersion,
  bindSourceMissing,
  duplicateContainerName,
  externalConflict,
  externalNetworkOptions,
  externalNameConflict,
  resourceSource,
  buildPlatform,
  envFileMissing,
  envFileSyntax,
  labelFileMissing,
  deviceCount,
  invalidEnvironmentKey,
  imageOrBuild,
  dockerfileConflict,
  healthcheckTest,
  distinctLimits,
  containerNameScale,
  watchTarget,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export type { Fix, NetworkCreateArgs, Rule, Severity, VolumeCreateArgs } from './rule';
