/** View, command, context-key and setting ids. They mirror package.json; a unit test checks the two agree. */

export const VIEW = {
  networks: 'dnv.networks',
  volumes: 'dnv.volumes',
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
  createNetwork: 'dnv.network.create',
  connectNetwork: 'dnv.network.connect',
  disconnectNetwork: 'dnv.network.disconnect',
  removeNetwork: 'dnv.network.remove',
  pruneNetworks: 'dnv.networks.prune',
  testConnectivity: 'dnv.network.testConnectivity',
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
} as const;

export const SETTING_SECTION = 'dockerNetworksVolumes';

export const SETTING = {
  engineHost: 'engine.host',
  engineCertPath: 'engine.certPath',
  engineTlsVerify: 'engine.tlsVerify',
  showBuiltIns: 'networks.showBuiltIns',
  groupByProject: 'explorer.groupByProject',
  sortBy: 'explorer.sortBy',
} as const;
