import { entry } from '../parse';
import type { Rule } from './rule';

/**
 * A service with neither `image` nor `build`: compose-go refuses the project ("has neither an image nor a build
 * context specified"). Judged on the whole project (an override file may set the image), and services that
 * extend another one or are run by a `provider` get theirs elsewhere.
 */
export const imageOrBuild: Rule = {
  id: 'image-or-build',
  defaultSeverity: 'error',
  description: 'A service has neither `image` nor `build` (nor `extends` or `provider` that bring one).',
  check(ctx) {
    for (const service of ctx.model.services) {
      if (!service.node) continue;
      const decls = ctx.project.services.get(service.name) ?? [service];
      if (decls.some((d) => ['image', 'build', 'extends', 'provider'].some((k) => entry(d.node, k)))) continue;
      ctx.report({
        start: service.keyStart, end: service.keyEnd,
        message: `Service "${service.name}" has neither an image nor a build context: add image: (to run an image) or build: (to build one).`,
      });
    }
  },
};
