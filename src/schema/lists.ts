/**
 * Indexed list fields (`f.list(f.string()).indexed()`): `has` is served by an index. On
 * PostgreSQL that is a GIN index queried with `@>`; on DynamoDB, one entry item per distinct
 * element, kept in the same transaction as the row (drivers/dynamodb/list-entries.ts).
 */
import type { ModelDef } from './model.js';

/** The model's indexed list fields, in declaration order. */
export function indexedLists(model: ModelDef): string[] {
  return Object.keys(model.fields).filter((f) => model.fields[f].kind === 'list' && model.fields[f].indexed);
}

/** Name of the PostgreSQL GIN index of an indexed list. */
export const listIndexName = (model: ModelDef, field: string) => `${model.name}_${field}_has_idx`;

/** The schema declaration that would let `has` on `field` use an index (for fixes). */
export const indexedCall = (field: string) => `declare \`${field}\` with \`.indexed()\` (f.list(...).indexed())`;

/** The distinct elements of a list value, in first-seen order (duplicates share one entry). */
export function distinctElements(v: unknown): unknown[] {
  if (!Array.isArray(v)) return [];
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const e of v) {
    if (e === null || e === undefined) continue;
    const k = `${typeof e}:${String(e)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}
