/** (d) `podman system service` with its own storage, configuration and event log. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { dockerCli, emptyDockerConfig, endProcess, engineDir, exitsEarly, importTestImage, IN_NAMESPACE, need, run, sleep, START_TIMEOUT_MS, Started, startOrClean, startProcess, stopper, tail, until, within } from './common';
import type { ApiReport, PodmanEngine, StartOptions } from './types';

// ---- (d) Podman -----------------------------------------------------------------------------------------------

/** One HTTP request over a unix socket; the body as text. */
export function unixRequest(socketPath: string, method: string, urlPath: string, body?: unknown, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      socketPath, method, path: urlPath, timeout: timeoutMs,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Asks a Docker-API server behind a unix socket for what the explorer relies on: GET /version, the lists, and
 * whether GET /events (filtered as the explorer filters it) carries volume and network create/remove events.
 * Creates and removes dnvtest-probe-vol and dnvtest-probe-net.
 */
export async function probeDockerApi(socketPath: string, apiVersion = '1.41'): Promise<ApiReport> {
  const v = `/v${apiVersion}`;
  const versionAnswer = await unixRequest(socketPath, 'GET', '/version');
  const raw = JSON.parse(versionAnswer.text) as { Version?: string; ApiVersion?: string; MinAPIVersion?: string; Os?: string; Components?: Array<{ Name: string; Version: string }> };
  const report: ApiReport = {
    version: {
      Version: raw.Version, ApiVersion: raw.ApiVersion, MinAPIVersion: raw.MinAPIVersion, Os: raw.Os,
      Components: raw.Components?.map((c) => `${c.Name} ${c.Version}`.split('\n')[0]),
    },
    endpoints: {},
    events: { status: 0, opened: false, received: [] },
  };
  const record = async (key: string, method: string, urlPath: string, body?: unknown, summarize?: (json: unknown) => string) => {
    try {
      const answer = await unixRequest(socketPath, method, urlPath, body);
      let detail = answer.text.slice(0, 200);
      if (answer.status < 300 && summarize) {
        try { detail = summarize(answer.text ? JSON.parse(answer.text) : null); } catch { /* keep the text */ }
      }
      report.endpoints[key] = { status: answer.status, ok: answer.status >= 200 && answer.status < 300, detail };
    } catch (e) {
      report.endpoints[key] = { status: 0, ok: false, detail: (e as Error).message };
    }
  };
  await record('GET /networks', 'GET', `${v}/networks`, undefined, (j) => `${(j as unknown[]).length} networks: ${(j as Array<{ Name: string; Driver: string; Scope: string }>).map((n) => `${n.Name} (${n.Driver}, ${n.Scope})`).join(', ')}`);
  await record('GET /volumes', 'GET', `${v}/volumes`, undefined, (j) => `${((j as { Volumes?: unknown[] | null }).Volumes ?? []).length} volumes`);
  await record('GET /containers/json', 'GET', `${v}/containers/json?all=true`, undefined, (j) => `${(j as unknown[]).length} containers`);
  await record('GET /info', 'GET', `${v}/info`, undefined, (j) => `Swarm: ${JSON.stringify((j as { Swarm?: { LocalNodeState?: string } }).Swarm?.LocalNodeState ?? null)}`);
  await record('GET /system/df?type=volume', 'GET', `${v}/system/df?type=volume`, undefined, () => 'ok');

  // Events: open the stream as the explorer does, make and remove a volume and a network, see what comes.
  const filters = encodeURIComponent(JSON.stringify({ type: ['network', 'volume', 'container'] }));
  const controller = new AbortController();
  const streamed = new Promise<void>((resolve) => {
    const req = http.request({ socketPath, method: 'GET', path: `${v}/events?filters=${filters}`, signal: controller.signal }, (res) => {
      report.events.status = res.statusCode ?? 0;
      report.events.opened = res.statusCode === 200;
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          try {
            const e = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
            report.events.received.push({ Type: e.Type, Action: e.Action, ActorID: e.Actor?.ID, name: e.Actor?.Attributes?.name });
          } catch {
            // a line torn by the abort
          }
        }
      });
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
  await until('the event stream to open', async () => report.events.status !== 0, 10_000).catch(() => undefined);
  await record('POST /volumes/create', 'POST', `${v}/volumes/create`, { Name: 'dnvtest-probe-vol' }, () => 'created dnvtest-probe-vol');
  await record('POST /networks/create', 'POST', `${v}/networks/create`, { Name: 'dnvtest-probe-net', Driver: 'bridge', CheckDuplicate: true }, () => 'created dnvtest-probe-net');
  await record('DELETE /volumes/{name}', 'DELETE', `${v}/volumes/dnvtest-probe-vol`, undefined, () => 'removed');
  await record('DELETE /networks/{id}', 'DELETE', `${v}/networks/dnvtest-probe-net`, undefined, () => 'removed');
  await sleep(2_000); // events travel through the engine's event log
  controller.abort();
  await within(streamed, 2_000);
  return report;
}

export async function startPodmanService(options: StartOptions = {}): Promise<PodmanEngine> {
  const podman = need('podman', 'podman');
  const unshare = need('unshare', 'util-linux');
  need('ip', 'iproute2');
  const dir = await engineDir('podman');
  let service: Started | undefined;
  const stop = stopper(dir, [() => endProcess(service, 15_000)]);
  return startOrClean(stop, async () => {
    const root = path.join(dir, 'root');
    const runroot = path.join(dir, 'runroot');
    const tmpdir = path.join(dir, 'tmp');
    const networks = path.join(dir, 'networks');
    for (const d of [root, runroot, tmpdir, networks]) fs.mkdirSync(d, { recursive: true });
    // Our own configuration files only: the machine's /etc/containers settings (storage, network, locks) must
    // neither apply nor be touched. vfs storage needs no overlay support; file locks, not the shared
    // /dev/shm/libpod_lock; a file event log (there is no journald here).
    const containersConf = path.join(dir, 'containers.conf');
    fs.writeFileSync(containersConf, [
      '[network]',
      'network_backend = "netavark"',
      `network_config_dir = "${networks}"`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${path.join(dir, 'events.log')}"`,
      'lock_type = "file"',
      `tmp_dir = "${tmpdir}"`,
      `static_dir = "${path.join(root, 'libpod')}"`,
      `volume_path = "${path.join(root, 'volumes')}"`,
      '',
    ].join('\n'));
    const storageConf = path.join(dir, 'storage.conf');
    fs.writeFileSync(storageConf, `[storage]\ndriver = "vfs"\ngraphroot = "${root}"\nrunroot = "${runroot}"\n`);
    const socketPath = path.join(dir, 'podman.sock');
    const env = {
      ...process.env,
      CONTAINERS_CONF: containersConf,
      CONTAINERS_STORAGE_CONF: storageConf,
      CONTAINERS_REGISTRIES_CONF: path.join(dir, 'registries.conf'),
    };
    fs.writeFileSync(env.CONTAINERS_REGISTRIES_CONF, 'unqualified-search-registries = []\n');
    const podmanVersion = await run(podman, ['--version'], { env });
    service = startProcess(dir, 'podman', unshare, ['--net', '--mount', '--', 'sh', '-c', IN_NAMESPACE, 'sh', podman,
      '--root', root, '--runroot', runroot, '--tmpdir', tmpdir, '--storage-driver', 'vfs',
      '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--network-config-dir', networks,
      '--log-level', 'info',
      'system', 'service', '--time=0', `unix://${socketPath}`,
    ], env);
    const started = service;
    await Promise.race([exitsEarly(started), until(`podman to answer at ${socketPath}`,
      async () => (await unixRequest(socketPath, 'GET', '/_ping', undefined, 2_000)).status === 200, START_TIMEOUT_MS, () => tail(started.log))]);
    const engineEnv = { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: emptyDockerConfig(dir) };
    if (options.testImage !== false) await importTestImage(engineEnv);
    const apiReport = await probeDockerApi(socketPath);
    return {
      kind: 'podman' as const,
      host: engineEnv.DOCKER_HOST,
      env: engineEnv,
      dir,
      socketPath,
      podmanVersion,
      apiReport,
      docker: (...args: string[]) => dockerCli(engineEnv, args),
      stop,
    };
  });
}
