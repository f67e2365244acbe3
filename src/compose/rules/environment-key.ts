import { child, isSeqNode, scalarText } from '../parse';
import type { Rule } from './rule';

/**
 * List-form environment entries without a variable name (`- =value`): the schema accepts any string there, but the
 * engine refuses the variable ("invalid environment variable"), so `docker compose up` fails. (The mapping form's
 * empty key `"": value` is refused by the schema's ".+" key pattern and reported by the schema rule.)
 */
export const invalidEnvironmentKey: Rule = {
  id: 'invalid-environment-key',
  defaultSeverity: 'error',
  description: 'A list-form `environment` entry with an empty variable name (`- =value`).',
  check(ctx) {
    for (const service of ctx.model.services) {
      const node = child(service.node, 'environment');
      if (!isSeqNode(node)) continue;
      for (const item of node.items) {
        const t = scalarText(item);
        if (t === undefined || !/^\s*=/.test(t)) continue;
        ctx.report({ start: item.start, end: item.end, message: `"${t}" in environment of service "${service.name}" has no variable name before "=": write NAME=value.` });
      }
    }
  },
};
