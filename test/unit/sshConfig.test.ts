// ~/.ssh/config as OpenSSH reads it, for ssh:// engines: aliases, first value wins, the URL's user over User,
// file name tokens, IdentitiesOnly, the system file after the user's, and no shell command run for `Match exec`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveEndpoint } from '../../src/engine/connection';
import { parseProxyJump, readSshConfig } from '../../src/engine/sshConfig';

suite('ssh config for ssh:// engines', () => {
  let home: string;
  let sshDir: string;
  setup(() => {
    home = mkdtempSync(path.join(tmpdir(), 'dnv-sshcfg-'));
    sshDir = path.join(home, '.ssh');
    mkdirSync(sshDir);
  });
  teardown(() => rmSync(home, { recursive: true, force: true }));
  const userFile = () => path.join(sshDir, 'config');

  test('an alias gives HostName, Port, User and the identity and known_hosts files, with ~, %d, %h, %u, %r expanded', () => {
    writeFileSync(userFile(), [
      'Host prod-engine', '  HostName 10.1.2.3', '  Port 2222', '  User deploy', '  IdentityFile ~/.ssh/prod_%h_%r',
      '  IdentityFile %d/keys/%u', '  UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2', '  GlobalKnownHostsFile /etc/ssh/other_known_hosts',
      '  IdentitiesOnly yes', 'Host *', '  Port 22', '  User nobody', '',
    ].join('\n'));
    const c = readSshConfig({ host: 'prod-engine', home, localUser: 'me', files: [userFile()] });
    assert.equal(c.hostName, '10.1.2.3');
    assert.equal(c.port, 2222, 'the first value wins over Host *');
    assert.equal(c.user, 'deploy');
    assert.deepEqual(c.identityFiles, [path.join(sshDir, 'prod_10.1.2.3_deploy'), path.join(home, 'keys', 'me')]);
    assert.deepEqual(c.userKnownHostsFiles, [path.join(sshDir, 'kh1'), path.join(sshDir, 'kh2')]);
    assert.deepEqual(c.globalKnownHostsFiles, ['/etc/ssh/other_known_hosts']);
    assert.equal(c.identitiesOnly, true);
    assert.deepEqual(c.files, [userFile()]);
  });

  test('the URL\'s user wins over User; a host no block names gets only Host * values; HostName %h is the name asked for', () => {
    writeFileSync(userFile(), 'Host *.lan\n  HostName %h.example.org\n  User admin\nHost *\n  Port 2200\n');
    assert.equal(readSshConfig({ host: 'box.lan', user: 'ops', home, files: [userFile()] }).user, 'ops');
    assert.equal(readSshConfig({ host: 'box.lan', home, files: [userFile()] }).hostName, 'box.lan.example.org');
    const other = readSshConfig({ host: 'elsewhere', home, files: [userFile()] });
    assert.equal(other.hostName, undefined);
    assert.equal(other.user, undefined);
    assert.equal(other.port, 2200);
  });

  test('the user\'s file before the system\'s: a value in both comes from the user\'s; one only in the system\'s is used', () => {
    const system = path.join(home, 'ssh_config');
    writeFileSync(userFile(), 'Host engine\n  Port 2022\n');
    writeFileSync(system, 'Host engine\n  Port 9999\n  User fromsystem\n');
    const c = readSshConfig({ host: 'engine', home, files: [userFile(), system] });
    assert.equal(c.port, 2022);
    assert.equal(c.user, 'fromsystem');
    assert.deepEqual(c.files, [userFile(), system]);
  });

  test('Match exec is never run (no shell command from a file); missing files are skipped; a bad Port is ignored', () => {
    const marker = path.join(home, 'ran');
    writeFileSync(userFile(), `Match exec "touch ${marker}"\n  Port 1\nHost engine\n  Port notaport\n`);
    const c = readSshConfig({ host: 'engine', home, files: [userFile(), path.join(home, 'missing')] });
    assert.equal(existsSync(marker), false, 'the exec command did not run');
    assert.equal(c.port, undefined);
    assert.deepEqual(c.files, [userFile()]);
  });

  test('an ssh:// endpoint takes them: IdentitiesOnly drops the agent, a URL port wins over Port, defaults stay without a config', () => {
    writeFileSync(path.join(sshDir, 'engine-key'), 'not read here');
    writeFileSync(userFile(), 'Host engine\n  HostName 127.0.0.1\n  Port 2022\n  User deploy\n  IdentityFile ~/.ssh/engine-key\n  IdentitiesOnly yes\n');
    const env = { SSH_AUTH_SOCK: '/tmp/agent.sock' };
    const viaAlias = resolveEndpoint({ hostSetting: 'ssh://engine', env, home }).ssh!;
    assert.equal(viaAlias.hostName, '127.0.0.1');
    assert.equal(viaAlias.port, 2022);
    assert.equal(viaAlias.user, 'deploy');
    assert.equal(viaAlias.identityFile, path.join(sshDir, 'engine-key'));
    assert.equal(viaAlias.agent, undefined, 'IdentitiesOnly with an IdentityFile: only that key');
    assert.equal(resolveEndpoint({ hostSetting: 'ssh://engine:3022', env, home }).ssh!.port, 3022);
    rmSync(userFile());
    const plain = resolveEndpoint({ hostSetting: 'ssh://engine', env, home }).ssh!;
    assert.equal(plain.hostName, undefined);
    assert.equal(plain.agent, '/tmp/agent.sock');
    assert.equal(plain.identityFile, undefined, 'no default key in this home');
    assert.equal(plain.knownHostsFiles[0], path.join(sshDir, 'known_hosts'));
  });

  test('ProxyJump: the list as OpenSSH writes it, each jump host looked up in the config; "none" and a bad list', () => {
    assert.deepEqual(parseProxyJump('bastion, ops@jump2:2200,ssh://me@[fd00::1]:22'), [
      { host: 'bastion', port: undefined, user: undefined },
      { host: 'jump2', port: 2200, user: 'ops' },
      { host: 'fd00::1', port: 22, user: 'me' },
    ]);
    writeFileSync(userFile(), [
      'Host engine', '  HostName 10.0.0.9', '  ProxyJump bastion,deploy@inner:2022', 'Host bastion', '  HostName 198.51.100.7',
      '  Port 2201', '  User jumper', 'Host direct', '  ProxyJump none', 'Host broken', '  ProxyJump a b c', '',
    ].join('\n'));
    const ssh = resolveEndpoint({ hostSetting: 'ssh://engine', env: {}, home }).ssh!;
    assert.deepEqual(ssh.jumps.map((j) => [j.hostName, j.port, j.user]), [['198.51.100.7', 2201, 'jumper'], ['inner', 2022, 'deploy']]);
    assert.equal(ssh.hostName, '10.0.0.9');
    assert.deepEqual(resolveEndpoint({ hostSetting: 'ssh://direct', env: {}, home }).ssh!.jumps, []);
    const broken = resolveEndpoint({ hostSetting: 'ssh://broken', env: {}, home });
    assert.match(broken.configError ?? '', /ProxyJump "a b c" in ~\/\.ssh\/config for broken/);
  });
});
