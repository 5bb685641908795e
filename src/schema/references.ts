/**
 * Every foreign key a schema implies, once, with its delete action: what PostgreSQL turns into
 * FOREIGN KEY constraints and what the DynamoDB delete plan enforces itself. A hasMany and its
 * inverse belongsTo describe the same reference; a manyToMany implies two, on its join model.
 */
import type { SchemaDef } from './define.js';
import type { OnDelete } from './relation.js';

export interface Reference {
  /** Schema key of the model holding the foreign key field. */
  readonly model: string;
  /** The foreign key fields, matching the referenced model's key fields in order. */
  readonly fields: readonly string[];
  /** Schema key of the referenced model (its key is referenced). */
  readonly refModel: string;
  readonly onDelete: OnDelete;
  /** Where the action comes from: a belongsTo says it; otherwise it is a default. */
  readonly declared: boolean;
}

/**
 * Precedence: a belongsTo's onDelete (default restrict); else a manyToMany's join row, which
 * cascades (a link means nothing without both ends); else restrict.
 */
export function references(schema: SchemaDef): Reference[] {
  const out = new Map<string, Reference>();
  const put = (r: Reference) => {
    const k = `${r.model}\u0000${r.fields.join('\u0000')}\u0000${r.refModel}`;
    const prev = out.get(k);
    if (!prev || (!prev.declared && (r.declared || r.onDelete === 'cascade'))) out.set(k, r);
  };
  for (const [source, rels] of Object.entries(schema.relations)) {
    for (const rel of Object.values(rels)) {
      switch (rel.kind) {
        case 'belongsTo':
          put({ model: source, fields: rel.foreignKeys, refModel: rel.target, onDelete: rel.onDelete ?? 'restrict', declared: true });
          break;
        case 'hasMany':
        case 'hasOne':
          put({ model: rel.target, fields: rel.foreignKeys, refModel: source, onDelete: 'restrict', declared: false });
          break;
        case 'manyToMany':
          put({ model: rel.through!, fields: rel.foreignKeys, refModel: source, onDelete: 'cascade', declared: false });
          put({ model: rel.through!, fields: [rel.to!], refModel: rel.target, onDelete: 'cascade', declared: false });
          break;
        default: {
          const never: never = rel.kind;
          throw new Error(`unhandled relation kind ${String(never)}`);
        }
      }
    }
  }
  return [...out.values()];
}
