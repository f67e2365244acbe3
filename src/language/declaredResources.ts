/** The networks and volumes the workspace's Compose files declare, found with the editor's file search. */
import * as vscode from 'vscode';
import { type DeclaredResources, declaredResources } from '../compose/declaredResources';
import { nodeFileHost } from '../compose/project';
import { findComposeFiles } from './composeFiles';

export async function workspaceDeclaredResources(): Promise<DeclaredResources> {
  const merged: DeclaredResources = { networks: new Map(), volumes: new Map() };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const files = (await findComposeFiles(folder)).map((u) => u.fsPath);
    const found = declaredResources(files, nodeFileHost, folder.uri.fsPath, process.env);
    for (const [k, v] of found.networks) merged.networks.set(k, v);
    for (const [k, v] of found.volumes) merged.volumes.set(k, v);
  }
  return merged;
}
