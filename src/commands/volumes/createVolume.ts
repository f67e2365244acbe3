/**
 * Create volume: name, driver, driver options (for the local driver: a plain volume, a bind of a host folder,
 * an NFS share, tmpfs, or type/device/o given by hand), labels. Called with `{ name, driver?, driverOpts?,
 * labels? }` (the Compose quick fix, tests, another extension) it asks nothing for a plain local volume; one with a
 * plugin driver or driver options (a host folder, a device, a network share) is shown and confirmed first, since
 * the caller, not the user, chose where its data goes.
 */
import * as vscode from 'vscode';
import { volumeOptionRisks, type VolumeOptionRisk } from '../../backup/restore';
import { createVolume as create, volumeNameProblem } from '../../engine/volumes';
import type { VolumeSpec } from '../../engine/types';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import type { Prompts } from '../prompts';
import { givenArgs } from '../../args';

const TITLE = () => localize('Create Volume');

/** "key=value; key=value" (semicolons: NFS options have commas of their own). */
export function parsePairs(text: string): { values: Record<string, string>; error?: string } {
  const values: Record<string, string> = {};
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { values, error: localize('"{0}" is not key=value.', part) };
    values[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { values };
}

async function ask(prompts: Prompts, options: vscode.InputBoxOptions, step: string): Promise<string | undefined> {
  return prompts.input({ title: `${TITLE()} (${step})`, ignoreFocusOut: true, ...options });
}

type Backing = 'plain' | 'bind' | 'nfs' | 'tmpfs' | 'custom';

/** Driver options for the local driver, asked by kind. Undefined when cancelled. */
async function askLocalOptions(prompts: Prompts): Promise<Record<string, string> | undefined> {
  type KindPick = vscode.QuickPickItem & { backing: Backing };
  const kinds: KindPick[] = [
    { backing: 'plain', label: localize('Plain volume'), detail: localize('Stored by the engine; no options.') },
    { backing: 'bind', label: localize('Bind a host folder'), detail: 'type=none, o=bind, device=/path' },
    { backing: 'nfs', label: localize('NFS share'), detail: 'type=nfs, o=addr=SERVER,rw, device=:/export' },
    { backing: 'tmpfs', label: localize('tmpfs (in memory)'), detail: 'type=tmpfs, device=tmpfs, o=size=…' },
    { backing: 'custom', label: localize('Other mount…'), detail: localize('type, device and o as for mount(8)') },
  ];
  const picked = await prompts.pick(kinds, { title: `${TITLE()} (3/4)`, placeHolder: localize('What backs the volume?'), ignoreFocusOut: true });
  if (!picked) return undefined;
  const notEmpty = (v: string) => (v.trim() ? undefined : localize('Required.'));
  switch (picked.backing) {
    case 'plain':
      return {};
    case 'bind': {
      const device = await ask(prompts, { prompt: localize('Host folder (absolute path on the engine\'s machine; it must exist)'), placeHolder: '/srv/data', validateInput: (v) => (v.trim().startsWith('/') ? undefined : localize('An absolute path.')) }, '3/4');
      return device === undefined ? undefined : { type: 'none', o: 'bind', device: device.trim() };
    }
    case 'nfs': {
      const server = await ask(prompts, { prompt: localize('NFS server address'), placeHolder: '10.0.0.5', validateInput: notEmpty }, '3/4');
      if (server === undefined) return undefined;
      const share = await ask(prompts, { prompt: localize('Exported path on the server'), placeHolder: '/exports/data', validateInput: (v) => (v.trim().startsWith('/') ? undefined : localize('An absolute path.')) }, '3/4');
      if (share === undefined) return undefined;
      const options = await ask(prompts, { prompt: localize('Mount options besides the address'), value: 'rw,nfsvers=4' }, '3/4');
      if (options === undefined) return undefined;
      return { type: 'nfs', o: [`addr=${server.trim()}`, options.trim()].filter(Boolean).join(','), device: `:${share.trim()}` };
    }
    case 'tmpfs': {
      const size = await ask(prompts, { prompt: localize('Size limit'), value: '100m', validateInput: (v) => (/^\d+[kmg]?$/i.test(v.trim()) ? undefined : localize('A size such as 64m or 1g.')) }, '3/4');
      return size === undefined ? undefined : { type: 'tmpfs', device: 'tmpfs', o: `size=${size.trim()}` };
    }
    case 'custom': {
      const type = await ask(prompts, { prompt: localize('File system type (type=)'), placeHolder: 'cifs', validateInput: notEmpty }, '3/4');
      if (type === undefined) return undefined;
      const device = await ask(prompts, { prompt: localize('Device (device=)'), placeHolder: '//server/share', validateInput: notEmpty }, '3/4');
      if (device === undefined) return undefined;
      const o = await ask(prompts, { prompt: localize('Mount options (o=), optional'), placeHolder: 'username=me,vers=3.0' }, '3/4');
      if (o === undefined) return undefined;
      return { type: type.trim(), device: device.trim(), ...(o.trim() ? { o: o.trim() } : {}) };
    }
  }
}

async function askSpec(store: EngineStore, prompts: Prompts): Promise<VolumeSpec | undefined> {
  const existing = new Set(store.volumes().map((v) => v.name));
  const name = await ask(prompts, {
    prompt: localize('Volume name'), placeHolder: 'app-data',
    validateInput: (v) => volumeNameProblem(v.trim()) ?? (existing.has(v.trim()) ? localize('A volume named {0} already exists.', v.trim()) : undefined),
  }, '1/4');
  if (name === undefined) return undefined;

  type DriverPick = vscode.QuickPickItem & { driver?: string };
  const seen = [...new Set(store.volumes().map((v) => v.driver).filter((d) => d !== 'local'))].sort();
  const drivers: DriverPick[] = [
    { driver: 'local', label: 'local', detail: localize('The engine\'s own driver: a folder on its disk, or a mount (bind, NFS, tmpfs…).') },
    ...seen.map((driver): DriverPick => ({ driver, label: driver, detail: localize('A volume plugin other volumes on this engine use.') })),
    { label: localize('Other plugin…'), detail: localize('A volume plugin installed on the engine, by name.') },
  ];
  const pickedDriver = await prompts.pick(drivers, { title: `${TITLE()} (2/4)`, placeHolder: localize('Driver'), ignoreFocusOut: true });
  if (!pickedDriver) return undefined;
  let driver = pickedDriver.driver;
  if (!driver) {
    driver = (await ask(prompts, { prompt: localize('Volume plugin name'), placeHolder: 'rexray/ebs', validateInput: (v) => (v.trim() ? undefined : localize('Required.')) }, '2/4'))?.trim();
    if (!driver) return undefined;
  }

  let driverOpts: Record<string, string> | undefined;
  if (driver === 'local') {
    driverOpts = await askLocalOptions(prompts);
  } else {
    const text = await ask(prompts, { prompt: localize('Driver options, as key=value separated by semicolons (optional)'), placeHolder: 'size=20GiB; volumetype=gp3', validateInput: (v) => parsePairs(v).error }, '3/4');
    driverOpts = text === undefined ? undefined : parsePairs(text).values;
  }
  if (!driverOpts) return undefined;

  const labelsText = await ask(prompts, { prompt: localize('Labels, as key=value separated by semicolons (optional)'), placeHolder: 'team=payments; backup=daily', validateInput: (v) => parsePairs(v).error }, '4/4');
  if (labelsText === undefined) return undefined;
  return { name: name.trim(), driver, driverOpts, labels: parsePairs(labelsText).values };
}

function describeRisk(risk: VolumeOptionRisk): string {
  switch (risk.kind) {
    case 'host-folder': return localize('⚠ Its data would be the folder {0} on the engine\'s host: containers that mount it read and write there.', risk.path);
    case 'device': return localize('⚠ Its data would be the device {0}, mounted by the engine\'s host.', risk.device);
    case 'network-share': return localize('⚠ Its data would be a {0} network share ({1}).', risk.type, risk.address ?? '?');
    case 'driver': return localize('⚠ The {0} driver (a plugin) decides where its data goes.', risk.driver);
  }
}

/** A volume asked for by a caller with options that put its data elsewhere than the engine's disk: shown, then confirmed. */
async function confirmGivenOptions(prompts: Prompts, spec: VolumeSpec): Promise<boolean> {
  const driver = spec.driver ?? 'local';
  const driverOpts = spec.driverOpts ?? {};
  if (driver === 'local' && !Object.keys(driverOpts).length) return true;
  const create = localize('Create');
  const options = Object.entries(driverOpts).map(([k, v]) => `${k}=${v}`).join(', ') || localize('(none)');
  const answer = await prompts.confirm(localize('Create volume {0} with driver {1} and options: {2}?', spec.name, driver, options), {
    detail: [localize('A command asked for this volume with these options; they were not chosen in this editor.'), ...volumeOptionRisks(driver, driverOpts).map(describeRisk)].join('\n\n'),
    actions: [create],
  });
  return answer === create;
}

/** `dnv.volume.create`: returns the new volume's name, or undefined when cancelled. */
export async function createVolume(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<string | undefined> {
  const given = givenArgs<VolumeSpec>(arg);
  const spec = given?.name ? { ...given, name: given.name } : await askSpec(store, prompts);
  if (!spec) return undefined;
  if (given?.name && !(await confirmGivenOptions(prompts, spec))) return undefined;
  const volume = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: localize('Creating volume {0}…', spec.name) },
    () => create(store.client, spec),
  );
  const options = Object.entries(volume.Options ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  void vscode.window.showInformationMessage(options
    ? localize('Created volume {0} ({1}, {2}).', volume.Name, volume.Driver ?? 'local', options)
    : localize('Created volume {0} ({1}).', volume.Name, volume.Driver ?? 'local'));
  return volume.Name;
}
