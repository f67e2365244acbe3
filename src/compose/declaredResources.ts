/**
 * The engine names of the networks and volumes that a set of Compose files declares, with the file that
 * declares each: prune keeps them unless the user includes them. External resources count too: the project
 * needs them even though Compose does not create them.
 */
import path from 'node:path';
import { joinsNetwork } from './declarations';
import { type FileHost, loadProject } from './project';

export interface DeclaredResources {
  /** Engine network name -> why it is kept, e.g. "declared in shop/compose.yaml". */
  networks: Map<string, string>;
  volumes: Map<string, string>;
}

export function declaredResources(files: string[], host: FileHost, root: string, env: Readonly<Record<string, string | undefined>> = {}): DeclaredResources {
  const result: DeclaredResources = { networks: new Map(), volumes: new Map() };
  const seenProjects = new Set<string>();
  for (const file of files) {
    let project;
    try {
      project = loadProject(file, host, env);
    } catch {
      continue; // a file that cannot be read or parsed declares nothing we can trust
    }
    const key = `${project.dir}\0${project.name}`;
    if (seenProjects.has(key)) continue;
    seenProjects.add(key);
    const where = `declared in ${path.relative(root, project.files[0]?.file ?? file) || path.basename(file)}`;
    for (const name of project.declared.networks.keys()) result.networks.set(project.engineName('networks', name), where);
    for (const name of project.declared.volumes.keys()) result.volumes.set(project.engineName('volumes', name), where);
    // Services without networks of their own join the project's default network.
    const services = [...project.services.values()].flat();
    if (services.some((s) => joinsNetwork(s, 'default'))) {
      result.networks.set(project.engineName('networks', 'default'), `the default network of project ${project.name}`);
    }
  }
  return result;
}
