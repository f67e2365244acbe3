/** What the started engines give the tests: where they listen and how to reach them. */

export interface RemoteEngine {
  kind: 'tls' | 'ssh' | 'swarm' | 'podman';
  /** The engine's address as a user writes it: tcp://127.0.0.1:PORT, ssh://root@127.0.0.1:PORT, unix:///... */
  host: string;
  /**
   * What a user would set to reach it with the docker CLI (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
   * SSH_AUTH_SOCK...). DOCKER_CONFIG points at an empty folder of the engine's own, so a Docker context of the
   * machine's user cannot redirect the CLI.
   */
  env: Record<string, string>;
  /** The folder holding everything of this engine (removed by stop()). */
  dir: string;
  /** The docker CLI against this engine through `env` (for TLS and SSH: over TCP+TLS or SSH). Returns stdout. */
  docker(...args: string[]): Promise<string>;
  /** Idempotent: ends what was started, removes `dir`. */
  stop(): Promise<void>;
}

export interface TlsEngine extends RemoteEngine {
  kind: 'tls';
  /** ca.pem, cert.pem, key.pem: a client folder as DOCKER_CERT_PATH wants it. */
  certDir: string;
  /** ca.pem, server-cert.pem, server-key.pem (what dockerd was started with). */
  serverCertDir: string;
  /** The engine's own unix socket (no TLS), for setting up test data quickly. */
  unixHost: string;
  port: number;
  /** A new client folder holding copies of the client files except those named, e.g. certDirWithout('ca.pem'). */
  certDirWithout(...files: string[]): string;
}

export interface SshEngine extends RemoteEngine {
  kind: 'ssh';
  port: number;
  user: string;
  /**
   * A home folder as the CLI and OpenSSH expect: .ssh/id_ed25519 (the test user key), .ssh/known_hosts (the
   * test host key, as [127.0.0.1]:PORT), .ssh/config. OpenSSH takes ~ from the passwd entry, not $HOME, so
   * env.PATH starts with a folder whose `ssh` runs /usr/bin/ssh -F HOME/.ssh/config.
   */
  home: string;
  /** The test user's private key (also loaded in the agent at `agentSocket`). */
  keyPath: string;
  /** HOME/.ssh/known_hosts. */
  knownHostsFile: string;
  /** The line known_hosts holds for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  knownHostsLine: string;
  /** The host key's fingerprint as OpenSSH prints it: `SHA256:...` (base64, no padding). */
  hostKeyFingerprint: string;
  /** An ssh-agent holding the test user key (env.SSH_AUTH_SOCK). */
  agentSocket: string;
  /** The engine sshd's sessions reach (`SetEnv DOCKER_HOST` in its sshd_config): a private dockerd by default. */
  backingHost: string;
  /**
   * The same sshd and engine on a second port whose sessions start `docker system dial-stdio` only after
   * SLOW_SHELL_S seconds, as a server whose ~/.bashrc runs pyenv, conda or nvm init. (On `port` the sessions
   * get a HOME of their own, so this machine's root ~/.bashrc is not read: it made them slow at random.)
   */
  slowShellHost: string;
  /**
   * Another home folder, for negative tests: `identity` copies the user key to .ssh/id_ed25519; `knownHosts`
   * 'right' holds the real host key, 'wrong' another key under the same [127.0.0.1]:PORT (a changed host key),
   * 'none' an empty known_hosts.
   */
  makeHome(options: { identity: boolean; knownHosts: 'right' | 'wrong' | 'none' }): string;
}

export interface SwarmEngine extends RemoteEngine {
  kind: 'swarm';
  /** dnvtest-overlay: driver overlay, attachable, scope swarm. */
  overlayNetwork: string;
  overlayNetworkId: string;
  nodeId: string;
}

/** What a Docker-API server answered to the calls the explorer depends on (see probeDockerApi). */
export interface ApiReport {
  version: { Version?: string; ApiVersion?: string; MinAPIVersion?: string; Components?: string[]; Os?: string };
  endpoints: Record<string, { status: number; ok: boolean; detail: string }>;
  /** GET /events?filters={"type":["network","volume","container"]} while a volume and a network are made and removed. */
  events: { status: number; opened: boolean; received: Array<{ Type?: string; Action?: string; ActorID?: string; name?: string }> };
}

export interface PodmanEngine extends RemoteEngine {
  kind: 'podman';
  socketPath: string;
  /** `podman --version`. */
  podmanVersion: string;
  /** The Docker-compatible API as probed right after start. */
  apiReport: ApiReport;
}

export interface StartOptions {
  /** Import test/busybox:1 (from busybox-static) into the engine. Default true. */
  testImage?: boolean;
}
