import { child, isMapNode, isSeqNode, scalarText } from '../parse';
import type { Rule } from './rule';

/**
 * develop.watch entries Compose refuses: a sync action (sync, sync+restart, sync+exec) without `target` (compose-go
 * loader/validate.go: "target is required for sync, sync+exec and sync+restart actions"; rebuild and restart need
 * none), and an empty `path` (validation.go: "value can't be blank").
 */
export const watchTarget: Rule = {
  id: 'watch-target',
  defaultSeverity: 'error',
  description: 'A `develop.watch` entry with a sync action but no `target`, or with an empty `path`.',
  check(ctx) {
    for (const service of ctx.model.services) {
      const watch = child(child(service.node, 'develop'), 'watch');
      if (!isSeqNode(watch)) continue;
      for (const item of watch.items) {
        if (!isMapNode(item)) continue;
        const action = scalarText(child(item, 'action'));
        const path = child(item, 'path');
        if (path?.kind === 'scalar' && scalarText(path) === '') {
          ctx.report({ start: path.start, end: path.end, message: `A develop.watch path of service "${service.name}" is empty: name the file or folder to watch.` });
        }
        if (action === undefined || !action.startsWith('sync') || child(item, 'target') !== undefined) continue;
        const at = child(item, 'action')!;
        ctx.report({
          start: at.start, end: at.end,
          message: `develop.watch action ${action} of service "${service.name}" needs a target (where the files go in the container): add target:, or use action: rebuild or restart.`,
        });
      }
    }
  },
};
