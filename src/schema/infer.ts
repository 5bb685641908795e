/**
 * Types inferred from a Schema, with no code generation. Kept deliberately
 * shallow (one conditional per field, mapped types elsewhere) so a 100-model
 * schema type-checks quickly.
 */
import type { Field } from './field.js';
import type { Model } from './model.js';
import type { RelationSpec } from './relation.js';
import type { Schema } from './define.js';
import type { FieldClass, FilterOperator, FilterOperators } from '../query/operators.js';

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
// Written as plain interfaces (the cheapest types to check) and held to the operator table in
// src/query/operators.ts by the compile-time check at the end of this file: an operator added
// to the table and not here (or here and not there) fails the type-check.
export interface ComparableFilter<T> {
  equals?: T | null;
  not?: T | null | ComparableFilter<T>;
  in?: readonly T[];
  notIn?: readonly T[];
  lt?: T;
  lte?: T;
  gt?: T;
  gte?: T;
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
  not?: readonly E[] | null | ListFilter<E>;
}
export interface BooleanFilter {
  equals?: boolean | null;
  not?: boolean | null | BooleanFilter;
  in?: readonly boolean[];
  notIn?: readonly boolean[];
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
      ? // The runtime also takes the shorthand `author: { name: 'x' }` (is) and `profile: null` (has none).
        { is?: Where<S, T> | null; isNot?: Where<S, T> | null } | Where<S, T> | null
      : never;
};

export type Where<S, K extends ModelKey<S>> = ScalarWhere<FieldsFor<S, K>> &
  RelationWhere<S, RelationsFor<S, K>> & {
    AND?: Where<S, K> | readonly Where<S, K>[];
    OR?: readonly Where<S, K>[];
    NOT?: Where<S, K> | readonly Where<S, K>[];
  };

export type SortOrder = 'asc' | 'desc';
export type OrderBy<S, K extends ModelKey<S>> = { [F in keyof FieldsFor<S, K>]?: SortOrder } | readonly { [F in keyof FieldsFor<S, K>]?: SortOrder }[];

export type SelectArg<S, K extends ModelKey<S>> = { [F in keyof FieldsFor<S, K>]?: boolean } & { _count?: CountArg<S, K> };
export type OmitArg<S, K extends ModelKey<S>> = { [F in keyof FieldsFor<S, K>]?: boolean };

/** The to-many relations of a model: what `_count` counts. */
export type ToManyRelations<S, K extends ModelKey<S>> = {
  [N in keyof RelationsFor<S, K>]: RelationsFor<S, K>[N] extends RelationSpec<'hasMany' | 'manyToMany', any, any> ? N : never;
}[keyof RelationsFor<S, K>];
/** `_count: true` (every to-many relation) or `{ select: { comments: true | { where } } }`. */
export type CountArg<S, K extends ModelKey<S>> =
  | true
  | {
      select: {
        [N in ToManyRelations<S, K>]?:
          boolean | { where?: RelationsFor<S, K>[N] extends RelationSpec<any, infer T extends ModelKey<S>, any> ? Where<S, T> : never };
      };
    };

export interface RelationArgs<S, K extends ModelKey<S>> {
  where?: Where<S, K>;
  orderBy?: OrderBy<S, K>;
  limit?: number;
  select?: OmitArg<S, K>;
  include?: RelationInclude<S, K>;
}
/** Nested includes: relations only (`_count` is top-level, so nested levels never instantiate it). */
export type RelationInclude<S, K extends ModelKey<S>> = {
  [N in keyof RelationsFor<S, K>]?: boolean | (RelationsFor<S, K>[N] extends RelationSpec<any, infer T extends ModelKey<S>, any> ? RelationArgs<S, T> : never);
};
export type IncludeArg<S, K extends ModelKey<S>> = RelationInclude<S, K> & { _count?: CountArg<S, K> };

// ---- result shapes -------------------------------------------------------
type Selected<R, Sel> = [Sel] extends [undefined] ? R : { [F in keyof R as F extends keyof Sel ? (Sel[F] extends true ? F : never) : never]: R[F] };

/**
 * The top level's select: its fields, and `_count`, in ONE mapped type over the select itself
 * (a separate `_count` member cost about 5k instantiations on the 100-model bench).
 */
type SelectedTop<S, K extends ModelKey<S>, R, Sel> = [Sel] extends [undefined]
  ? R
  : {
      -readonly [
        F in keyof Sel as F extends '_count' ? (Sel[F] extends false | undefined ? never : F) : F extends keyof R ? (Sel[F] extends true ? F : never) : never
      ]-?: F extends keyof R ? R[F] : CountResult<S, K, Sel[F]>;
    };

type ArgSel<A> = A extends { select: infer X } ? X : undefined;
type ArgInc<A> = A extends { include: infer X } ? X : undefined;

type FkNullable<S, K extends ModelKey<S>, FK> = FK extends keyof Row<S, K> ? (null extends Row<S, K>[FK] ? null : never) : null;

type RelationResult<S, K extends ModelKey<S>, Spec, A> =
  Spec extends RelationSpec<'hasMany' | 'manyToMany', infer T extends ModelKey<S>, any>
    ? NestedResult<S, T, ArgSel<A>, ArgInc<A>>[]
    : Spec extends RelationSpec<'hasOne', infer T extends ModelKey<S>, any>
      ? NestedResult<S, T, ArgSel<A>, ArgInc<A>> | null
      : Spec extends RelationSpec<'belongsTo', infer T extends ModelKey<S>, infer FK>
        ? NestedResult<S, T, ArgSel<A>, ArgInc<A>> | FkNullable<S, K, FK>
        : never;

type Included<S, K extends ModelKey<S>, Inc> = [Inc] extends [undefined]
  ? {}
  : {
      [N in keyof Inc as N extends keyof RelationsFor<S, K> | '_count' ? (Inc[N] extends false | undefined ? never : N) : never]: N extends keyof RelationsFor<
        S,
        K
      >
        ? RelationResult<S, K, RelationsFor<S, K>[N], Inc[N]>
        : CountResult<S, K, Inc[N]>;
    };

type Omitted<R, Om> = [Om] extends [undefined] ? R : { [F in keyof R as F extends keyof Om ? (Om[F] extends true ? never : F) : F]: R[F] };

type CountResult<S, K extends ModelKey<S>, C> = C extends { select: infer T }
  ? { [N in keyof T as T[N] extends false | undefined ? never : N]: number }
  : { [N in ToManyRelations<S, K>]: number };

/**
 * The unshaped row (no select, include or omit, the most common call) skips the shaping types: on the
 * 100-model bench that fast path is about a quarter of all instantiations (176k → 131k).
 */
export type Result<S, K extends ModelKey<S>, Sel = undefined, Inc = undefined, Om = undefined> = [Sel, Inc, Om] extends [undefined, undefined, undefined]
  ? Simplify<Row<S, K>>
  : Simplify<SelectedTop<S, K, Omitted<Row<S, K>, Om>, Sel> & Included<S, K, Inc>>;

/** A related row: nested levels take no `_count` and no `omit`, so they skip those checks. */
type NestedResult<S, K extends ModelKey<S>, Sel, Inc> = [Sel, Inc] extends [undefined, undefined]
  ? Simplify<Row<S, K>>
  : Simplify<Selected<Row<S, K>, Sel> & Included<S, K, Inc>>;

// ---- aggregate / groupBy ---------------------------------------------------
type AggKeys<F, Allowed> = { [P in keyof F]: [NonNullable<ValueOf<F[P]>>] extends [Allowed] ? P : never }[keyof F];
/** Fields `_sum`/`_avg` may name (numbers, bigints, and decimals, which are strings; the run time checks the kind). */
type SummableKeys<F> = AggKeys<F, number | bigint | string>;
/** Fields `_min`/`_max` may name. */
type OrderableKeys<F> = AggKeys<F, number | bigint | string | Date>;
type Pick1<F, Keys extends PropertyKey> = { [P in Keys]?: true };

export interface AggregateSelect<S, K extends ModelKey<S>> {
  _count?: true | ({ _all?: true } & Pick1<FieldsFor<S, K>, keyof FieldsFor<S, K>>);
  _sum?: Pick1<FieldsFor<S, K>, SummableKeys<FieldsFor<S, K>>>;
  _avg?: Pick1<FieldsFor<S, K>, SummableKeys<FieldsFor<S, K>>>;
  _min?: Pick1<FieldsFor<S, K>, OrderableKeys<FieldsFor<S, K>>>;
  _max?: Pick1<FieldsFor<S, K>, OrderableKeys<FieldsFor<S, K>>>;
}

type SumOf<V> = [NonNullable<V>] extends [bigint] ? bigint | null : [NonNullable<V>] extends [string] ? string | null : number | null;
type AvgOf<V> = [NonNullable<V>] extends [string] ? string | null : number | null;
type Part<A, Name extends string, F, Kind extends 'sum' | 'avg' | 'ext'> = A extends { [P in Name]: infer X }
  ? {
      [P in Name]: {
        [Q in keyof X & keyof F]: Kind extends 'sum' ? SumOf<ValueOf<F[Q]>> : Kind extends 'avg' ? AvgOf<ValueOf<F[Q]>> : NonNullable<ValueOf<F[Q]>> | null;
      };
    }
  : {};
type CountPart<A> = A extends { _count: infer C } ? { _count: C extends true ? number : { -readonly [P in keyof C]: number } } : {};

/** `{ _count: 3, _sum: { total: 10 | null }, ... }`: only what was asked for. */
export type AggregateResult<S, K extends ModelKey<S>, A> = Simplify<
  CountPart<A> &
    Part<A, '_sum', FieldsFor<S, K>, 'sum'> &
    Part<A, '_avg', FieldsFor<S, K>, 'avg'> &
    Part<A, '_min', FieldsFor<S, K>, 'ext'> &
    Part<A, '_max', FieldsFor<S, K>, 'ext'>
>;

type AggFilters = {
  _count?: ComparableFilter<number>;
  _sum?: ComparableFilter<number | bigint | string>;
  _avg?: ComparableFilter<number | string>;
  _min?: ComparableFilter<any>;
  _max?: ComparableFilter<any>;
};
export type Having<S, K extends ModelKey<S>> = {
  [F in keyof FieldsFor<S, K>]?: ValueOf<FieldsFor<S, K>[F]> | (FilterFor<ValueOf<FieldsFor<S, K>[F]>> & AggFilters);
} & { AND?: Having<S, K> | readonly Having<S, K>[]; OR?: readonly Having<S, K>[]; NOT?: Having<S, K> | readonly Having<S, K>[] };

type GroupOrderTerm<S, K extends ModelKey<S>> = { [F in keyof FieldsFor<S, K>]?: SortOrder } & {
  _count?: { [F in keyof FieldsFor<S, K> | '_all']?: SortOrder };
  _sum?: { [F in keyof FieldsFor<S, K>]?: SortOrder };
  _avg?: { [F in keyof FieldsFor<S, K>]?: SortOrder };
  _min?: { [F in keyof FieldsFor<S, K>]?: SortOrder };
  _max?: { [F in keyof FieldsFor<S, K>]?: SortOrder };
};
export type GroupOrderBy<S, K extends ModelKey<S>> = GroupOrderTerm<S, K> | readonly GroupOrderTerm<S, K>[];

/** One group: the `by` fields, then the aggregates asked for. */
export type GroupRow<S, K extends ModelKey<S>, By extends PropertyKey, A> = Simplify<{ [P in By & keyof Row<S, K>]: Row<S, K>[P] } & AggregateResult<S, K, A>>;

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

// ---- nested writes (create / update through relations) ----------------------
type Many<T> = T | readonly T[];
/** Names a related row by its key (connect, disconnect, set). */
type KeyOf<S, T extends ModelKey<S>> = Partial<Row<S, T>>;
type BelongsToKeys<R> = { [N in keyof R]: R[N] extends RelationSpec<'belongsTo', any, infer FK> ? FK : never }[keyof R];
/** A model's own fields in a nested-capable create: a belongsTo's foreign key may come from its relation instead. */
type OwnCreate<F, Opt> = [Opt] extends [never]
  ? CreateInputOf<F>
  : { [K in Exclude<RequiredKeys<F>, Opt>]: ValueOf<F[K]> } & { [K in OptionalKeys<F> | (Opt & keyof F)]?: ValueOf<F[K]> };
/** A child created through a hasMany/hasOne: its foreign key is set by the relation. */
type ChildCreate<S, T extends ModelKey<S>, FK> = Omit<CreateData<S, T>, FK & string>;
type NestedCreate<S, R> = {
  [N in keyof R]?: R[N] extends RelationSpec<infer Kind, infer T extends ModelKey<S>, infer FK>
    ? Kind extends 'belongsTo'
      ? { create: CreateData<S, T>; connect?: never } | { connect: KeyOf<S, T>; create?: never }
      : Kind extends 'hasOne'
        ? { create?: ChildCreate<S, T, FK>; connect?: KeyOf<S, T> }
        : Kind extends 'hasMany'
          ? { create?: Many<ChildCreate<S, T, FK>>; connect?: Many<KeyOf<S, T>> }
          : { create?: Many<CreateData<S, T>>; connect?: Many<KeyOf<S, T>> }
    : never;
};
type NestedUpdate<S, R> = {
  [N in keyof R]?: R[N] extends RelationSpec<infer Kind, infer T extends ModelKey<S>, infer FK>
    ? Kind extends 'belongsTo'
      ? { create: CreateData<S, T> } | { connect: KeyOf<S, T> } | { disconnect: true }
      : Kind extends 'hasOne'
        ? { create?: ChildCreate<S, T, FK>; connect?: KeyOf<S, T>; disconnect?: true | KeyOf<S, T> }
        : Kind extends 'hasMany'
          ? { create?: Many<ChildCreate<S, T, FK>>; connect?: Many<KeyOf<S, T>>; disconnect?: Many<KeyOf<S, T>> }
          : { create?: Many<CreateData<S, T>>; connect?: Many<KeyOf<S, T>>; disconnect?: Many<KeyOf<S, T>>; set?: readonly KeyOf<S, T>[] }
    : never;
};
/** `create`'s data: the fields, plus `relation: { create | connect }` (one atomic unit on every target). */
export type CreateData<S, K extends ModelKey<S>> = OwnCreate<FieldsFor<S, K>, BelongsToKeys<RelationsFor<S, K>>> & NestedCreate<S, RelationsFor<S, K>>;
/** `update`'s data: the field updates, plus `relation: { create | connect | disconnect | set }`. */
export type UpdateData<S, K extends ModelKey<S>> = UpdateInput<S, K> & NestedUpdate<S, RelationsFor<S, K>>;

// ---- the filter interfaces against the operator table ----------------------
// Not exported, so absent from the published declarations: checked when quern itself is built.
type TableOps<C extends FieldClass> = { [O in FilterOperator]: C extends FilterOperators[O]['classes'][number] ? O : never }[FilterOperator];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
type GrammarCheck = [
  Holds<Same<keyof StringFilter, TableOps<'text'>>>,
  Holds<Same<keyof ComparableFilter<number>, TableOps<'ordered'>>>,
  Holds<Same<keyof BooleanFilter, TableOps<'boolean'>>>,
  Holds<Same<keyof ListFilter<string>, TableOps<'list'>>>,
  // json values cannot be told from other objects in the types: they get the ordered operators,
  // of which the parser accepts these.
  Holds<Same<Extract<keyof ComparableFilter<number>, TableOps<'json'>>, TableOps<'json'>>>,
];
