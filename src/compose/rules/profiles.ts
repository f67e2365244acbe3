import { child, isSeqNode, scalarText } from '../parse';
import type { RuleContext } from './rule';

/**
 * Whether two services can run at the same time, by their profiles. With COMPOSE_PROFILES known (the environment or
 * the project's .env), docker compose starts the services with no profile and those with one of these; without it,
 * two services whose profiles have none in common are taken as alternatives (sentry self-hosted's nginx and
 * nginx-errors-only publish the same port, one per profile).
 */
export function runTogether(ctx: RuleContext): (a: string, b: string) => boolean {
  const selected = ctx.project.env.COMPOSE_PROFILES;
  const active = selected === undefined ? undefined : new Set(selected.split(',').map((p) => p.trim()).filter(Boolean));
  const profiles = new Map<string, string[]>();
  const profilesOf = (name: string): string[] => {
    let found = profiles.get(name);
    if (found) return found;
    found = [];
    // The last file that sets a service's profiles decides them.
    for (const decl of ctx.project.services.get(name) ?? []) {
      const node = child(decl.node, 'profiles');
      if (isSeqNode(node)) found = node.items.map((item) => scalarText(item) ?? '').filter(Boolean);
    }
    profiles.set(name, found);
    return found;
  };
  const on = (p: string[]) => p.length === 0 || p.some((x) => active!.has(x) || active!.has('*'));
  return (a, b) => {
    if (a === b) return true;
    const pa = profilesOf(a);
    const pb = profilesOf(b);
    if (active) return on(pa) && on(pb);
    return pa.length === 0 || pb.length === 0 || pa.some((x) => pb.includes(x));
  };
}
