export type RelationKind = 'hasMany' | 'hasOne' | 'belongsTo';

export interface RelationSpec<K extends RelationKind = RelationKind, T extends string = string, FK extends string = string> {
  readonly kind: K;
  /** The schema key (client accessor) of the related model, e.g. 'post'. */
  readonly target: T;
  /** hasMany/hasOne: the field on the target pointing at us. belongsTo: our field pointing at the target's key. */
  readonly foreignKey: FK;
}

export interface RelationDef extends RelationSpec {
  readonly name: string;
  /** The model that owns the relation (schema key). */
  readonly source: string;
}

export const hasMany = <const T extends string, const FK extends string>(target: T, foreignKey: FK): RelationSpec<'hasMany', T, FK> => ({ kind: 'hasMany', target, foreignKey });
export const hasOne = <const T extends string, const FK extends string>(target: T, foreignKey: FK): RelationSpec<'hasOne', T, FK> => ({ kind: 'hasOne', target, foreignKey });
export const belongsTo = <const T extends string, const FK extends string>(target: T, foreignKey: FK): RelationSpec<'belongsTo', T, FK> => ({ kind: 'belongsTo', target, foreignKey });
