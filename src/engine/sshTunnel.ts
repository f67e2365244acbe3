/**
 * ssh:// engines over one SSH connection per engine. Every HTTP connection to the engine is a channel on it
 * running `docker system dial-stdio` (what the docker CLI does), and idle ones are kept for the next request.
 * docker-modem's own ssh transport makes a new SSH connection (key exchange, authentication, a new dial-stdio)
 * for every request: about 250 ms each here, so loading the explorer took a second.
 *
 * The connection is made on the first request and again after it dropped; its errors (host key refused,
 * authentication failed, unreachable) reach the requests waiting for it. With ProxyJump hosts it goes through
 * each in turn, as `ssh -J` does: a connection to the first, a forwarded TCP channel from it to the next, and
 * the next SSH session over that channel.
 *
 * Reaching the engine has a time limit of its own here (the config's readyTimeout): the SSH handshake and the
 * server opening the channel. What follows is not "reaching" it: sshd runs the command
 * through the user's login shell, which first reads the user's ~/.bashrc, and a server whose .bashrc starts
 * pyenv, conda or nvm answers the first request on a channel seconds later (4 to 7 s were measured with
 * `pyenv init` in root's .bashrc; concurrent shells wait for each other on pyenv's rehash lock). That wait is
 * the request's, under the request timeout, as for the docker CLI, which waits for it too; the 5 s connection
 * timeout the client sets on unix and TCP engines is not applied to ssh:// ones (client.ts).
 */
import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';

/**
 * What Node's HTTP client and agent call on a socket that a channel does not have (keep-alive, timeouts,
 * ref/unref): no-ops, the SSH connection underneath has its own keep-alive and timeouts.
 */
type SocketLike = Duplex & Record<'setKeepAlive' | 'setNoDelay' | 'setTimeout' | 'ref' | 'unref', (...args: unknown[]) => unknown>;

function asSocket(stream: Duplex): SocketLike {
  const s = stream as SocketLike;
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'] as const) {
    if (typeof s[name] !== 'function') s[name] = () => s;
  }
  return s;
}

/**
 * Channels open at once on the one connection. sshd refuses sessions beyond its MaxSessions (10 by default)
 * with "Channel open failure"; further requests wait for a channel instead. The event stream holds one.
 */
export const MAX_CHANNELS = 8;

export class SshTunnelAgent extends Agent {
  private connection: Promise<Client> | undefined;
  private current: Client | undefined;
  /** The ProxyJump connections under the current one, first to last. */
  private jumpClients: Client[] = [];

  constructor(private readonly config: ConnectConfig & { readyTimeout: number }, private readonly jumps: Array<ConnectConfig & { host: string; port: number }> = []) {
    // Idle channels are kept up to the limit: a new one costs the server's login shell startup (above).
    super({ keepAlive: true, maxSockets: MAX_CHANNELS, maxFreeSockets: MAX_CHANNELS });
  }

  override createConnection(_options: ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex | undefined {
    let answered = false;
    const done = (error: Error | null, socket?: Duplex) => {
      if (answered) return void socket?.destroy();
      answered = true;
      clearTimeout(timer);
      (callback ?? (() => undefined))(error, socket as Duplex);
    };
    // The handshake has readyTimeout; the server opening the channel (before its shell runs) has the same.
    let timer: NodeJS.Timeout | undefined;
    this.connect().then((client) => {
      timer = setTimeout(() => done(Object.assign(new Error(`The SSH server opened no channel within ${this.config.readyTimeout} ms.`), { code: 'ETIMEDOUT' })),
        this.config.readyTimeout);
      client.exec('docker system dial-stdio', (error, channel) => {
        if (error) return done(error);
        done(null, asSocket(channel));
      });
    }, (error: Error) => done(error));
    return undefined;
  }

  /** Ends the SSH connection and every channel on it; the next request connects again. */
  override destroy(): void {
    super.destroy();
    this.dropIdleChannels();
    this.current?.end();
    this.current = undefined;
    this.connection = undefined;
    this.endJumps();
  }

  private endJumps(): void {
    for (const jump of this.jumpClients.splice(0).reverse()) jump.end();
  }

  /**
   * Forgets the idle channels at once. A channel of a connection that is closing says so only later, and the
   * agent would meanwhile hand it to the next request, which would fail with "socket hang up".
   */
  private dropIdleChannels(): void {
    const idle = this.freeSockets as Record<string, Duplex[] | undefined>;
    for (const key of Object.keys(idle)) {
      for (const channel of idle[key] ?? []) channel.destroy();
      delete idle[key];
    }
  }

  private connect(): Promise<Client> {
    if (this.connection) return this.connection;
    const client = new Client();
    const forget = () => {
      if (this.current !== client && this.current !== undefined) return;
      this.current = undefined;
      this.connection = undefined;
      this.dropIdleChannels(); // all of them ran on this connection
      this.endJumps();
    };
    this.current = client;
    this.connection = this.throughJumps().then((sock) => new Promise<Client>((resolve, reject) => {
      client.once('ready', () => resolve(client));
      client.on('error', (error) => { forget(); reject(error); });
      client.once('close', () => { forget(); reject(new Error('The SSH connection closed before it was ready.')); });
      client.connect(sock ? { ...this.config, sock } : this.config);
    }), (error: Error) => { forget(); throw error; });
    this.connection.catch(() => undefined);
    return this.connection;
  }

  /** Connects through the ProxyJump hosts; resolves the channel to the engine's server (undefined: no jumps). */
  private async throughJumps(): Promise<Duplex | undefined> {
    let sock: Duplex | undefined;
    for (const [i, jump] of this.jumps.entries()) {
      const hop = new Client();
      this.jumpClients.push(hop);
      await new Promise<void>((resolve, reject) => {
        hop.once('ready', () => resolve());
        hop.on('error', (error) => reject(Object.assign(error, { message: `ProxyJump ${jump.host}:${jump.port}: ${error.message}` })));
        hop.once('close', () => reject(new Error(`ProxyJump ${jump.host}:${jump.port}: the SSH connection closed before it was ready.`)));
        hop.connect(sock ? { ...jump, sock } : jump);
      });
      const next = this.jumps[i + 1] ?? { host: this.config.host!, port: this.config.port! };
      sock = await new Promise<Duplex>((resolve, reject) => {
        hop.forwardOut('127.0.0.1', 0, next.host, next.port, (error, channel) => {
          if (error) reject(new Error(`ProxyJump ${jump.host}:${jump.port} could not reach ${next.host}:${next.port}: ${error.message}`));
          else resolve(channel);
        });
      });
    }
    return sock;
  }
}
