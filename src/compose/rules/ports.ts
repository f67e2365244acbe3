/** The port mappings of services, parsed once per analysis and shared by the port rules. */
import { parsePortNode, type PortMapping, type PortResult } from '../mappings';
import type { ServiceDecl } from '../declarations';
import type { CNode } from '../parse';
import type { RuleContext } from './rule';

export interface ServicePort {
  service: ServiceDecl;
  node: CNode;
  result: PortResult;
}

/**
 * Per analysis, per file's services: the environment may differ between analyses. The key is the analysis's
 * `resolve`, which every rule of one analysis shares (each rule gets a context of its own, so keying by the
 * context parsed every port once per port rule).
 */
const cache = new WeakMap<RuleContext['resolve'], Map<readonly ServiceDecl[], ServicePort[]>>();

/** Every port entry of the file's services whose value is known (variables resolved). */
export function servicePorts(ctx: RuleContext, services: readonly ServiceDecl[] = ctx.model.services): ServicePort[] {
  let perContext = cache.get(ctx.resolve);
  if (!perContext) cache.set(ctx.resolve, perContext = new Map());
  const cached = perContext.get(services);
  if (cached) return cached;
  const out: ServicePort[] = [];
  for (const service of services) {
    for (const node of service.ports) {
      const result = parsePortNode(node, ctx.resolve);
      if (result) out.push({ service, node, result });
    }
  }
  perContext.set(services, out);
  return out;
}

export function okMappings(ports: ServicePort[]): Array<ServicePort & { mapping: PortMapping }> {
  return ports.flatMap((p) => (p.result.ok ? [{ ...p, mapping: p.result.mapping }] : []));
}
