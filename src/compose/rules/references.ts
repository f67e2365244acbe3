/** Shared by the undefined-* rules: a name that is not declared, with "did you mean" and fixes. */
import type { Ref, Section } from '../declarations';
import type { Fix, RuleContext } from './rule';
import { nearest } from './suggest';

const SINGULAR: Record<Section, string> = { networks: 'Network', volumes: 'Volume', configs: 'Config', secrets: 'Secret' };

export function reportUndeclared(ctx: RuleContext, section: Section, ref: Ref, canDeclare: boolean): void {
  const declared = ctx.project.declared[section].keys();
  const near = nearest(ref.name, declared);
  const fixes: Fix[] = [];
  if (near) fixes.push({ kind: 'replace', title: `Change to "${near}"`, start: ref.start, end: ref.end, text: near });
  if (canDeclare) {
    fixes.push({ kind: 'declare', title: `Declare ${section.slice(0, -1)} "${ref.name}" under top-level ${section}`, section, name: ref.name });
    fixes.push({ kind: 'declare', title: `Declare "${ref.name}" as an external ${section.slice(0, -1)}`, section, name: ref.name, external: true });
  }
  const what = `${SINGULAR[section]} "${ref.name}" is not declared under top-level ${section}`;
  const message = near ? `${what}: did you mean "${near}"?` : `${what}: declare it there${canDeclare ? ' (or as external)' : ''}.`;
  ctx.report({ start: ref.start, end: ref.end, message, fixes });
}
