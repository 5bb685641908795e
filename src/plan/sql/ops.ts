/**
 * SQL plan operations: a statement AST the driver serialises, plus what the
 * SQL executor (src/engine/sql) needs to turn the statement's rows into the
 * method-level result without looking at the model-level query again.
 */
import type { Slot } from '../../query/ast.js';
import type { ModelDef } from '../../schema/model.js';
import type { SqlStatement } from './ast.js';

/**
 * The columns a statement returns for one model, so rows can be decoded per
 * field: top-level columns are named after fields; each include is one JSON
 * column named after the relation, holding rows of the related model.
 */
export interface RowShape {
  /** Schema key of the model (client accessor). */
  readonly model: string;
  readonly fields: readonly string[];
  readonly includes: readonly IncludeShape[];
  /** Relation counts, one bigint column `_count.<relation>` each; decoded into `_count: { relation: n }`. */
  readonly counts?: readonly string[];
  /** Rows of a model that is not in the schema (aggregate group rows): its field definitions. */
  readonly virtual?: ModelDef;
}

export interface IncludeShape {
  readonly relation: string;
  readonly cardinality: 'one' | 'many';
  readonly rows: RowShape;
}

/** How the executor turns a statement's rows into the method result. */
export type SqlResultSpec =
  /** findMany: every row. */
  | { readonly kind: 'rows'; readonly rows: RowShape }
  /** findUnique / findFirst: the first row or null (`orThrow`: NotFoundError). */
  | { readonly kind: 'first'; readonly rows: RowShape; readonly orThrow: boolean }
  /** count: the `count` column of the single row; `wrapped` gives `{ count }` (an updateMany with nothing to set). */
  | { readonly kind: 'count'; readonly wrapped: boolean }
  /** createMany / updateMany / deleteMany: `{ count }` from the affected-row count. */
  | { readonly kind: 'affected' }
  /**
   * create / update / upsert / delete: the returned row. No row means the
   * target did not exist (NotFoundError), or, when `onEmpty` is 'check', the
   * plan's existence check decides between ConcurrencyError and NotFoundError;
   * 'concurrency' means a row existed but failed the version condition.
   */
  | {
      readonly kind: 'written';
      readonly rows: RowShape;
      readonly onEmpty: 'not-found' | 'check' | 'concurrency';
      /**
       * Dialects without writable CTEs: the write returns only the row's key, and this statement
       * (its one param, slot 0, is that returned row) reads the row back with its includes.
       */
      readonly reread?: SqlOperation;
      /** Dialects without RETURNING: how the row is found before the write (see `Locate`). */
      readonly locate?: Locate;
      /** Where the re-read's key comes from when no row was returned or located: the created row in the query params. */
      readonly created?: { readonly slot: number; readonly path: readonly (string | number)[] };
      /** Key fields the write sets: the re-read looks the row up by their new values (slot of each value). */
      readonly keySet?: readonly { readonly field: string; readonly slot: number }[];
    }
  /**
   * paginate: `size + 1` rows in query order (reversed order when paging
   * backward); `boundary` names the fields whose values delimit a page.
   */
  | {
      readonly kind: 'page';
      readonly rows: RowShape;
      readonly size: Slot;
      readonly direction: 'forward' | 'backward';
      readonly hasCursor: boolean;
      readonly boundary: readonly string[];
      /** The slot holding the decoded cursor (checked against the boundary fields' types before sending). */
      readonly cursor: Slot | null;
    }
  /**
   * Runs only when the preceding write matched no row: a row here means the
   * record exists but its version moved on (ConcurrencyError); none means
   * NotFoundError.
   */
  | { readonly kind: 'exists' };

/**
 * A write on a dialect without RETURNING finds its row first, in the write's transaction:
 * `op` selects it with FOR UPDATE (so it cannot change before the write), from the query's
 * params. `missing`: 'empty' when no row means there is nothing to write (update, delete:
 * the onEmpty path runs and the write is not sent); 'write' when the write still runs (an
 * upsert inserts). A located row whose `_quern_matched` column is false failed the write's
 * condition (an upsert's where): the onEmpty path runs. `result`: the located row is the
 * method's result (a delete, whose row is gone afterwards).
 */
export interface Locate {
  readonly op: SqlOperation;
  readonly missing: 'empty' | 'write';
  readonly result: boolean;
  /** The write to run instead of the operation's statement when the row was found (an upsert's update). */
  readonly whenFound?: SqlOperation;
}

/** The column a locate statement reports an upsert's condition in. */
export const MATCHED_COLUMN = '_quern_matched';

export interface SqlOperation {
  readonly kind: 'sql';
  readonly stmt: SqlStatement;
  /** What the statement is for, for explain output and the executor. */
  readonly purpose: string;
  /** Schema key of the model the statement is about (error mapping, log events). */
  readonly model: string;
  readonly result: SqlResultSpec;
}
