/**
 * Every engine the user has told some tool about: the one the docker CLI would use, DOCKER_HOST, each Docker
 * context, the default socket when it exists, and the extension's list of extra hosts. One entry per host.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_SOCKET, type EndpointInputs, type EngineEndpoint, resolveEndpointOrError,
} from './connection';

export interface DiscoveryInputs extends EndpointInputs {
  /** The extension's extra hosts setting (tcp://, unix://, ssh://). */
  extraHosts?: string[];
  /** false: only the engine the CLI would use and the extra hosts (no contexts, no local socket). */
  discoverAll?: boolean;
}

export interface DiscoveredEngine {
  /** Stable id: the host URL (or the context name for a context), unique in the list. */
  id: string;
  endpoint: EngineEndpoint;
  /** The engine the docker CLI would use now; palette commands and Compose checks start on it. */
  preferred: boolean;
}

function contextNames(configDir: string): string[] {
  const metaDir = path.join(configDir, 'contexts', 'meta');
  if (!existsSync(metaDir)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(metaDir)) {
    try {
      const meta = JSON.parse(readFileSync(path.join(metaDir, entry, 'meta.json'), 'utf8')) as { Name?: string };
      if (meta.Name) names.push(meta.Name);
    } catch {
      // An unreadable context is skipped here; selecting it explicitly still reports the problem.
    }
  }
  return names.sort();
}

function socketExists(host: string): boolean {
  return !host.startsWith('unix://') || existsSync(new URL(host).pathname);
}

export function discoverEngines(inputs: DiscoveryInputs = {}): DiscoveredEngine[] {
  const env = inputs.env ?? process.env;
  const home = inputs.home ?? homedir();
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker');
  const found: DiscoveredEngine[] = [];
  const add = (endpoint: EngineEndpoint, preferred = false, asWritten?: string) => {
    const id = endpoint.configError ? `invalid:${asWritten ?? endpoint.label}` : endpoint.host;
    if (endpoint.configError && asWritten) endpoint = { ...endpoint, label: `${asWritten} (invalid)` };
    const same = found.find((e) => e.id === id);
    if (same) { same.preferred ||= preferred; return; }
    found.push({ id, endpoint, preferred });
  };

  // What the CLI would pick, exactly as a single-engine setup resolves it.
  add(resolveEndpointOrError(inputs), true);
  const base = { env: {}, home, certPathSetting: inputs.certPathSetting, tlsVerifySetting: inputs.tlsVerifySetting };
  const all = inputs.discoverAll ?? true;
  if (all && env.DOCKER_HOST) {
    add({ ...resolveEndpointOrError({ ...base, env: { DOCKER_HOST: env.DOCKER_HOST, DOCKER_CERT_PATH: env.DOCKER_CERT_PATH, DOCKER_TLS_VERIFY: env.DOCKER_TLS_VERIFY } }) });
  }
  for (const name of all ? contextNames(configDir) : []) {
    if (name === 'default') continue;
    add(resolveEndpointOrError({ ...base, env: { DOCKER_CONTEXT: name, DOCKER_CONFIG: configDir } }));
  }
  for (const host of inputs.extraHosts ?? []) {
    if (host.trim()) add(resolveEndpointOrError({ ...base, hostSetting: host }), false, host.trim());
  }
  if (all && socketExists(DEFAULT_SOCKET)) add(resolveEndpointOrError({ ...base, env: {} }));
  return found;
}
