/** The networks and volumes the workspace's Compose files declare, found with the editor's file search. */
import * as vscode from 'vscode';
import { type DeclaredResources, declaredResources } from '../compose/declaredResources';
import { nodeFileHost } from '../compose/project';
import { extraComposeGlobs } from './settings';

/** compose.yaml, docker-compose.yml and their override/variant files (compose.prod.yaml...). */
const COMPOSE_GLOBS = ['**/{compose,docker-compose}.{yaml,yml}', '**/{compose,docker-compose}.*.{yaml,yml}'];
const MAX_FILES = 500;

export async function workspaceDeclaredResources(): Promise<DeclaredResources> {
  const merged: DeclaredResources = { networks: new Map(), volumes: new Map() };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const globs = [...COMPOSE_GLOBS, ...extraComposeGlobs(folder.uri)];
    const uris = (await Promise.all(globs.map((g) => vscode.workspace.findFiles(new vscode.RelativePattern(folder, g), '**/node_modules/**', MAX_FILES)))).flat();
    const files = [...new Set(uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath))].sort();
    const found = declaredResources(files, nodeFileHost, folder.uri.fsPath, process.env);
    for (const [k, v] of found.networks) merged.networks.set(k, v);
    for (const [k, v] of found.volumes) merged.volumes.set(k, v);
  }
  return merged;
}
