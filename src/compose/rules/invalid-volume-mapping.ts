import { checkVolumeMap, checkVolumeString } from '../mappings';
import { splitVolumeSpec } from '../declarations';
import type { Rule } from './rule';

export const invalidVolumeMapping: Rule = {
  id: 'invalid-volume-mapping',
  defaultSeverity: 'error',
  perFile: true,
  description: 'A volume mapping is not valid (`[SOURCE:]TARGET[:MODE]` with an absolute target and known modes; long syntax type/target/source).',
  check(ctx) {
    for (const service of ctx.model.services) {
      for (const node of service.volumes) {
        if (node.kind === 'scalar') {
          if (node.value === null) continue;
          const spec = ctx.resolve(String(node.value));
          if (spec === undefined) continue;
          const error = checkVolumeString(spec, splitVolumeSpec(spec));
          if (error) ctx.report({ start: node.start, end: node.end, message: error });
        } else {
          const problem = checkVolumeMap(node, ctx.resolve);
          if (problem) ctx.report({ start: problem.at.start, end: problem.at.end, message: problem.error });
        }
      }
    }
  },
};
