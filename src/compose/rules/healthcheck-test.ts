import { child, isSeqNode, scalarText } from '../parse';
import type { Rule } from './rule';

/** A list-form `healthcheck.test` must start with CMD, CMD-SHELL or NONE (compose-go loader/validate.go). */
export const healthcheckTest: Rule = {
  id: 'healthcheck-test',
  defaultSeverity: 'error',
  description: 'A list-form `healthcheck.test` that does not start with "CMD", "CMD-SHELL" or "NONE".',
  check(ctx) {
    for (const service of ctx.model.services) {
      const test = child(child(service.node, 'healthcheck'), 'test');
      if (!isSeqNode(test) || test.items.length === 0) continue;
      const first = test.items[0];
      const word = scalarText(first);
      if (word === undefined || ['CMD', 'CMD-SHELL', 'NONE'].includes(word)) continue;
      ctx.report({
        start: first.start, end: first.end,
        message: `healthcheck.test of service "${service.name}" starts with "${word}": a list must start with "CMD" (run it), "CMD-SHELL" (run it in a shell) or "NONE"; add CMD before it, or write the test as one string.`,
      });
    }
  },
};
