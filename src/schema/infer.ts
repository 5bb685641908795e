/**
 * Types inferred from a Schema, with no code generation. Kept deliberately
 * shallow (one conditional per field, mapped types elsewhere) so a 100-model
 * schema type-checks quickly.
 */
import type { Field } from './field.js';
import type { Model } from './model.js';
import type { RelationSpec } from './relation.js';
import type { Schema } from './define.js';

export type Simplify<T> = { [K in keyof T]: T[K] } & {};

type FieldsOf<M> = M extends Model<any, infer F> ? F : never;
type ValueOf<F> = F extends Field<infer T, any> ? T : never;

export type ModelsOf<S> = S extends Schema<infer M, any> ? M : never;
export type ModelKey<S> = keyof ModelsOf<S> & string;
export type FieldsFor<S, K extends ModelKey<S>> = FieldsOf<ModelsOf<S>[K]>;
export type RelationsFor<S, K extends ModelKey<S>> = S extends Schema<any, infer R> ? (K extends keyof R ? NonNullable<R[K]> : {}) : {};

export type RowOf<F> = { [K in keyof F]: ValueOf<F[K]> };
export type Row<S, K extends ModelKey<S>> = RowOf<FieldsFor<S, K>>;

type OptionalKeys<F> = { [K in keyof F]: F[K] extends Field<any, true> ? K : never }[keyof F];
type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;
export type CreateInputOf<F> = Simplify<{ [K in RequiredKeys<F>]: ValueOf<F[K]> } & { [K in OptionalKeys<F>]?: ValueOf<F[K]> }>;
export type CreateInput<S, K extends ModelKey<S>> = CreateInputOf<FieldsFor<S, K>>;

// ---- filters -------------------------------------------------------------
export interface ComparableFilter<T> {
  equals?: T | null;
  not?: T | null | ComparableFilter<T>;
  in?: readonly T[];
  notIn?: readonly T[];
  lt?: T; lte?: T; gt?: T; gte?: T;
  isNull?: boolean;
}
export interface StringFilter<T extends string = string> extends ComparableFilter<T> {
  contains?: string;
  startsWith?: string;
  endsWith?: string;
  mode?: 'default' | 'insensitive';
  not?: T | null | StringFilter<T>;
}
export interface ListFilter<E> {
  has?: E;
  isNull?: boolean;
  equals?: readonly E[] | null;
}
export interface BooleanFilter {
  equals?: boolean | null;
  not?: boolean | null | BooleanFilter;
  isNull?: boolean;
}

export type FilterFor<T> = [NonNullable<T>] extends [readonly (infer E)[]]
  ? ListFilter<E>
  : [NonNullable<T>] extends [string]
    ? StringFilter<NonNullable<T>>
    : [NonNullable<T>] extends [boolean]
      ? BooleanFilter
      : ComparableFilter<NonNullable<T>>;

type ScalarWhere<F> = { [K in keyof F]?: ValueOf<F[K]> | FilterFor<ValueOf<F[K]>> };

type RelationWhere<S, R> = {
  [N in keyof R]?: R[N] extends RelationSpec<'hasMany' | 'manyToMany', infer T extends ModelKey<S>, any>
    ? { some?: Where<S, T>; every?: Where<S, T>; none?: Where<S, T> }
    : R[N] extends RelationSpec<any, infer T extends ModelKey<S>, any>
      // The runtime also takes the shorthand `author: { name: 'x' }` (is) and `profile: null` (has none).
      ? { is?: Where<S, T> | null; isNot?: Where<S, T> | null } | Where<S, T> | null
      : never;
};

export type Where<S, K extends ModelKey<S>> = ScalarWhere<FieldsFor<S, K>> &
  RelationWhere<S, RelationsFor<S, K>> & {
    AND?: Where<S, K> | readonly Where<S, K>[];
    OR?: readonly Where<S, K>[];
    NOT?: Where<S, K> | readonly Where<S, K>[];
  };

export type SortOrder = 'asc' | 'desc';
export type OrderBy<S, K extends ModelKey<S>> =
  | { [F in keyof FieldsFor<S, K>]?: SortOrder }
  | readonly { [F in keyof FieldsFor<S, K>]?: SortOrder }[];

export type SelectArg<S, K extends ModelKey<S>> = { [F in keyof FieldsFor<S, K>]?: boolean };

export interface RelationArgs<S, K extends ModelKey<S>> {
  where?: Where<S, K>;
  orderBy?: OrderBy<S, K>;
  limit?: number;
  select?: SelectArg<S, K>;
  include?: IncludeArg<S, K>;
}
export type IncludeArg<S, K extends ModelKey<S>> = {
  [N in keyof RelationsFor<S, K>]?: boolean | (RelationsFor<S, K>[N] extends RelationSpec<any, infer T extends ModelKey<S>, any> ? RelationArgs<S, T> : never);
};

// ---- result shapes -------------------------------------------------------
type Selected<R, Sel> = [Sel] extends [undefined] ? R : { [F in keyof R as F extends keyof Sel ? (Sel[F] extends true ? F : never) : never]: R[F] };

type ArgSel<A> = A extends { select: infer X } ? X : undefined;
type ArgInc<A> = A extends { include: infer X } ? X : undefined;

type FkNullable<S, K extends ModelKey<S>, FK> = FK extends keyof Row<S, K> ? (null extends Row<S, K>[FK] ? null : never) : null;

type RelationResult<S, K extends ModelKey<S>, Spec, A> =
  Spec extends RelationSpec<'hasMany' | 'manyToMany', infer T extends ModelKey<S>, any>
    ? Result<S, T, ArgSel<A>, ArgInc<A>>[]
    : Spec extends RelationSpec<'hasOne', infer T extends ModelKey<S>, any>
      ? Result<S, T, ArgSel<A>, ArgInc<A>> | null
      : Spec extends RelationSpec<'belongsTo', infer T extends ModelKey<S>, infer FK>
        ? Result<S, T, ArgSel<A>, ArgInc<A>> | FkNullable<S, K, FK>
        : never;

type Included<S, K extends ModelKey<S>, Inc> = [Inc] extends [undefined]
  ? {}
  : { [N in keyof Inc as N extends keyof RelationsFor<S, K> ? (Inc[N] extends false | undefined ? never : N) : never]: N extends keyof RelationsFor<S, K> ? RelationResult<S, K, RelationsFor<S, K>[N], Inc[N]> : never };

export type Result<S, K extends ModelKey<S>, Sel = undefined, Inc = undefined> = Simplify<Selected<Row<S, K>, Sel> & Included<S, K, Inc>>;

// ---- update inputs -------------------------------------------------------
type NumericOps<T> = { set?: T; increment?: T; decrement?: T };
type ListOps<E> = { set?: E[]; push?: E | E[] };
type UpdateValue<T> = [NonNullable<T>] extends [readonly (infer E)[]]
  ? T | ListOps<E>
  : [NonNullable<T>] extends [number | bigint]
    ? T | NumericOps<T>
    : T | { set?: T };
export type UpdateInput<S, K extends ModelKey<S>> = { [F in keyof FieldsFor<S, K>]?: UpdateValue<ValueOf<FieldsFor<S, K>[F]>> };

/** Where that must name a key or unique constraint (checked at run time; typed loosely to stay cheap). */
export type WhereUnique<S, K extends ModelKey<S>> = Where<S, K>;
