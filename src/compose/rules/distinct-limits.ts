import { child, scalarText, type CNode } from '../parse';
import type { Rule, RuleContext } from './rule';

/**
 * A service setting the same limit twice with different values: scale vs deploy.replicas, cpus vs
 * deploy.resources.limits.cpus, mem_limit / mem_reservation / pids_limit vs their deploy.resources twins.
 * compose-go refuses them ("can't set distinct values on 'scale' and 'deploy.replicas'"), also when the resources
 * block is there without the key (it is then 0).
 */
const PAIRS: ReadonlyArray<{ key: string; deploy: string[]; kind: 'count' | 'cpus' | 'bytes' }> = [
  { key: 'scale', deploy: ['replicas'], kind: 'count' },
  { key: 'cpus', deploy: ['resources', 'limits', 'cpus'], kind: 'cpus' },
  { key: 'mem_limit', deploy: ['resources', 'limits', 'memory'], kind: 'bytes' },
  { key: 'mem_reservation', deploy: ['resources', 'reservations', 'memory'], kind: 'bytes' },
  { key: 'pids_limit', deploy: ['resources', 'limits', 'pids'], kind: 'count' },
];

export const distinctLimits: Rule = {
  id: 'distinct-limits',
  defaultSeverity: 'error',
  description: 'scale, cpus, mem_limit, mem_reservation or pids_limit set again under deploy with a different value.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const deploy = child(service.node, 'deploy');
      for (const pair of PAIRS) {
        const own = child(service.node, pair.key);
        let twin: CNode | undefined = deploy;
        for (const k of pair.deploy) twin = child(twin, k);
        const a = value(ctx, own, pair.kind);
        const where = `deploy.${pair.deploy.join('.')}`;
        // A resources block (limits, reservations) without this key holds 0 for it: compose-go compares all the
        // same (loader/validate.go), and refuses a non-zero value beside it.
        const block = pair.deploy.length === 3 ? child(child(deploy, pair.deploy[0]), pair.deploy[1]) : undefined;
        if (twin === undefined && block?.kind === 'map' && a !== undefined && a !== 0) {
          ctx.report({
            start: own!.start, end: own!.end,
            message: `Service "${service.name}" sets ${pair.key}: ${scalarText(own)} and has deploy.${pair.deploy.slice(0, 2).join('.')} without ${pair.deploy[2]}, which Compose reads as 0: Compose refuses two different values; set ${where}: ${scalarText(own)} there too, or keep only one.`,
          });
          continue;
        }
        const b = value(ctx, twin, pair.kind);
        if (a === undefined || b === undefined || a === b) continue;
        ctx.report({
          start: own!.start, end: own!.end,
          message: `Service "${service.name}" sets ${pair.key}: ${scalarText(own)} and ${where}: ${scalarText(twin)}: Compose refuses two different values; keep one of them.`,
        });
      }
    }
  },
};

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function value(ctx: RuleContext, node: CNode | undefined, kind: 'count' | 'cpus' | 'bytes'): number | undefined {
  const raw = scalarText(node);
  if (raw === undefined) return undefined;
  const text = ctx.resolve(raw)?.trim().toLowerCase();
  if (!text) return undefined;
  if (kind === 'bytes') {
    const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/.exec(text);
    return m ? Math.round(Number(m[1]) * UNITS[m[2]]) : undefined;
  }
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  // compose-go keeps cpus as a float32 of nanoCPUs: compare at that precision.
  return kind === 'cpus' ? Math.round(n * 1e9) : n;
}
