/**
 * The one place that imports dockerode. Every call goes through `call()`, which names the action for error
 * messages, maps failures to EngineError, applies a timeout, and counts requests (the explorer promises no
 * idle polling, and the benchmark checks that with this counter).
 */
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import type { EngineEndpoint } from './connection';
import { EngineError, toEngineError } from './errors';
import { checkHostKey, fingerprint, hostPattern } from './knownHosts';
import { SshTunnelAgent } from './sshTunnel';
import type {
  EngineContainerInspect, EngineContainerSummary, EngineInfo, EngineNetwork, EngineVersion, EngineVolume, ExecResult,
  NetworkCreateSpec, VolumeSpec,
} from './types';

/** The newest API version this code was written against; older engines are spoken to in their own version. */
export const MAX_API_VERSION = '1.47';
/** The oldest we support: Engine 20.10. */
export const MIN_API_VERSION = '1.41';

const DEFAULT_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export function compareApiVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** What the client learnt about an ssh server's key during the last connection attempt. */
interface HostKeyProblem {
  verdict: 'changed' | 'unknown';
  fingerprint: string;
  host: string;
}

export interface ClientOptions {
  /**
   * Asked when an ssh server's key is in no known_hosts file; resolve true to trust it for this session.
   * Without it, unknown keys are refused (never accepted silently, never left hanging).
   */
  trustUnknownHostKey?: (host: string, fingerprint: string) => Promise<boolean>;
}

/**
 * Every connection key is set, even to undefined: docker-modem fills missing ones from the process's
 * DOCKER_HOST, which would silently send a unix-socket engine's requests to another host.
 */
function dockerodeOptions(endpoint: EngineEndpoint, options: ClientOptions, onHostKeyProblem: (p: HostKeyProblem) => void): Docker.DockerOptions {
  const url = new URL(endpoint.host);
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, agent: undefined, sshOptions: undefined };
  switch (url.protocol) {
    case 'unix:':
      return { ...none, socketPath: decodeURIComponent(url.pathname) } as Docker.DockerOptions;
    case 'npipe:':
      return { ...none, socketPath: `//./pipe${decodeURIComponent(url.pathname).replace(/^\/+pipe/, '')}` } as Docker.DockerOptions;
    case 'ssh:': {
      const ssh = endpoint.ssh;
      // ~/.ssh/config may make the URL's host an alias for another name, port and user (as for the CLI's ssh).
      const hostName = ssh?.hostName ?? url.hostname;
      const port = ssh?.port ?? (url.port ? Number(url.port) : 22);
      /** Each server on the way (ProxyJump hosts, then the engine's) is checked against its known_hosts. */
      const verifierFor = (knownHostsFiles: string[], name: string, hopPort: number) => (key: Buffer, verify: (ok: boolean) => void) => {
        const verdict = checkHostKey(knownHostsFiles, name, hopPort, key);
        if (verdict === 'known') return verify(true);
        const problem: HostKeyProblem = { verdict, fingerprint: fingerprint(key), host: hostPattern(name, hopPort) };
        onHostKeyProblem(problem);
        if (verdict === 'unknown' && options.trustUnknownHostKey) {
          options.trustUnknownHostKey(problem.host, problem.fingerprint).then(verify, () => verify(false));
          return undefined;
        }
        return verify(false);
      };
      const jumps = (ssh?.jumps ?? []).map((j) => ({
        host: j.hostName, port: j.port, username: j.user, agent: j.agent,
        privateKey: j.identityFile ? readFileSync(j.identityFile) : undefined,
        readyTimeout: CONNECT_TIMEOUT_MS, hostVerifier: verifierFor(j.knownHostsFiles, j.hostName, j.port),
      }));
      // One SSH connection shared by every request (see sshTunnel.ts); docker-modem speaks plain HTTP over it.
      const agent = new SshTunnelAgent({
        host: hostName, port,
        username: decodeURIComponent(url.username) || ssh?.user || undefined,
        agent: ssh?.agent,
        privateKey: ssh?.identityFile ? readFileSync(ssh.identityFile) : undefined,
        readyTimeout: CONNECT_TIMEOUT_MS,
        hostVerifier: verifierFor(ssh?.knownHostsFiles ?? [], hostName, port),
      }, jumps);
      return { ...none, protocol: 'http', host: hostName, port, agent } as unknown as Docker.DockerOptions;
    }
    default: {
      const tls = endpoint.tls;
      const secure = Boolean(tls) || url.protocol === 'https:';
      // With verification off the CA is not needed; the client certificate is still presented.
      const agent = secure && tls?.verify === false
        ? new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: false }) : undefined;
      return {
        ...none,
        protocol: secure ? 'https' : 'http',
        host: url.hostname,
        port: url.port ? Number(url.port) : secure ? 2376 : 2375,
        ca: tls?.ca, cert: tls?.cert, key: tls?.key, agent,
      } as Docker.DockerOptions;
    }
  }
}

/** dockerode's methods all take an options object (with abortSignal) and return a promise; its typings lag. */
type Request = (options: object) => Promise<unknown>;
interface LooseExec {
  start: Request;
  inspect: Request;
}
interface LooseDocker {
  version: Request; info: Request; listNetworks: Request; listVolumes: Request; listContainers: Request; df: Request;
  createNetwork: Request;
  getNetwork(id: string): { inspect: Request; remove: Request; connect: Request; disconnect: Request };
  getVolume(name: string): { inspect: Request };
  getContainer(id: string): { inspect: Request; exec(options: object): Promise<LooseExec> };
  getEvents: Request;
  modem: { demuxStream(stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void };
}

/**
 * The engine's version from its ping headers, when it is Docker's engine and says both versions: what
 * negotiate() shows and uses of GET /version (Version, ApiVersion, Os). Undefined otherwise (GET /version then).
 */
export function versionFromPing(headers: Record<string, string | string[] | undefined>): EngineVersion | undefined {
  const one = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v; };
  const api = one('api-version');
  const docker = /^Docker\/(\S+)/.exec(one('server') ?? '');
  if (!api || !docker || one('libpod-api-version')) return undefined;
  return { Version: docker[1], ApiVersion: api, Os: one('ostype') };
}

export class EngineClient {
  /** Requests sent since this client was made (the event stream counts once, when it opens). */
  requestCount = 0;
  private apiVersion: string | undefined;
  private podman = false;
  private readonly docker: Docker;
  private readonly api: LooseDocker;
  /** ssh:// engines: the one SSH connection requests go over. */
  private readonly tunnel: SshTunnelAgent | undefined;
  /** How requests reach the engine (socket, host and TLS, or the ssh tunnel agent), for the upload client too. */
  private readonly connection: Docker.DockerOptions;

  private hostKeyProblem: HostKeyProblem | undefined;

  /** Set by the ssh host key check during a request; read once the request failed. */
  private lastHostKeyProblem(): HostKeyProblem | undefined {
    return this.hostKeyProblem;
  }

  constructor(readonly endpoint: EngineEndpoint, options: ClientOptions = {}) {
    const connection = endpoint.configError ? { socketPath: '/nonexistent' } : dockerodeOptions(endpoint, options, (p) => { this.hostKeyProblem = p; });
    this.connection = connection as Docker.DockerOptions;
    const agent = (connection as { agent?: unknown }).agent;
    this.tunnel = agent instanceof SshTunnelAgent ? agent : undefined;
    // docker-modem's connectionTimeout runs until the answer's headers. Over ssh that includes the server's
    // login shell starting `docker system dial-stdio` (seconds with pyenv or conda in ~/.bashrc), so there the
    // tunnel limits the handshake and the channel opening instead (sshTunnel.ts), and the wait for the answer
    // is the request timeout's.
    this.docker = new Docker({ ...connection, connectionTimeout: this.tunnel ? undefined : CONNECT_TIMEOUT_MS } as Docker.DockerOptions);
    this.api = this.docker as unknown as LooseDocker;
    const modem = this.docker.modem as { dial: (opts: unknown, cb: unknown) => unknown };
    const dial = modem.dial.bind(modem);
    modem.dial = (opts: unknown, cb: unknown) => {
      this.requestCount++;
      return dial(opts, cb);
    };
  }

  /**
   * Lets go of what the client holds open between requests (an ssh:// engine's SSH connection), so a process
   * that is done can exit. The client stays usable: the next request connects again.
   */
  close(): void {
    this.tunnel?.destroy();
  }

  /** What to call this engine in messages. */
  get label(): string {
    return this.endpoint.label;
  }

  /** The API version requests are made in, once negotiated. */
  get negotiatedApiVersion(): string | undefined {
    return this.apiVersion;
  }

  /** Whether the engine is Podman's Docker-compatible service (known once negotiated). */
  get isPodman(): boolean {
    return this.podman;
  }

  /**
   * Learns the engine's API version and speaks the highest one both sides know, as the CLI does.
   * Called on every (re)connect: the engine behind a socket may have been upgraded.
   *
   * GET /_ping says the API version and, from Docker, the engine's version (headers `Api-Version` and
   * `Server: Docker/20.10.24 (linux)`). GET /version says the same, but the engine answers it only after asking
   * containerd and running `runc --version` and `docker-init --version`: 50-250 ms on the loaded 2-core machine
   * (docs/BENCHMARKS.md), on the way of every view's first rows. It is asked only when the ping does not say both
   * (Podman, which names its components there, and engines that send no Server header).
   */
  async negotiate(options: CallOptions = {}): Promise<EngineVersion> {
    if (this.endpoint.configError) throw new EngineError('misconfigured', this.endpoint.configError, this.label);
    const modem = this.docker.modem as { version?: string };
    modem.version = undefined;
    const headers = await this.call('reach the engine', (abortSignal) => this.pingHeaders(abortSignal), options);
    const version = versionFromPing(headers)
      ?? await this.call('read the engine version', (abortSignal) => this.api.version({ abortSignal }), options) as EngineVersion;
    const engineApi = version.ApiVersion ?? MIN_API_VERSION;
    if (compareApiVersions(engineApi, MIN_API_VERSION) < 0) {
      throw new EngineError('engine', `The engine at ${this.label} speaks API ${engineApi}; Docker Networks & Volumes needs ${MIN_API_VERSION} (Engine 20.10) or later.`, this.label);
    }
    this.apiVersion = compareApiVersions(engineApi, MAX_API_VERSION) < 0 ? engineApi : MAX_API_VERSION;
    this.podman = (version.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
    modem.version = `v${this.apiVersion}`;
    return version;
  }

  /** The headers of GET /_ping (unversioned, as the CLI pings). */
  private pingHeaders(abortSignal: AbortSignal): Promise<Record<string, string | string[] | undefined>> {
    const modem = this.docker.modem as unknown as { dial(options: object, callback: (error: unknown, response?: Readable & { headers: Record<string, string | string[] | undefined> }) => void): void };
    return new Promise((resolve, reject) => {
      modem.dial({ path: '/_ping', method: 'GET', isStream: true, abortSignal, statusCodes: { 200: true, 500: 'server error' } }, (error, response) => {
        if (error || !response) { reject(error ?? new Error('no answer to GET /_ping')); return; }
        // "OK": read to its end before the next request. Podman resets a connection whose answer was not read
        // (GET /version right after failed with ECONNRESET on every Podman engine).
        response.on('error', reject);
        response.on('end', () => resolve(response.headers));
        response.resume();
      });
    });
  }

  listNetworks(options?: CallOptions): Promise<EngineNetwork[]> {
    return this.call('list networks', (abortSignal) => this.api.listNetworks({ abortSignal }), options) as Promise<EngineNetwork[]>;
  }

  inspectNetwork(id: string, options?: CallOptions): Promise<EngineNetwork> {
    return this.call(`inspect network ${id}`, (abortSignal) => this.api.getNetwork(id).inspect({ abortSignal }), options) as Promise<EngineNetwork>;
  }

  async listVolumes(options?: CallOptions): Promise<EngineVolume[]> {
    const result = await this.call('list volumes', (abortSignal) => this.api.listVolumes({ abortSignal }), options) as { Volumes?: EngineVolume[] | null };
    return result.Volumes ?? [];
  }

  inspectVolume(name: string, options?: CallOptions): Promise<EngineVolume> {
    return this.call(`inspect volume ${name}`, (abortSignal) => this.api.getVolume(name).inspect({ abortSignal }), options) as Promise<EngineVolume>;
  }

  /** All containers, running or not; `filters` as the API takes them, e.g. { id: [...] }. */
  listContainers(filters?: Record<string, string[]>, options?: CallOptions): Promise<EngineContainerSummary[]> {
    return this.call('list containers', (abortSignal) => this.api.listContainers({
      all: true, ...(filters ? { filters: JSON.stringify(filters) } : {}), abortSignal,
    }), options) as Promise<EngineContainerSummary[]>;
  }

  inspectContainer(id: string, options?: CallOptions): Promise<EngineContainerInspect> {
    return this.call(`inspect container ${id}`, (abortSignal) => this.api.getContainer(id).inspect({ abortSignal }), options) as Promise<EngineContainerInspect>;
  }

  /**
   * Volume sizes from the engine's disk-usage call. API 1.42+ can be asked for volumes only; 1.41 computes
   * everything, so this is never on the path that lists volumes.
   */
  async volumeUsage(options?: CallOptions): Promise<EngineVolume[]> {
    const typed = this.apiVersion && compareApiVersions(this.apiVersion, '1.42') >= 0;
    const result = await this.call('compute volume sizes', (abortSignal) => this.api.df({
      ...(typed ? { type: ['volume'] } : {}), abortSignal,
    }), { timeoutMs: 120_000, ...options }) as { Volumes?: EngineVolume[] | null };
    return result.Volumes ?? [];
  }

  /** Opens GET /events filtered to the given types; the caller owns the stream and ends it with the signal. */
  async openEvents(types: string[], signal: AbortSignal): Promise<Readable> {
    try {
      return await this.api.getEvents({ filters: JSON.stringify({ type: types }), abortSignal: signal }) as unknown as Readable;
    } catch (e) {
      throw toEngineError(e, this.label, 'open the event stream');
    }
  }

  /**
   * Runs one engine request with a timeout, the caller's cancellation, and error mapping. The timeout
   * covers the whole exchange; streams use openEvents instead. Its timer ends with the request (an
   * AbortSignal.timeout would stay pending for its whole span after every request, and after deactivation).
   */
  async call<T>(action: string, run: (signal: AbortSignal) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    this.hostKeyProblem = undefined;
    try {
      return await run(signal);
    } catch (e) {
      const hostKey = this.lastHostKeyProblem();
      if (hostKey) {
        throw new EngineError('hostKey', hostKey.verdict === 'changed'
          ? `The SSH host key of ${hostKey.host} has CHANGED (now ${hostKey.fingerprint}): refused. If the server was reinstalled, remove its old line from ~/.ssh/known_hosts (ssh-keygen -R '${hostKey.host}'); otherwise someone may be intercepting the connection.`
          : `The SSH host key of ${hostKey.host} (${hostKey.fingerprint}) is not in ~/.ssh/known_hosts: refused. Check the fingerprint with the server's owner, then connect once with "ssh ${hostKey.host.replace(/^\[(.*)\]:(\d+)$/, '-p $2 $1')}" to record it.`,
          this.label, undefined, undefined, { cause: e });
      }
      if (timeout.signal.aborted && !options.signal?.aborted) {
        throw new EngineError('timeout', `The Docker engine at ${this.label} did not answer in time (${action}).`, this.label, undefined, undefined, { cause: e });
      }
      throw toEngineError(e, this.label, action);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- networks

  /** Engine-wide facts: Swarm state (overlay networks need a manager), OS, driver plugins. */
  info(options?: CallOptions): Promise<EngineInfo> {
    return this.call('read engine info', (abortSignal) => this.api.info({ abortSignal }), options) as Promise<EngineInfo>;
  }

  async createNetwork(spec: NetworkCreateSpec, options?: CallOptions): Promise<string> {
    const ipam: Array<{ Subnet: string; Gateway?: string; IPRange?: string }> = [];
    if (spec.subnet) ipam.push({ Subnet: spec.subnet, Gateway: spec.gateway || undefined, IPRange: spec.ipRange || undefined });
    if (spec.ipv6Subnet) ipam.push({ Subnet: spec.ipv6Subnet });
    const created = await this.call(`create network ${spec.name}`, (abortSignal) => this.api.createNetwork({
      Name: spec.name,
      Driver: spec.driver ?? 'bridge',
      CheckDuplicate: true,
      Internal: Boolean(spec.internal),
      Attachable: Boolean(spec.attachable),
      EnableIPv6: Boolean(spec.ipv6),
      IPAM: ipam.length ? { Driver: 'default', Config: ipam } : undefined,
      Options: { ...(spec.options ?? {}), ...(spec.parent ? { parent: spec.parent } : {}) },
      Labels: spec.labels ?? {},
      abortSignal,
    }), options) as { id?: string; Id?: string };
    return created.id ?? created.Id ?? '';
  }

  removeNetwork(id: string, options?: CallOptions): Promise<void> {
    return this.call(`remove network ${id}`, (abortSignal) => this.api.getNetwork(id).remove({ abortSignal }), options).then(() => undefined);
  }

  connectNetwork(network: string, container: string, endpoint: { aliases?: string[]; ipv4?: string; ipv6?: string } = {}, options?: CallOptions): Promise<void> {
    const ipam = endpoint.ipv4 || endpoint.ipv6 ? { IPv4Address: endpoint.ipv4 || undefined, IPv6Address: endpoint.ipv6 || undefined } : undefined;
    return this.call(`connect ${container} to network ${network}`, (abortSignal) => this.api.getNetwork(network).connect({
      Container: container,
      EndpointConfig: { Aliases: endpoint.aliases?.length ? endpoint.aliases : undefined, IPAMConfig: ipam },
      abortSignal,
    }), options).then(() => undefined);
  }

  disconnectNetwork(network: string, container: string, force = false, options?: CallOptions): Promise<void> {
    return this.call(`disconnect ${container} from network ${network}`, (abortSignal) => this.api.getNetwork(network).disconnect({
      Container: container, Force: force, abortSignal,
    }), options).then(() => undefined);
  }

  /**
   * Runs a command inside a running container and collects its output (for connectivity tests). Output is
   * capped: a runaway command cannot fill memory.
   */
  async exec(container: string, cmd: string[], options: CallOptions = {}): Promise<ExecResult> {
    const limit = 64 * 1024;
    return this.call(`run ${cmd[0]} in ${container}`, async (abortSignal) => {
      const exec = await this.api.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false, abortSignal });
      const stream = await exec.start({ Detach: false, Tty: false, abortSignal }) as NodeJS.ReadableStream;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => { if (out.length < limit) out += d.toString(); });
      stderr.on('data', (d: Buffer) => { if (err.length < limit) err += d.toString(); });
      this.api.modem.demuxStream(stream, stdout, stderr);
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      const info = await exec.inspect({ abortSignal }) as { ExitCode?: number | null };
      return { exitCode: info.ExitCode ?? -1, stdout: out, stderr: err };
    }, { timeoutMs: 20_000, ...options });
  }

  /**
   * Runs a command in a running container and returns its stdout as bytes (a volume listing: names are bytes,
   * any of which may be a newline). Output above `maxBytes` fails the call rather than filling memory.
   */
  async execBytes(container: string, cmd: string[], options: CallOptions & { maxBytes?: number } = {}): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
    const maxBytes = options.maxBytes ?? 64 << 20;
    return this.call(`run ${cmd[0]} in ${container}`, async (abortSignal) => {
      const exec = await this.api.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false, abortSignal });
      const stream = await exec.start({ Detach: false, Tty: false, abortSignal }) as NodeJS.ReadableStream & { destroy?(e?: Error): void };
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const chunks: Buffer[] = [];
      let size = 0;
      let err = '';
      let tooBig = false;
      stdout.on('data', (d: Buffer) => {
        size += d.length;
        if (size > maxBytes) { tooBig = true; stream.destroy?.(); return; }
        chunks.push(d);
      });
      stderr.on('data', (d: Buffer) => { if (err.length < 4096) err += d.toString(); });
      this.api.modem.demuxStream(stream, stdout, stderr);
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', (e) => (tooBig ? resolve() : reject(e)));
      });
      if (tooBig) throw new EngineError('engine', `The output of ${cmd[0]} in ${container} is larger than ${maxBytes} bytes.`, this.label);
      const info = await exec.inspect({ abortSignal }) as { ExitCode?: number | null };
      return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(chunks), stderr: err };
    }, { timeoutMs: 60_000, ...options });
  }

  /** Starts a created container. */
  startContainer(id: string, options?: CallOptions): Promise<void> {
    return this.call(`start container ${id}`, (abortSignal) => (this.docker as unknown as { getContainer(id: string): { start: Request } }).getContainer(id).start({ abortSignal }), options).then(() => undefined);
  }

  // ---- volumes and archives

  /** dockerode's volume, image and container calls as used below (its typings lag, as for LooseDocker). */
  private get archiveApi(): {
    createVolume: Request; pruneVolumes: Request; createContainer: Request;
    importImage(file: Readable, options: object): Promise<unknown>;
    getImage(name: string): { inspect: Request };
    getVolume(name: string): { remove: Request };
    getContainer(id: string): {
      remove: Request; pause: Request; unpause: Request; getArchive: Request;
      putArchive(file: Readable, options: object): Promise<unknown>;
    };
    } {
    return this.docker as unknown as EngineClient['archiveApi'];
  }

  /**
   * Creates a volume. The engine answers 201 with the existing volume when the name is taken (same driver), so
   * callers that must not reuse a volume check with inspectVolume first.
   */
  async createVolume(spec: VolumeSpec, options?: CallOptions): Promise<EngineVolume> {
    await this.call(`create volume ${spec.name}`, (abortSignal) => this.archiveApi.createVolume({
      Name: spec.name, Driver: spec.driver || 'local', DriverOpts: spec.driverOpts ?? {}, Labels: spec.labels ?? {}, abortSignal,
    }), options);
    return this.inspectVolume(spec.name, options);
  }

  /** Removes a volume; the engine refuses (conflict) while a container, running or not, uses it. */
  removeVolume(name: string, options?: CallOptions & { force?: boolean }): Promise<void> {
    return this.call(`remove volume ${name}`, (abortSignal) => this.archiveApi.getVolume(name).remove({
      ...(options?.force ? { force: true } : {}), abortSignal,
    }), options).then(() => undefined);
  }

  /**
   * POST /volumes/prune. API 1.41 (Engine 20.10) removes every unused volume, named or anonymous; from API 1.42
   * (Engine 23) named volumes go only with the filter all=true. `all: true` means named ones too on both.
   * `all: false` (anonymous only) cannot be said to API 1.41, so it is refused rather than removing named volumes.
   */
  async pruneVolumes(filter: { all: boolean; labels?: string[] }, options?: CallOptions): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    const newEngine = this.apiVersion !== undefined && compareApiVersions(this.apiVersion, '1.42') >= 0;
    if (!filter.all && !newEngine) {
      throw new EngineError('badRequest', `The engine at ${this.label} (API ${this.apiVersion ?? MIN_API_VERSION}) cannot prune anonymous volumes only.`, this.label);
    }
    const filters: Record<string, string[]> = {};
    if (filter.labels?.length) filters.label = filter.labels;
    if (filter.all && newEngine) filters.all = ['true'];
    const result = await this.call('prune volumes', (abortSignal) => this.archiveApi.pruneVolumes({
      ...(Object.keys(filters).length ? { filters: JSON.stringify(filters) } : {}), abortSignal,
    }), { timeoutMs: 300_000, ...options }) as { VolumesDeleted?: string[] | null; SpaceReclaimed?: number };
    return { deleted: result.VolumesDeleted ?? [], spaceReclaimed: result.SpaceReclaimed ?? 0 };
  }

  /** The image's id, or a notFound EngineError. */
  async inspectImage(name: string, options?: CallOptions): Promise<string> {
    const raw = await this.call(`inspect image ${name}`, (abortSignal) => this.archiveApi.getImage(name).inspect({ abortSignal }), options) as { Id: string };
    return raw.Id;
  }

  /** `docker import`: makes an image from a tar stream (a root filesystem) and returns its id. */
  async importImage(rootfs: Readable, repo: string, tag: string, options?: CallOptions): Promise<string> {
    return this.call(`import image ${repo}:${tag}`, async (abortSignal) => {
      const progress = await this.archiveApi.importImage(rootfs, { repo, tag, abortSignal }) as Readable;
      let text = '';
      for await (const chunk of progress) text += String(chunk);
      // The answer is JSON messages; the last status is the new image's id, an error comes as {"error": ...}.
      let id = '';
      for (const line of text.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { status?: string; error?: string };
        if (message.error) throw new EngineError('engine', `Docker engine at ${this.label} failed to import ${repo}:${tag}: ${message.error}`, this.label, undefined, message.error);
        if (message.status && /^sha256:[0-9a-f]{64}$/.test(message.status.trim())) id = message.status.trim();
      }
      return id || this.inspectImage(`${repo}:${tag}`, { signal: abortSignal });
    }, { timeoutMs: 120_000, ...options });
  }

  /**
   * Creates (never starts) a container with volumes mounted: no network, no restart policy. Returns its id.
   * `nocopy` keeps the engine from copying image content into an empty volume.
   */
  async createContainer(spec: {
    image: string; name?: string; cmd: string[]; labels?: Record<string, string>;
    mounts: Array<{ volume: string; target: string; readOnly?: boolean }>;
    /** Resource limits of the container's processes (HostConfig.Ulimits), e.g. `{ name: 'nofile', soft: 1024, hard: 1024 }`. */
    ulimits?: Array<{ name: string; soft: number; hard: number }>;
  }, options?: CallOptions): Promise<string> {
    const created = await this.call(`create container${spec.name ? ` ${spec.name}` : ''}`, (abortSignal) => this.archiveApi.createContainer({
      ...(spec.name ? { name: spec.name } : {}),
      Image: spec.image,
      Cmd: spec.cmd,
      Labels: spec.labels ?? {},
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Mounts: spec.mounts.map((m) => ({
          Type: 'volume', Source: m.volume, Target: m.target, ReadOnly: Boolean(m.readOnly), VolumeOptions: { NoCopy: true },
        })),
        ...(spec.ulimits ? { Ulimits: spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) } : {}),
      },
      abortSignal,
    }), options) as { id?: string; Id?: string };
    return created.id ?? created.Id ?? '';
  }

  /** Removes a container; its named volumes stay (v is never set). */
  removeContainer(id: string, options?: CallOptions & { force?: boolean }): Promise<void> {
    return this.call(`remove container ${id}`, (abortSignal) => this.archiveApi.getContainer(id).remove({
      ...(options?.force ? { force: true } : {}), abortSignal,
    }), options).then(() => undefined);
  }

  pauseContainer(id: string, options?: CallOptions): Promise<void> {
    return this.call(`pause container ${id}`, (abortSignal) => this.archiveApi.getContainer(id).pause({ abortSignal }), options).then(() => undefined);
  }

  unpauseContainer(id: string, options?: CallOptions): Promise<void> {
    return this.call(`resume container ${id}`, (abortSignal) => this.archiveApi.getContainer(id).unpause({ abortSignal }), options).then(() => undefined);
  }

  /**
   * GET /containers/{id}/archive: a tar stream of `path` (`/data/.` gives the folder's contents at the top, like
   * `tar -C /data .`). The timeout covers the wait for the answer only; the body streams for as long as it takes,
   * and the caller's signal ends it (the stream then fails with an AbortError).
   */
  async getArchive(container: string, path: string, options: CallOptions = {}): Promise<Readable> {
    const answer = new AbortController();
    const timer = setTimeout(() => answer.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, answer.signal]) : answer.signal;
    const action = `read ${path} from container ${container}`;
    try {
      const stream = await this.archiveApi.getContainer(container).getArchive({ path, abortSignal: signal }) as Readable;
      const user = options.signal;
      if (user) {
        const stop = () => stream.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
        if (user.aborted) stop();
        else user.addEventListener('abort', stop, { once: true });
        stream.once('close', () => user.removeEventListener('abort', stop));
      }
      return stream;
    } catch (e) {
      if (answer.signal.aborted && !options.signal?.aborted) {
        throw new EngineError('timeout', `The Docker engine at ${this.label} did not answer in time (${action}).`, this.label, undefined, undefined, { cause: e });
      }
      throw toEngineError(e, this.label, action);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A second connection setup for uploads. docker-modem's connection timeout is only cleared when the answer
   * arrives, and the engine answers a PUT of an archive after the whole body: with the shared client every
   * upload longer than 5 s would be cut off. Same endpoint, same API version, no such timeout, and the same
   * connection options: for an ssh:// engine the same tunnel agent, so uploads are channels on the one SSH
   * connection and close() ends them with it (a tunnel of its own stayed open after close()).
   */
  private uploader: Docker | undefined;

  private get uploadApi(): { getContainer(id: string): { putArchive(file: Readable, options: object): Promise<unknown> } } {
    this.uploader ??= new Docker({ ...this.connection });
    (this.uploader.modem as { version?: string }).version = (this.docker.modem as { version?: string }).version;
    return this.uploader as unknown as EngineClient['uploadApi'];
  }

  /**
   * PUT /containers/{id}/archive: extracts the tar stream `body` into `path`, keeping owners, modes and times.
   * No timeout (a restore takes as long as the volume is big); the caller's signal aborts the upload.
   */
  async putArchive(container: string, path: string, body: Readable, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.requestCount++;
    try {
      await this.uploadApi.getContainer(container).putArchive(body, { path, abortSignal: options.signal });
    } catch (e) {
      throw toEngineError(e, this.label, `write ${path} in container ${container}`);
    }
  }
}
