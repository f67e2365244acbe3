/** The workspace's Compose files, found with the editor's file search (and its exclusions). */
import * as vscode from 'vscode';
import { extraComposeGlobs } from './settings';

/** compose.yaml, docker-compose.yml and their override/variant files (compose.prod.yaml...). */
export const COMPOSE_GLOBS = ['**/{compose,docker-compose}.{yaml,yml}', '**/{compose,docker-compose}.*.{yaml,yml}'];
const MAX_FILES = 500;

/** The Compose files of one workspace folder: the standard names and the `compose.files` globs. */
export async function findComposeFiles(folder: vscode.WorkspaceFolder): Promise<vscode.Uri[]> {
  const globs = [...COMPOSE_GLOBS, ...extraComposeGlobs(folder.uri)];
  const uris = (await Promise.all(globs.map((g) => vscode.workspace.findFiles(new vscode.RelativePattern(folder, g), '**/node_modules/**', MAX_FILES)))).flat();
  const unique = new Map(uris.filter((u) => u.scheme === 'file').map((u) => [u.fsPath, u]));
  return [...unique.keys()].sort().map((k) => unique.get(k)!);
}

/** Every workspace folder's Compose files. */
export async function findWorkspaceComposeFiles(): Promise<vscode.Uri[]> {
  return (await Promise.all((vscode.workspace.workspaceFolders ?? []).map(findComposeFiles))).flat();
}
