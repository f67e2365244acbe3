import { child, entry, isMapNode, isSeqNode, scalarText, type CNode } from '../parse';
import type { Rule, RuleContext } from './rule';

/**
 * Device requests (deploy.resources.reservations.devices[], gpus[]): `count` and `device_ids` are exclusive
 * (compose-go transform/devices.go), and `count` is a number or "all" (types/device.go: "the only value allowed
 * is 'all' or a number").
 */
export const deviceCount: Rule = {
  id: 'device-count',
  defaultSeverity: 'error',
  perFile: true,
  description: 'A device request with both `count` and `device_ids`, or a `count` that is neither a number nor "all".',
  check(ctx) {
    for (const service of ctx.model.services) {
      const devices = child(child(child(child(service.node, 'deploy'), 'resources'), 'reservations'), 'devices');
      const gpus = child(service.node, 'gpus');
      for (const [where, list] of [['deploy.resources.reservations.devices', devices], ['gpus', gpus]] as const) {
        if (!isSeqNode(list)) continue;
        for (const request of list.items) checkRequest(ctx, service.name, where, request);
      }
    }
  },
};

function checkRequest(ctx: RuleContext, service: string, where: string, request: CNode): void {
  if (!isMapNode(request)) return;
  const count = entry(request, 'count');
  const ids = entry(request, 'device_ids');
  if (count && ids) {
    ctx.report({
      start: count.keyStart, end: count.keyEnd,
      message: `A device request in ${where} of service "${service}" sets both count and device_ids: they are exclusive; keep count (how many) or device_ids (which ones).`,
    });
  }
  if (!count || count.value.kind !== 'scalar') return;
  const raw = scalarText(count.value);
  if (raw === undefined) return;
  if (typeof count.value.value === 'number') {
    if (!Number.isInteger(count.value.value)) report(ctx, count.value, raw, service, where);
    return;
  }
  const value = ctx.resolve(raw);
  if (value === undefined) return; // not known before docker compose runs
  if (value.toLowerCase() === 'all' || /^[-+]?\d+$/.test(value)) return;
  report(ctx, count.value, value, service, where);
}

function report(ctx: RuleContext, node: CNode, value: string, service: string, where: string): void {
  ctx.report({
    start: node.start, end: node.end,
    message: `count "${value}" in ${where} of service "${service}" is neither a number nor "all": use a number of devices, or all.`,
  });
}
