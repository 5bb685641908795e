export type RelationKind = 'hasMany' | 'hasOne' | 'belongsTo' | 'manyToMany';

/**
 * What deleting a parent does to the rows pointing at it (declared on the belongsTo side).
 * restrict (the default): the delete is refused with a ForeignKeyError and nothing is deleted.
 */
export type OnDelete = 'cascade' | 'setNull' | 'restrict';
export const ON_DELETE: readonly OnDelete[] = ['cascade', 'setNull', 'restrict'];

export interface RelationSpec<K extends RelationKind = RelationKind, T extends string = string, FK extends string = string> {
  readonly kind: K;
  /** The schema key (client accessor) of the related model, e.g. 'post'. */
  readonly target: T;
  /**
   * hasMany/hasOne: the fields of the target pointing at our key. belongsTo: our fields pointing at
   * the target's key. Positional: the i-th field holds the i-th field of the referenced key, so a
   * model with a composite key is referenced by as many fields (`['orderId', 'lineNo']`).
   * manyToMany: the one field of the join model pointing at us (`from`).
   */
  readonly foreignKeys: readonly FK[];
  /** belongsTo only. */
  readonly onDelete?: OnDelete;
  /** manyToMany only: the join model (schema key) and its field pointing at the target (`to`). */
  readonly through?: string;
  readonly to?: string;
  /** belongsTo: the parent's int field kept equal to the number of children pointing at it. */
  readonly counterCache?: string;
  /**
   * hasMany only: on DynamoDB the children are stored in the parent's partition (an item
   * collection), so a parent with its children is one Query. SQL: no physical change.
   */
  readonly colocated?: boolean;
}

export interface RelationDef extends RelationSpec {
  readonly name: string;
  /** The model that owns the relation (schema key). */
  readonly source: string;
}

export interface BelongsToOptions {
  readonly onDelete?: OnDelete;
  /**
   * A field of the parent (declared there, e.g. `favoritesCount: f.int().default(0)`) that quern
   * keeps equal to the number of rows of this model pointing at it, in the same atomic unit as
   * every write that changes one.
   */
  readonly counterCache?: string;
}
export interface ManyToManyOptions<J extends string = string, FROM extends string = string, TO extends string = string> {
  /** The join model (schema key), with one field pointing at each side. */
  readonly through: J;
  /** The join model's field pointing at the model declaring the relation. */
  readonly from: FROM;
  /** The join model's field pointing at the target. */
  readonly to: TO;
}

export interface HasManyOptions {
  /** Store the children in the parent's DynamoDB partition (see docs/denormalization.md). */
  readonly colocated?: boolean;
}

/**
 * One field, or the fields matching a composite key in its order. The list is copied: a caller's
 * array mutated later cannot change the schema; a non-array is kept as given for defineSchema to refuse.
 */
export type ForeignKeyInput<FK extends string> = FK | readonly [FK, ...FK[]];
const fieldList = <FK extends string>(fk: ForeignKeyInput<FK>): readonly FK[] => (Array.isArray(fk) ? [...(fk as readonly FK[])] : [fk as FK]);

export const hasMany = <const T extends string, const FK extends string>(
  target: T,
  foreignKey: ForeignKeyInput<FK>,
  options: HasManyOptions = {},
): RelationSpec<'hasMany', T, FK> => ({ kind: 'hasMany', target, foreignKeys: fieldList(foreignKey), ...(options.colocated ? { colocated: true } : {}) });
export const hasOne = <const T extends string, const FK extends string>(target: T, foreignKey: ForeignKeyInput<FK>): RelationSpec<'hasOne', T, FK> => ({
  kind: 'hasOne',
  target,
  foreignKeys: fieldList(foreignKey),
});
export const belongsTo = <const T extends string, const FK extends string>(
  target: T,
  foreignKey: ForeignKeyInput<FK>,
  options: BelongsToOptions = {},
): RelationSpec<'belongsTo', T, FK> => ({
  kind: 'belongsTo',
  target,
  foreignKeys: fieldList(foreignKey),
  ...(options.onDelete !== undefined ? { onDelete: options.onDelete } : {}),
  ...(options.counterCache !== undefined ? { counterCache: options.counterCache } : {}),
});
/** Many-to-many over an explicit join model: declare it on both sides to navigate both ways. */
export const manyToMany = <const T extends string, const J extends string, const FROM extends string, const TO extends string>(
  target: T,
  options: ManyToManyOptions<J, FROM, TO>,
): RelationSpec<'manyToMany', T, FROM> => ({ kind: 'manyToMany', target, foreignKeys: [options?.from], through: options?.through, to: options?.to });

/** The models a relation reads: one hop (the target) or two (the join model, then the target). */
export const isToMany = (kind: RelationKind): boolean => kind === 'hasMany' || kind === 'manyToMany';

/** The schema key of the model whose key a relation's foreign key fields reference. */
export const referencedModel = (rel: Pick<RelationDef, 'kind' | 'source' | 'target'>): string => (rel.kind === 'belongsTo' ? rel.target : rel.source);

/**
 * The one foreign key field of a relation that defineSchema allows only over a single-field key
 * (a manyToMany's `from`, a counter cache, a colocated hasMany): reading it elsewhere would drop
 * the other fields of a composite reference.
 */
export function soleForeignKey(rel: Pick<RelationSpec, 'foreignKeys'>): string {
  if (rel.foreignKeys.length !== 1) throw new Error(`internal: a single-field foreign key was expected, got [${rel.foreignKeys.join(', ')}]`);
  return rel.foreignKeys[0];
}

/** Pairs (foreign key field, referenced key field), in key order. */
export const keyPairs = (foreignKeys: readonly string[], key: readonly string[]): [string, string][] => foreignKeys.map((f, i) => [f, key[i]]);
