/**
 * "Can container A reach B by name?" answered from inside A: which networks they share, whether the name
 * resolves there, and whether B answers ping, in plain words. The commands run inside the container through
 * `exec` (the engine's exec API), so this works on any image that has getent/nslookup and ping, and says so
 * when it has not.
 */
import type { ExecResult } from '../engine/types';
import type { ContainerModel, NetworkModel } from './types';

export type Exec = (container: string, cmd: string[]) => Promise<ExecResult>;

export interface ConnectivityResult {
  ok: boolean;
  /** One sentence for the notification. */
  summary: string;
  /** More sentences for the log / detail view. */
  details: string[];
  sharedNetworks: string[];
  resolution: 'resolved' | 'failed' | 'noTool' | 'skipped';
  resolvedAddress?: string;
  reach: 'reached' | 'unreachable' | 'noTool' | 'skipped';
  /** Average round trip in ms, when ping answered. */
  latencyMs?: number;
}

export interface ConnectivityInputs {
  source: ContainerModel;
  /** A container name or a network alias, as typed. */
  target: string;
  containers: ContainerModel[];
  network: (id: string) => NetworkModel | undefined;
  exec: Exec;
}

function toolMissing(result: ExecResult): boolean {
  const text = `${result.stdout}\n${result.stderr}`;
  return result.exitCode === 126 || result.exitCode === 127 || /executable file not found|applet not found|: not found/i.test(text);
}

/** Containers answering to `target`: by container name, or by an alias on one of their networks. */
export function findTargets(target: string, containers: ContainerModel[]): ContainerModel[] {
  return containers.filter((c) => c.name === target || c.attachments.some((a) => a.aliases.includes(target)));
}

/**
 * The container whose network stack `container` uses: itself, unless its network_mode is container:<name or id>,
 * in which case it is on that container's networks (its own list is empty).
 */
export function stackOwner(container: ContainerModel, containers: readonly ContainerModel[]): ContainerModel {
  if (!container.networkMode.startsWith('container:')) return container;
  const ref = container.networkMode.slice('container:'.length);
  return containers.find((c) => c.name === ref || c.id === ref || (ref.length >= 12 && c.id.startsWith(ref))) ?? container;
}

/** First address in getent or nslookup output for `name`. */
export function parseResolvedAddress(output: string): string | undefined {
  // getent hosts: "10.0.0.3      db"
  const getent = output.match(/^\s*([0-9a-fA-F.:]+)\s+\S/m);
  if (getent && !/^Server|^Address/m.test(output)) return getent[1];
  // busybox nslookup: after "Name: db", a line "Address: 10.0.0.3" (the first Address block is the server's).
  const afterName = output.split(/^Name:\s*/m).slice(1).join('\n');
  const address = (afterName || '').match(/Address(?: \d+)?:\s*([0-9a-fA-F.:]+)/);
  return address?.[1];
}

/** "3 packets transmitted, 2 packets received" / "... 2 received" and the average round trip. */
export function parsePing(output: string): { sent: number; received: number; avgMs?: number } | undefined {
  const counts = output.match(/(\d+) packets transmitted, (\d+) (?:packets )?received/);
  if (!counts) return undefined;
  const rtt = output.match(/(?:round-trip|rtt) min\/avg\/max(?:\/mdev)? = [\d.]+\/([\d.]+)\//);
  return { sent: Number(counts[1]), received: Number(counts[2]), avgMs: rtt ? Number(rtt[1]) : undefined };
}

export async function testConnectivity(inputs: ConnectivityInputs): Promise<ConnectivityResult> {
  const { source, target, exec } = inputs;
  const details: string[] = [];
  const base = { sharedNetworks: [] as string[], resolution: 'skipped' as const, reach: 'skipped' as const };
  if (source.state !== 'running') {
    return { ...base, ok: false, summary: `${source.name} is ${source.state || 'not running'}: start it to test from inside it.`, details };
  }
  const targets = findTargets(target, inputs.containers).filter((c) => c.id !== source.id);
  // A source with network_mode container:<other> is on the other's networks.
  const sourceNetworks = new Map(stackOwner(source, inputs.containers).attachments.map((a) => [a.networkId || a.networkName, a]));
  const shared = targets.flatMap((t) => t.attachments.filter((a) => sourceNetworks.has(a.networkId || a.networkName)));
  const sharedNetworks = [...new Set(shared.map((a) => a.networkName))];
  const isDefaultBridge = (a: { networkId: string; networkName: string }) => {
    const network = inputs.network(a.networkId);
    return network ? network.builtIn && network.name === 'bridge' : a.networkName === 'bridge';
  };
  const onlyDefaultBridge = shared.length > 0 && shared.every(isDefaultBridge);

  if (targets.length && sharedNetworks.length === 0) {
    const theirs = [...new Set(targets.flatMap((t) => t.attachments.map((a) => a.networkName)))];
    return {
      ...base, ok: false,
      summary: `${source.name} and ${target} share no network, so they cannot reach each other.`,
      details: [`${source.name} is on ${[...sourceNetworks.values()].map((a) => a.networkName).join(', ') || 'no network'}; ${target} is on ${theirs.join(', ') || 'no network'}.`,
        `Connect one of them to a network of the other${theirs[0] ? ` (for example "${theirs[0]}")` : ''}.`],
    };
  }
  if (targets.length) details.push(`Shared network${sharedNetworks.length > 1 ? 's' : ''}: ${sharedNetworks.join(', ')}.`);
  else details.push(`No container on this engine is named or aliased "${target}"; trying it as a host name.`);

  // 1. Name resolution inside the source container.
  let resolution: ConnectivityResult['resolution'] = 'noTool';
  let resolvedAddress: string | undefined;
  for (const cmd of [['getent', 'hosts', target], ['nslookup', target]]) {
    const result = await exec(source.id, cmd);
    if (toolMissing(result)) continue;
    resolvedAddress = result.exitCode === 0 ? parseResolvedAddress(result.stdout) : undefined;
    resolution = resolvedAddress ? 'resolved' : 'failed';
    break;
  }
  if (resolution === 'resolved') details.push(`"${target}" resolves to ${resolvedAddress} inside ${source.name}.`);
  if (resolution === 'failed') {
    const why = onlyDefaultBridge
      ? 'They share only the default bridge, which has no name resolution: connect both to a user-defined network, or use the IP address.'
      : 'Check the spelling, or add the name as an alias on a shared network.';
    return { ok: false, summary: `"${target}" does not resolve inside ${source.name}. ${why}`, details, sharedNetworks, resolution, reach: 'skipped' };
  }
  if (resolution === 'noTool') details.push(`The image of ${source.name} has neither getent nor nslookup: name resolution was not tested.`);

  // 2. Reachability: ping by name (or by the address the name resolved to).
  const ping = await exec(source.id, ['ping', '-c', '3', '-W', '2', resolvedAddress ?? target]);
  if (toolMissing(ping)) {
    details.push(`The image of ${source.name} has no ping: reachability was not tested.`);
    const ok = resolution === 'resolved';
    return {
      ok, sharedNetworks, resolution, resolvedAddress, reach: 'noTool', details,
      summary: ok ? `"${target}" resolves to ${resolvedAddress} inside ${source.name}; its image has no ping to test further.`
        : `${source.name}'s image has no tools to test with (getent, nslookup, ping).`,
    };
  }
  const stats = parsePing(`${ping.stdout}\n${ping.stderr}`);
  if (stats && stats.received > 0) {
    const latency = stats.avgMs !== undefined ? `, ${stats.avgMs.toFixed(3)} ms on average` : '';
    // The network the answer came over is the one whose address the name resolved to.
    const via = shared.find((a) => a.ipv4 === resolvedAddress || a.ipv6 === resolvedAddress)?.networkName;
    const over = via ? ` over ${via}` : sharedNetworks.length ? ` over ${sharedNetworks.join(', ')}` : '';
    return {
      ok: true, sharedNetworks, resolution, resolvedAddress, reach: 'reached', latencyMs: stats.avgMs, details,
      summary: `${source.name} reaches ${target}${resolvedAddress ? ` (${resolvedAddress})` : ''}${over}: ${stats.received}/${stats.sent} replies${latency}.`,
    };
  }
  const internalNote = sharedNetworks.length === 0 ? ' They share no network.' : '';
  return {
    ok: false, sharedNetworks, resolution, resolvedAddress, reach: 'unreachable', details,
    summary: `${source.name} cannot reach ${target}${resolvedAddress ? ` (${resolvedAddress})` : ''}: no reply to ping.${internalNote}`,
  };
}
