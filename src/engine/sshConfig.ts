/**
 * What OpenSSH would connect to for an ssh:// engine, from the user's ~/.ssh/config and the system's
 * /etc/ssh/ssh_config, as the docker CLI gets it by running `ssh`: Host aliases, HostName, Port, User,
 * IdentityFile, IdentitiesOnly, UserKnownHostsFile, GlobalKnownHostsFile and ProxyJump. The files are parsed with
 * `ssh-config` (first value wins, Host and Match blocks, as OpenSSH reads them). `Match exec` is not run: the
 * extension host does not start shell commands found in a file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import SSHConfig from 'ssh-config';

export interface SshHostConfig {
  /** HostName, with %h replaced by the name asked for. */
  hostName?: string;
  port?: number;
  user?: string;
  /** IdentityFile entries in order, ~ and %d/%h/%u/%r expanded. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** UserKnownHostsFile entries, expanded (empty: OpenSSH's default). */
  userKnownHostsFiles: string[];
  /** GlobalKnownHostsFile entries, expanded (empty: OpenSSH's default). */
  globalKnownHostsFiles: string[];
  /** ProxyJump as written (`[user@]host[:port]`, comma-separated, or ssh:// URLs); undefined for none. */
  proxyJump?: string;
  /** The files that were read, for messages. */
  files: string[];
}

export interface JumpHost {
  host: string;
  port?: number;
  user?: string;
}

/** ProxyJump's list: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated; `[v6]:port` too. */
export function parseProxyJump(value: string): JumpHost[] {
  return value.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const url = new URL(part.startsWith('ssh://') ? part : `ssh://${part}`);
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : undefined,
      user: url.username ? decodeURIComponent(url.username) : undefined,
    };
  });
}

export interface SshConfigInputs {
  /** The name in the ssh:// URL (an alias or a real host). */
  host: string;
  /** The user in the URL, if any (it wins over User). */
  user?: string;
  home: string;
  /** The local user's name, for %u. */
  localUser?: string;
  /** Config files in the order OpenSSH reads them (default: HOME/.ssh/config, then /etc/ssh/ssh_config). */
  files?: string[];
}

function values(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** OpenSSH's tokens in file names: ~, %d (home), %h (host name), %u (local user), %r (remote user), %%. */
function expand(file: string, tokens: { home: string; host: string; localUser: string; remoteUser: string }): string {
  const withTokens = file.replace(/%([%dhur])/g, (_, t: string) => (
    t === '%' ? '%' : t === 'd' ? tokens.home : t === 'h' ? tokens.host : t === 'u' ? tokens.localUser : tokens.remoteUser));
  if (withTokens === '~') return tokens.home;
  if (withTokens.startsWith('~/')) return path.join(tokens.home, withTokens.slice(2));
  return path.isAbsolute(withTokens) ? withTokens : path.join(tokens.home, '.ssh', withTokens);
}

/** Reads the config files that exist; a file that cannot be read or parsed is skipped, like a missing one. */
export function readSshConfig(inputs: SshConfigInputs): SshHostConfig {
  const files = (inputs.files ?? [path.join(inputs.home, '.ssh', 'config'), '/etc/ssh/ssh_config']).filter((f) => existsSync(f));
  const read: string[] = [];
  let computed: Record<string, string | string[]> = {};
  for (const file of files) {
    let config: SSHConfig;
    try {
      config = SSHConfig.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    read.push(file);
    const found = config.compute({ Host: inputs.host, User: inputs.user }, { ignoreCase: true, matchExec: false });
    // First value wins across files too: the user's file before the system's.
    computed = { ...found, ...computed };
  }
  const get = (key: string) => computed[key.toLowerCase()];
  const first = (key: string) => values(get(key))[0];
  const hostName = first('HostName')?.replace(/%h/g, inputs.host);
  const user = inputs.user || first('User');
  const tokens = { home: inputs.home, host: hostName ?? inputs.host, localUser: inputs.localUser ?? '', remoteUser: user ?? '' };
  const port = Number(first('Port'));
  const list = (key: string) => values(get(key)).flatMap((v) => v.split(/\s+/)).filter(Boolean).map((f) => expand(f, tokens));
  return {
    hostName,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
    user,
    identityFiles: list('IdentityFile'),
    identitiesOnly: first('IdentitiesOnly')?.toLowerCase() === 'yes',
    userKnownHostsFiles: list('UserKnownHostsFile'),
    globalKnownHostsFiles: list('GlobalKnownHostsFile'),
    proxyJump: first('ProxyJump') && first('ProxyJump')!.toLowerCase() !== 'none' ? first('ProxyJump') : undefined,
    files: read,
  };
}
