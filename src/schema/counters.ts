/**
 * Counter caches (`belongsTo(parent, fk, { counterCache: field })`), seen from both sides:
 * the child model whose writes move a counter, and the parent field quern alone writes.
 */
import type { SchemaDef } from './define.js';
import { soleForeignKey } from './relation.js';

export interface CounterCache {
  /** Schema key of the counted (child) model and its belongsTo relation. */
  readonly child: string;
  readonly relation: string;
  /** The child's foreign key field (defineSchema refuses a counter cache over a composite key). */
  readonly foreignKey: string;
  /** Schema key of the parent model and its counter field. */
  readonly parent: string;
  readonly field: string;
}

const cache = new WeakMap<SchemaDef['relations'], CounterCache[]>();

export function counterCaches(schema: Pick<SchemaDef, 'relations'>): readonly CounterCache[] {
  let out = cache.get(schema.relations);
  if (!out) {
    out = [];
    for (const [child, rels] of Object.entries(schema.relations)) {
      for (const r of Object.values(rels)) {
        if (r.kind === 'belongsTo' && r.counterCache)
          out.push({ child, relation: r.name, foreignKey: soleForeignKey(r), parent: r.target, field: r.counterCache });
      }
    }
    cache.set(schema.relations, out);
  }
  return out;
}

/** The counters a write of `child` rows moves. */
export const countersOf = (schema: Pick<SchemaDef, 'relations'>, child: string) => counterCaches(schema).filter((c) => c.child === child);

/** The counter cache that maintains `parent.field`, if any. */
export const counterFor = (schema: Pick<SchemaDef, 'relations'>, parent: string, field: string) =>
  counterCaches(schema).find((c) => c.parent === parent && c.field === field);
