/** (a) A private dockerd serving TCP with --tlsverify, certificates made here with openssl. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alive, dockerCli, emptyDockerConfig, endProcess, engineDir, exitsEarly, freePort, need, PrivateDockerd, run, Started, startOrClean, startProcess, stopper, tail, until } from './common';
import type { StartOptions, TlsEngine } from './types';

// ---- (a) TCP with TLS -----------------------------------------------------------------------------------------

export async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run(need('openssl', 'openssl'), args, { env: { ...process.env, RANDFILE: path.join(dir, '.rnd') } });
}

/** A CA, a server certificate for IP 127.0.0.1 / localhost and a client certificate, all P-256, valid 2 days. */
export async function makeCertificates(dir: string): Promise<{ clientDir: string; serverDir: string }> {
  const ca = path.join(dir, 'ca');
  const clientDir = path.join(dir, 'client');
  const serverDir = path.join(dir, 'server');
  for (const d of [ca, clientDir, serverDir]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, 'req', '-x509', ...ec, '-keyout', path.join(ca, 'ca-key.pem'), '-out', path.join(ca, 'ca.pem'),
    '-days', '2', '-subj', '/CN=dnvtest-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const sign = async (name: string, keyOut: string, certOut: string, subject: string, extensions: string) => {
    const csr = path.join(ca, `${name}.csr`);
    const ext = path.join(ca, `${name}.ext`);
    fs.writeFileSync(ext, extensions);
    await openssl(dir, 'req', ...ec, '-keyout', keyOut, '-out', csr, '-subj', subject);
    await openssl(dir, 'x509', '-req', '-in', csr, '-CA', path.join(ca, 'ca.pem'), '-CAkey', path.join(ca, 'ca-key.pem'),
      '-CAcreateserial', '-out', certOut, '-days', '2', '-extfile', ext);
  };
  await sign('server', path.join(serverDir, 'server-key.pem'), path.join(serverDir, 'server-cert.pem'), '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  await sign('client', path.join(clientDir, 'key.pem'), path.join(clientDir, 'cert.pem'), '/CN=dnvtest-client',
    'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n');
  fs.copyFileSync(path.join(ca, 'ca.pem'), path.join(clientDir, 'ca.pem'));
  fs.copyFileSync(path.join(ca, 'ca.pem'), path.join(serverDir, 'ca.pem'));
  return { clientDir, serverDir };
}

export async function startTlsEngine(options: StartOptions = {}): Promise<TlsEngine> {
  const socat = need('socat', 'socat');
  const nsenter = need('nsenter', 'util-linux');
  const dir = await engineDir('tls');
  const dockerd = new PrivateDockerd(dir, 'tls');
  let inner: Started | undefined;
  let outer: Started | undefined;
  const stop = stopper(dir, [() => endProcess(outer, 5_000), () => endProcess(inner, 5_000), () => dockerd.stop()]);
  return startOrClean(stop, async () => {
    const { clientDir, serverDir } = await makeCertificates(path.join(dir, 'certs'));
    await dockerd.start(['--host', 'tcp://127.0.0.1:2376', '--tlsverify',
      '--tlscacert', path.join(serverDir, 'ca.pem'),
      '--tlscert', path.join(serverDir, 'server-cert.pem'),
      '--tlskey', path.join(serverDir, 'server-key.pem')]);
    if (options.testImage !== false) await dockerd.importTestImage();

    // Inside the engine's namespace: a unix socket relaying to its TLS port.
    const relay = path.join(dir, 'tls-relay.sock');
    inner = startProcess(dir, 'socat-inner', nsenter, [`--net=${dockerd.netnsPath}`, '--', socat,
      `UNIX-LISTEN:${relay},fork,unlink-early,mode=600`, 'TCP:127.0.0.1:2376']);
    const innerStarted = inner;
    await Promise.race([exitsEarly(innerStarted), until('the relay socket inside the TLS engine namespace', async () => fs.existsSync(relay), 10_000)]);

    // In the host namespace: 127.0.0.1:PORT relaying to that socket. The port is free when chosen; if another
    // process takes it before socat binds, socat exits and we try another.
    const env: Record<string, string> = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: clientDir, DOCKER_CONFIG: emptyDockerConfig(dir) };
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      env.DOCKER_HOST = `tcp://127.0.0.1:${port}`;
      outer = startProcess(dir, 'socat-outer', socat, [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${relay}`]);
      const outerStarted = outer;
      try {
        await Promise.race([exitsEarly(outerStarted), until(`the TLS engine at tcp://127.0.0.1:${port} (docker CLI with DOCKER_TLS_VERIFY=1)`,
          async () => Boolean(await dockerCli(env, ['version', '--format', '{{.Server.Version}}'], 10_000)), 20_000, () => tail(outerStarted.log))]);
        break;
      } catch (e) {
        if (alive(outerStarted) || attempt >= 3) throw e;
      }
    }
    return {
      kind: 'tls' as const,
      host: env.DOCKER_HOST,
      env,
      dir,
      certDir: clientDir,
      serverCertDir: serverDir,
      unixHost: dockerd.host,
      port,
      docker: (...args: string[]) => dockerCli(env, args),
      certDirWithout: (...files: string[]) => {
        const copy = fs.mkdtempSync(path.join(dir, 'certs', 'client-without-'));
        for (const f of ['ca.pem', 'cert.pem', 'key.pem']) {
          if (!files.includes(f)) fs.copyFileSync(path.join(clientDir, f), path.join(copy, f));
        }
        return copy;
      },
      stop,
    };
  });
}

