/**
 * Reference guards: what keeps a DynamoDB cascade (or setNull) from missing a child created
 * while the parent is being deleted. DynamoDB has no foreign keys, and a transaction can only
 * see items it names, so the parent item holds a hidden count per reference that acts on its
 * children (`quern-refs:<Child>.<field>`). Every child write moving a foreign key onto or off a
 * parent ADDs to that count in its own transaction, under the condition that the parent exists
 * (the counter-cache path). The parent's delete is conditioned on the count it read: a child
 * created after that read changes it, the delete is cancelled and planned again with that child.
 */
import type { SchemaDef } from './define.js';
import { references } from './references.js';

export interface RefGuard {
  /** Schema key of the child model and its foreign key fields (the parent's key, in order). */
  readonly child: string;
  readonly foreignKeys: readonly string[];
  /** Schema key of the parent model, and the parent item's attribute counting these children. */
  readonly parent: string;
  readonly attr: string;
}

const PREFIX = 'quern-refs:';
export const isGuardAttribute = (attr: string) => attr.startsWith(PREFIX);

const cache = new WeakMap<SchemaDef['relations'], RefGuard[]>();

/** Restrict needs no guard on the delete's side of the race: see docs/relations.md (known gaps). */
export function refGuards(schema: Pick<SchemaDef, 'relations' | 'models'>): readonly RefGuard[] {
  let out = cache.get(schema.relations);
  if (!out) {
    out = references(schema as SchemaDef)
      .filter((r) => r.onDelete === 'cascade' || r.onDelete === 'setNull')
      .map((r) => ({ child: r.model, foreignKeys: r.fields, parent: r.refModel, attr: `${PREFIX}${schema.models[r.model].name}.${r.fields.join(',')}` }));
    cache.set(schema.relations, out);
  }
  return out;
}

/** The guards a write of `child` rows moves. */
export const guardsOf = (schema: Pick<SchemaDef, 'relations' | 'models'>, child: string) => refGuards(schema).filter((g) => g.child === child);
