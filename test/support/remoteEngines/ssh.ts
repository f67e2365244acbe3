/** (b) Debian's sshd in front of a private dockerd (`docker system dial-stdio` runs over it). */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { alive, dockerCli, emptyDockerConfig, endProcess, engineDir, exitsEarly, freePort, need, PrivateDockerd, run, Started, startOrClean, startProcess, stopper, tail, until } from './common';
import type { SshEngine, StartOptions } from './types';

// ---- (b) SSH --------------------------------------------------------------------------------------------------

/** The SHA256 fingerprint OpenSSH shows for a public key file: `SHA256:...`. */
export async function sshFingerprint(publicKeyFile: string): Promise<string> {
  const out = await run(need('ssh-keygen', 'openssh-client'), ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const match = /(SHA256:[A-Za-z0-9+/]+)/.exec(out);
  if (!match) throw new Error(`ssh-keygen printed no SHA256 fingerprint for ${publicKeyFile}: ${out}`);
  return match[1];
}

export async function keygen(file: string, comment: string): Promise<void> {
  await run(need('ssh-keygen', 'openssh-client'), ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** How long the sessions on SshEngine.slowShellHost take to start the command: more than the 5 s connect timeout. */
export const SLOW_SHELL_S = 6;

export async function startSshEngine(options: StartOptions & {
  /** 'private' (default): a dockerd of its own behind sshd. 'main': the engine at /var/run/docker.sock (reads only!). */
  engine?: 'private' | 'main';
} = {}): Promise<SshEngine> {
  const sshd = need('sshd', 'openssh-server');
  const ssh = need('ssh', 'openssh-client');
  const agentBin = need('ssh-agent', 'openssh-client');
  const sshAdd = need('ssh-add', 'openssh-client');
  const dir = await engineDir('ssh');
  const dockerd = options.engine === 'main' ? undefined : new PrivateDockerd(dir, 'ssh');
  let server: Started | undefined;
  let agent: Started | undefined;
  const stop = stopper(dir, [() => endProcess(server, 5_000), () => endProcess(agent, 5_000), async () => dockerd?.stop()]);
  return startOrClean(stop, async () => {
    if (dockerd) {
      await dockerd.start();
      if (options.testImage !== false) await dockerd.importTestImage();
    }
    const backingHost = dockerd?.host ?? 'unix:///var/run/docker.sock';
    const user = os.userInfo().username;

    // Keys: the server's host key, the test user's key.
    const hostKey = path.join(dir, 'ssh_host_ed25519_key');
    await keygen(hostKey, 'dnvtest-host');
    const home = path.join(dir, 'home');
    const sshDir = path.join(home, '.ssh');
    fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const keyPath = path.join(sshDir, 'id_ed25519');
    await keygen(keyPath, 'dnvtest-user');
    const authorizedKeys = path.join(dir, 'authorized_keys');
    fs.copyFileSync(`${keyPath}.pub`, authorizedKeys);
    fs.chmodSync(authorizedKeys, 0o600);
    const hostKeyFingerprint = await sshFingerprint(`${hostKey}.pub`);

    // sshd refuses to start without its privilege separation folder; Debian's service makes it at boot.
    if (!fs.existsSync('/run/sshd')) fs.mkdirSync('/run/sshd', { mode: 0o755 });

    const config = path.join(dir, 'sshd_config');
    // sshd runs every command through the user's login shell, and bash reads ~/.bashrc (HOME from the passwd
    // entry) when sshd started it: on this machine root's .bashrc runs `pyenv init`, 4 to 7 s per session,
    // concurrent ones waiting for each other on pyenv's rehash lock. SetEnv HOME gives the sessions a home of
    // their own, so the server is the same on every machine; slowShellPort makes such a shell on purpose.
    const serverHome = path.join(dir, 'server-home');
    fs.mkdirSync(serverHome, { mode: 0o700 });
    let port = 0;
    let slowShellPort = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      do slowShellPort = await freePort(); while (slowShellPort === port);
      fs.writeFileSync(config, [
        `ListenAddress 127.0.0.1:${port}`,
        `ListenAddress 127.0.0.1:${slowShellPort}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PermitRootLogin prohibit-password', // root by key only, in this config only
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no', // the key files live under /tmp
        'AllowAgentForwarding no',
        'AllowTcpForwarding local', // this server is also the ProxyJump host of the jump test (a forward to itself)
        'X11Forwarding no',
        'PermitTTY no',
        'PrintMotd no',
        'MaxStartups 50:30:100', // the docker CLI opens one connection per command
        // MaxSessions: the default (10), as on a user's server; the client opens at most MAX_CHANNELS at once.
        `SetEnv DOCKER_HOST=${backingHost} HOME=${serverHome}`,
        'LogLevel VERBOSE',
        `Match LocalPort ${slowShellPort}`,
        `  ForceCommand sleep ${SLOW_SHELL_S}; exec docker system dial-stdio`,
        '',
      ].join('\n'));
      await run(sshd, ['-t', '-f', config]);
      server = startProcess(dir, 'sshd', sshd, ['-D', '-e', '-f', config]);
      const serverStarted = server;
      try {
        await Promise.race([exitsEarly(serverStarted), until(`sshd on 127.0.0.1:${port}`, () => portOpen(port), 10_000, () => tail(serverStarted.log))]);
        break;
      } catch (e) {
        if (alive(serverStarted) || attempt >= 3) throw e;
      }
    }

    const hostPublic = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const knownHostsLine = `[127.0.0.1]:${port} ${hostPublic}`;
    const slowShellLine = `[127.0.0.1]:${slowShellPort} ${hostPublic}`;
    const knownHostsFile = path.join(sshDir, 'known_hosts');
    fs.writeFileSync(knownHostsFile, `${knownHostsLine}\n${slowShellLine}\n`);
    const sshConfig = path.join(sshDir, 'config');
    fs.writeFileSync(sshConfig, [
      'Host 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${keyPath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHostsFile}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ConnectTimeout 10',
      '',
    ].join('\n'));
    // The docker CLI runs `ssh ... docker system dial-stdio`; OpenSSH reads ~/.ssh from the passwd entry, so a
    // wrapper first in PATH hands it our config instead.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nexec ${ssh} -F ${sshConfig} "$@"\n`, { mode: 0o755 });

    const agentSocket = path.join(dir, 'agent.sock');
    agent = startProcess(dir, 'ssh-agent', agentBin, ['-D', '-a', agentSocket]);
    const agentStarted = agent;
    await Promise.race([exitsEarly(agentStarted), until('ssh-agent socket', async () => fs.existsSync(agentSocket), 10_000)]);
    await run(sshAdd, ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });

    const host = `ssh://${user}@127.0.0.1:${port}`;
    const env: Record<string, string> = {
      DOCKER_HOST: host,
      SSH_AUTH_SOCK: agentSocket,
      HOME: home,
      PATH: `${bin}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
      DOCKER_CONFIG: emptyDockerConfig(dir),
    };
    // End to end, as a user would: the CLI over ssh, `docker system dial-stdio` on the far side.
    const serverStarted = server!;
    await until(`the docker CLI to reach ${backingHost} over ${host}`,
      async () => Boolean(await dockerCli(env, ['version', '--format', '{{.Server.Version}}'], 15_000)), 30_000, () => tail(serverStarted.log));

    let homes = 0;
    return {
      kind: 'ssh' as const,
      host,
      env,
      dir,
      port,
      user,
      home,
      keyPath,
      knownHostsFile,
      knownHostsLine,
      hostKeyFingerprint,
      agentSocket,
      backingHost,
      slowShellHost: `ssh://${user}@127.0.0.1:${slowShellPort}`,
      docker: (...args: string[]) => dockerCli(env, args),
      makeHome: ({ identity, knownHosts }) => {
        const other = path.join(dir, `home-${++homes}`);
        const otherSsh = path.join(other, '.ssh');
        fs.mkdirSync(otherSsh, { recursive: true, mode: 0o700 });
        if (identity) {
          fs.copyFileSync(keyPath, path.join(otherSsh, 'id_ed25519'));
          fs.chmodSync(path.join(otherSsh, 'id_ed25519'), 0o600);
          fs.copyFileSync(`${keyPath}.pub`, path.join(otherSsh, 'id_ed25519.pub'));
        }
        let content = '';
        if (knownHosts === 'right') content = `${knownHostsLine}\n${slowShellLine}\n`;
        if (knownHosts === 'wrong') {
          // a syntactically valid ed25519 key that is not the server's (the public key of the user key will do)
          const otherKey = fs.readFileSync(`${keyPath}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
          content = `[127.0.0.1]:${port} ${otherKey}\n`;
        }
        fs.writeFileSync(path.join(otherSsh, 'known_hosts'), content);
        return other;
      },
      stop,
    };
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
