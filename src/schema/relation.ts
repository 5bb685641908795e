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
   * hasMany/hasOne: the field on the target pointing at us. belongsTo: our field pointing at the target's key.
   * manyToMany: the field of the join model pointing at us (`from`).
   */
  readonly foreignKey: FK;
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

export const hasMany = <const T extends string, const FK extends string>(
  target: T,
  foreignKey: FK,
  options: HasManyOptions = {},
): RelationSpec<'hasMany', T, FK> => ({ kind: 'hasMany', target, foreignKey, ...(options.colocated ? { colocated: true } : {}) });
export const hasOne = <const T extends string, const FK extends string>(target: T, foreignKey: FK): RelationSpec<'hasOne', T, FK> => ({
  kind: 'hasOne',
  target,
  foreignKey,
});
export const belongsTo = <const T extends string, const FK extends string>(
  target: T,
  foreignKey: FK,
  options: BelongsToOptions = {},
): RelationSpec<'belongsTo', T, FK> => ({
  kind: 'belongsTo',
  target,
  foreignKey,
  ...(options.onDelete !== undefined ? { onDelete: options.onDelete } : {}),
  ...(options.counterCache !== undefined ? { counterCache: options.counterCache } : {}),
});
/** Many-to-many over an explicit join model: declare it on both sides to navigate both ways. */
export const manyToMany = <const T extends string, const J extends string, const FROM extends string, const TO extends string>(
  target: T,
  options: ManyToManyOptions<J, FROM, TO>,
): RelationSpec<'manyToMany', T, FROM> => ({ kind: 'manyToMany', target, foreignKey: options?.from, through: options?.through, to: options?.to });

/** The models a relation reads: one hop (the target) or two (the join model, then the target). */
export const isToMany = (kind: RelationKind): boolean => kind === 'hasMany' || kind === 'manyToMany';
