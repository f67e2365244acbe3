/**
 * The Compose Specification's JSON schema as the checks use it: the verbatim copy of compose-go's
 * schema/compose-spec.json (source and version in compose-spec.meta.json), plus the few fields Compose accepts
 * that the copy does not have yet (compose-spec.additions.json). `npm run update-compose-schema` replaces the
 * copy and says which additions a newer copy makes redundant.
 */
import additionsFile from './compose-spec.additions.json';
import composeSpec from './compose-spec.json';
import meta from './compose-spec.meta.json';

export interface SchemaAddition {
  path: Array<string | number>;
  value: unknown;
  /** Applied over this exact value (otherwise only where the copy has nothing). */
  replaces?: unknown;
  why: string;
}

export const SCHEMA_META = meta;
export const SCHEMA_ADDITIONS = additionsFile.additions as SchemaAddition[];

/** The copy with the additions that apply to it; the copy itself is not changed. */
export function withAdditions(schema: Record<string, unknown>, additions: readonly SchemaAddition[]): { schema: Record<string, unknown>; applied: SchemaAddition[] } {
  const out = structuredClone(schema);
  const applied: SchemaAddition[] = [];
  for (const a of additions) {
    let holder: unknown = out;
    for (const key of a.path.slice(0, -1)) holder = holder && typeof holder === 'object' ? (holder as Record<string | number, unknown>)[key] : undefined;
    if (!holder || typeof holder !== 'object') continue;
    const last = a.path[a.path.length - 1];
    const current = (holder as Record<string | number, unknown>)[last];
    if (current !== undefined && JSON.stringify(current) !== JSON.stringify(a.replaces)) continue;
    (holder as Record<string | number, unknown>)[last] = structuredClone(a.value);
    applied.push(a);
  }
  return { schema: out, applied };
}

let effective: Record<string, unknown> | undefined;

/** The schema the checks validate against (computed once). */
export function effectiveComposeSchema(): Record<string, unknown> {
  effective ??= withAdditions(composeSpec as Record<string, unknown>, SCHEMA_ADDITIONS).schema;
  return effective;
}
