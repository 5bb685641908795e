/**
 * Key-value plan operations (DynamoDB). They describe *logical* requests:
 * tables are logical names (the driver adds its tablePrefix), conditions are
 * ASTs over attribute names, and values are references resolved at run time
 * (slots into the params array, or values the engine derives from an earlier
 * step). Nothing here is a pre-rendered expression string: the driver's
 * expression builder renders every attribute as `#n` and every value as `:v`.
 *
 * A plan is an ordered list of these plus engine steps (Merge, ClientFilter).
 * Every KV op carries a `role` saying which part of the query it serves, so an
 * executor can run a cached plan without re-deriving the access path.
 */

import type { OnDelete } from '../../schema/relation.js';

/** Where a value comes from when the request is built. */
export type KvValue =
  /** params[slot] */
  | { readonly from: 'param'; readonly slot: number }
  /** A base-table key attribute read by the preceding unique-index lookup. */
  | { readonly from: 'lookup'; readonly attr: string }
  /** Include: the parents' values of this field (one request value per parent, or a key list). */
  | { readonly from: 'parent'; readonly field: string }
  /** Writes that need the current item: the value of one of its fields as read before writing. */
  | { readonly from: 'item'; readonly field: string }
  /** A literal the engine chose (e.g. 1 for a version increment). Still sent as a :value placeholder. */
  | { readonly from: 'const'; readonly value: string | number | boolean | bigint | null };

export type KvCompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * A condition over attributes (FilterExpression / ConditionExpression). Two-valued like the
 * model AST: a comparison with a missing attribute is false, NOT is plain negation. The planner
 * already expanded `ne` on nullable fields to `attribute_not_exists OR <>`.
 */
export type KvCondition =
  | { readonly kind: 'and'; readonly items: readonly KvCondition[] }
  | { readonly kind: 'or'; readonly items: readonly KvCondition[] }
  | { readonly kind: 'not'; readonly item: KvCondition }
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'compare'; readonly attr: string; readonly op: KvCompareOp; readonly value: KvValue }
  | { readonly kind: 'between'; readonly attr: string; readonly low: KvValue; readonly high: KvValue }
  /** value resolves to an array; empty matches nothing, more than 100 is split into ORed INs. */
  | { readonly kind: 'in'; readonly attr: string; readonly values: KvValue }
  | { readonly kind: 'beginsWith'; readonly attr: string; readonly value: KvValue }
  /** Substring of a string attribute, or element of a list attribute. */
  | { readonly kind: 'contains'; readonly attr: string; readonly value: KvValue }
  | { readonly kind: 'exists'; readonly attr: string; readonly exists: boolean };

/** The one condition a KeyConditionExpression allows on the sort key. */
export type KvSortCondition =
  | { readonly op: '=' | '<' | '<=' | '>' | '>='; readonly value: KvValue }
  | { readonly op: 'between'; readonly low: KvValue; readonly high: KvValue }
  | { readonly op: 'beginsWith'; readonly value: KvValue };

export interface KvKeyCondition {
  /** `each`: the value is a list and one Query runs per element (partition `in`). */
  readonly partition: { readonly attr: string; readonly value: KvValue; readonly each: boolean };
  readonly sort: { readonly attr: string; readonly cond: KvSortCondition } | null;
}

/** One key attribute of a GetItem/BatchGetItem/UpdateItem/DeleteItem. */
export interface KvKeyPart {
  readonly attr: string;
  readonly value: KvValue;
  /** The value is a list: BatchGetItem fetches every combination (cross product with the other parts). */
  readonly each: boolean;
}

/** Which part of the query an operation serves. */
export type KvRole =
  /** Rows of the queried model. Several root reads (OR over keys) are unioned, deduplicated by key. */
  | { readonly role: 'root' }
  /**
   * Query on the list-entry table: the keys of the rows whose indexed list `field` holds the
   * value (one entry per row and distinct element), then a BatchGetItem of those rows.
   */
  | { readonly role: 'entries'; readonly field: string }
  /** GetItem on the unique-index table: finds the base key for a unique constraint's values. */
  | { readonly role: 'lookup'; readonly constraint: string; readonly fields: readonly string[] }
  /** Rows of an included relation; `path` is the relation path from the root (e.g. ['posts', 'comments']). */
  | {
      readonly role: 'include';
      readonly path: readonly string[];
      readonly relation: string;
      readonly cardinality: 'one' | 'many';
      /**
       * Fields on the parent rows whose values key the request, and the fields on the child rows
       * matching them, pairwise (several for a reference to a composite key).
       */
      readonly parentFields: readonly string[];
      readonly childFields: readonly string[];
      /**
       * manyToMany reads two steps: 'links' Queries the join model by `from` per parent (parentFields:
       * the parent's key, childFields: from); 'targets' BatchGets the targets the links point at
       * (parentFields: `to` on the link rows, childFields: the target's key).
       */
      readonly link?: 'links' | 'targets';
    }
  /** `_count` of a to-many relation: one COUNT Query per parent row (a fanout). */
  | { readonly role: 'count'; readonly relation: string; readonly parentFields: readonly string[]; readonly childFields: readonly string[] }
  /** The current item(s), read before a write (unique maintenance, version checks, returning rows). */
  | { readonly role: 'existing' }
  /**
   * Rows of `model` whose `fields` point at a `parentModel` row being deleted, read by that key
   * (a Query on the foreign key's index) to carry out `onDelete` in the delete's own transaction.
   */
  | { readonly role: 'dependents'; readonly parentModel: string; readonly fields: readonly string[]; readonly onDelete: OnDelete }
  /** A write of the query's method; `many` for createMany/updateMany/deleteMany. */
  | { readonly role: 'write'; readonly method: 'create' | 'update' | 'delete' | 'upsert'; readonly many: boolean };

interface KvBase {
  /** Schema accessor of the model (`db.post` → 'post'). */
  readonly model: string;
  /** Logical table name (ModelDef.table or the unique-index table); the driver prefixes it. */
  readonly table: string;
  readonly step: KvRole;
}

export interface KvGetItem extends KvBase {
  readonly kind: 'GetItem';
  readonly key: readonly KvKeyPart[];
  /**
   * Colocated relations whose children this read brings along: instead of a GetItem it is ONE
   * Query of the parent's item collection (paged past 1 MB), and those include steps are served by it.
   */
  readonly collection?: readonly string[];
  /** Conditions that BatchGetItem/GetItem cannot express, checked on the fetched item (see ClientFilter). */
  readonly filter: KvCondition | null;
}

export interface KvBatchGetItem extends KvBase {
  readonly kind: 'BatchGetItem';
  readonly key: readonly KvKeyPart[];
  readonly filter: KvCondition | null;
  /** Keys per request (DynamoDB's limit is 100). */
  readonly chunk: number;
}

export interface KvQuery extends KvBase {
  readonly kind: 'Query';
  /** GSI name, or null for the table itself. */
  readonly index: string | null;
  readonly key: KvKeyCondition;
  readonly filter: KvCondition | null;
  /**
   * Conditions on the queried index's own key attributes beyond the one key condition
   * (DynamoDB refuses them in a FilterExpression). The engine checks them on each returned
   * item, which the Query reads anyway: a declared ClientFilter, never a wider read.
   */
  readonly postFilter: KvCondition | null;
  readonly direction: 'forward' | 'backward';
  /** Logical limit (matches wanted after the filter); the engine keeps reading pages until met. */
  readonly limit: KvValue | null;
  /** Matches to skip first (offset, emulated by reading and discarding). */
  readonly offset: KvValue | null;
  /** Resumes after the paginate boundary in params[slot]. */
  readonly cursor: KvValue | null;
  readonly select: 'items' | 'count';
  /**
   * A sharded index (`index(f, { shards })`): the Query runs once per shard (the partition value
   * is replaced by each shard number) and the engine merges the shards by the sort key, then the
   * table key (`keyOrder`: asc in the query's order, desc when a backward page reads it reversed).
   * Declared by the schema, so not a fanout diagnostic.
   */
  readonly shards?: { readonly count: number; readonly field: string; readonly keyOrder: 'asc' | 'desc' };
  /** An include served by the root read of the item collection (KvGetItem.collection): no request of its own. */
  readonly collection?: boolean;
}

export interface KvScan extends KvBase {
  readonly kind: 'Scan';
  readonly filter: KvCondition | null;
  readonly limit: KvValue | null;
  readonly offset: KvValue | null;
  readonly cursor: KvValue | null;
  readonly select: 'items' | 'count';
}

/** One update action on an attribute (UpdateExpression SET/REMOVE). */
export type KvUpdate =
  /** value null-valued at run time → REMOVE (null fields are absent attributes). */
  | { readonly op: 'set'; readonly attr: string; readonly value: KvValue }
  | { readonly op: 'add'; readonly attr: string; readonly value: KvValue; readonly negate: boolean }
  | { readonly op: 'append'; readonly attr: string; readonly value: KvValue }
  /** A counter cache's net change (`ADD`): an attribute still missing (before its backfill) counts as 0. */
  | { readonly op: 'count'; readonly attr: string; readonly value: KvValue };

/** A unique constraint whose index entries a write maintains. */
export interface KvUniqueRef {
  readonly constraint: string;
  readonly fields: readonly string[];
}

export interface KvPutItem extends KvBase {
  readonly kind: 'PutItem';
  /** The rows to write (params[slot] is an array of complete rows), or one row. */
  readonly item: KvValue;
  /** Unique-index entries written with the item, each under attribute_not_exists. */
  readonly uniques: readonly KvUniqueRef[];
  readonly condition: KvCondition | null;
  /** createMany skipDuplicates: a row whose key or unique values exist is skipped, not an error. */
  readonly skipDuplicates: boolean;
  /** createMany: refuse (batch-too-large) rather than split into several transactions; `atomic: false` allows the split. */
  readonly atomic: boolean;
}

export interface KvUpdateItem extends KvBase {
  readonly kind: 'UpdateItem';
  readonly key: readonly KvKeyPart[];
  readonly updates: readonly KvUpdate[];
  /** Besides the item existing: the rest of the where, re-checked atomically. */
  readonly condition: KvCondition | null;
  /** version() field: incremented by every update; `expected` when the where pinned it. */
  readonly version: { readonly attr: string; readonly expected: KvValue | null } | null;
  /** Unique constraints touched by the update: their entries move in the same transaction. */
  readonly uniques: readonly KvUniqueRef[];
}

export interface KvDeleteItem extends KvBase {
  readonly kind: 'DeleteItem';
  readonly key: readonly KvKeyPart[];
  readonly condition: KvCondition | null;
  readonly version: { readonly attr: string; readonly expected: KvValue | null } | null;
  readonly uniques: readonly KvUniqueRef[];
}

export type KvWrite = KvPutItem | KvUpdateItem | KvDeleteItem;

/**
 * Writes sent together in TransactWriteItems (all or nothing, at most 100 items). For
 * updateMany/deleteMany the write applies to every item found by the preceding root reads;
 * `atomicLimit` items or fewer go in one transaction, more are split (a fanout warning).
 */
export interface KvTransactWrite extends KvBase {
  readonly kind: 'TransactWrite';
  readonly step: Extract<KvRole, { readonly role: 'write' }>;
  readonly items: readonly KvWrite[];
  readonly atomicLimit: number;
}

export type KvOperation = KvGetItem | KvBatchGetItem | KvQuery | KvScan | KvPutItem | KvUpdateItem | KvDeleteItem | KvTransactWrite;

export type KvReadOperation = KvGetItem | KvBatchGetItem | KvQuery | KvScan;

/** Name of the shared unique-index table (before the driver's prefix). The hyphen cannot appear in a model's table name, so it never collides. */
export const UNIQUE_TABLE = 'quern-unique';

/**
 * Name of the shared list-entry table (before the prefix): partition `pk` = model, field and
 * element; sort `sk` = the row's key. Created only for schemas with an indexed list.
 */
export const LIST_TABLE = 'quern-list';

export const isKvOperation = (op: { readonly kind: string }): op is KvOperation =>
  op.kind === 'GetItem' ||
  op.kind === 'BatchGetItem' ||
  op.kind === 'Query' ||
  op.kind === 'Scan' ||
  op.kind === 'PutItem' ||
  op.kind === 'UpdateItem' ||
  op.kind === 'DeleteItem' ||
  op.kind === 'TransactWrite';
