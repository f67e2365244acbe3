/**
 * Finds the Docker engine the way the docker CLI does, so the extension talks to the same engine as the
 * user's terminal: an explicit host setting, then DOCKER_HOST, then DOCKER_CONTEXT or the current context
 * in ~/.docker/config.json, then the default socket. TLS material comes from DOCKER_CERT_PATH /
 * DOCKER_TLS_VERIFY or from the context's tls folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseProxyJump, readSshConfig } from './sshConfig';

export const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';

export type EngineSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** false only when the user turned verification off (DOCKER_TLS_VERIFY empty with certs, SkipTLSVerify). */
  verify: boolean;
}

export interface EngineEndpoint {
  /** The host URL as the user would write it: unix:///..., tcp://host:port, ssh://user@host, npipe://... */
  host: string;
  source: EngineSource;
  /** The Docker context name when the endpoint came from one. */
  context?: string;
  tls?: TlsMaterial;
  /** What to call this engine in messages: the host plus where it came from. */
  label: string;
  /** Set when the configuration is unusable: the client reports it instead of connecting. */
  configError?: string;
  ssh?: SshMaterial;
}

/** One SSH server on the way: where to connect, as whom, with which key, checked against which known_hosts. */
export interface SshHop {
  /** The agent socket (SSH_AUTH_SOCK), tried first (not with IdentitiesOnly and an IdentityFile). */
  agent?: string;
  /** The first IdentityFile of ~/.ssh/config that exists, else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  identityFile?: string;
  /** The known_hosts files: UserKnownHostsFile / GlobalKnownHostsFile of the config, else OpenSSH's defaults. */
  knownHostsFiles: string[];
  /** From ~/.ssh/config for the host asked for (an alias, say): where to connect, as which user. */
  hostName?: string;
  port?: number;
  user?: string;
}

/** How an ssh:// engine authenticates and checks the server, found as OpenSSH finds them. */
export interface SshMaterial extends SshHop {
  /** ProxyJump hosts, first to last, each with its own config (an empty list: a direct connection). */
  jumps: Array<SshHop & { hostName: string; port: number }>;
  /** Set when the configuration cannot be followed (a ProxyJump that is not a host list). */
  problem?: string;
}

function sshHop(host: string, user: string | undefined, urlPort: number | undefined, env: NodeJS.ProcessEnv, home: string): SshHop & { proxyJump?: string } {
  const dir = path.join(home, '.ssh');
  const config = readSshConfig({ host, user, home, localUser: env.USER || env.LOGNAME });
  const configured = config.identityFiles.find((f) => existsSync(f));
  const identityFile = configured ?? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const userKnownHosts = config.userKnownHostsFiles.length ? config.userKnownHostsFiles : [path.join(dir, 'known_hosts')];
  const globalKnownHosts = config.globalKnownHostsFiles.length ? config.globalKnownHostsFiles : ['/etc/ssh/ssh_known_hosts'];
  return {
    agent: config.identitiesOnly && configured ? undefined : env.SSH_AUTH_SOCK || undefined,
    identityFile,
    knownHostsFiles: [...userKnownHosts, ...globalKnownHosts],
    hostName: config.hostName,
    port: urlPort ?? config.port,
    user: config.user,
    proxyJump: config.proxyJump,
  };
}

function sshMaterial(host: string, env: NodeJS.ProcessEnv, home: string): SshMaterial {
  const url = new URL(host);
  const { proxyJump, ...target } = sshHop(url.hostname, decodeURIComponent(url.username) || undefined, url.port ? Number(url.port) : undefined, env, home);
  if (!proxyJump) return { ...target, jumps: [] };
  try {
    // Each jump host is looked up in the config too, as OpenSSH does (its own ProxyJump is not followed).
    const jumps = parseProxyJump(proxyJump).map((j) => {
      const { proxyJump: _nested, ...hop } = sshHop(j.host, j.user, j.port, env, home);
      return { ...hop, hostName: hop.hostName ?? j.host, port: hop.port ?? 22 };
    });
    return { ...target, jumps };
  } catch {
    return { ...target, jumps: [], problem: `ProxyJump "${proxyJump}" in ~/.ssh/config for ${url.hostname} is not a list of [user@]host[:port].` };
  }
}

export interface EndpointInputs {
  /** The extension's machine-scoped host setting (empty = not set). */
  hostSetting?: string;
  /** Certificate folder setting (empty = DOCKER_CERT_PATH or the context's). */
  certPathSetting?: string;
  tlsVerifySetting?: boolean;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** Thrown for a configuration the CLI would also refuse; the message says which setting or file to fix. */
export class EndpointConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointConfigError';
  }
}

/**
 * Like resolveEndpoint, but a broken configuration becomes an endpoint that reports the problem when used,
 * so the explorer shows it in place of the lists instead of failing to start.
 */
export function resolveEndpointOrError(inputs: EndpointInputs = {}): EngineEndpoint {
  try {
    return resolveEndpoint(inputs);
  } catch (e) {
    if (!(e instanceof EndpointConfigError)) throw e;
    return { host: DEFAULT_SOCKET, source: 'setting', label: 'misconfigured engine', configError: e.message };
  }
}

const SUPPORTED_SCHEMES = ['unix:', 'tcp:', 'http:', 'https:', 'ssh:', 'npipe:'];

export function resolveEndpoint(inputs: EndpointInputs = {}): EngineEndpoint {
  const endpoint = resolveHost(inputs);
  if (!endpoint.host.startsWith('ssh:')) return endpoint;
  const ssh = sshMaterial(endpoint.host, inputs.env ?? process.env, inputs.home ?? homedir());
  return { ...endpoint, ssh, ...(ssh.problem ? { configError: ssh.problem } : {}) };
}

function resolveHost(inputs: EndpointInputs): EngineEndpoint {
  const env = inputs.env ?? process.env;
  const home = inputs.home ?? homedir();
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker');

  const setting = inputs.hostSetting?.trim();
  if (setting) {
    return withTls({ host: normalizeHost(setting, 'the dockerNetworksVolumes.engine.host setting'), source: 'setting' },
      inputs.certPathSetting || env.DOCKER_CERT_PATH, inputs.tlsVerifySetting ?? true, env);
  }
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    return withTls({ host: normalizeHost(dockerHost, 'DOCKER_HOST'), source: 'DOCKER_HOST' },
      inputs.certPathSetting || env.DOCKER_CERT_PATH, tlsVerifyFromEnv(env, inputs.tlsVerifySetting), env);
  }
  const contextName = env.DOCKER_CONTEXT?.trim() || currentContextFromConfig(configDir);
  if (contextName && contextName !== 'default') {
    return endpointFromContext(configDir, contextName);
  }
  return { host: DEFAULT_SOCKET, source: 'default', label: `${DEFAULT_SOCKET} (default socket)` };
}

function tlsVerifyFromEnv(env: NodeJS.ProcessEnv, setting: boolean | undefined): boolean {
  // The CLI verifies when DOCKER_TLS_VERIFY is set to anything non-empty; when it is unset but certs are
  // given, it still uses them for client auth. We keep verification on unless the user said otherwise.
  if (env.DOCKER_TLS_VERIFY !== undefined) return env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  return setting ?? true;
}

function withTls(
  partial: { host: string; source: EngineSource; context?: string },
  certPath: string | undefined,
  verify: boolean,
  env: NodeJS.ProcessEnv,
): EngineEndpoint {
  const label = `${partial.host} (${partial.source === 'setting' ? 'setting' : partial.source === 'context' ? `context ${partial.context}` : partial.source})`;
  const isTcp = /^(tcp|https):/.test(partial.host);
  const wantsTls = isTcp && (Boolean(certPath) || env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' || partial.host.startsWith('https:'));
  if (!wantsTls) return { ...partial, label };
  return { ...partial, label, tls: readTlsFolder(certPath, verify) };
}

function readTlsFolder(folder: string | undefined, verify: boolean): TlsMaterial {
  if (!folder) return { verify };
  const read = (name: string): Buffer | undefined => {
    const file = path.join(folder, name);
    return existsSync(file) ? readFileSync(file) : undefined;
  };
  const tls: TlsMaterial = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
  if (Boolean(tls.cert) !== Boolean(tls.key)) {
    throw new EndpointConfigError(`TLS folder ${folder} has ${tls.cert ? 'cert.pem but no key.pem' : 'key.pem but no cert.pem'}.`);
  }
  return tls;
}

function normalizeHost(raw: string, where: string): string {
  let host = raw.trim();
  if (host.startsWith('/')) host = `unix://${host}`;
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new EndpointConfigError(`${where} is "${raw}", which is not a Docker host URL (unix:///path, tcp://host:port, ssh://user@host).`);
  }
  if (!SUPPORTED_SCHEMES.includes(url.protocol)) {
    throw new EndpointConfigError(`${where} uses "${url.protocol}//", which is not supported: use unix://, tcp://, ssh:// or npipe://.`);
  }
  if ((url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) {
    throw new EndpointConfigError(`${where} is "${raw}": a tcp:// host needs a host name, e.g. tcp://127.0.0.1:2376.`);
  }
  return host;
}

function currentContextFromConfig(configDir: string): string | undefined {
  const file = path.join(configDir, 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    const config = JSON.parse(readFileSync(file, 'utf8')) as { currentContext?: string };
    return config.currentContext || undefined;
  } catch {
    // The CLI would fail loudly; we fall back to the default socket rather than refuse to start, and the
    // label says where we went.
    return undefined;
  }
}

/** Docker stores a context's files under the sha256 of its name. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

function endpointFromContext(configDir: string, name: string): EngineEndpoint {
  const id = contextDirName(name);
  const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(metaFile)) {
    throw new EndpointConfigError(`Docker context "${name}" is selected but ${metaFile} does not exist. Run "docker context use default" or fix the context.`);
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as ContextMeta;
  } catch (e) {
    throw new EndpointConfigError(`Docker context "${name}": cannot read ${metaFile}: ${(e as Error).message}`);
  }
  const docker = meta.Endpoints?.docker;
  if (!docker?.Host) {
    throw new EndpointConfigError(`Docker context "${name}" has no docker endpoint host in ${metaFile}.`);
  }
  const host = normalizeHost(docker.Host, `Docker context "${name}"`);
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  const label = `${host} (context ${name})`;
  if (!/^(tcp|https):/.test(host) || !existsSync(tlsDir)) return { host, source: 'context', context: name, label };
  return { host, source: 'context', context: name, label, tls: readTlsFolder(tlsDir, !docker.SkipTLSVerify) };
}
