/**
 * The model-level query AST. Values never appear in it: every value is a Slot
 * into the query's params array. So the AST serialised is the query's *shape*,
 * which is what the plan cache keys on and what `quern lint` reconstructs.
 */
export interface Slot {
  readonly slot: number;
}

export type CompareOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';
/** `equals` appears only with insensitive: true (plain equality is a compare). */
export type TextOp = 'equals' | 'contains' | 'startsWith' | 'endsWith';
export type RelationOp = 'some' | 'every' | 'none' | 'is' | 'isNot';

/**
 * Predicates are two-valued: a comparison with a null/missing field is false,
 * and `not` is plain negation. SQL lowering must preserve this (see drivers/postgres).
 */
export type FilterNode =
  | { readonly kind: 'and'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'or'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly item: FilterNode }
  | { readonly kind: 'const'; readonly value: boolean }
  /** `ne` matches rows where the field is null (JS `!==` semantics). */
  | { readonly kind: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: Slot }
  /** value slot holds an array; an empty array matches nothing (`in`) or everything (`notIn`). */
  | { readonly kind: 'in'; readonly field: string; readonly negated: boolean; readonly values: Slot }
  | { readonly kind: 'text'; readonly field: string; readonly op: TextOp; readonly value: Slot; readonly insensitive: boolean }
  | { readonly kind: 'isNull'; readonly field: string; readonly isNull: boolean }
  /** List field contains the element. */
  | { readonly kind: 'has'; readonly field: string; readonly value: Slot }
  /** Whole-list equality. */
  | { readonly kind: 'listEquals'; readonly field: string; readonly value: Slot }
  | { readonly kind: 'relation'; readonly relation: string; readonly op: RelationOp; readonly filter: FilterNode | null };

export interface OrderTerm {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

export interface IncludeNode {
  readonly relation: string;
  readonly where: FilterNode | null;
  readonly orderBy: readonly OrderTerm[];
  readonly limit: Slot | null;
  readonly select: readonly string[] | null;
  readonly include: readonly IncludeNode[];
}

/** `_count: { select: { comments: true | { where } } }`: how many related rows each parent has. */
export interface RelationCount {
  readonly relation: string;
  readonly where: FilterNode | null;
}

export type AggFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** One aggregate over the matched rows; `field` null is `count(*)` (`_count: { _all: true }`). */
export interface AggTerm {
  readonly fn: AggFn;
  readonly field: string | null;
}

/**
 * What an aggregate/groupBy shows: `count` is 'number' for `_count: true`,
 * otherwise the counted fields ('_all' for every row). Other entries list fields.
 */
export interface AggSelection {
  readonly count: 'number' | readonly string[] | null;
  readonly sum: readonly string[] | null;
  readonly avg: readonly string[] | null;
  readonly min: readonly string[] | null;
  readonly max: readonly string[] | null;
}

export interface ReadShape {
  readonly where: FilterNode | null;
  readonly orderBy: readonly OrderTerm[];
  readonly limit: Slot | null;
  readonly offset: Slot | null;
  /** null: every field. Otherwise the selected fields (key fields are always fetched internally). */
  readonly select: readonly string[] | null;
  readonly include: readonly IncludeNode[];
  readonly allowScan: boolean;
  /** Relation counts (`_count`), or null when not asked for. */
  readonly counts: readonly RelationCount[] | null;
  /** `distinct: ['a', 'b']`: the first row (in query order) of each combination of these fields. */
  readonly distinct: readonly string[] | null;
}

export type UpdateOpKind = 'set' | 'increment' | 'decrement' | 'push';
export interface FieldUpdate {
  readonly field: string;
  readonly op: UpdateOpKind;
  readonly value: Slot;
}

export type QueryAst =
  | (ReadShape & { readonly kind: 'findMany'; readonly model: string })
  | (ReadShape & { readonly kind: 'findFirst'; readonly model: string; readonly orThrow: boolean })
  /** where is guaranteed to pin a key or a unique constraint by equality. */
  | (ReadShape & { readonly kind: 'findUnique'; readonly model: string; readonly orThrow: boolean; readonly uniqueBy: readonly string[] })
  | (ReadShape & {
      readonly kind: 'paginate';
      readonly model: string;
      readonly direction: 'forward' | 'backward';
      /** slot holding the page size */
      readonly size: Slot;
      /** slot holding the decoded cursor (target-specific boundary), or null for the first page */
      readonly cursor: Slot | null;
    })
  | { readonly kind: 'count'; readonly model: string; readonly where: FilterNode | null; readonly allowScan: boolean }
  /**
   * aggregate (`by` null: one result over every matched row) and groupBy (one result per
   * combination of the `by` fields). Results are "group rows" whose fields are the `by`
   * fields and one field per term named `_fn.field` (see groupRowModel); `having` and
   * `orderBy` are over those group rows.
   */
  | {
      readonly kind: 'aggregate';
      readonly model: string;
      readonly by: readonly string[] | null;
      readonly where: FilterNode | null;
      readonly allowScan: boolean;
      /** Every aggregate computed: the selection's, plus those having/orderBy refer to. */
      readonly terms: readonly AggTerm[];
      readonly output: AggSelection;
      readonly having: FilterNode | null;
      readonly orderBy: readonly OrderTerm[];
      readonly limit: Slot | null;
      readonly offset: Slot | null;
    }
  /** rows: a slot holding an array of complete rows (defaults, auto ids and timestamps already filled in). */
  /** `returning`: createManyAndReturn (the written rows, not `{ count }`). */
  | {
      readonly kind: 'create';
      readonly model: string;
      readonly many: boolean;
      readonly rows: Slot;
      readonly select: readonly string[] | null;
      readonly include: readonly IncludeNode[];
      readonly skipDuplicates: boolean;
      /** createMany: false lets a target that cannot write the call in one transaction split it (DynamoDB beyond 100 items). */
      readonly atomic: boolean;
      readonly returning: boolean;
    }
  | {
      readonly kind: 'update';
      readonly model: string;
      readonly many: boolean;
      readonly where: FilterNode | null;
      /** for `update`: the key/unique fields pinned by where */
      readonly uniqueBy: readonly string[] | null;
      readonly set: readonly FieldUpdate[];
      /** version() field incremented by this update, if the model has one */
      readonly versionField: string | null;
      /** updatedAt fields set to the slot's time */
      readonly select: readonly string[] | null;
      readonly include: readonly IncludeNode[];
      readonly allowScan: boolean;
    }
  | {
      readonly kind: 'upsert';
      readonly model: string;
      readonly where: FilterNode;
      readonly uniqueBy: readonly string[];
      readonly create: Slot;
      readonly set: readonly FieldUpdate[];
      readonly versionField: string | null;
      readonly select: readonly string[] | null;
      readonly include: readonly IncludeNode[];
    }
  | {
      readonly kind: 'delete';
      readonly model: string;
      readonly many: boolean;
      readonly where: FilterNode | null;
      readonly uniqueBy: readonly string[] | null;
      readonly select: readonly string[] | null;
      readonly allowScan: boolean;
    };

export type QueryKind = QueryAst['kind'];

/** What a client call turned into: the shape plus the values its slots point at. */
export interface BuiltQuery {
  readonly ast: QueryAst;
  readonly params: unknown[];
  /** JSON of the AST: equal shapes plan identically. */
  readonly shape: string;
}
