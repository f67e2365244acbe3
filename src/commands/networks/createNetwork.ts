/**
 * Create network: a step-by-step wizard (name, driver, addresses, flags, labels) that checks every value
 * before the engine is called, or straight from an argument object (Compose quick fix, tests).
 */
import * as vscode from 'vscode';
import { EngineError } from '../../engine/errors';
import type { NetworkCreateSpec } from '../../engine/types';
import {
  checkAddressPlan, checkCreateSpec, checkIpv6Plan, checkNetworkName, checkSubnet, creatableDrivers, isAddressPoolExhausted, parseKeyValues,
} from '../../model/networkRules';
import type { EngineStore } from '../../model/store';
import { localize } from '../../l10n';
import { COMMAND } from '../../ids';
import { givenArgs } from '../../args';
import type { Prompts } from '../prompts';

const TITLE = () => localize('Create Network');

async function isSwarmManager(store: EngineStore): Promise<boolean> {
  const info = await store.client.info();
  return info.Swarm?.LocalNodeState === 'active' && Boolean(info.Swarm.ControlAvailable);
}

async function ask(prompts: Prompts, options: vscode.InputBoxOptions, step: number, steps: number): Promise<string | undefined> {
  return prompts.input({ title: `${TITLE()} (${step}/${steps})`, ignoreFocusOut: true, ...options });
}

/** The wizard. Returns undefined when the user cancels at any step. */
async function askSpec(store: EngineStore, prompts: Prompts, swarmManager: boolean, preset: Partial<NetworkCreateSpec> = {}): Promise<NetworkCreateSpec | undefined> {
  const steps = 6;
  const name = preset.name ?? await ask(prompts, {
    prompt: localize('Network name'), placeHolder: 'backend',
    validateInput: (v) => checkNetworkName(v, store.networks()),
  }, 1, steps);
  if (name === undefined) return undefined;

  type DriverPick = vscode.QuickPickItem & { driver: string };
  const driverItems: DriverPick[] = creatableDrivers(swarmManager).map((driver) => ({
    driver, label: driver,
    detail: {
      bridge: localize('Containers on this engine; they reach each other by name.'),
      overlay: localize('Spans the Swarm\'s nodes (this engine is a manager).'),
      macvlan: localize('Containers get their own MAC address on a host interface.'),
      ipvlan: localize('Containers share the host interface\'s MAC address.'),
    }[driver as 'bridge'],
  }));
  if (!swarmManager) driverItems.push({ driver: '', label: 'overlay', description: localize('needs a Swarm manager'), detail: localize('Run docker swarm init on this engine to create overlay networks.') });
  let driver = preset.driver;
  while (!driver) {
    const picked = await prompts.pick(driverItems, { title: `${TITLE()} (2/${steps})`, placeHolder: localize('Driver'), ignoreFocusOut: true });
    if (!picked) return undefined;
    driver = picked.driver || undefined;
  }

  let parent: string | undefined;
  if (driver === 'macvlan' || driver === 'ipvlan') {
    parent = await ask(prompts, { prompt: localize('Parent host interface for {0}', driver), placeHolder: 'eth0', validateInput: (v) => /^[a-zA-Z0-9_.:-]+$/.test(v.trim()) ? undefined : localize('Give an interface name such as eth0 or eth0.10.') }, 2, steps);
    if (parent === undefined) return undefined;
  }

  const subnet = preset.subnet ?? await ask(prompts, {
    prompt: localize('Subnet (optional; empty lets the engine choose)'), placeHolder: '172.28.0.0/16',
    validateInput: (v) => (v.trim() ? checkSubnet(v, store.networks()) : undefined),
  }, 3, steps);
  if (subnet === undefined) return undefined;
  let gateway: string | undefined;
  let ipRange: string | undefined;
  if (subnet.trim()) {
    gateway = await ask(prompts, {
      prompt: localize('Gateway (optional)'), placeHolder: subnet.replace(/\.0\/\d+$/, '.1'),
      validateInput: (v) => (v.trim() ? checkAddressPlan({ subnet, gateway: v }, store.networks()).gateway : undefined),
    }, 4, steps);
    if (gateway === undefined) return undefined;
    ipRange = await ask(prompts, {
      prompt: localize('IP range for containers (optional, inside the subnet)'), placeHolder: subnet,
      validateInput: (v) => (v.trim() ? checkAddressPlan({ subnet, ipRange: v }, store.networks()).ipRange : undefined),
    }, 4, steps);
    if (ipRange === undefined) return undefined;
  }

  type FlagPick = vscode.QuickPickItem & { flag: 'ipv6' | 'internal' | 'attachable' };
  const flagItems: FlagPick[] = [
    { flag: 'internal', label: localize('Internal'), detail: localize('No route outside: containers reach only each other.') },
    { flag: 'ipv6', label: localize('IPv6'), detail: localize('Also give containers IPv6 addresses.') },
  ];
  if (driver === 'overlay') flagItems.push({ flag: 'attachable', label: localize('Attachable'), detail: localize('Standalone containers may connect, not only services.') });
  const flags = await prompts.pickMany(flagItems, { title: `${TITLE()} (5/${steps})`, placeHolder: localize('Options (none is fine)'), ignoreFocusOut: true });
  if (!flags) return undefined;

  const ipv6 = flags.some((f) => f.flag === 'ipv6');
  let ipv6Subnet: string | undefined;
  if (ipv6 && !subnet.includes(':')) {
    ipv6Subnet = await ask(prompts, {
      prompt: localize('IPv6 subnet (the engine has no IPv6 pool to choose from)'), placeHolder: 'fd00:1::/64',
      validateInput: (v) => checkIpv6Plan({ ipv6: true, subnet, ipv6Subnet: v.trim() || undefined }, store.networks()),
    }, 5, steps);
    if (ipv6Subnet === undefined) return undefined;
  }

  const labelsText = await ask(prompts, {
    prompt: localize('Labels, as key=value separated by commas (optional)'), placeHolder: 'team=payments, env=dev',
    validateInput: (v) => parseKeyValues(v, localize('Label')).error,
  }, 6, steps);
  if (labelsText === undefined) return undefined;
  const optionsText = driver === 'bridge' ? await ask(prompts, {
    prompt: localize('Driver options, as key=value (optional)'), placeHolder: 'com.docker.network.bridge.name=br-backend',
    validateInput: (v) => parseKeyValues(v, localize('Option')).error,
  }, 6, steps) : '';
  if (optionsText === undefined) return undefined;

  return {
    name: name.trim(), driver, parent: parent?.trim() || undefined,
    subnet: subnet.trim() || undefined, gateway: gateway?.trim() || undefined, ipRange: ipRange?.trim() || undefined,
    ipv6, ipv6Subnet: ipv6Subnet?.trim() || undefined, internal: flags.some((f) => f.flag === 'internal'),
    attachable: flags.some((f) => f.flag === 'attachable'),
    labels: parseKeyValues(labelsText, 'Label').values, options: parseKeyValues(optionsText, 'Option').values,
  };
}

/** `dnv.network.create`: returns the new network's id, or undefined when cancelled or refused. */
export async function createNetwork(store: EngineStore, prompts: Prompts, arg?: unknown): Promise<string | undefined> {
  const given = givenArgs<NetworkCreateSpec>(arg, 'name');
  // Only overlay depends on the engine's Swarm state; any other spec is checked without asking the engine.
  const swarmManager = !given || given.driver === 'overlay' ? await isSwarmManager(store) : false;
  let spec = given ?? await askSpec(store, prompts, swarmManager);
  if (!spec) return undefined;
  for (;;) {
    const problem = checkCreateSpec(spec, store.networks(), swarmManager);
    if (problem) {
      // Nothing has been sent: say what is wrong, in the same words the wizard uses.
      void vscode.window.showErrorMessage(localize('Network not created: {0}', problem));
      return undefined;
    }
    try {
      const create = spec;
      const id = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: localize('Creating network {0}…', create.name) },
        () => store.client.createNetwork(create),
      );
      const where = spec.subnet ? ` (${spec.driver ?? 'bridge'}, ${spec.subnet})` : ` (${spec.driver ?? 'bridge'})`;
      void vscode.window.showInformationMessage(localize('Created network {0}{1}.', spec.name, where));
      return id;
    } catch (e) {
      if (!(e instanceof EngineError) || !isAddressPoolExhausted(e.engineMessage ?? e.message) || given) throw e;
      // The engine picks subnets from its default pools; when they are used up it cannot choose one.
      const pickSubnet = localize('Choose a Subnet');
      const prune = localize('Prune Unused Networks…');
      const answer = await prompts.confirm(
        localize('The engine has no free subnet left in its default address pools, so it cannot choose one for "{0}". Give the network a subnet yourself, or remove networks nobody uses.', spec.name),
        { actions: [pickSubnet, prune] },
      );
      if (answer === prune) {
        await vscode.commands.executeCommand(COMMAND.pruneNetworks);
        continue;
      }
      if (answer !== pickSubnet) return undefined;
      const retry = await askSpec(store, prompts, swarmManager, { name: spec.name, driver: spec.driver });
      if (!retry) return undefined;
      spec = retry;
    }
  }
}
