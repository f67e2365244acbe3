/**
 * The one place that imports dockerode. Every call goes through `call()`, which names the action for error
 * messages, maps failures to EngineError, applies a timeout, and counts requests (the explorer promises no
 * idle polling, and the benchmark checks that with this counter).
 */
import Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import type { EngineEndpoint } from './connection';
import { EngineError, toEngineError } from './errors';
import type {
  EngineContainerInspect, EngineContainerSummary, EngineInfo, EngineNetwork, EngineVersion, EngineVolume, ExecResult,
  NetworkCreateSpec,
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

function dockerodeOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  const url = new URL(endpoint.host);
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'npipe:':
      return { socketPath: `//./pipe${decodeURIComponent(url.pathname).replace(/^\/+pipe/, '')}` };
    case 'ssh:':
      return {
        protocol: 'ssh', host: url.hostname, port: url.port ? Number(url.port) : 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK, readyTimeout: CONNECT_TIMEOUT_MS },
      } as Docker.DockerOptions;
    default: {
      const tls = endpoint.tls;
      const secure = Boolean(tls) || url.protocol === 'https:';
      return {
        protocol: secure ? 'https' : 'http',
        host: url.hostname,
        port: url.port ? Number(url.port) : secure ? 2376 : 2375,
        ca: tls?.ca, cert: tls?.cert, key: tls?.key,
      };
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

export class EngineClient {
  /** Requests sent since this client was made (the event stream counts once, when it opens). */
  requestCount = 0;
  private apiVersion: string | undefined;
  private readonly docker: Docker;
  private readonly api: LooseDocker;

  constructor(readonly endpoint: EngineEndpoint) {
    this.docker = new Docker({ ...dockerodeOptions(endpoint), connectionTimeout: CONNECT_TIMEOUT_MS } as Docker.DockerOptions);
    this.api = this.docker as unknown as LooseDocker;
    const modem = this.docker.modem as { dial: (opts: unknown, cb: unknown) => unknown };
    const dial = modem.dial.bind(modem);
    modem.dial = (opts: unknown, cb: unknown) => {
      this.requestCount++;
      return dial(opts, cb);
    };
  }

  /** What to call this engine in messages. */
  get label(): string {
    return this.endpoint.label;
  }

  /** The API version requests are made in, once negotiated. */
  get negotiatedApiVersion(): string | undefined {
    return this.apiVersion;
  }

  /**
   * Asks the engine for its version and speaks the highest API version both sides know, as the CLI does.
   * Called on every (re)connect: the engine behind a socket may have been upgraded.
   */
  async negotiate(options: CallOptions = {}): Promise<EngineVersion> {
    if (this.endpoint.configError) throw new EngineError('misconfigured', this.endpoint.configError, this.label);
    const modem = this.docker.modem as { version?: string };
    modem.version = undefined;
    const version = await this.call('read the engine version', (abortSignal) => this.api.version({ abortSignal }), options) as EngineVersion;
    const engineApi = version.ApiVersion ?? MIN_API_VERSION;
    if (compareApiVersions(engineApi, MIN_API_VERSION) < 0) {
      throw new EngineError('engine', `The engine at ${this.label} speaks API ${engineApi}; Docker Networks & Volumes needs ${MIN_API_VERSION} (Engine 20.10) or later.`, this.label);
    }
    this.apiVersion = compareApiVersions(engineApi, MAX_API_VERSION) < 0 ? engineApi : MAX_API_VERSION;
    modem.version = `v${this.apiVersion}`;
    return version;
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
   * covers the whole exchange; streams use openEvents instead.
   */
  async call<T>(action: string, run: (signal: AbortSignal) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      return await run(signal);
    } catch (e) {
      if (timeout.aborted && !options.signal?.aborted) {
        throw new EngineError('timeout', `The Docker engine at ${this.label} did not answer in time (${action}).`, this.label, undefined, undefined, { cause: e });
      }
      throw toEngineError(e, this.label, action);
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
}
