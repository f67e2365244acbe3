/**
 * What a tree row says: label, description, icon, contextValue and tooltip, from model data alone.
 * Pure (no vscode import) so it is unit-tested in plain mocha; items.ts turns it into TreeItems and passes
 * vscode.l10n.t as `t`.
 */
import type { NetworkMember, NetworkModel, VolumeModel, VolumeUsage, VolumeUser } from '../model/types';
import { formatBytes, formatDate, intervalWord, type Localize, plainLocalize, type ScheduleInterval } from '../model/format';

export interface Icon {
  /** A codicon id. */
  id: string;
  /** A theme color id, e.g. charts.green. */
  color?: string;
}

export interface RowDescription {
  label: string;
  description: string;
  icon: Icon;
  contextValue: string;
  /** Markdown, built only when VS Code asks for the tooltip. */
  tooltip: () => string;
}

/** Markdown-safe text: tooltips show user-controlled names and labels. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** Key/value lines; a markdown table would need a header row, which shows as a blank band in hovers. */
function table(rows: Array<[string, string]>): string {
  return rows.map(([k, v]) => `${escapeMarkdown(k)}: \`${v.replace(/`/g, "'")}\``).join('  \n');
}

/** Whether containers on this network find each other by name through the engine's DNS. */
export type NameResolution = 'byName' | 'none' | 'notApplicable';

export function nameResolution(network: NetworkModel): NameResolution {
  if (network.driver === 'host' || network.driver === 'null' || network.name === 'none') return 'notApplicable';
  // The default bridge predates the embedded DNS server: only legacy --link works there.
  if (network.builtIn && network.name === 'bridge') return 'none';
  return 'byName';
}

export function networkIcon(network: NetworkModel): Icon {
  if (network.builtIn) return { id: 'lock-small' };
  if (network.driver === 'overlay') return { id: 'globe', color: 'charts.purple' };
  if (network.internal) return { id: 'shield', color: 'charts.orange' };
  return { id: 'type-hierarchy-sub', color: 'charts.blue' };
}

/** `members` undefined: the containers are not listed yet (a cold start), so nothing is said about them. */
export function describeNetwork(network: NetworkModel, members: NetworkMember[] | undefined, t: Localize = plainLocalize): RowDescription {
  const subnet = network.subnets.find((s) => s.subnet)?.subnet;
  const flags: string[] = [];
  if (network.builtIn) flags.push(t('built-in'));
  if (network.internal) flags.push(t('internal'));
  if (network.attachable) flags.push(t('attachable'));
  const description = [network.driver, network.scope, subnet, ...flags].filter(Boolean).join(' · ');
  const tokens = ['network', network.builtIn ? 'network.builtin' : 'network.custom', 'inspectable'];
  if (network.driver === 'overlay') tokens.push('network.overlay');
  if (network.internal) tokens.push('network.internal');
  if (network.attachable) tokens.push('network.attachable');
  if (members && members.length > 0) tokens.push('network.inUse');
  // host and none take no extra containers, and a Swarm overlay only services unless it is attachable.
  const swarmOnly = network.scope === 'swarm' && !network.attachable;
  if (network.driver !== 'host' && network.driver !== 'null' && !swarmOnly && !network.ingress) tokens.push('network.connectable');
  return {
    label: network.name,
    description,
    icon: networkIcon(network),
    contextValue: tokens.join(' '),
    tooltip: () => networkTooltip(network, members, t),
  };
}

function networkTooltip(network: NetworkModel, members: NetworkMember[] | undefined, t: Localize): string {
  const parts: string[] = [`**${escapeMarkdown(network.name)}** — ${escapeMarkdown(t('network'))}`];
  const resolution = nameResolution(network);
  if (resolution === 'byName') parts.push(t('Containers on this network reach each other by name and alias.'));
  if (resolution === 'none') parts.push(t('No name resolution on the default bridge: containers reach each other only by IP. Use a user-defined network to connect by name.'));
  const rows: Array<[string, string]> = [
    [t('ID'), network.id.slice(0, 12)],
    [t('Driver'), network.driver],
    [t('Scope'), network.scope],
    [t('IPAM driver'), network.ipamDriver],
  ];
  network.subnets.forEach((s, i) => {
    const suffix = network.subnets.length > 1 ? ` ${i + 1}` : '';
    if (s.subnet) rows.push([t('Subnet') + suffix, s.subnet]);
    if (s.gateway) rows.push([t('Gateway') + suffix, s.gateway]);
    if (s.ipRange) rows.push([t('IP range') + suffix, s.ipRange]);
  });
  rows.push([t('Internal'), network.internal ? t('yes') : t('no')]);
  rows.push([t('Attachable'), network.attachable ? t('yes') : t('no')]);
  rows.push([t('IPv6'), network.enableIPv6 ? t('yes') : t('no')]);
  if (network.project) rows.push([t('Compose project'), network.project]);
  if (members) rows.push([t('Containers'), String(members.length)]);
  rows.push([t('Created'), formatDate(network.created)]);
  parts.push(table(rows));
  const options = Object.entries(network.options);
  if (options.length) parts.push(`**${escapeMarkdown(t('Options'))}**\n\n${table(options)}`);
  const labels = Object.entries(network.labels);
  if (labels.length) parts.push(`**${escapeMarkdown(t('Labels'))}**\n\n${table(labels)}`);
  return parts.join('\n\n');
}

export function containerStateIcon(state: string): Icon {
  switch (state) {
    case 'running': return { id: 'vm-running', color: 'charts.green' };
    case 'paused': return { id: 'debug-pause', color: 'charts.yellow' };
    case 'restarting': return { id: 'sync', color: 'charts.yellow' };
    case 'dead': return { id: 'error', color: 'charts.red' };
    default: return { id: 'vm-outline' };
  }
}

export function describeNetworkMember(member: NetworkMember, t: Localize = plainLocalize): RowDescription {
  const { container, attachment } = member;
  const aliases = attachment.aliases.length ? t('aliases: {0}', attachment.aliases.join(', ')) : '';
  const description = [container.state, attachment.ipv4, aliases].filter(Boolean).join(' · ');
  const tokens = ['networkContainer', `container.${container.state || 'unknown'}`, 'inspectable'];
  return {
    label: container.name,
    description,
    icon: containerStateIcon(container.state),
    contextValue: tokens.join(' '),
    tooltip: () => {
      const rows: Array<[string, string]> = [
        [t('Container'), container.name],
        [t('ID'), container.id.slice(0, 12)],
        [t('Image'), container.image],
        [t('State'), container.status || container.state],
        [t('Network'), attachment.networkName],
      ];
      if (attachment.ipv4) rows.push([t('IPv4'), attachment.ipv4]);
      if (attachment.ipv6) rows.push([t('IPv6'), attachment.ipv6]);
      if (attachment.mac) rows.push([t('MAC'), attachment.mac]);
      if (attachment.aliases.length) rows.push([t('Aliases'), attachment.aliases.join(', ')]);
      if (container.project) rows.push([t('Compose project'), container.service ? `${container.project} / ${container.service}` : container.project]);
      return table(rows);
    },
  };
}

/** How often a volume is backed up on the workspace's schedule, and how many of those backups are kept. */
export interface VolumeScheduleInfo {
  interval: ScheduleInterval;
  keep: number;
  /** The last scheduled backup and the next due time (ms since the epoch), once known. */
  last?: number;
  next?: number;
}

/** `users` undefined: the containers are not listed yet (a cold start), so the row does not say unused. */
export function describeVolume(volume: VolumeModel, users: VolumeUser[] | undefined, usage: VolumeUsage | undefined, t: Localize = plainLocalize, schedule?: VolumeScheduleInfo): RowDescription {
  const use = !users ? undefined : users.length === 0 ? t('unused') : users.length === 1 ? t('1 container') : t('{0} containers', users.length);
  const size = usage && usage.size >= 0 ? formatBytes(usage.size) : undefined;
  const tokens = ['volume', ...(users ? [users.length ? 'volume.inUse' : 'volume.unused'] : []), 'inspectable'];
  if (volume.anonymous) tokens.push('volume.anonymous');
  if (schedule) tokens.push('volume.scheduled');
  const every = schedule && intervalWord(schedule.interval, t);
  return {
    label: volume.anonymous ? volume.name.slice(0, 12) : volume.name,
    description: [volume.driver, size, use, every && t('{0} backup', every)].filter(Boolean).join(' · '),
    icon: volume.anonymous ? { id: 'circle-large-outline' } : users?.some((u) => u.container.state === 'running')
      ? { id: 'database', color: 'charts.green' } : { id: 'database' },
    contextValue: tokens.join(' '),
    tooltip: () => {
      const rows: Array<[string, string]> = [
        [t('Name'), volume.name],
        [t('Driver'), volume.driver],
        [t('Scope'), volume.scope],
        [t('Mountpoint'), volume.mountpoint],
      ];
      if (usage) rows.push([t('Size'), usage.size >= 0 ? formatBytes(usage.size) : t('unknown')]);
      if (volume.project) rows.push([t('Compose project'), volume.project]);
      if (users) rows.push([t('Used by'), users.length ? users.map((u) => u.container.name).join(', ') : t('no container')]);
      rows.push([t('Created'), formatDate(volume.created)]);
      if (schedule && every) {
        rows.push([t('Scheduled backup'), t('{0}, the last {1} kept', every, schedule.keep)]);
        if (schedule.last) rows.push([t('Last scheduled backup'), formatDate(schedule.last)]);
        if (schedule.next) rows.push([t('Next scheduled backup'), schedule.next <= Date.now() ? t('now') : formatDate(schedule.next)]);
      }
      const parts = [`**${escapeMarkdown(volume.anonymous ? t('Anonymous volume') : volume.name)}** — ${escapeMarkdown(t('volume'))}`, table(rows)];
      const options = Object.entries(volume.options);
      if (options.length) parts.push(`**${escapeMarkdown(t('Driver options'))}**\n\n${table(options)}`);
      const labels = Object.entries(volume.labels);
      if (labels.length) parts.push(`**${escapeMarkdown(t('Labels'))}**\n\n${table(labels)}`);
      return parts.join('\n\n');
    },
  };
}

export function describeVolumeUser(user: VolumeUser, t: Localize = plainLocalize): RowDescription {
  const { container, mount } = user;
  return {
    label: container.name,
    description: [mount.destination, mount.readOnly ? t('read-only') : t('read-write'), container.state].join(' · '),
    icon: containerStateIcon(container.state),
    contextValue: ['volumeContainer', `container.${container.state || 'unknown'}`, 'inspectable'].join(' '),
    tooltip: () => table([
      [t('Container'), container.name],
      [t('Image'), container.image],
      [t('State'), container.status || container.state],
      [t('Mounted at'), mount.destination],
      [t('Access'), mount.readOnly ? t('read-only') : t('read-write')],
    ]),
  };
}

export type SortOrder = 'name' | 'created';

/** One collator for every comparison: localeCompare with options builds a new one per call. */
export const naturalOrder = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Sorts by name (natural order) or newest first. The collator's compare is slow (ICU: 25 ms for 10,000 volume names
 * on an idle machine, 100-180 ms of the extension host's thread in a profile of the workbench loading them), so
 * the items are first put in code-point order, which is the collator's order for most names (lower case, numbers
 * of one width): the sort by the collator after it, which alone decides the order, then mostly finds runs already
 * in order (4-5 times faster on such names, 2 times on a mix with hex names). Names the collator holds equal
 * (differing in case only) come out in code-point order, whatever order the engine listed them in.
 */
export function sortBy<T extends { name: string; created: number }>(items: T[], order: SortOrder): T[] {
  const byName = (a: T, b: T) => naturalOrder.compare(a.name, b.name);
  const inCodePointOrder = [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return inCodePointOrder.sort(order === 'created' ? (a, b) => b.created - a.created || byName(a, b) : byName);
}

/** Splits items by Compose project: projects in name order, then the rest (project undefined). */
export function groupByProject<T extends { project?: string }>(items: T[]): { projects: Map<string, T[]>; rest: T[] } {
  const projects = new Map<string, T[]>();
  const rest: T[] = [];
  for (const item of items) {
    if (!item.project) { rest.push(item); continue; }
    const list = projects.get(item.project) ?? [];
    list.push(item);
    projects.set(item.project, list);
  }
  return { projects: new Map([...projects].sort(([a], [b]) => a.localeCompare(b))), rest };
}
