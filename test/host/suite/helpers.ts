/** Helpers shared by the extension-host tests: the extension's API, the docker CLI, polling with a deadline. */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';

export const EXTENSION_ID = 'netvol.docker-networks-volumes';
export const SECTION = 'dockerNetworksVolumes';

/**
 * Prefix of every Docker object these tests make. run-host-tests.mjs sets it per run (and removes leftovers
 * with it); another runner gets a fresh one.
 */
export const TAG = process.env.DNV_TEST_RUN_TAG || `dnvtest-h${process.pid}`;

export async function extensionApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this extension host`);
  const api = await ext.activate();
  assert.ok(api?.store && api?.explorer, 'activate() did not return { store, explorer }');
  return api;
}

/** Runs the docker CLI (against DOCKER_HOST or the default socket unless `-H` is given) and returns stdout. */
export function docker(...args: string[]): string {
  try {
    return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/** Like docker() but never throws: for cleanup. */
export function dockerQuiet(...args: string[]): string {
  try {
    return docker(...args);
  } catch {
    return '';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` every `intervalMs` until it returns a truthy value (which is returned), or fails after
 * `timeoutMs` saying what was awaited and what the last probe saw.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 100, describeLast?: () => string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline) {
      const seen = describeLast ? describeLast() : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${seen})`);
    }
    await sleep(intervalMs);
  }
}

export function labelText(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : label?.label ?? '';
}

export function descriptionText(item: vscode.TreeItem): string {
  return typeof item.description === 'string' ? item.description : '';
}

export interface Row<N> {
  node: N;
  item: vscode.TreeItem;
  label: string;
  description: string;
}

/** A provider's children of `node` (the roots when undefined), with their TreeItems. */
export async function rows<N>(tree: vscode.TreeDataProvider<N>, node?: N): Promise<Array<Row<N>>> {
  const children = (await tree.getChildren(node)) ?? [];
  return Promise.all(children.map(async (child) => {
    const item = await tree.getTreeItem(child);
    return { node: child, item, label: labelText(item), description: descriptionText(item) };
  }));
}

export async function labels<N>(tree: vscode.TreeDataProvider<N>, node?: N): Promise<string[]> {
  return (await rows(tree, node)).map((r) => r.label);
}

export async function findRow<N>(tree: vscode.TreeDataProvider<N>, label: string, node?: N): Promise<Row<N> | undefined> {
  return (await rows(tree, node)).find((r) => r.label === label);
}

/** Waits for a root row with this label and returns it. */
export function waitForRow<N>(tree: vscode.TreeDataProvider<N>, label: string, timeoutMs = 10_000, node?: N): Promise<Row<N>> {
  let seen: string[] = [];
  return waitFor(`row "${label}"`, async () => {
    const all = await rows(tree, node);
    seen = all.map((r) => r.label);
    return all.find((r) => r.label === label);
  }, timeoutMs, 100, () => JSON.stringify(seen));
}

/** Waits until no row with this label is left. */
export async function waitForNoRow<N>(tree: vscode.TreeDataProvider<N>, label: string, timeoutMs = 10_000, node?: N): Promise<void> {
  let seen: string[] = [];
  await waitFor(`row "${label}" to go away`, async () => {
    seen = await labels(tree, node);
    return !seen.includes(label);
  }, timeoutMs, 100, () => JSON.stringify(seen));
}

/** Sets or clears (undefined) a user-level setting of this extension. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Waits until the store is connected and has finished its full load. */
export async function waitLoaded(api: ExtensionApi, timeoutMs = 30_000): Promise<void> {
  await waitFor('store connected and loaded', () => api.store.state.status === 'connected' && api.store.loaded, timeoutMs, 100,
    () => `${api.store.state.status} via ${api.store.client.label}, loaded=${api.store.loaded}`);
}
