/** View, command, context-key and setting ids. They mirror package.json; a unit test checks the two agree. */

export const VIEW = {
  networks: 'dnv.networks',
  volumes: 'dnv.volumes',
  volumeFiles: 'dnv.volumeFiles',
} as const;

export const COMMAND = {
  refresh: 'dnv.refresh',
  retryConnection: 'dnv.retryConnection',
  configureEngine: 'dnv.configureEngine',
  showLog: 'dnv.showLog',
  inspect: 'dnv.inspect',
  showBuiltIns: 'dnv.networks.showBuiltIns',
  hideBuiltIns: 'dnv.networks.hideBuiltIns',
  groupByProject: 'dnv.groupByProject',
  ungroup: 'dnv.ungroup',
  sortByName: 'dnv.sortByName',
  sortByCreated: 'dnv.sortByCreated',
  computeSizes: 'dnv.volumes.computeSizes',
  reveal: 'dnv.reveal',
  selectEngine: 'dnv.selectEngine',
  createNetwork: 'dnv.network.create',
  connectNetwork: 'dnv.network.connect',
  disconnectNetwork: 'dnv.network.disconnect',
  removeNetwork: 'dnv.network.remove',
  pruneNetworks: 'dnv.networks.prune',
  testConnectivity: 'dnv.network.testConnectivity',
  showTopology: 'dnv.network.showTopology',
  createVolume: 'dnv.volume.create',
  removeVolume: 'dnv.volume.remove',
  pruneVolumes: 'dnv.volumes.prune',
  backupVolume: 'dnv.volume.backup',
  restoreVolume: 'dnv.volume.restore',
  cloneVolume: 'dnv.volume.clone',
  scheduleBackup: 'dnv.volume.scheduleBackup',
  runScheduledBackups: 'dnv.volume.runScheduledBackups',
  verifyBackup: 'dnv.volume.verifyBackup',
  browseVolume: 'dnv.volume.browse',
  downloadVolumeFile: 'dnv.volumeFiles.download',
  compareVolumeFile: 'dnv.volumeFiles.compareWithFile',
  compareVolumeFileWithBackup: 'dnv.volumeFiles.compareWithBackup',
  stopBrowsing: 'dnv.volumeFiles.stop',
  refreshVolumeFiles: 'dnv.volumeFiles.refresh',
  browseBackup: 'dnv.backup.browse',
} as const;

export const CONTEXT = {
  engineState: 'dnv.engineState',
  /** Why the engine is unreachable (see UnreachableReason): picks the welcome view's hint. */
  engineProblem: 'dnv.engineProblem',
  networksEmpty: 'dnv.networksEmpty',
  volumesEmpty: 'dnv.volumesEmpty',
  showBuiltIns: 'dnv.showBuiltIns',
  groupByProject: 'dnv.groupByProject',
  sortBy: 'dnv.sortBy',
  /** Some volume is shown in the Volume Files view. */
  browsing: 'dnv.browsing',
} as const;

export const SETTING_SECTION = 'dockerNetworksVolumes';

export const SETTING = {
  engineHost: 'engine.host',
  engineCertPath: 'engine.certPath',
  engineTlsVerify: 'engine.tlsVerify',
  engineHosts: 'engine.hosts',
  engineDiscover: 'engine.discover',
  showBuiltIns: 'networks.showBuiltIns',
  groupByProject: 'explorer.groupByProject',
  sortBy: 'explorer.sortBy',
  groupLargeLists: 'explorer.groupLargeListsAbove',
  composeRules: 'compose.rules',
  composeFiles: 'compose.files',
  composeInlayHints: 'compose.inlayHints',
  backupFolder: 'backup.folder',
  backupFormat: 'backup.format',
  scheduleInterval: 'backup.schedule.interval',
  scheduleVolumes: 'backup.schedule.volumes',
  scheduleKeep: 'backup.schedule.keep',
  schedulePauseWriters: 'backup.schedule.pauseWriters',
  scheduleVerify: 'backup.schedule.verify',
  browseHelperImage: 'browse.helperImage',
} as const;

/**
 * Explorer commands that the Compose code lenses and quick fixes run, with these arguments:
 * reveal { kind: 'network' | 'volume', name }, createNetwork { name, driver?, subnet?, gateway?, internal?,
 * attachable?, labels? }, createVolume { name, driver?, driverOpts?, labels? }, backupVolume { volumes: [name] }.
 */
export const EXPLORER_ACTION = {
  reveal: 'dnv.reveal',
  createNetwork: 'dnv.network.create',
  createVolume: 'dnv.volume.create',
  backupVolume: 'dnv.volume.backup',
} as const;
