import type { Fix, Rule } from './rule';

export const externalMissing: Rule = {
  id: 'external-missing',
  defaultSeverity: 'error',
  description: 'A network or volume marked `external: true` does not exist on the engine.',
  needsEngine: true,
  check(ctx) {
    const engine = ctx.engine;
    if (!engine) return;
    for (const section of ['networks', 'volumes'] as const) {
      for (const decl of ctx.model.resources[section]) {
        if (!decl.external) continue;
        const name = ctx.project.engineName(section, decl.name);
        if (name.includes('$')) continue;
        const exists = section === 'networks' ? engine.networkByName(name) : engine.volume(name);
        if (exists) continue;
        const what = section === 'networks' ? 'network' : 'volume';
        const fixes: Fix[] = [section === 'networks'
          ? { kind: 'createNetwork', title: `Create network "${name}" on the engine`, args: { name, ...(decl.driver ? { driver: decl.driver.text } : {}) } }
          : { kind: 'createVolume', title: `Create volume "${name}" on the engine`, args: { name, ...(decl.driver ? { driver: decl.driver.text } : {}) } }];
        ctx.report({
          start: decl.keyStart, end: decl.keyEnd,
          message: `External ${what} "${name}" does not exist on the engine: create it (docker ${what} create ${name}) before docker compose up.`,
          fixes,
        });
      }
    }
  },
};
